import { z } from 'zod';

/** A cue family: any one of its words heard counts. A cue list is a set of families that must all be heard in one turn. */
const cueFamilySchema = z.array(z.string().min(1)).min(1);
const cueListSchema = z.array(cueFamilySchema).min(1);
const speakerSchema = z.enum(['agent', 'customer']);

/** Where in the call a cue is looked for, by the turns of its speaker. */
const cueMatchSchema = z
  .object({
    speaker: speakerSchema.default('agent'),
    cues: cueListSchema,
    /** Words that, in the same turn, cancel a match ("不是投诉" for a complaint cue). */
    unless: z.array(z.string().min(1)).default([]),
    /** Only the first / last N turns of that speaker count. */
    first: z.number().int().positive().optional(),
    last: z.number().int().positive().optional(),
  })
  .strict();

/** When an item applies; absent means always. Several conditions: any one makes it apply. */
const appliesWhenSchema = z
  .object({
    complaint: z.literal(true).optional(),
    productsDiscussed: z.literal(true).optional(),
    vulnerable: z.literal(true).optional(),
    heard: cueMatchSchema.optional(),
  })
  .strict();

const severitySchema = z.enum(['critical', 'major', 'minor']);

const itemBase = {
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'item ids are kebab-case'),
  title: z.string().min(1),
  weight: z.number().positive(),
  severity: severitySchema,
  appliesWhen: appliesWhenSchema.optional(),
};

export const ruleFindingItemSchema = z
  .object({
    ...itemBase,
    kind: z.literal('rule_finding'),
    /** Fails on a finding (or a missing disclosure) of these rules: by id, id prefix (the family), or rule kind. */
    rules: z
      .object({
        ids: z.array(z.string().min(1)).default([]),
        prefixes: z.array(z.string().min(1)).default([]),
        kinds: z.array(z.enum(['forbidden_statement', 'forbidden_request', 'required_disclosure', 'required_procedure', 'suitability', 'personal_data', 'conduct'])).default([]),
      })
      .strict()
      .refine((rules) => rules.ids.length + rules.prefixes.length + rules.kinds.length > 0, 'name at least one rule id, prefix or kind'),
  })
  .strict();

export const requiredStepItemSchema = z
  .object({
    ...itemBase,
    kind: z.literal('required_step'),
    step: cueMatchSchema,
    /** The step must come before the first turn that matches this (e.g. identity check before account details); the item applies only when that turn exists. */
    before: cueMatchSchema.optional(),
  })
  .strict();

export const prohibitedBehaviourItemSchema = z
  .object({
    ...itemBase,
    kind: z.literal('prohibited_behaviour'),
    behaviour: cueMatchSchema,
  })
  .strict();

export const modelJudgedItemSchema = z
  .object({
    ...itemBase,
    kind: z.literal('model_judged'),
    /** The yes/no question put to the model about the whole call; "yes" passes. */
    question: z.string().min(1),
  })
  .strict();

export const scorecardItemSchema = z.discriminatedUnion('kind', [ruleFindingItemSchema, requiredStepItemSchema, prohibitedBehaviourItemSchema, modelJudgedItemSchema]);
export const scorecardItemKinds = ['rule_finding', 'required_step', 'prohibited_behaviour', 'model_judged'] as const;

export const scorecardSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'scorecard ids are kebab-case'),
    title: z.string().min(1),
    language: z.enum(['zh', 'en']),
    /** Channels it inspects; absent: every channel. */
    channels: z.array(z.enum(['voice', 'chat'])).optional(),
    /** Percent of the applicable weight a call needs to pass. */
    passMark: z.number().min(0).max(100),
    review: z
      .object({
        /** Results whose confidence is below this go to review (every critical failure goes regardless). */
        autoPassConfidence: z.number().min(0).max(1),
        /** How sure each kind of result is: a detector's pass or fail, a cue heard or not heard, the model's answer. */
        confidence: z
          .object({
            rulePass: z.number().min(0).max(1),
            ruleFail: z.number().min(0).max(1),
            stepHeard: z.number().min(0).max(1),
            stepNotHeard: z.number().min(0).max(1),
            behaviourHeard: z.number().min(0).max(1),
            behaviourNotHeard: z.number().min(0).max(1),
            modelJudged: z.number().min(0).max(1),
          })
          .strict(),
      })
      .strict(),
    items: z.array(z.unknown()).min(1),
  })
  .strict();

export type ScorecardItem = z.infer<typeof scorecardItemSchema>;
export type CueMatch = z.infer<typeof cueMatchSchema>;
export type AppliesWhen = z.infer<typeof appliesWhenSchema>;
export type Scorecard = Omit<z.infer<typeof scorecardSchema>, 'items'> & { items: ScorecardItem[]; version: string; file: string };
