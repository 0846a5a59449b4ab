/**
 * Sentence boundaries for replies, shared by the extractive composer and the streaming parser so both
 * release text in the same units. Chinese 。！？； end a sentence at once; English . ? ! only when followed
 * by white space or the end (so "2.5%" and "e.g." inside a word do not split); a line break always ends one.
 */
const cjkTerminators = new Set(['。', '！', '？', '；']);
const latinTerminators = new Set(['.', '?', '!']);
const closers = new Set(['”', '’', '"', "'", '）', ')', '】', ']', '」', '』']);

/**
 * End (exclusive) of the first complete sentence in `text` starting at `from`, or -1 if none is complete yet.
 * `final` says no more text will come, so a trailing "." is a boundary.
 */
export function sentenceEnd(text: string, from = 0, final = false): number {
  for (let index = from; index < text.length; index += 1) {
    const character = text[index] as string;
    if (character === '\n') return index + 1;
    if (cjkTerminators.has(character)) {
      let end = index + 1;
      while (end < text.length && (cjkTerminators.has(text[end] as string) || closers.has(text[end] as string))) end += 1;
      return end;
    }
    if (latinTerminators.has(character)) {
      let end = index + 1;
      while (end < text.length && (latinTerminators.has(text[end] as string) || closers.has(text[end] as string))) end += 1;
      if (end === text.length) {
        if (final) return end;
        // "?" and "!" cannot be part of a number; "." must wait for the next character.
        if (character === '.') return -1;
        continue;
      }
      if (/\s/u.test(text[end] as string)) return end;
    }
  }
  return -1;
}

/** All sentences of a finished text, trimmed, punctuation kept. */
export function splitReplySentences(text: string): string[] {
  const sentences: string[] = [];
  let start = 0;
  while (start < text.length) {
    const end = sentenceEnd(text, start, true);
    const stop = end === -1 ? text.length : end;
    const sentence = text.slice(start, stop).trim();
    if (sentence) sentences.push(sentence);
    start = stop;
  }
  return sentences;
}

const hasCjk = /[\u3400-\u9fff]/u;

/** Joins sentences the way the language writes them: no space between Chinese sentences, one between English. */
export function joinSentences(language: 'zh' | 'en', sentences: readonly string[]): string {
  return language === 'zh' ? sentences.join('') : sentences.join(' ');
}

/** The separator to put before `next` when it follows `previous` in one reply. */
export function separatorBetween(previous: string, next: string): string {
  if (!previous) return '';
  return hasCjk.test(previous.slice(-1)) || hasCjk.test(next.slice(0, 1)) ? '' : ' ';
}

/** Closes a reply with a full stop if it has no end punctuation, so appended wording starts a new sentence. */
export function closeSentence(text: string, language: 'zh' | 'en'): string {
  const trimmed = text.trimEnd();
  if (!trimmed) return trimmed;
  const last = trimmed.replace(/[”’"')）\]】」』]+$/u, '').slice(-1);
  if (cjkTerminators.has(last) || latinTerminators.has(last)) return trimmed;
  return `${trimmed}${language === 'zh' || hasCjk.test(last) ? '。' : '.'}`;
}

/** Appends approved wording (a disclosure, a reminder) to a reply as a new sentence. */
export function appendSentence(text: string, addition: string, language: 'zh' | 'en'): string {
  const closed = closeSentence(text, language);
  return `${closed}${separatorBetween(closed, addition)}${addition}`;
}
