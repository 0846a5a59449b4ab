import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { insightGroupings, type InsightQuery } from '../../insights/insight-service.js';
import { renderInsightsCsv } from '../../insights/render-insights.js';
import type { AppServices } from '../app-services.js';
import { requireRole } from '../auth.js';
import { openapiSchema } from '../openapi-schema.js';
import { dateString, integerField } from '../request-fields.js';
import { validate } from '../validate.js';

export const insightQuery = z
  .object({
    from: dateString,
    to: dateString,
    team: z.string().min(1).max(200).optional(),
    product: z.string().min(1).max(200).optional(),
    channel: z.enum(['voice', 'chat']).optional(),
    language: z.enum(['zh', 'en']).optional(),
    groupBy: z.enum(insightGroupings).optional(),
    limit: integerField(1, 100).optional(),
  })
  .strict()
  .refine((query) => Date.parse(query.from) < Date.parse(query.to), { message: 'must be after from', path: ['to'] })
  .refine((query) => Date.parse(query.to) - Date.parse(query.from) <= 366 * 86_400_000, { message: 'a period is at most 366 days', path: ['to'] });

function toQuery(query: z.infer<typeof insightQuery>): InsightQuery {
  return {
    from: new Date(query.from),
    to: new Date(query.to),
    ...(query.team ? { team: query.team } : {}),
    ...(query.product ? { product: query.product } : {}),
    ...(query.channel ? { channel: query.channel } : {}),
    ...(query.language ? { language: query.language } : {}),
    ...(query.groupBy ? { groupBy: query.groupBy } : {}),
    ...(query.limit ? { limit: Number(query.limit) } : {}),
  };
}

export async function insightRoutes(app: FastifyInstance, services: AppServices): Promise<void> {
  // Insights and their export show what customers said across the centre: compliance and admin only.
  const compliance = requireRole(services.apiKeys, 'compliance');
  app.get('/v1/insights', { preHandler: compliance, schema: { tags: ['inspections'], querystring: openapiSchema(insightQuery) } }, async (request) => {
    return services.insights.insights(toQuery(validate(insightQuery, request.query ?? {}, 'query')));
  });
  app.get('/v1/insights/export', { preHandler: compliance, schema: { tags: ['inspections'], querystring: openapiSchema(insightQuery) } }, async (request, reply) => {
    const query = validate(insightQuery, request.query ?? {}, 'query');
    const insights = await services.insights.insights(toQuery(query));
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="insights-${query.from.slice(0, 10)}-${query.to.slice(0, 10)}.csv"`)
      .send(renderInsightsCsv(insights));
  });
}
