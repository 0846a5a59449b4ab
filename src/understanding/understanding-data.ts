import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';

const perLanguage = <T extends z.ZodTypeAny>(schema: T) => z.object({ zh: schema, en: schema });
const words = z.array(z.string().min(1));

const turnCuesSchema = z.object({
  filler: perLanguage(words),
  question: perLanguage(words),
  request: perLanguage(words),
  complaint: perLanguage(words),
  refusal: perLanguage(words),
  reference: perLanguage(words),
  /** Words that set up a comparison: what follows them is the yardstick ("cheaper than my car loan"), not the topic. */
  comparison: perLanguage(words),
  /** Words that set a question aside: the customer moves on from what they meant to ask. */
  setAside: perLanguage(words),
  /** Words that change the topic: what was discussed before them is not what the questions after them are about. */
  topicChange: perLanguage(words),
  correction: perLanguage(words),
  /** Phrases that only add emphasis to a question ("what on earth"): as a whole they name nothing, though their noun looks like a topic. */
  emphasis: perLanguage(words),
  /** Question words used as indefinites or in a reported question: the clause tells, it does not ask. */
  indefinite: z.object({ words: perLanguage(words), unknowing: perLanguage(words), done: perLanguage(words), hedges: perLanguage(words), phrases: perLanguage(words) }),
  /** jieba parts of speech of Chinese story words that never name a question's topic (describing words, figures, pronouns). */
  nonTopicTags: words,
  stopwords: perLanguage(words),
  /**
   * A question particle closing a statement: "呢" after an action in progress ("孩子在边上写作业呢") states, it does not
   * ask. A clause holding one of `opens` and, within `within` characters after it, one of `closes` is read without them.
   */
  statementFrames: z.array(z.object({ opens: words, closes: words, within: z.number().int().min(0) })),
  /** Words that deny what follows them in the clause ("不是要投诉", "not a complaint"). */
  negation: z.object({ zh: words, en: words, questionForms: words }),
});

const alternativesSchema = perLanguage(z.array(z.array(words.min(1)).min(1)));

/**
 * A situation told as a story rather than named ("an online friend's parcel is held until I pay a fee"): parts of what
 * happened, each said in the customer's own words somewhere in their recent turns, counted together.
 */
const storySchema = z.object({
  /** Parts that must be told for the story to hold (a request to move money). */
  required: z.array(z.string().min(1)).min(1),
  /** How many of the other parts must be told besides (fitted by bench/fit-situation-stories.ts). */
  minimumParts: z.number().int().min(1),
  /** How many of those must be core parts (fitted too): supporting coincidences alone (a deadline, a name) do not make it. */
  minimumCore: z.number().int().min(0).default(0),
  /**
   * How many sentences from the request a part marked `nearRequest` may be told (fitted too): the party a part describes
   * is the one the money goes to only when it is told with the request.
   */
  nearSentences: z.number().int().min(0).default(0),
  parts: z
    .array(
      z.object({
        id: z.string().regex(/^[a-z_]+$/u),
        /** Alternatives; each a list of word families said in one sentence. */
        cues: alternativesSchema,
        /**
         * What the part weighs: a core part is what a scam is made of (someone known only remotely, a fee to release
         * money, a return too good, secrecy); a supporting one is as often a coincidence of an ordinary errand (a deadline,
         * an institution named).
         */
        role: z.enum(['core', 'support']).default('core'),
        /** Counts only when told within `nearSentences` sentences of the request: it must describe whom the money is for. */
        nearRequest: z.boolean().default(false),
        /** A rate said in a sentence with one of these words counts as this part when it is at least `percentAtLeast` (fitted too). */
        rate: z.object({ percentAtLeast: z.number().positive(), with: perLanguage(words) }).optional(),
      }),
    )
    .min(2),
});

const situationSchema = z.object({
  id: z.string().regex(/^[a-z_]+$/u),
  declines: z.boolean(),
  /** The customer's own questions get no facts while this situation holds (e.g. fees of the transfer a scammer asked for). */
  withholdsAnswers: z.boolean().optional(),
  /** Its procedure comes before the answers to the customer's questions (a card in someone else's hands is blocked first). */
  procedureFirst: z.boolean().optional(),
  /**
   * It asks how the agent speaks (slowly, plainly, with a scam reminder), not for a procedure of its own: its
   * knowledge is shown as cards and answers only when nothing else does, never a reply in place of an answer.
   */
  mannerOnly: z.boolean().optional(),
  /**
   * Its wording opens every reply though it declines nothing (what a customer in arrears must hear whatever else they
   * asked: the arrangement they can apply for, how they will be contacted).
   */
  opens: z.boolean().optional(),
  /** Words saying the situation is already over ("found my card", "新卡已经收到了"): it no longer holds. */
  over: perLanguage(words).optional(),
  handling: perLanguage(z.string().min(1)),
  knowledge: perLanguage(z.string()),
  wording: perLanguage(z.string()),
  /** What `{topic}` says when the cue matched is a request's verb and no noun follows it ("book me a, um…"). */
  unnamedTopic: perLanguage(z.string().min(1)).optional(),
  /** Alternatives; each a list of word families that must all match. */
  cues: alternativesSchema,
  /**
   * The cue languages whose alternatives of several families hold only when said in one sentence: what is asked (tell
   * me, look up) is about the account thing named beside it, not one named in another part of the story (a payment
   * said to have reached the wrong person, then "could you let me know whose name that is", asks about no account of
   * the caller's).
   */
  framesInOneSentence: z.array(z.enum(['zh', 'en'])).optional(),
  /**
   * Alternatives read in the agent's recent turns: a call the agent opened on the situation ("your card is past due")
   * is in it whatever words the customer answers with.
   */
  agentCues: alternativesSchema.optional(),
  /**
   * The situation holds only beside this one (complaints about collection calls reaching work or family are about
   * arrears; a sales call at night is not).
   */
  alongside: z.string().regex(/^[a-z_]+$/u).optional(),
  /**
   * Situations this one's handling already covers, which do not hold beside it: collection calls to the customer's
   * work acknowledged and logged are the complaint about them, and the general complaint wording would crowd it out.
   */
  supersedes: z.array(z.string().regex(/^[a-z_]+$/u)).optional(),
  /** The situation told as a story of parts, when none of its cues names it. */
  story: storySchema.optional(),
  /** Phrases that hold a cue but say something else ("can't afford to lose" is caution, not hardship): not read as cues. */
  notWhen: perLanguage(words).optional(),
  /** Words of wanting a product: with a customer's risk assessment below the discussed product's level, the situation holds. */
  intent: perLanguage(words).optional(),
});

const situationsSchema = z.object({ situations: z.array(situationSchema).min(1) });

const productCategoriesSchema = z.object({
  wording: perLanguage(z.string().min(1)),
  categories: z
    .array(
      z.object({
        id: z.string().regex(/^[a-z_]+$/u),
        words: perLanguage(words),
        /**
         * The kind told by what the customer needs rather than by its name ("buying a first home… would you lend for
         * it"): alternatives, each a list of word families that must all be said in the customer's latest turn.
         * `named` is how the reply names the kind then.
         */
        described: z.object({ named: perLanguage(z.string().min(1)), cues: perLanguage(z.array(z.array(words.min(1)).min(2))) }).optional(),
      }),
    )
    .min(1),
  /** Kinds of product the bank serves: a question after a change of topic that names another kind leaves the product discussed. */
  servedKinds: z.array(z.object({ id: z.string().regex(/^[a-z_]+$/u), words: perLanguage(words), riskRated: z.boolean().optional() })),
  /** Channels (the app, online banking): named as the means of what was done, not what the call is about. */
  channels: z.object({ means: perLanguage(words), between: perLanguage(words), words: perLanguage(words) }),
});

export type ProductCategories = z.infer<typeof productCategoriesSchema>;
export type TurnCues = z.infer<typeof turnCuesSchema>;
export type SituationDefinition = z.infer<typeof situationSchema>;
export type SituationStory = z.infer<typeof storySchema>;

function readYaml<T>(name: string, schema: z.ZodType<T>): T {
  const file = new URL(`./${name}`, import.meta.url);
  const checked = schema.safeParse(parse(readFileSync(file, 'utf8')));
  if (!checked.success) throw new Error(`${name}: ${checked.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  return checked.data;
}

const storyCutOffsSchema = z.object({
  storyTerms: z.number().int().min(1),
  explanationTerms: z.number().int().min(1),
  storySentencesWithVocabulary: z.number().int().min(1),
  spokenCoreCharacters: z.number().int().min(1),
  englishStoryCharacters: z.number().int().min(1),
  fittedOn: z.string(),
  measure: z.string(),
});
export type StoryCutOffs = z.infer<typeof storyCutOffsSchema>;

let cached: { cues: TurnCues; situations: SituationDefinition[] } | undefined;
let cutOffs: StoryCutOffs | undefined;

/**
 * How much of a spoken English story is read for a question's topic, and how long a short product name must be
 * (story-cut-offs.json next to this file, fitted by bench/fit-story-cut-offs.ts); read once, at first use.
 */
export function storyCutOffs(): StoryCutOffs {
  cutOffs ??= readYaml('story-cut-offs.json', storyCutOffsSchema);
  return cutOffs;
}
let categories: ProductCategories | undefined;

/** The kinds of product customers ask about (product-categories.yaml next to this file); read once, at first use. */
export function productCategories(): ProductCategories {
  categories ??= readYaml('product-categories.yaml', productCategoriesSchema);
  return categories;
}

/** The word families staff maintain (turn-cues.yaml, situations.yaml next to this file); read once, at first use. */
export function understandingData(): { cues: TurnCues; situations: SituationDefinition[] } {
  cached ??= { cues: readYaml('turn-cues.yaml', turnCuesSchema), situations: readYaml('situations.yaml', situationsSchema).situations };
  return cached;
}
