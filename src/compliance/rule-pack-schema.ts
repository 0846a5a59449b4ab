import { z } from 'zod';

const patterns = z.array(z.string().min(1)).min(1);

const turnSchema = z.object({ speaker: z.enum(['customer', 'agent']), text: z.string() }).strict();

const customerSchema = z
  .object({
    riskLevel: z.enum(['C1', 'C2', 'C3', 'C4', 'C5']).optional(),
    vulnerable: z.boolean().optional(),
    age: z.number().int().min(0).max(130).optional(),
    segment: z.string().optional(),
  })
  .strict();

/** An example is a plain utterance, or an utterance with the conversation state the rule needs. */
export const ruleExampleSchema = z.union([
  z.string().min(1),
  z
    .object({
      text: z.string().min(1),
      speaker: z.enum(['agent', 'customer']).optional(),
      context: z.array(turnSchema).optional(),
      customer: customerSchema.optional(),
      note: z.string().optional(),
    })
    .strict(),
]);

/**
 * How a rule is detected. Patterns are regular expressions over the normalised, lower-cased text; a named group
 * `core` marks the part of a cue that negation must scope over (negators elsewhere in the match still count).
 */
export const detectorSchema = z
  .object({
    /** Whose utterance the rule checks (default agent). */
    appliesTo: z.enum(['agent', 'customer', 'any']).optional(),
    /** Gate: one of these must occur in the text or the context window. */
    topics: patterns.optional(),
    /** Gate: the conversation must show this state (a third party on the line, a vulnerable customer...). */
    situation: z
      .object({
        customer: patterns.optional(),
        text: patterns.optional(),
        vulnerableProfile: z.boolean().optional(),
        /** 'identifiers': only the identifier detectors need the situation (a phone number is fine to its owner). */
        gates: z.enum(['all', 'identifiers']).optional(),
      })
      .strict()
      .optional(),
    /** Asserted cues: skipped when negated, inside quotation marks, in reported speech or (unless includeQuestions) in a question. */
    cues: patterns.optional(),
    /** Cues that count even in a question or after a negator (rhetorical "怎么可能亏呢"); only quotation is honoured. */
    strongCues: patterns.optional(),
    /**
     * Answers: a cue that only means something as the reply to what the customer just asked ("不会的" to "会亏吗",
     * "别管了" to "要收违约金吗"). Counts when the latest customer turn matches `to`, and neither the text nor an
     * earlier agent turn carries `unless` (the caveat that makes the short answer honest). Only quotation is honoured.
     */
    replyCues: z.array(z.object({ to: patterns, cues: patterns, unless: patterns.optional() }).strict()).min(1).optional(),
    /** Cues that count only when `situation` holds, even where the situation gates only identifiers. */
    situationCues: patterns.optional(),
    /** The rule stands aside when the customer's turns show this (a third party asking: the third-party rule owns it). */
    exceptCustomer: patterns.optional(),
    /** A cue only counts when one of these occurs in the same sentence. */
    with: patterns.optional(),
    /** A cue does not count when one of these occurs in the same sentence. */
    safe: patterns.optional(),
    /** Requests phrased as questions are still requests. */
    includeQuestions: z.boolean().optional(),
    /** Procedure rules: a cue only counts when no earlier agent turn (or earlier part of the text) shows this step. */
    prerequisite: z.object({ agent: patterns, unless: patterns.optional() }).strict().optional(),
    /** Disclosure rules: the topic that makes the disclosure due. */
    trigger: z
      .object({
        text: patterns.optional(),
        textWith: patterns.optional(),
        customer: patterns.optional(),
        /**
         * Where `customer` is looked for: any customer turn of the window (default), or only the latest one, for a
         * duty that is a reply to a question ("are you a bot?") rather than owed for the rest of the call.
         */
        customerTurn: z.enum(['window', 'latest']).optional(),
      })
      .strict()
      .optional(),
    /** Disclosure rules: wording that counts as the disclosure (in the text or an earlier agent turn of the window). */
    satisfiedBy: patterns.optional(),
    /** Identifier detectors with checksums. */
    identifiers: z.array(z.enum(['china_id', 'card_number', 'phone_number', 'us_ssn'])).min(1).optional(),
    /** Suitability: customer level vs the risk level of a product the agent recommends. */
    suitability: z
      .object({
        pitch: patterns,
        safe: patterns.optional(),
        customerLevels: z.array(z.object({ pattern: z.string().min(1), level: z.number().int().min(1).max(5) }).strict()).optional(),
        productTypes: z.array(z.object({ pattern: z.string().min(1), level: z.number().int().min(1).max(5) }).strict()).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export const ruleSchema = z
  .object({
    id: z.string().regex(/^[A-Z]{2}(-[A-Z0-9]+)+$/, 'ids look like CN-SALES-001'),
    title: z.string().min(1),
    source: z.string().min(1),
    /** As the catalogue marks it: `unconfirmed` means the article was not located and must be checked before it is quoted. */
    sourceStatus: z.enum(['confirmed', 'secondary', 'unconfirmed']).optional(),
    severity: z.enum(['critical', 'major', 'minor']),
    kind: z.enum(['forbidden_statement', 'forbidden_request', 'required_disclosure', 'required_procedure', 'suitability', 'personal_data', 'conduct']),
    /** Marked rules are also sent to the model judge by checkWithJudge and by the judge pass on agent turns. */
    judge: z.boolean().optional(),
    /**
     * The jurisdictions the rule belongs to, when its pack spans several (a pack for US and UK holds US-only
     * rules): a subset of the pack's. Absent: every jurisdiction of the pack.
     */
    jurisdictions: z.array(z.string().min(1)).min(1).optional(),
    explanation: z.string().min(1),
    fix: z.string().min(1),
    /** Approved wording the suggestion guard appends (required for required_disclosure rules). */
    remedy: z.string().min(1).optional(),
    detector: detectorSchema,
    examples: z
      .object({
        violating: z.array(ruleExampleSchema),
        compliant: z.array(ruleExampleSchema),
      })
      .strict(),
    /**
     * Violating phrasings compliance staff add when a violation was missed: each must be flagged by this rule,
     * checked at start-up like the examples (`agent-assist rules test` prints them per rule).
     */
    paraphrases: z.array(ruleExampleSchema).optional(),
  })
  .strict();

export const rulePackSchema = z
  .object({
    id: z.string().min(1),
    jurisdiction: z.string().min(1),
    language: z.enum(['zh', 'en']),
    description: z.string().optional(),
    rules: z.array(ruleSchema).min(1),
  })
  .strict();

export type RuleExample = z.infer<typeof ruleExampleSchema>;
export type DetectorSpec = z.infer<typeof detectorSchema>;
export type RuleDefinition = z.infer<typeof ruleSchema> & {
  jurisdiction: string;
  language: 'zh' | 'en';
  packId: string;
  /** The rule's own `jurisdictions`, or every jurisdiction its pack names ("US, UK" -> US and UK). */
  appliesIn: string[];
};
export type RulePack = Omit<z.infer<typeof rulePackSchema>, 'rules'> & { rules: RuleDefinition[]; file?: string };
