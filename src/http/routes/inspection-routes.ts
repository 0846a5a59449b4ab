import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { InspectionNotFoundError, InvalidCursorError, ReviewRefusedError } from '../../inspections/inspection-service.js';
import type { AppServices } from '../app-services.js';
import { requireRole } from '../auth.js';
import { openapiSchema } from '../openapi-schema.js';
import { HttpProblem } from '../problem.js';
import { dateString, integerField } from '../request-fields.js';
import { validate } from '../validate.js';

export const inspectionListQuery = z
  .object({
    conversation: z.uuid({ error: 'must be a UUID' }).optional().meta({ description: 'The inspection of this call (the conversation id insights give as an example call).' }),
    agent: z.string().min(1).max(200).optional(),
    team: z.string().min(1).max(200).optional(),
    from: dateString.optional(),
    to: dateString.optional(),
    state: z.enum(['auto_passed', 'needs_review', 'confirmed', 'disputed', 'overturned']).optional(),
    item: z.string().min(1).max(200).optional().meta({ description: 'Only inspections where this scorecard item failed.' }),
    limit: integerField(1, 200).optional(),
    cursor: z.string().min(1).max(500).optional(),
  })
  .strict();

const idParams = z.object({ id: z.uuid({ error: 'must be a UUID' }) }).strict();

export const reviewBody = z
  .object({
    action: z.enum(['confirm', 'overturn', 'dispute'], { error: 'must be confirm, overturn or dispute' }),
    comment: z.string().trim().min(1).max(4_000).optional(),
  })
  .strict()
  .refine((body) => body.action === 'confirm' || body.comment !== undefined, { message: 'a comment is required to overturn or dispute', path: ['comment'] });

function mapError(error: unknown): never {
  if (error instanceof InspectionNotFoundError) throw HttpProblem.notFound(error.message);
  if (error instanceof InvalidCursorError) throw HttpProblem.badRequest(`cursor: ${error.message}`, [{ field: 'query.cursor', message: error.message }]);
  if (error instanceof ReviewRefusedError) throw error.code === 'review_conflict' ? HttpProblem.conflict(error.message) : new HttpProblem(403, 'forbidden', 'Forbidden', error.message);
  throw error;
}

export async function inspectionRoutes(app: FastifyInstance, services: AppServices): Promise<void> {
  const compliance = requireRole(services.apiKeys, 'compliance');
  const reviewers = requireRole(services.apiKeys, 'compliance', 'agent');
  app.get('/v1/inspections', { preHandler: compliance, schema: { tags: ['inspections'], querystring: openapiSchema(inspectionListQuery) } }, async (request) => {
    const query = validate(inspectionListQuery, request.query ?? {}, 'query');
    return services.inspections
      .list({
        ...(query.conversation ? { conversation: query.conversation } : {}),
        ...(query.agent ? { agent: query.agent } : {}),
        ...(query.team ? { team: query.team } : {}),
        ...(query.from ? { from: new Date(query.from) } : {}),
        ...(query.to ? { to: new Date(query.to) } : {}),
        ...(query.state ? { state: query.state } : {}),
        ...(query.item ? { item: query.item } : {}),
        ...(query.limit ? { limit: Number(query.limit) } : {}),
        ...(query.cursor ? { cursor: query.cursor } : {}),
      })
      .catch(mapError);
  });
  // Agents read and dispute their inspections; a desk-bound agent key sees only its desk's.
  app.get('/v1/inspections/:id', { preHandler: reviewers, schema: { tags: ['inspections'], params: openapiSchema(idParams) } }, async (request) => {
    const { id } = validate(idParams, request.params, 'params');
    const inspection = await services.inspections.get(id).catch(mapError);
    const desk = request.principal?.role === 'agent' ? request.principal.desk : undefined;
    if (desk !== undefined && inspection.team !== desk) throw HttpProblem.notFound(`inspection ${id} not found`);
    return inspection;
  });
  app.post('/v1/inspections/:id/review', { preHandler: reviewers, schema: { tags: ['inspections'], params: openapiSchema(idParams), body: openapiSchema(reviewBody) } }, async (request) => {
    const { id } = validate(idParams, request.params, 'params');
    const body = validate(reviewBody, request.body, 'body');
    const principal = request.principal!;
    if (principal.role === 'agent' && principal.desk !== undefined) {
      const inspection = await services.inspections.get(id).catch(mapError);
      if (inspection.team !== principal.desk) throw HttpProblem.notFound(`inspection ${id} not found`);
    }
    return services.inspections.review(id, { action: body.action, ...(body.comment ? { comment: body.comment } : {}) }, { keyId: principal.keyId, name: principal.name, role: principal.role }).catch(mapError);
  });
}
