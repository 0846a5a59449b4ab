import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppServices } from '../app-services.js';
import type { JudgedCheckResult } from '../../compliance/compliance-types.js';
import { UnknownProfileError } from '../../compliance/compliance-profiles.js';
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
    language: z
      .enum(['zh', 'en'])
      .optional()
      .describe("The primary language (the conversation's): its rule pack runs in full. Every other language a sentence is written in adds its pack's prohibitions. Absent: detected from the text."),
    customer: customerSchema.optional(),
    explain: z.boolean().default(false).describe('true: each finding carries `explain`, the detector (and meaning frame) that fired and the words each of its slots matched.'),
    profile: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .optional()
      .describe('The compliance profile to check under (CN, US, UK, EU, or several joined by commas); absent, the deployment\'s COMPLIANCE_PROFILE.'),
    requireJudge: z
      .boolean()
      .default(false)
      .describe('true: answer 502 when the model judge fails or runs out of time, instead of the rules\' verdict with judge "unavailable".'),
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
      ...(body.explain ? { explain: true } : {}),
      ...(body.profile ? { profile: body.profile } : {}),
    };
    try {
      services.compliance.profileOf(body.profile);
    } catch (error) {
      if (error instanceof UnknownProfileError) throw HttpProblem.badRequest(error.message, [{ field: 'profile', message: `unknown profile ${error.unknown.join(', ')}; known: ${error.known.join(', ')}` }]);
      throw error;
    }
    let result: JudgedCheckResult;
    if (!services.settings.judgeEnabled) {
      if (body.requireJudge) {
        // The request cannot be met by this deployment whatever is retried: a 4xx naming the field, not a 5xx.
        const detail = 'This service runs without a model (no OPENAI_API_KEY), so no judged verdict can be given; send requireJudge: false for the rules\' verdict.';
        throw new HttpProblem(422, 'judge_not_configured', 'No compliance judge', detail, [{ field: 'requireJudge', message: 'no judge is configured' }]);
      }
      result = { ...services.compliance.check(input), judge: 'disabled' };
    } else {
      // A desktop needs a verdict even when the model is down: the rules' verdict comes back, marked as unjudged.
      result = await services.compliance.checkWithJudge(input);
      if (result.judgeError) {
        services.metrics.modelErrors.inc({ operation: 'compliance_judge', cause: result.judgeError.code });
        request.log.warn({ judgeError: result.judgeError }, 'compliance judge unavailable');
        if (body.requireJudge) throw new HttpProblem(502, 'judge_failed', 'Compliance judge failed', `${result.judgeError.message} The check is incomplete, so no verdict is given.`);
      }
    }
    for (const finding of result.findings) services.metrics.complianceFindings.inc({ severity: finding.severity });
    return result;
  });

  app.get('/v1/compliance/rules', { preHandler: anyone, schema: { tags: ['compliance'] } }, async () => services.compliance.describe());
}
