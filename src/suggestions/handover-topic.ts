import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { maskPersonalData } from '../privacy/mask-personal-data.js';
import { englishWordClasses } from '../text/english-word-classes.js';
import { foldText, taggedWords, words } from '../text/segment-text.js';
import { contentTerms } from '../understanding/understand-turn.js';
import { understandingData } from '../understanding/understanding-data.js';
import { termWeight, type TermRarity } from './query-terms.js';

export type TopicLanguage = 'zh' | 'en';

const wordingSchema = z.object({
  wording: z.object({ zh: z.string().includes('{topic}'), en: z.string().includes('{topic}') }),
  topic: z.object({
    maximumWords: z.number().int().positive(),
    neverEchoed: z.object({ zh: z.array(z.string().min(1)), en: z.array(z.string().min(1)) }),
    topicTags: z.array(z.string().min(1)),
    verbMarkers: z.object({ en: z.array(z.string().min(1)) }),
    describingWords: z.object({ en: z.array(z.string().min(1)) }),
    pointingWords: z.object({ en: z.array(z.string().min(1)) }),
    innerNegators: z.object({ zh: z.array(z.string().min(1)) }),
    gerundMarkers: z.object({ en: z.array(z.string().min(1)) }),
    wordClasses: z.object({ en: z.object({ never: z.array(z.string().min(1)), modifier: z.array(z.string().min(1)) }) }),
  }),
});

export type HandoverWording = z.infer<typeof wordingSchema>;

let loaded: HandoverWording | undefined;

/** The topic hand-over's wording and rules (handover-wording.yaml next to this file), read once. */
export function handoverWording(): HandoverWording {
  if (!loaded) {
    const checked = wordingSchema.safeParse(parse(readFileSync(new URL('./handover-wording.yaml', import.meta.url), 'utf8')));
    if (!checked.success) throw new Error(`handover-wording.yaml: ${checked.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
    loaded = checked.data;
  }
  return loaded;
}

/**
 * A word of the text as said and where it stands. An anchor names a topic; a joiner is a content word too general to
 * name one alone ("money" of "travel money card", 费用) but part of the phrase when it stands between anchors.
 */
interface SpokenWord {
  surface: string;
  start: number;
  end: number;
  role: 'anchor' | 'joiner' | 'modifier' | 'none';
}

const cjk = /[\u3400-\u9fff]/u;
const latinWord = /[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu;
// A capitalised word that is not an acronym is a name (a person, a street, a company): personal data, never repeated.
const capitalisedName = /^\p{Lu}[\p{Ll}'’-]/u;
const clauseEnd = /[，,。.!?！？;；:：]/gu;

function spokenWords(text: string, language: TopicLanguage): { surface: string; start: number; end: number; tag?: string }[] {
  if (language === 'zh' || cjk.test(text)) return taggedWords(text).map(({ word, tag, start, end }) => ({ surface: word, start, end, tag }));
  return Array.from(text.matchAll(latinWord), (match) => ({ surface: match[0], start: match.index, end: match.index + match[0].length }));
}

function promised(surface: string, language: TopicLanguage): boolean {
  const folded = foldText(surface);
  const { neverEchoed } = handoverWording().topic;
  return language === 'zh' || cjk.test(folded) ? neverEchoed.zh.some((word) => folded.includes(word)) : neverEchoed.en.some((word) => folded.startsWith(word.toLowerCase()));
}

/** The clauses (start, end) of a text that give personal data: their words are about the customer's own details ("my card number is …"). */
function personalClauses(text: string): { start: number; end: number }[] {
  const spans = maskPersonalData(text).spans;
  if (spans.length === 0) return [];
  const ends = [...Array.from(text.matchAll(clauseEnd), (match) => match.index), text.length];
  const clauses: { start: number; end: number }[] = [];
  let start = 0;
  for (const end of ends) {
    // A dot inside a number or an address is not a clause end: only one before a space or the end counts.
    if (end < text.length && /[.]/u.test(text[end] ?? '') && /\S/u.test(text[end + 1] ?? '')) continue;
    clauses.push({ start, end });
    start = end + 1;
  }
  return clauses.filter((clause) => spans.some((span) => span.start < clause.end && clause.start < span.end));
}

/**
 * The words of a sentence that may name its topic: its content words (what understanding keeps: no question words,
 * pronouns or filler), with no figure, no personal data (a clause giving a card number or an ID, a name), no promise
 * word, in Chinese a noun's part of speech with no question word or denied result inside, in English a noun by the
 * tagger's reading of the sentence, and not a verb or a describing word.
 * A content word that carries a topic is an anchor; a generic one ("money", 费用) only joins anchors; an English
 * describing word ("annual") may open a phrase but not end it.
 */
function readWords(text: string, language: TopicLanguage): SpokenWord[] {
  const terms = new Set(contentTerms(text, language));
  const personal = personalClauses(text);
  const { topicTags, verbMarkers, describingWords, pointingWords, innerNegators, gerundMarkers, wordClasses } = handoverWording().topic;
  const nominal = new Set(topicTags);
  // English words by their class in the sentence: a time phrase, a figure or a pronoun is never part of a topic, and
  // a describing word only opens one.
  const classes = language === 'en' && !cjk.test(text) ? englishWordClasses(text) : [];
  const classOf = (start: number): 'never' | 'modifier' | undefined => {
    const tagged = classes.find((word) => word.start <= start && start < word.end);
    if (!tagged) return undefined;
    if (wordClasses.en.never.some((name) => tagged.classes.has(name))) return 'never';
    return wordClasses.en.modifier.some((name) => tagged.classes.has(name)) ? 'modifier' : undefined;
  };
  // A word holding a question word ("多长时间", "多少钱") asks; it names nothing.
  const asking = understandingData().cues.question[language].filter((cue) => cue.length >= 2 && cjk.test(cue));
  const spoken = spokenWords(text, language);
  return spoken.map(({ surface, start, end, tag }, index) => {
    const folded = foldText(surface);
    const before = spoken[index - 1];
    const latin = !cjk.test(surface);
    // English: a word after "to", a modal or a subject is a verb, and so is an -ing word after a preposition; a
    // describing word tells how, not what; a pointing word ("him", "somewhere") names nothing.
    const marker = latin && before !== undefined && text.slice(before.end, start).trim() === '' ? foldText(before.surface).replace(/’/gu, "'") : undefined;
    const verb = marker !== undefined && (verbMarkers.en.includes(marker) || (folded.endsWith('ing') && gerundMarkers.en.includes(marker)));
    const describing = latin && (describingWords.en.includes(folded) || pointingWords.en.includes(folded));
    // Understanding stems English words ("savings" -> "saving"): the spoken word is a term when its stem is.
    const term = latin ? (words(folded)[0] ?? folded) : folded;
    const wordClass = latin ? classOf(start) : undefined;
    const sayable =
      terms.has(term) &&
      !/\d/u.test(surface) &&
      !personal.some((clause) => clause.start <= start && end <= clause.end) &&
      !promised(surface, language) &&
      (tag === undefined || nominal.has(tag)) &&
      !asking.some((cue) => folded.includes(cue)) &&
      !(!latin && innerNegators.zh.some((negator) => folded.slice(1).includes(negator))) &&
      !verb &&
      !describing &&
      !(latin && wordClass === 'never') &&
      !(latin && capitalisedName.test(surface));
    return { surface, start, end, role: !sayable ? 'none' : wordClass === 'modifier' ? 'modifier' : termWeight(term) >= 1 ? 'anchor' : 'joiner' };
  });
}

/**
 * Runs of sayable words said one after the other (nothing but a space between them), cut to begin and end with an
 * anchor: the noun phrases of the sentence.
 */
function runsOf(text: string, spoken: readonly SpokenWord[]): SpokenWord[][] {
  const runs: SpokenWord[][] = [];
  let current: SpokenWord[] = [];
  const close = (): void => {
    const first = current.findIndex((word) => word.role === 'anchor' || word.role === 'modifier');
    const last = current.findLastIndex((word) => word.role === 'anchor');
    if (first >= 0 && last >= 0) runs.push(current.slice(first, last + 1));
    current = [];
  };
  for (const word of spoken) {
    const previous = current[current.length - 1];
    if (word.role === 'none' || (previous && text.slice(previous.end, word.start).trim() !== '')) close();
    if (word.role !== 'none') current.push(word);
  }
  close();
  return runs;
}

/**
 * The window of at most `size` words of a run that says most (its anchors' rarity in the base), beginning and ending
 * with an anchor, the later on a tie: in both Chinese and English the head of a noun phrase comes last ("住房公积金",
 * "business current account").
 */
/** What a describing word adds to a window: enough to win a tie with the bare head, never enough to outweigh an anchor. */
const modifierWeight = 1e-6;

function boundedWindow(run: readonly SpokenWord[], size: number, weigh: (word: SpokenWord) => number): { words: SpokenWord[]; weight: number } {
  let best: { words: SpokenWord[]; weight: number } = { words: [], weight: -1 };
  for (let start = 0; start < run.length; start += 1) {
    if (run[start]?.role !== 'anchor' && run[start]?.role !== 'modifier') continue;
    for (let end = start; end < Math.min(run.length, start + size); end += 1) {
      if (run[end]?.role !== 'anchor') continue;
      const window = run.slice(start, end + 1);
      // A describing word that opens the window keeps it ahead of the bare head ("annual fee" rather than "fee").
      const weight = window.reduce((sum, word) => sum + (word.role === 'anchor' ? weigh(word) : word.role === 'modifier' ? modifierWeight : 0), 0);
      if (weight >= best.weight) best = { words: window, weight };
    }
  }
  return best;
}

/**
 * What the customer asked about, as a short noun phrase in their own words and order, for a hand-over when nothing in
 * the base answers: of the question's noun phrases, the one whose words are rarest in the base (a word the base never
 * saw weighs most: it is what the base lacks), bounded to the longest name customers give a topic. The questions
 * first (none of them found a relevant card); when they name nothing ("大概多久能到账？"), the other sentences of the
 * turn that tell or ask something.
 * Undefined when no sentence names a topic.
 */
export function handoverTopic(questions: readonly string[], told: readonly string[], language: TopicLanguage, rarity?: TermRarity): string | undefined {
  return bestPhrase(questions, language, rarity) ?? bestPhrase(told, language, rarity);
}

function bestPhrase(texts: readonly string[], language: TopicLanguage, rarity?: TermRarity): string | undefined {
  const { maximumWords } = handoverWording().topic;
  const weigh = (word: SpokenWord): number => {
    const folded = foldText(word.surface);
    return rarity ? rarity(cjk.test(folded) ? folded : (words(folded)[0] ?? folded)) : 1;
  };
  let best: { text: string; words: SpokenWord[]; weight: number } | undefined;
  for (const text of texts) {
    for (const run of runsOf(text, readWords(text, language))) {
      const window = boundedWindow(run, maximumWords, weigh);
      if (window.words.length > 0 && (!best || window.weight >= best.weight)) best = { text, ...window };
    }
  }
  if (!best) return undefined;
  const first = best.words[0]!;
  const last = best.words[best.words.length - 1]!;
  // As said, spaces included: "business current account", "住房公积金".
  return best.text.slice(first.start, last.end).replace(/\s+/gu, ' ').trim();
}

/** The hand-over naming the topic ("关于您问的住房公积金，…转接专员。"). */
export function topicHandoverReply(language: TopicLanguage, topic: string): string {
  return handoverWording().wording[language].replace('{topic}', topic);
}
