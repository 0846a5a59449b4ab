import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { SuiteError } from '../../evals/suite-error.js';
import { FourEyesError, ReviewStateError } from '../../knowledge/document-review.js';
import type { AppServices } from '../app-services.js';
import { requireRole } from '../auth.js';
import { openapiSchema } from '../openapi-schema.js';
import { HttpProblem } from '../problem.js';
import { integerField } from '../request-fields.js';
import { validate } from '../validate.js';

const versionParams = z.object({ id: z.uuid({ error: 'must be a document id (UUID)' }), version: integerField(1) });
const comment = z.string().trim().min(1, 'must not be empty').max(2_000);

export const submitBody = z.object({ comment: comment.optional() }).strict();
export const reviewApproveBody = z
  .object({
    comment: comment.optional(),
    /** Why the version may go live although its eval gate found regressions or failed to run (audited). */
    override: z.string().trim().min(1, 'must say why').max(2_000).optional(),
  })
  .strict();
export const reviewRejectBody = z.object({ comment: z.string().trim().min(1, 'must say why').max(2_000) }).strict();
export const reviewQueueQuery = z.object({
  owner: z.string().trim().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** The review workflow's refusals as problems a caller can act on. */
function asProblem(error: unknown): never {
  if (error instanceof FourEyesError) throw new HttpProblem(403, error.code, 'Four eyes required', error.message);
  if (error instanceof ReviewStateError) throw new HttpProblem(409, error.code, 'Conflict', error.message);
  if (error instanceof SuiteError) {
    throw new HttpProblem(422, 'invalid_gate_suite', 'Invalid gate suite', `the eval gate cannot run: ${error.message}`, [{ field: 'suite', message: error.message }]);
  }
  throw error;
}

export async function reviewRoutes(app: FastifyInstance, services: AppServices): Promise<void> {
  const write = requireRole(services.apiKeys, 'knowledge_owner');
  // Compliance staff approve too: a rate or a disclosure going live is theirs to sign off.
  const decide = requireRole(services.apiKeys, 'knowledge_owner', 'compliance');
  const actor = (request: FastifyRequest) => ({ id: request.principal?.keyId ?? 'unknown' });

  app.post('/v1/knowledge/documents/:id/versions/:version/submit', { preHandler: write, schema: { tags: ['knowledge'], body: openapiSchema(submitBody) } }, async (request, reply) => {
    const { id, version } = validate(versionParams, request.params, 'params');
    const body = validate(submitBody, request.body ?? {}, 'body');
    const result = await services.review.submit(id, version, actor(request), body.comment).catch(asProblem);
    return reply.status(202).send(result);
  });

  app.post('/v1/knowledge/documents/:id/versions/:version/approve', { preHandler: decide, schema: { tags: ['knowledge'], body: openapiSchema(reviewApproveBody) } }, async (request) => {
    const { id, version } = validate(versionParams, request.params, 'params');
    const body = validate(reviewApproveBody, request.body ?? {}, 'body');
    return services.review
      .approve(id, version, actor(request), { ...(body.comment ? { comment: body.comment } : {}), ...(body.override ? { override: body.override } : {}) })
      .catch(asProblem);
  });

  app.post('/v1/knowledge/documents/:id/versions/:version/reject', { preHandler: decide, schema: { tags: ['knowledge'], body: openapiSchema(reviewRejectBody) } }, async (request) => {
    const { id, version } = validate(versionParams, request.params, 'params');
    const body = validate(reviewRejectBody, request.body, 'body');
    return services.review.reject(id, version, actor(request), body.comment).catch(asProblem);
  });

  app.get('/v1/knowledge/documents/:id/versions/:version/checks', { preHandler: decide, schema: { tags: ['knowledge'] } }, async (request) => {
    const { id, version } = validate(versionParams, request.params, 'params');
    return services.review.checks(id, version);
  });

  app.get('/v1/knowledge/review-queue', { preHandler: decide, schema: { tags: ['knowledge'], querystring: openapiSchema(reviewQueueQuery) } }, async (request) => {
    const query = validate(reviewQueueQuery, request.query, 'query');
    return services.reviewQueue.list({ limit: query.limit, ...(query.owner ? { owner: query.owner } : {}) });
  });
}
