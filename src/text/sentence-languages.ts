/**
 * Which languages a text is written in, sentence by sentence, told apart by script: Han characters are Chinese,
 * Latin words are English (the two languages the rule packs cover). A reply, an agent turn or a model answer can
 * switch language from one sentence to the next, and a rule pack only understands its own language, so the
 * compliance engine and the suggestion guard ask this module which packs a text needs.
 */
export type ScriptLanguage = 'zh' | 'en';

export interface LanguageUnits {
  /** Han characters. */
  zh: number;
  /** Latin words. */
  en: number;
}

export interface SentenceLanguages {
  /** Offsets into the text given, end exclusive; the sentence's end punctuation is included. */
  start: number;
  end: number;
  /** Every language the sentence holds enough of to be read by that language's rules. */
  languages: ScriptLanguage[];
  units: LanguageUnits;
}

// A full stop ends a sentence only before white space or the end, so "2.5%" and "e.g." stay whole.
const sentenceBreak = /[。！？；!?;\n]|\.(?=\s|$)/gu;
const hanCharacter = /[\u3400-\u9fff\uf900-\ufaff]/gu;
const latinWord = /[a-z]+(?:['’][a-z]+)*/giu;
// Han characters and Chinese punctuation cut a run of English words; spaces, digits and ASCII punctuation do not.
const runBreak = /[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff0f\uff1a-\uff20]+/u;

function count(text: string, pattern: RegExp): number {
  pattern.lastIndex = 0;
  return text.match(pattern)?.length ?? 0;
}

/**
 * The languages of one sentence. English counts when the sentence has a phrase of two or more English words in a
 * row, or is only English: a borrowed term inside a Chinese sentence ("App", "PIN码", "OK吗") is not English
 * speech and must not pull the English rules onto Chinese text. Chinese counts from two Han characters (or one
 * with no English around it), so a stray character in an English sentence does not either.
 */
function languagesOf(sentence: string): { languages: ScriptLanguage[]; units: LanguageUnits } {
  const units: LanguageUnits = { zh: count(sentence, hanCharacter), en: count(sentence, latinWord) };
  const languages: ScriptLanguage[] = [];
  if (units.zh >= 2 || (units.zh === 1 && units.en === 0)) languages.push('zh');
  let longestRun = 0;
  if (units.en > 0) {
    for (const run of sentence.split(runBreak)) longestRun = Math.max(longestRun, count(run, latinWord));
  }
  if (longestRun >= 2 || (units.en > 0 && units.zh === 0)) languages.push('en');
  return { languages, units };
}

/** The sentences of a text with the languages each holds; sentences without a letter of either script are left out. */
export function sentenceLanguages(text: string): SentenceLanguages[] {
  const sentences: SentenceLanguages[] = [];
  let start = 0;
  const push = (end: number): void => {
    if (end <= start) return;
    const { languages, units } = languagesOf(text.slice(start, end));
    if (languages.length > 0) sentences.push({ start, end, languages, units });
    start = end;
  };
  sentenceBreak.lastIndex = 0;
  for (let match = sentenceBreak.exec(text); match; match = sentenceBreak.exec(text)) push(match.index + match[0].length);
  push(text.length);
  return sentences;
}

/** Every language some sentence of the text holds, Chinese first. */
export function languagesIn(text: string): ScriptLanguage[] {
  const found = new Set(sentenceLanguages(text).flatMap((sentence) => sentence.languages));
  return (['zh', 'en'] as const).filter((language) => found.has(language));
}

/** How much of the text is in each language (Han characters, English words). */
export function languageUnits(text: string): LanguageUnits {
  return { zh: count(text, hanCharacter), en: count(text, latinWord) };
}

/**
 * Words against words: a Chinese word is about one and a half characters long on average, so Han characters are
 * divided by that before they are weighed against English words. Counting characters as words would let a long
 * Chinese product name outweigh the English sentence around it.
 */
const charactersPerChineseWord = 1.5;

/** True when more of the text is in another language than in `language`: a reply the reader would not expect. */
export function mostlyInAnotherLanguage(text: string, language: ScriptLanguage): boolean {
  const units = languageUnits(text);
  const words = { zh: units.zh / charactersPerChineseWord, en: units.en };
  const other: ScriptLanguage = language === 'zh' ? 'en' : 'zh';
  return words[other] > words[language];
}

/**
 * The text with every sentence that does not hold `language` blanked out (spaces, line breaks kept), so offsets
 * stay those of the text given: findings from the blanked copy point into the original.
 */
export function keepSentencesIn(text: string, language: ScriptLanguage, sentences: readonly SentenceLanguages[] = sentenceLanguages(text)): string {
  let kept = '';
  let position = 0;
  for (const sentence of sentences) {
    if (!sentence.languages.includes(language)) continue;
    kept += blank(text.slice(position, sentence.start)) + text.slice(sentence.start, sentence.end);
    position = sentence.end;
  }
  return kept + blank(text.slice(position));
}

// Per UTF-16 unit, not per code point: an emoji blanks to two spaces, so offsets do not shift.
function blank(text: string): string {
  return text.replace(/[^\n]/g, ' ');
}
