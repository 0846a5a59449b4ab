import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppServices } from '../app-services.js';
import { requireRole } from '../auth.js';
import { openapiSchema } from '../openapi-schema.js';
import { dateTimeString } from '../request-fields.js';
import { validate } from '../validate.js';
import { utteranceText } from './conversation-routes.js';

const summaryBody = z
  .object({
    language: z.enum(['zh', 'en']).optional(),
    callEndedAt: dateTimeString.optional(),
    turns: z
      .array(
        z
          .object({
            id: z.string().min(1).max(200).optional(),
            speaker: z.enum(['customer', 'agent', 'system'], { error: 'must be customer, agent or system' }),
            text: utteranceText(20_000),
            at: z.string().max(64).optional(),
          })
          .strict(),
      )
      .min(1, 'must hold at least one turn')
      .max(5_000, 'must hold at most 5,000 turns'),
  })
  .strict()
  .refine((body) => new Set(body.turns.map((turn, index) => turn.id ?? `t${index + 1}`)).size === body.turns.length, { message: 'turn ids must be unique', path: ['turns'] });

export async function summaryRoutes(app: FastifyInstance, services: AppServices): Promise<void> {
  const agent = requireRole(services.apiKeys, 'agent');
  app.post('/v1/summaries', { preHandler: agent, schema: { tags: ['summaries'], body: openapiSchema(summaryBody) } }, async (request) => {
    const body = validate(summaryBody, request.body, 'body');
    const turns = body.turns.map((turn, index) => ({ id: turn.id ?? `t${index + 1}`, speaker: turn.speaker, text: turn.text, ...(turn.at ? { at: turn.at } : {}) }));
    const summary = await services.summaries.summarize(turns, {
      ...(body.language ? { language: body.language } : {}),
      ...(body.callEndedAt ? { callEndedAt: new Date(body.callEndedAt) } : {}),
    });
    return { summary };
  });
}
