import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { VersionReferenceError, type VersionReference } from '../../knowledge/knowledge-service.js';
import type { AppServices } from '../app-services.js';
import { anyRole, requireRole } from '../auth.js';
import { openapiSchema } from '../openapi-schema.js';
import { HttpProblem } from '../problem.js';
import { largestInt4 } from '../request-fields.js';
import { validate } from '../validate.js';

const referenceMessage = 'must be a version number (3) or a document id and version (<uuid>:3)';
const versionReference = z
  .string()
  .regex(/^(?:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}):)?(\d{1,10})$/i, referenceMessage)
  .transform((value, context): VersionReference => {
    const separator = value.lastIndexOf(':');
    const version = Number(value.slice(separator + 1));
    if (version < 1 || version > largestInt4) {
      context.addIssue({ code: 'custom', message: referenceMessage });
      return z.NEVER;
    }
    return separator < 0 ? { version } : { documentId: value.slice(0, separator).toLowerCase(), version };
  })
  .meta({ description: 'A version of this document: `3`, or `<documentId>:3` (which must be this document).' });

export const diffQuery = z.object({ from: versionReference.optional(), to: versionReference.optional() });
const idParams = z.object({ id: z.uuid({ error: 'must be a document id (UUID)' }) });

/** Version diffs: what a knowledge owner or approver reads before a change goes live. */
export async function knowledgeDiffRoutes(app: FastifyInstance, services: AppServices): Promise<void> {
  const read = requireRole(services.apiKeys, ...anyRole);
  app.get('/v1/knowledge/documents/:id/diff', { preHandler: read, schema: { tags: ['knowledge'], querystring: openapiSchema(diffQuery) } }, async (request) => {
    const { id } = validate(idParams, request.params, 'params');
    const query = validate(diffQuery, request.query, 'query');
    return services.knowledge.diff(id, { ...(query.from ? { from: query.from } : {}), ...(query.to ? { to: query.to } : {}) }).catch((error: unknown) => {
      if (error instanceof VersionReferenceError) {
        const status = error.code === 'version_not_found' ? 404 : 400;
        throw new HttpProblem(status, error.code, status === 404 ? 'Version not found' : 'Invalid request', error.message, [{ field: `query.${error.field}`, message: error.message }]);
      }
      throw error;
    });
  });
}
