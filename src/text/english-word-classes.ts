import nlp from 'compromise/two';

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
 */
export function englishWordClasses(text: string): EnglishWordClasses[] {
  const sentences = nlp(text).json({ offset: true, terms: { offset: true } }) as { terms?: TaggedTerm[] }[];
  return sentences.flatMap((sentence) =>
    (sentence.terms ?? []).flatMap((term) => (term.offset && term.offset.length > 0 ? [{ start: term.offset.start, end: term.offset.start + term.offset.length, classes: new Set(term.tags ?? []) }] : [])),
  );
}
