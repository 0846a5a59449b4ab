import { normalizeForMatching } from '../text/normalize-text.js';

/**
 * Expected wording is matched the way the rule engine reads text (NFKC, full width, 元/¥, Chinese numerals),
 * with runs of white space folded and dropped between CJK characters, so "1,200 元" meets "1200元".
 */
export function matchingForm(text: string): string {
  return normalizeForMatching(text)
    .replace(/\s+/gu, ' ')
    .replace(/(?<=[\u3000-\u9fff\uff00-\uffef]) (?=\S)|(?<=\S) (?=[\u3000-\u9fff\uff00-\uffef])/gu, '')
    .trim();
}

export function containsPhrase(text: string, phrase: string): boolean {
  return matchingForm(text).includes(matchingForm(phrase));
}

/**
 * Tokens for lexical overlap: CJK characters one by one (Chinese has no spaces and words are short),
 * Latin words and numbers whole.
 */
export function overlapTokens(text: string): string[] {
  const form = matchingForm(text);
  return form.match(/[\u3400-\u9fff]|[\p{L}\p{N}][\p{L}\p{N}.%]*/gu) ?? [];
}
