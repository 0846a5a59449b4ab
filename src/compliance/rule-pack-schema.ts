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

/** A word family named in a frame slot: lower-case words joined by hyphens. */
const familyName = z.string().regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, 'word family names look like deposit-likeness');
const familyList = z.array(familyName).min(1);

/**
 * A meaning frame: the rule fires when what is claimed (`claim`, asserted by the speaker: not negated, quoted,
 * reported or asked) is said about the frame's subject (`about`) in the conversation state the frame names.
 * Every slot lists word families (evals/rules/word-families/*.yaml or the pack's `families:`), not words, so
 * one frame catches the many ways people say the same thing.
 */
export const frameSchema = z
  .object({
    id: familyName,
    description: z.string().optional(),
    /** What it is about: one of these families in the text or the conversation window (`aboutIn` narrows it). */
    about: familyList.optional(),
    aboutIn: z.enum(['sentence', 'text', 'conversation']).optional(),
    /** What is claimed: one of these families asserted in the text. */
    claim: familyList,
    /** Claims that count even negated or asked ("怎么可能亏", "how could you lose"): only quotation is honoured. */
    rhetorical: z.boolean().optional(),
    /** Requests phrased as questions are still requests. */
    includeQuestions: z.boolean().optional(),
    /** One of these must occur in the claim's sentence. */
    with: familyList.optional(),
    /** The frame stands aside when one of these occurs in the claim's sentence (a caveat, an explanation). */
    unlessSentence: familyList.optional(),
    /** The frame stands aside when one of these occurs anywhere in the text or an earlier agent turn (a disclosure given). */
    unless: familyList.optional(),
    /** The customer's latest turn must show one of these (what the claim answers). */
    asked: familyList.optional(),
    /** Conversation state: what the customer's turns show, what earlier agent turns did or did not do, the profile. */
    state: z
      .object({
        customerSaid: familyList.optional(),
        agentSaid: familyList.optional(),
        agentNotSaid: familyList.optional(),
        vulnerable: z.boolean().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** A word family: the patterns (regular expressions over normalised text) and examples each must be caught by. */
export const wordFamilySchema = z
  .object({
    description: z.string().min(1),
    patterns,
    /** Phrases the family must match (checked at load): the family's own test cases. */
    examples: z.array(z.string().min(1)).min(1),
  })
  .strict();

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
    /** Meaning frames (see frameSchema). */
    frames: z.array(frameSchema).min(1).optional(),
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

const remedyTranslationSchema = z
  .object({
    text: z.string().min(1),
    satisfiedBy: z.array(z.string().min(1)).min(1),
    /**
     * Rules of that language's packs that find the same duty raised (a cancelled policy, a credit cost) under
     * another jurisdiction's law: on a call governed from this rule's jurisdiction, their finding makes this wording
     * due in their place.
     */
    raisedBy: z.array(z.string().min(1)).min(1).optional(),
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
    /**
     * The same approved wording in the other language, for a call governed from this rule's jurisdiction but held in
     * that language (a customer of a mainland branch speaking English): `text` is appended, `satisfiedBy` (patterns
     * over the normalised lower-case reply) tells a reply that already says it.
     */
    remedyIn: z
      .object({ zh: remedyTranslationSchema.optional(), en: remedyTranslationSchema.optional() })
      .strict()
      .optional(),
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
    /** Word families only this pack's frames use; shared ones live in word-families/*.yaml. */
    families: z.record(familyName, wordFamilySchema).optional(),
    rules: z.array(ruleSchema).min(1),
  })
  .strict();

/** A shared word-family file: evals/rules/word-families/<name>.yaml. */
export const wordFamilyFileSchema = z
  .object({
    language: z.enum(['zh', 'en']),
    description: z.string().optional(),
    families: z.record(familyName, wordFamilySchema),
  })
  .strict();

export type RuleExample = z.infer<typeof ruleExampleSchema>;
export type FrameSpec = z.infer<typeof frameSchema>;
export type WordFamily = z.infer<typeof wordFamilySchema>;
export type DetectorSpec = z.infer<typeof detectorSchema>;
export type RuleDefinition = z.infer<typeof ruleSchema> & {
  jurisdiction: string;
  language: 'zh' | 'en';
  packId: string;
  /** The patterns of every word family the rule's frames name, resolved at load. */
  wordFamilies?: Record<string, string[]>;
  /** The rule's own `jurisdictions`, or every jurisdiction its pack names ("US, UK" -> US and UK). */
  appliesIn: string[];
};
export type RulePack = Omit<z.infer<typeof rulePackSchema>, 'rules'> & { rules: RuleDefinition[]; file?: string };
