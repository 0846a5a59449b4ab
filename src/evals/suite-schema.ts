import { z } from 'zod';

const identifier = z.string().trim().min(1).max(200);
const text = z.string().trim().min(1).max(20_000);
const language = z.enum(['zh', 'en']);

/** A phrasing a reply must contain; a list means any one of them will do (Chinese agents word things many ways). */
export const phrasingSchema = z.union([text, z.array(text).min(1)]);

const customerSchema = z
  .object({
    riskLevel: z.enum(['C1', 'C2', 'C3', 'C4', 'C5']).optional(),
    segment: z.string().max(100).optional(),
    vulnerable: z.boolean().optional(),
    age: z.number().int().min(0).max(130).optional(),
  })
  .strict();

/** A turn is `{speaker, text}` or the short form `{customer: "..."}` / `{agent: "..."}`. */
const turnSchema = z.union([
  z.object({ speaker: z.enum(['customer', 'agent']), text, id: identifier.optional() }).strict(),
  z.object({ customer: text }).strict(),
  z.object({ agent: text }).strict(),
]);

const scoring = {
  /** Weighted score a case needs when no critical check failed (0..1); the suite default applies when absent. */
  threshold: z.number().min(0).max(1).optional(),
  /** Check names whose failure fails the case outright, in addition to the defaults (rule violations, mustNotMatch). */
  critical: z.array(identifier).optional(),
  weights: z.record(z.string(), z.number().min(0).max(100)).optional(),
};

const caseBase = {
  id: z.string().trim().regex(/^[A-Za-z0-9][\w.:-]{0,119}$/, 'case ids are letters, digits, . _ : - (max 120)'),
  description: z.string().max(2_000).optional(),
  language: language.optional(),
  tags: z.array(identifier).max(30).optional(),
  ...scoring,
};

export const suggestionCaseSchema = z
  .object({
    ...caseBase,
    kind: z.literal('suggestion'),
    customer: customerSchema.optional(),
    turns: z.array(turnSchema).min(1).max(200),
    n: z.number().int().min(1).max(3).optional(),
    expect: z
      .object({
        /** Which replies the content checks read: the first shown (default) or any of them. */
        answer: z.enum(['top', 'any']).optional(),
        mustInclude: z.array(phrasingSchema).optional(),
        /** Regular expressions over the normalised reply; a match fails the case. */
        mustNotMatch: z.array(text).optional(),
        goldDocuments: z.array(identifier).optional(),
        /** `none`: the reply must cite nothing (hand-over on a question the base cannot answer). */
        citations: z.enum(['required', 'none', 'any']).optional(),
        /** Rule ids whose disclosure the replies must carry. */
        disclosures: z.array(identifier).optional(),
        /** Rules that must not fire on any reply, beyond the suite's default rules. */
        rules: z.array(identifier).optional(),
        reference: text.optional(),
        minOverlap: z.number().min(0).max(1).optional(),
        faithfulness: z.boolean().optional(),
      })
      .strict(),
  })
  .strict();

export const complianceCaseSchema = z
  .object({
    ...caseBase,
    kind: z.literal('compliance'),
    text,
    speaker: z.enum(['customer', 'agent']).optional(),
    context: z.array(turnSchema).max(200).optional(),
    customer: customerSchema.optional(),
    expect: z
      .object({
        rules: z.array(identifier).optional(),
        absent: z.array(identifier).optional(),
        verdict: z.enum(['pass', 'warn', 'fail']).optional(),
        /** No finding of any rule. */
        clean: z.boolean().optional(),
      })
      .strict()
      .refine((value) => value.rules?.length || value.absent?.length || value.verdict || value.clean, {
        message: 'a compliance case expects rules, absent, verdict or clean',
      }),
  })
  .strict();

export const summaryCaseSchema = z
  .object({
    ...caseBase,
    kind: z.literal('summary'),
    turns: z.array(turnSchema).min(1).max(2_000),
    expect: z
      .object({
        resolution: z.union([z.enum(['resolved', 'unresolved', 'escalated', 'follow_up']), z.array(z.enum(['resolved', 'unresolved', 'escalated', 'follow_up'])).min(1)]).optional(),
        complaintRaised: z.boolean().optional(),
        complaintCategory: z.enum(['fees', 'service_attitude', 'product_mis_selling', 'card_account', 'fraud_dispute', 'other']).optional(),
        followUp: z.boolean().optional(),
        products: z.array(phrasingSchema).optional(),
        productsAbsent: z.array(text).optional(),
        reasonIncludes: z.array(phrasingSchema).optional(),
      })
      .strict()
      .refine((value) => Object.values(value).some((item) => item !== undefined), { message: 'a summary case expects at least one field' }),
  })
  .strict();

export const retrievalCaseSchema = z
  .object({
    ...caseBase,
    kind: z.literal('retrieval'),
    query: text,
    k: z.number().int().min(1).max(50).optional(),
    kinds: z.array(z.enum(['product', 'compliance', 'script', 'faq'])).optional(),
    asOf: z.string().optional(),
    expect: z
      .object({
        goldDocuments: z.array(identifier).min(1),
        /** `any` (default): one gold document in the top k is enough; `all`: every one must be there. */
        match: z.enum(['any', 'all']).optional(),
        /** Documents that must not be retrieved at all (drafts, expired rate sheets). */
        forbiddenDocuments: z.array(identifier).optional(),
      })
      .strict(),
  })
  .strict();

export const evalCaseSchema = z.discriminatedUnion('kind', [suggestionCaseSchema, complianceCaseSchema, summaryCaseSchema, retrievalCaseSchema]);

export const suiteSchema = z
  .object({
    name: z.string().trim().regex(/^[a-z0-9][a-z0-9._-]{0,99}$/, 'suite names are lower-case letters, digits, . _ - (max 100)').optional(),
    description: z.string().max(5_000).optional(),
    language: language.optional(),
    tags: z.array(identifier).max(30).optional(),
    /**
     * The publish gate: submitting a knowledge version whose kind (and product, when listed) matches runs this
     * suite against the base with that version in place (src/evals/publish-gate.ts). No `gate:`, never a gate.
     */
    gate: z
      .object({
        kinds: z.array(z.enum(['product', 'compliance', 'script', 'faq'])).min(1).optional(),
        products: z.array(identifier).min(1).optional(),
      })
      .strict()
      .optional(),
    defaults: z
      .object({
        /** Rules checked on every suggestion case: none of them may fire on a reply. */
        rules: z.array(identifier).optional(),
        threshold: z.number().min(0).max(1).optional(),
        topK: z.number().int().min(1).max(50).optional(),
        n: z.number().int().min(1).max(3).optional(),
        minOverlap: z.number().min(0).max(1).optional(),
        faithfulness: z.boolean().optional(),
        asOf: z.string().optional(),
      })
      .strict()
      .optional(),
    cases: z.array(evalCaseSchema).min(1).max(5_000),
  })
  .strict();

export type SuiteDefinition = z.infer<typeof suiteSchema>;
export type EvalCase = z.infer<typeof evalCaseSchema>;
export type SuggestionCase = z.infer<typeof suggestionCaseSchema>;
export type ComplianceCase = z.infer<typeof complianceCaseSchema>;
export type SummaryCase = z.infer<typeof summaryCaseSchema>;
export type RetrievalCase = z.infer<typeof retrievalCaseSchema>;
export type Phrasing = z.infer<typeof phrasingSchema>;
export type SuiteTurn = z.infer<typeof turnSchema>;
export type CaseKind = EvalCase['kind'];

export interface LoadedSuite {
  name: string;
  /** First 12 hex of the SHA-256 of the validated suite: any change to a case or default changes it. */
  version: string;
  /** Where it came from: a path, or '(inline)' for a suite posted to the API. */
  file: string;
  definition: SuiteDefinition;
  /** 1-based line of each case in its file, for error messages and reports. */
  caseLines: Record<string, number>;
}

/** Expands the short turn forms into `{id, speaker, text}` with stable ids t1, t2, ... */
export function expandTurns(turns: readonly SuiteTurn[]): { id: string; speaker: 'customer' | 'agent'; text: string }[] {
  return turns.map((turn, index) => {
    if ('speaker' in turn) return { id: turn.id ?? `t${index + 1}`, speaker: turn.speaker, text: turn.text };
    if ('customer' in turn) return { id: `t${index + 1}`, speaker: 'customer', text: turn.customer };
    return { id: `t${index + 1}`, speaker: 'agent', text: turn.agent };
  });
}
