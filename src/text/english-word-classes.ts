import nlp from 'compromise/two';
import { memoizeByText } from './memoize-by-text.js';

/** An English word of a text with the classes a part-of-speech tagger gives it ("Noun", "Date", "Adjective", …). */
export interface EnglishWordClasses {
  start: number;
  end: number;
  classes: ReadonlySet<string>;
}

interface TaggedTerm {
  tags?: string[];
  offset?: { start: number; length: number };
}

// The tagger reads its lexicon on first use (some hundreds of milliseconds): paid once when the service loads this
// module, not inside the first suggestion's time budget.
nlp('warm up the tagger').json();

/**
 * The words of an English text with their word classes, in order, by where they stand in the text. A rule-based
 * tagger with its own lexicon (compromise, MIT, offline): "ten minutes ago" is a duration, "late" an adjective,
 * "bank draft" nouns, read from the sentence rather than from a list of words kept by hand.
 *
 * Remembered by text: one turn's question and story are tagged by its searches, its hand-over and its situations, and
 * tagging is the dearest step on an English turn. Callers must not mutate what comes back.
 */
export const englishWordClasses = memoizeByText((text: string): EnglishWordClasses[] => {
  const sentences = nlp(text).json({ offset: true, terms: { offset: true } }) as { terms?: TaggedTerm[] }[];
  return sentences.flatMap((sentence) =>
    (sentence.terms ?? []).flatMap((term) => (term.offset && term.offset.length > 0 ? [{ start: term.offset.start, end: term.offset.start + term.offset.length, classes: new Set(term.tags ?? []) }] : [])),
  );
}, 2_000);

const isNoun = (word: EnglishWordClasses): boolean => word.classes.has('Noun') && !word.classes.has('Pronoun');
const leadsNoun = (word: EnglishWordClasses): boolean => word.classes.has('Determiner') || word.classes.has('Adjective');
/** How many words after `at` the noun may come: a request's verb and its object ("book me a …"). */
const wordsToNoun = 4;

/**
 * The noun phrase a request at `at` is about: the first noun from there (with the determiner and adjectives just before
 * it, and the nouns just after it), within the clause. "reserve me a seat on the sleeper" is about "a seat", where the
 * words after the verb ("reserve me a") name nothing. Undefined when no noun follows closely.
 */
export function nounPhraseFrom(text: string, at: number): string | undefined {
  const words = englishWordClasses(text).filter((word) => word.end > at);
  const first = words.findIndex((word, index) => index <= wordsToNoun && isNoun(word));
  if (first < 0) return undefined;
  // A clause break between the request and the noun: the noun belongs to something else.
  if (/[,.;:!?]/u.test(text.slice(at, words[first]!.start))) return undefined;
  let start = first;
  while (start > 0 && leadsNoun(words[start - 1]!) && words[start - 1]!.start >= at) start -= 1;
  let end = first;
  while (end + 1 < words.length && isNoun(words[end + 1]!) && !/[,.;:!?]/u.test(text.slice(words[end]!.end, words[end + 1]!.start))) end += 1;
  return text.slice(words[start]!.start, words[end]!.end);
}
