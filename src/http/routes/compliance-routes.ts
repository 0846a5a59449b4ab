import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppServices } from '../app-services.js';
import { anyRole, requireRole } from '../auth.js';
import { openapiSchema } from '../openapi-schema.js';
import { HttpProblem } from '../problem.js';
import { validate } from '../validate.js';
import { customerSchema, utteranceText } from './conversation-routes.js';

const checkBody = z
  .object({
    text: utteranceText(20_000),
    speaker: z.enum(['agent', 'customer']).default('agent'),
    context: z
      .array(z.object({ speaker: z.enum(['agent', 'customer']), text: z.string().max(20_000) }).strict())
      .max(10_000)
      .optional(),
    language: z.enum(['zh', 'en']).optional(),
    customer: customerSchema.optional(),
  })
  .strict();

export async function complianceRoutes(app: FastifyInstance, services: AppServices): Promise<void> {
  const anyone = requireRole(services.apiKeys, ...anyRole);

  app.post('/v1/compliance/check', { preHandler: anyone, schema: { tags: ['compliance'], body: openapiSchema(checkBody) } }, async (request) => {
    const body = validate(checkBody, request.body, 'body');
    const input = {
      text: body.text,
      speaker: body.speaker,
      ...(body.context ? { context: body.context } : {}),
      ...(body.language ? { language: body.language } : {}),
      ...(body.customer ? { customer: body.customer } : {}),
    };
    let result;
    try {
      result = services.settings.judgeEnabled ? await services.compliance.checkWithJudge(input) : services.compliance.check(input);
    } catch (error) {
      // A judge that failed has not passed anything: the caller learns the check is incomplete.
      request.log.error({ err: error }, 'compliance judge failed');
      throw new HttpProblem(502, 'judge_failed', 'Compliance judge failed', 'The model judge could not be reached or answered badly; the check is incomplete, so no verdict is given.');
    }
    for (const finding of result.findings) services.metrics.complianceFindings.inc({ severity: finding.severity });
    return result;
  });

  app.get('/v1/compliance/rules', { preHandler: anyone, schema: { tags: ['compliance'] } }, async () => services.compliance.describe());
}
