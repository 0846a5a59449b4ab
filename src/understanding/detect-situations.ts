import { foldText } from '../text/segment-text.js';
import { memoizeByText } from '../text/memoize-by-text.js';
import { nounPhraseFrom } from '../text/english-word-classes.js';
import { understandingData, type SituationDefinition, type SituationStory } from './understanding-data.js';

export type Language = 'zh' | 'en';

/** A situation with required handling, recognised in what the customer said. */
export interface Situation {
  id: string;
  /** The reply must decline, warn, redirect or escalate: the approved wording opens every reply. */
  declines: boolean;
  /**
   * Facts answering the customer's own question would help the harm the situation warns about (the fee and arrival
   * time of a transfer a scammer asked for): replies give the wording and the situation's script only.
   */
  withholdsAnswers: boolean;
  /** Its procedure is due before the answers to the customer's own questions. */
  procedureFirst?: boolean;
  /** It asks only how the agent speaks: its procedure is no reply of its own beside the answers. */
  mannerOnly?: boolean;
  /** Its wording opens every reply though it declines nothing. */
  opens?: boolean;
  /** What the agent must do (for the model prompt). */
  handling: string;
  /** Approved wording to open the reply with (empty: the situation only steers the search and the prompt). */
  wording: string;
  /** What to look up for the approved script or procedure to cite. */
  knowledgeQuery: string;
  /** The cue word that matched first (for wording that names what was asked). */
  cue: string;
}

const latin = /^[\x20-\x7e]+$/u;
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');

/** Where a cue matched: the start of each occurrence, to read what comes just before it. */
type CueMatcher = (text: string) => number[];

// Spoken words wander into a phrase: "给我个说法" is "给个说法", "卡弄丢了" is "卡丢了", "lost my debit card" is "lost
// my card", "make a formal complaint" is "make a complaint". A cue long enough to be a phrase (three characters, three
// words) lets one extra character or word into each of its gaps; a shorter one could be found inside unrelated words.
const phraseCharacters = 3;
const phraseWords = 3;
// A word let into an English phrase describes its noun ("my debit card"); a preposition or article starts another
// phrase ("left on my card" is credit left, not a card left behind).
const insertedNot = ['on', 'in', 'at', 'to', 'of', 'for', 'from', 'with', 'by', 'off', 'up', 'out', 'into', 'onto', 'the', 'a', 'an', 'and', 'or', 'but'].join('|');
const clauseBreak = '\\s，。！？、；：,.!?;:';

function patternOf(cue: string): string {
  if (latin.test(cue)) {
    const words = cue.split(/\s+/u).filter(Boolean).map(escape);
    const joined = words.length >= phraseWords ? words.join(`(?:\\s+(?!(?:${insertedNot})(?![a-z]))[^\\s,.!?;:]+)?\\s+`) : words.join('\\s+');
    return `(?<![a-z0-9])${joined}(?![a-z0-9])`;
  }
  const characters = [...cue];
  if (characters.length < phraseCharacters) return escape(cue);
  return characters.map(escape).join(`[^${clauseBreak}]?`);
}

/** English cues match at word boundaries ("pin" is not "spinning"); Chinese cues as substrings. */
function matcherOf(word: string): CueMatcher {
  const pattern = new RegExp(patternOf(foldText(word)), 'gu');
  return (text) => [...text.matchAll(pattern)].map((match) => match.index);
}

/**
 * A cue said under a negation ("我不是要投诉", "not a complaint", "我没有逾期", "he hasn't died") is the customer saying
 * the situation does not hold. Only what comes just before the cue within its clause is read: a negation further off
 * is about something else ("不是我不想还，我是还不上").
 */
function negationReader(language: Language): (text: string, at: number) => boolean {
  const { negation } = understandingData().cues;
  const negators = negation[language].map((word) => foldText(word));
  if (negators.length === 0) return () => false;
  const questionForms = new RegExp(negation.questionForms.map((form) => escape(foldText(form))).join('|') || '(?!)', 'gu');
  const alternatives = negators.map((word) => (latin.test(word) ? `(?<![a-z0-9'])${escape(word)}(?![a-z0-9'])` : escape(word))).join('|');
  const pattern = new RegExp(`(?:${alternatives})`, 'u');
  const window = language === 'zh' ? 4 : 28;
  return (text, at) => {
    const before = text.slice(Math.max(0, at - window), at);
    const clause = (before.split(new RegExp(`[${clauseBreak.replace('\\s', '')}]`, 'u')).at(-1) ?? '').replace(questionForms, ' ');
    return pattern.test(clause);
  };
}

/** A cue that is itself said in the negative ("不用重新", "not to tell the bank", "can't pay"): a negation is its meaning. */
function saysNegation(word: string): boolean {
  const folded = foldText(word);
  return latin.test(folded) ? /(?<![a-z])(?:not|no|never)(?![a-z])|n't/u.test(folded) : /[不没别未非无]/u.test(folded);
}

interface CompiledCue {
  word: string;
  matches: CueMatcher;
  negative: boolean;
}

interface CompiledPart {
  id: string;
  role: 'core' | 'support';
  nearRequest: boolean;
  /** Alternatives of both languages, the conversation's first; each a list of families said in one sentence. */
  alternatives: Record<Language, { families: CompiledCue[][]; language: Language }[]>;
  rate?: { percentAtLeast: number; with: CompiledCue[] };
}

interface CompiledSituation {
  definition: SituationDefinition;
  story?: { required: string[]; minimumParts: number; minimumCore: number; nearSentences: number; parts: CompiledPart[] };
  alternatives: Record<Language, CompiledCue[][][]>;
  /** The alternatives read in the agent's turns (agentCues), both languages', the conversation's first. */
  agentAlternatives: Record<Language, CompiledCue[][][]>;
  /** Removes the phrases that only look like a cue (notWhen), both languages'. */
  withoutLookalikes: (text: string) => string;
  /** Whether the text says the situation is already over (over), in either language. */
  saysOver: (text: string) => boolean;
  /** The words of wanting a product (intent), compiled once: the profile check runs on every suggestion. */
  intent: Record<Language, { word: string; matches: CueMatcher }[]>;
}

function lookalikeRemover(phrases: readonly string[]): (text: string) => string {
  if (phrases.length === 0) return (text) => text;
  const pattern = new RegExp(phrases.map((phrase) => foldText(phrase)).map((phrase) => (latin.test(phrase) ? `(?<![a-z0-9])${escape(phrase)}(?![a-z0-9])` : escape(phrase))).join('|'), 'gu');
  return (text) => text.replace(pattern, ' ');
}

/**
 * Phrases saying a situation is over, matched exactly: a word let into them would let a negation in ("找不着了" is not
 * "找着了").
 */
function overReader(phrases: readonly string[]): (text: string) => boolean {
  if (phrases.length === 0) return () => false;
  const pattern = new RegExp(phrases.map((phrase) => foldText(phrase)).map((phrase) => (latin.test(phrase) ? `(?<![a-z0-9])${escape(phrase).replace(/ /gu, '\\s+')}(?![a-z0-9])` : escape(phrase))).join('|'), 'u');
  return (text) => pattern.test(text);
}

let compiled: CompiledSituation[] | undefined;

const compileCue = (word: string): CompiledCue => ({ word, matches: matcherOf(word), negative: saysNegation(word) });

function compileStory(story: SituationStory): CompiledSituation['story'] {
  return {
    required: story.required,
    minimumParts: story.minimumParts,
    minimumCore: story.minimumCore,
    nearSentences: story.nearSentences,
    parts: story.parts.map((part) => {
      const own = (language: Language) => part.cues[language].map((families) => ({ families: families.map((family) => family.map(compileCue)), language }));
      return {
        id: part.id,
        role: part.role,
        nearRequest: part.nearRequest,
        alternatives: { zh: [...own('zh'), ...own('en')], en: [...own('en'), ...own('zh')] },
        ...(part.rate ? { rate: { percentAtLeast: part.rate.percentAtLeast, with: [...part.rate.with.zh, ...part.rate.with.en].map(compileCue) } } : {}),
      };
    }),
  };
}

function compiledSituations(): CompiledSituation[] {
  compiled ??= understandingData().situations.map((definition) => ({
    definition,
    ...(definition.story ? { story: compileStory(definition.story) } : {}),
    alternatives: {
      zh: definition.cues.zh.map((families) => families.map((family) => family.map(compileCue))),
      en: definition.cues.en.map((families) => families.map((family) => family.map(compileCue))),
    },
    agentAlternatives: {
      zh: [...(definition.agentCues?.zh ?? []), ...(definition.agentCues?.en ?? [])].map((families) => families.map((family) => family.map(compileCue))),
      en: [...(definition.agentCues?.en ?? []), ...(definition.agentCues?.zh ?? [])].map((families) => families.map((family) => family.map(compileCue))),
    },
    withoutLookalikes: lookalikeRemover([...(definition.notWhen?.zh ?? []), ...(definition.notWhen?.en ?? [])]),
    saysOver: overReader([...(definition.over?.zh ?? []), ...(definition.over?.en ?? [])]),
    intent: {
      zh: (definition.intent?.zh ?? []).map((word) => ({ word, matches: matcherOf(word) })),
      en: (definition.intent?.en ?? []).map((word) => ({ word, matches: matcherOf(word) })),
    },
  }));
  return compiled;
}

/**
 * What the wording names as the customer's topic: in English the noun phrase the cue leads to ("book me a" → "a
 * train"), since a cue that is a request's verb names nothing; the cue itself otherwise.
 */
function topicOf(definition: SituationDefinition, language: Language, cue: string, read: string): string {
  if (language !== 'en' || !definition.wording.en.includes('{topic}') || !latin.test(cue)) return cue;
  const at = compileCue(cue).matches(read)[0];
  const phrase = at === undefined ? undefined : nounPhraseFrom(read, at);
  if (phrase) return phrase;
  // The cue names a thing itself ("restaurant"), or only a request's verb ("book me a"): that is never said back.
  return nounPhraseFrom(cue, 0) === undefined ? (definition.unnamedTopic?.en ?? cue) : cue;
}

function situationOf(definition: SituationDefinition, language: Language, cue: string, topic = cue): Situation {
  return {
    id: definition.id,
    declines: definition.declines,
    withholdsAnswers: definition.withholdsAnswers ?? false,
    ...(definition.procedureFirst ? { procedureFirst: true } : {}),
    ...(definition.mannerOnly ? { mannerOnly: true } : {}),
    ...(definition.opens ? { opens: true } : {}),
    handling: definition.handling[language],
    wording: definition.wording[language].replace('{topic}', topic),
    knowledgeQuery: definition.knowledge[language],
    cue,
  };
}

const levelOf = (level: string | undefined): number | undefined => (level && /^[CR][1-5]$/u.test(level) ? Number(level.slice(1)) : undefined);

/**
 * The situations the customer's profile brings to what they say: wanting (a situation's `intent` words) a product
 * whose risk level (R1-R5) is above the customer's assessment (C1-C5). The profile, not the words, says it is unsuitable.
 */
export function profileSituations(text: string, language: Language, customerLevel: string | undefined, productLevel: string | undefined): Situation[] {
  const customer = levelOf(customerLevel);
  const product = levelOf(productLevel);
  if (customer === undefined || product === undefined || product <= customer) return [];
  const folded = foldText(text).replace(/\s+/gu, ' ');
  return compiledSituations().flatMap(({ definition, intent }) => {
    const said = [...intent[language], ...intent[language === 'zh' ? 'en' : 'zh']].find((entry) => entry.matches(folded).length > 0);
    return said === undefined ? [] : [situationOf(definition, language, said.word)];
  });
}

let negated: Record<Language, (text: string, at: number) => boolean> | undefined;

// A story's part told as a frame (a fee and what it releases) is said in one sentence: words of one part spread over a
// whole call are about different things. Commas stay inside: spoken Chinese runs a whole thought on commas.
const sentenceBreak = /[。！？!?;；\n]+|(?<=[a-z0-9])\.\s+/u;
const percent = /(\d+(?:\.\d+)?)\s*%/gu;

/** The part of a story told in `text` (folded), with the word that told it; undefined when it is not told. */
function toldPart(part: CompiledPart, text: string, sentences: readonly string[], language: Language, rateCutOff?: number): string | undefined {
  for (const { families, language: cueLanguage } of part.alternatives[language]) {
    const said = (entry: CompiledCue, within: string, alone: boolean): boolean => entry.matches(within).some((at) => !alone || entry.negative || !negated?.[cueLanguage](within, at));
    if (families.length === 1) {
      const hit = families[0]?.find((entry) => said(entry, text, true));
      if (hit) return hit.word;
      continue;
    }
    for (const sentence of sentences) {
      const hits = families.map((family) => family.find((entry) => said(entry, sentence, false)));
      if (hits.every((hit) => hit !== undefined)) return hits[0]?.word;
    }
  }
  const rate = part.rate;
  if (!rate) return undefined;
  const cutOff = rateCutOff ?? rate.percentAtLeast;
  for (const sentence of sentences) {
    const high = [...sentence.matchAll(percent)].find((match) => Number(match[1]) >= cutOff);
    if (high && rate.with.some((entry) => entry.matches(sentence).length > 0)) return high[0];
  }
  return undefined;
}

/** Cut-offs to try instead of the data file's, for the bench that fits them. */
export interface StoryCutOffTrial {
  minimumParts?: number;
  percentAtLeast?: number;
  minimumCore?: number;
  nearSentences?: number;
}

/**
 * The parts of each situation's story told in `text` (the customer's recent words), by situation id: for the bench
 * that fits how many parts make the story, and for detectSituations.
 */
export function storyParts(text: string, language: Language, trial: StoryCutOffTrial = {}): Map<string, Map<string, string>> {
  const folded = foldText(text).replace(/[ \t]+/gu, ' ');
  negated ??= { zh: negationReader('zh'), en: negationReader('en') };
  const sentences = folded.split(sentenceBreak).filter((sentence) => sentence.trim());
  const told = new Map<string, Map<string, string>>();
  for (const { definition, story, withoutLookalikes } of compiledSituations()) {
    if (!story) continue;
    const read = withoutLookalikes(folded);
    const readSentences = sentences.map(withoutLookalikes);
    const parts = new Map<string, string>();
    for (const part of story.parts.filter((candidate) => !candidate.nearRequest)) {
      const word = toldPart(part, read, readSentences, language, trial.percentAtLeast);
      if (word !== undefined) parts.set(part.id, word);
    }
    // A part that says whom the money is for ("someone I met online") describes the request's party only when told
    // with it: a text from the bank in one turn and the rent paid in another are two errands, not one story.
    const near = trial.nearSentences ?? story.nearSentences;
    const requests = story.parts.filter((part) => story.required.includes(part.id));
    const requestAt = readSentences.flatMap((sentence, index) => (requests.some((part) => toldPart(part, sentence, [sentence], language, trial.percentAtLeast) !== undefined) ? [index] : []));
    for (const part of story.parts.filter((candidate) => candidate.nearRequest)) {
      for (const [index, sentence] of readSentences.entries()) {
        if (!requestAt.some((at) => Math.abs(at - index) <= near)) continue;
        const word = toldPart(part, sentence, [sentence], language, trial.percentAtLeast);
        if (word === undefined) continue;
        parts.set(part.id, word);
        break;
      }
    }
    told.set(definition.id, parts);
  }
  return told;
}

/** Whether the told parts make the story: every required part, and enough of the others. */
function storyHolds(story: NonNullable<CompiledSituation['story']>, parts: ReadonlyMap<string, string>, trial: StoryCutOffTrial): boolean {
  if (!story.required.every((id) => parts.has(id))) return false;
  const others = story.parts.filter((part) => parts.has(part.id) && !story.required.includes(part.id));
  const core = others.filter((part) => part.role === 'core').length;
  return others.length >= (trial.minimumParts ?? story.minimumParts) && core >= (trial.minimumCore ?? story.minimumCore);
}

/**
 * The first cue of the alternatives said in `read` (folded), a cue standing alone not under a negation. For cues of
 * the languages in `inOneSentence`, the families of a frame must be said in one sentence of it.
 */
function saidCue(alternatives: readonly CompiledCue[][][], read: string, languageOf: (index: number) => Language, inOneSentence: readonly Language[] = []): string | undefined {
  const sentences = inOneSentence.length > 0 ? read.split(sentenceBreak).filter((sentence) => sentence.trim()) : [read];
  for (const [index, families] of alternatives.entries()) {
    const cueLanguage = languageOf(index);
    // A cue standing alone is what the customer says is happening, so a negation before it says it is not. Several
    // families together (a code and someone asking for it) are a frame, often told with a negation inside ("别告诉
    // 家里", "don't ring me at the office") that is part of the story, not a denial.
    const alone = families.length === 1;
    for (const within of alone || !inOneSentence.includes(cueLanguage) ? [read] : sentences) {
      const hits = families.map((family) => family.find((entry) => entry.matches(within).some((at) => !alone || entry.negative || !negated?.[cueLanguage](within, at))));
      if (hits.every((hit) => hit !== undefined)) return hits[0]?.word;
    }
  }
  return undefined;
}

/** Which language an agent cue list's entry is in: the conversation's own come first. */
function agentCueLanguage(definition: SituationDefinition, language: Language): (index: number) => Language {
  const own = (definition.agentCues?.[language] ?? []).length;
  return (index) => (index < own ? language : language === 'zh' ? 'en' : 'zh');
}

/**
 * The situations in `text` (the customer's recent words), in the order the data file lists them (most
 * pressing first). Both languages' cues are tried: customers mix them ("PIN", "App"). `agentText` (the agent's recent
 * turns) is read for the situations the agent opens a call on (`agentCues`: "your card is past due").
 */
export function detectSituations(text: string, language: Language, trial: StoryCutOffTrial = {}, agentText = ''): Situation[] {
  // One turn is read for situations by its cards, its suggestion and their checks: the same words give the same
  // situations, and reading every cue family is the costliest step of composing. A fitting trial is never remembered.
  if (Object.keys(trial).length > 0) return readSituations(text, language, trial, agentText);
  return rememberedSituations(JSON.stringify([language, agentText, text]));
}

const rememberedSituations = memoizeByText((key: string): Situation[] => {
  const [language, agentText, text] = JSON.parse(key) as [Language, string, string];
  return readSituations(text, language, {}, agentText);
}, 512);

function readSituations(text: string, language: Language, trial: StoryCutOffTrial, agentText: string): Situation[] {
  const folded = foldText(text).replace(/\s+/gu, ' ');
  // Turns kept apart for the situations whose frames are read sentence by sentence: a turn ends a sentence.
  const foldedTurns = foldText(text).replace(/[ \t]+/gu, ' ');
  const agentFolded = foldText(agentText).replace(/\s+/gu, ' ');
  negated ??= { zh: negationReader('zh'), en: negationReader('en') };
  const found: Situation[] = [];
  let stories: Map<string, Map<string, string>> | undefined;
  for (const { definition, alternatives, agentAlternatives, withoutLookalikes, saysOver, story } of compiledSituations()) {
    const read = withoutLookalikes(folded);
    // "I lost my card last week and the new one came today": what it required is done.
    if (saysOver(read)) continue;
    const own = alternatives[language].length;
    const inOneSentence = definition.framesInOneSentence ?? [];
    let cue = saidCue([...alternatives[language], ...alternatives[language === 'zh' ? 'en' : 'zh']], inOneSentence.length > 0 ? withoutLookalikes(foldedTurns) : read, (index) => (index < own ? language : language === 'zh' ? 'en' : 'zh'), inOneSentence);
    if (cue === undefined && agentFolded) cue = saidCue(agentAlternatives[language], withoutLookalikes(agentFolded), agentCueLanguage(definition, language));
    if (cue === undefined && story) {
      // No cue names it: the story told across the recent turns may still be it, part by part.
      stories ??= storyParts(text, language, trial);
      const parts = stories.get(definition.id);
      if (parts && storyHolds(story, parts, trial)) cue = [...parts.entries()].find(([id]) => !story.required.includes(id))?.[1];
    }
    if (cue === undefined) continue;
    found.push(situationOf(definition, language, cue, topicOf(definition, language, cue, read)));
  }
  const definitions = new Map(compiledSituations().map(({ definition }) => [definition.id, definition]));
  const held = new Set(found.map((situation) => situation.id));
  const standing = found.filter((situation) => {
    const alongside = definitions.get(situation.id)?.alongside;
    return alongside === undefined || held.has(alongside);
  });
  const superseded = new Set(standing.flatMap((situation) => definitions.get(situation.id)?.supersedes ?? []));
  return standing.filter((situation) => !superseded.has(situation.id));
}
