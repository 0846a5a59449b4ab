import { z } from 'zod';
import {
  callOutcomeSchema,
  complaintCategorySchema,
  complaintSeveritySchema,
  followUpOwnerSchema,
  isoDateSchema,
  resolutionSchema,
  sentimentSchema,
  summaryEvidenceSchema,
  turnIdsSchema,
} from './summary-schema.js';

/**
 * What the model is asked to produce. Provider, model, prompt version, language and compliance are not
 * in it: code fills them, and compliance always comes from the rule engine, never from a model's opinion.
 * Optional values are nullable too, since providers with strict JSON schemas send null for "absent".
 */
export const modelSummarySchema = z.object({
  reason: z.string(),
  customerIntent: z.string(),
  productsDiscussed: z.array(z.object({ name: z.string(), turnIds: turnIdsSchema })),
  actionsTaken: z.array(z.object({ text: z.string(), turnIds: turnIdsSchema })),
  resolution: resolutionSchema,
  followUps: z.array(
    z.object({ action: z.string(), owner: followUpOwnerSchema, due: isoDateSchema.nullish(), turnIds: turnIdsSchema }),
  ),
  commitments: z.array(z.object({ text: z.string(), due: isoDateSchema.nullish(), turnIds: turnIdsSchema })),
  complaint: z.object({
    raised: z.boolean(),
    category: complaintCategorySchema.nullish(),
    severity: complaintSeveritySchema.nullish(),
  }),
  sentiment: z.object({ start: sentimentSchema, end: sentimentSchema }),
  evidence: summaryEvidenceSchema,
  dispositionCode: z.string(),
  // Added with issue 13; nullable so a model that leaves them out is completed by code, not rejected.
  reasonCategory: z.string().nullish(),
  outcome: callOutcomeSchema.nullish(),
  /** 2-4 sentences; longer is not a summary (the repair prompt asks again). */
  narrative: z.string().max(600).nullish(),
});

export type ModelSummary = z.infer<typeof modelSummarySchema>;
