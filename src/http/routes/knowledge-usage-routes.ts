import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { GapNotFoundError, GapResolvedError, UsagePeriodError, usageKinds } from '../../knowledge/knowledge-usage.js';
import { maximumQuestionCharacters } from '../../knowledge/similar-questions.js';
import type { AppServices } from '../app-services.js';
import { requireRole } from '../auth.js';
import { openapiSchema } from '../openapi-schema.js';
import { HttpProblem } from '../problem.js';
import { dateString } from '../request-fields.js';
import { validate } from '../validate.js';

const period = {
  from: dateString.optional().meta({ description: 'First business day (YYYY-MM-DD, in BUSINESS_UTC_OFFSET; a timestamp counts its day); default 29 days before `to`.' }),
  to: dateString.optional().meta({ description: 'Last business day, included whole; default today.' }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
};

export const usageQuery = z.object({
  ...period,
  documentId: z.uuid({ error: 'must be a document id (UUID)' }).optional(),
  kind: z.enum(usageKinds).optional(),
});
export const gapListQuery = z.object({ ...period, status: z.enum(['open', 'drafted', 'proposed']).optional() });
const gapParams = z.object({ id: z.uuid({ error: 'must be a gap id (UUID)' }) });
const question = z.string().trim().min(1, 'must not be empty').max(maximumQuestionCharacters, `must be at most ${maximumQuestionCharacters} characters`);
export const draftBody = z
  .object({
    answer: z.string().trim().min(1, 'must not be empty').max(20_000),
    questions: z.array(question).min(1, 'give at least one question').max(50).optional(),
    externalId: z.string().trim().min(1).max(200).optional(),
    product: z.string().trim().min(1).max(200).optional(),
  })
  .strict();
export const proposeBody = z.object({ documentId: z.uuid({ error: 'must be a document id (UUID)' }), question: question.optional() }).strict();

function mapUsageErrors(error: unknown): never {
  if (error instanceof UsagePeriodError) throw HttpProblem.badRequest(error.message, [{ field: `query.${error.field}`, message: error.message }]);
  if (error instanceof GapNotFoundError) throw HttpProblem.notFound(error.message);
  if (error instanceof GapResolvedError) throw new HttpProblem(409, error.code, 'Conflict', error.message);
  throw error;
}

/** Usage of the knowledge and the questions it could not answer: for knowledge owners and compliance staff. */
export async function knowledgeUsageRoutes(app: FastifyInstance, services: AppServices): Promise<void> {
  const read = requireRole(services.apiKeys, 'knowledge_owner', 'compliance');
  const write = requireRole(services.apiKeys, 'knowledge_owner');
  const actor = (request: FastifyRequest) => ({ id: request.principal?.keyId ?? 'unknown' });

  app.get('/v1/knowledge/usage', { preHandler: read, schema: { tags: ['knowledge'], querystring: openapiSchema(usageQuery) } }, async (request) => {
    const query = validate(usageQuery, request.query, 'query');
    return services.usage
      .usage({ limit: query.limit, ...(query.from ? { from: query.from } : {}), ...(query.to ? { to: query.to } : {}), ...(query.documentId ? { documentId: query.documentId } : {}), ...(query.kind ? { kind: query.kind } : {}) })
      .catch(mapUsageErrors);
  });

  app.get('/v1/knowledge/gaps', { preHandler: read, schema: { tags: ['knowledge'], querystring: openapiSchema(gapListQuery) } }, async (request) => {
    const query = validate(gapListQuery, request.query, 'query');
    return services.usage
      .listGaps({ limit: query.limit, ...(query.from ? { from: query.from } : {}), ...(query.to ? { to: query.to } : {}), ...(query.status ? { status: query.status } : {}) })
      .catch(mapUsageErrors);
  });

  app.get('/v1/knowledge/gaps/:id', { preHandler: read, schema: { tags: ['knowledge'] } }, async (request) => {
    const { id } = validate(gapParams, request.params, 'params');
    return services.usage.getGap(id).catch(mapUsageErrors);
  });

  app.post('/v1/knowledge/gaps/:id/draft', { preHandler: write, schema: { tags: ['knowledge'], body: openapiSchema(draftBody) } }, async (request, reply) => {
    const { id } = validate(gapParams, request.params, 'params');
    const body = validate(draftBody, request.body, 'body');
    const drafted = await services.usage
      .draftFaq(id, { answer: body.answer, ...(body.questions ? { questions: body.questions } : {}), ...(body.externalId ? { externalId: body.externalId } : {}), ...(body.product ? { product: body.product } : {}) }, actor(request))
      .catch(mapUsageErrors);
    return reply.status(201).send(drafted);
  });

  app.post('/v1/knowledge/gaps/:id/propose', { preHandler: write, schema: { tags: ['knowledge'], body: openapiSchema(proposeBody) } }, async (request, reply) => {
    const { id } = validate(gapParams, request.params, 'params');
    const body = validate(proposeBody, request.body, 'body');
    const result = await services.usage.proposeQuestion(id, { documentId: body.documentId, ...(body.question ? { question: body.question } : {}) }, actor(request)).catch(mapUsageErrors);
    if (result.proposed === 0) {
      const detail = `document ${body.documentId} is not a current FAQ row, or already has this question: nothing was proposed`;
      throw new HttpProblem(409, 'not_proposable', 'Conflict', detail, [{ field: 'documentId', message: detail }]);
    }
    return reply.status(201).send(result);
  });
}
