import { z } from 'zod';

/** Ids of the transcript turns an extracted item came from, so the agent can check it against the call. */
export const turnIdsSchema = z.array(z.string());

export const isoDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected an ISO date YYYY-MM-DD');

export const resolutionSchema = z.enum(['resolved', 'unresolved', 'escalated', 'follow_up']);
/** How the call ended, finer than `resolution`: a promised call-back is not a resolved call. */
export const callOutcomeSchema = z.enum(['resolved', 'unresolved', 'callback_promised', 'transferred']);
export const followUpOwnerSchema = z.enum(['agent', 'bank', 'customer']);
export const sentimentSchema = z.enum(['positive', 'neutral', 'negative']);
export const complaintCategorySchema = z.enum([
  'fees',
  'service_attitude',
  'product_mis_selling',
  'card_account',
  'fraud_dispute',
  'other',
]);
export const complaintSeveritySchema = z.enum(['low', 'medium', 'high']);
export const summaryLanguageSchema = z.enum(['zh', 'en']);

/** `productId`: the knowledge base's id for the product (its document's externalId) when it is in the catalogue. */
export const productDiscussedSchema = z.object({ name: z.string(), productId: z.string().optional(), turnIds: turnIdsSchema });
/** One thing the customer asked for, with its contact-reason category (an id of contact-reasons.yaml). */
export const customerAskSchema = z.object({ category: z.string(), label: z.string(), text: z.string(), turnIds: turnIdsSchema });
export const actionTakenSchema = z.object({ text: z.string(), turnIds: turnIdsSchema });
export const commitmentSchema = z.object({ text: z.string(), due: isoDateSchema.optional(), turnIds: turnIdsSchema });
export const followUpSchema = z.object({
  action: z.string(),
  owner: followUpOwnerSchema,
  due: isoDateSchema.optional(),
  turnIds: turnIdsSchema,
});
export const complaintSchema = z.object({
  raised: z.boolean(),
  category: complaintCategorySchema.optional(),
  severity: complaintSeveritySchema.optional(),
  /** Raised although the customer never said 投诉 / "complaint" (anger, a refund demand, asking for a manager). */
  implicit: z.boolean().optional(),
});
export const summaryEvidenceSchema = z.object({
  reason: turnIdsSchema,
  customerIntent: turnIdsSchema,
  resolution: turnIdsSchema,
  complaint: turnIdsSchema,
});

/** Loose on purpose: the compliance engine is built separately and its findings only pass through here. */
export const complianceFindingSchema = z.object({
  ruleId: z.string(),
  severity: z.string(),
  title: z.string(),
  turnId: z.string().optional(),
  evidence: z.string().optional(),
});
export const complianceSummarySchema = z.object({
  findings: z.array(complianceFindingSchema),
  missingDisclosures: z.array(z.string()),
});

/** The post-call summary: field names are the API.md contract. */
export const summarySchema = z.object({
  reason: z.string(),
  customerIntent: z.string(),
  productsDiscussed: z.array(productDiscussedSchema),
  actionsTaken: z.array(actionTakenSchema),
  resolution: resolutionSchema,
  followUps: z.array(followUpSchema),
  commitments: z.array(commitmentSchema),
  complaint: complaintSchema,
  sentiment: z.object({ start: sentimentSchema, end: sentimentSchema }),
  compliance: complianceSummarySchema,
  evidence: summaryEvidenceSchema,
  dispositionCode: z.string(),
  language: summaryLanguageSchema,
  provider: z.string(),
  model: z.string(),
  promptVersion: z.string(),
  // Added with issue 13: optional so summaries stored before them still read; both summarisers always fill them.
  /** The contact-reason category id (contact-reasons.yaml), e.g. card_fees, loan, scam_report, other. */
  reasonCategory: z.string().optional().meta({ description: 'Contact-reason category id (src/summaries/contact-reasons.yaml): card_fees, card_lost_or_fraud, repayment_or_overdue, deposit_rates, wealth_or_fund_purchase, insurance, loan, transfer_or_remittance, account_or_password, scam_report, complaint, other.' }),
  /** The customer's main asks, strongest first. */
  customerAsks: z.array(customerAskSchema).optional().meta({ description: "The customer's main asks, strongest first: {category, label, text, turnIds}." }),
  outcome: callOutcomeSchema.optional().meta({ description: 'How the call ended; a promised call-back, reply within days or case passed to another team is callback_promised, never resolved.' }),
  /** 2-4 sentences in the call's language: who called about what, what was done, the outcome and what is open. */
  narrative: z.string().optional().meta({ description: '2-4 sentences in the call language: what the customer called about, what was done, the outcome and what is open (masked).' }),
  /** True when a model was asked but the summary came from the offline extractor instead. */
  degraded: z.boolean().optional(),
});

export type Summary = z.infer<typeof summarySchema>;
export type ComplianceSummary = z.infer<typeof complianceSummarySchema>;
export type ComplianceFinding = z.infer<typeof complianceFindingSchema>;
export type Resolution = z.infer<typeof resolutionSchema>;
export type CallOutcome = z.infer<typeof callOutcomeSchema>;
export type CustomerAsk = z.infer<typeof customerAskSchema>;
export type Complaint = z.infer<typeof complaintSchema>;
export type FollowUpOwner = z.infer<typeof followUpOwnerSchema>;
export type Sentiment = z.infer<typeof sentimentSchema>;
export type ComplaintCategory = z.infer<typeof complaintCategorySchema>;
export type ComplaintSeverity = z.infer<typeof complaintSeveritySchema>;
export type SummaryLanguage = z.infer<typeof summaryLanguageSchema>;
export type ProductDiscussed = z.infer<typeof productDiscussedSchema>;
export type ActionTaken = z.infer<typeof actionTakenSchema>;
export type Commitment = z.infer<typeof commitmentSchema>;
export type FollowUp = z.infer<typeof followUpSchema>;
export type SummaryEvidence = z.infer<typeof summaryEvidenceSchema>;

/**
 * What an agent may change when checking a summary: the content, never its provenance (provider, model,
 * prompt, language, evidence) nor the compliance section, which the rules wrote and an agent cannot waive.
 */
export const summaryEditSchema = summarySchema
  .pick({
    reason: true,
    customerIntent: true,
    productsDiscussed: true,
    actionsTaken: true,
    resolution: true,
    followUps: true,
    commitments: true,
    complaint: true,
    sentiment: true,
    dispositionCode: true,
    reasonCategory: true,
    customerAsks: true,
    outcome: true,
    narrative: true,
  })
  .partial()
  .strict();

export type SummaryEdit = z.infer<typeof summaryEditSchema>;
