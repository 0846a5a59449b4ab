import { searchTokens } from './segment-text.js';

/** A chunk's analysed BM25 fields: what names it (questions, title, headings) and what it says. */
export interface SearchFields {
  headingTerms: string[];
  bodyTerms: string[];
}

/**
 * The fields of a chunk being ingested. A document's title joins its heading path in the heading field (unless
 * the path already starts with it); a FAQ row's title is its first question, already among its questions.
 */
export function analyzeSearchFields(input: { title: string; kind: string; heading: string; body: string }): SearchFields {
  const headingLines = input.heading.split('\n').filter((line) => line.trim() !== '');
  const withTitle = input.kind === 'faq' || input.title.trim() === '' || headingLines[0] === input.title.trim() ? headingLines : [input.title.trim(), ...headingLines];
  return { headingTerms: searchTokens(withTitle.join('\n')), bodyTerms: searchTokens(input.body) };
}

/**
 * A field's tokens as stored (chunks.heading_tokens / body_tokens, migration 024): one string, space-separated.
 * searchTokens never yields white space (CJK runs, and Latin/number words of letters, digits and `._%-`); a token
 * that did would be split in two when read back, so any white space in one is replaced, never silently kept.
 */
export function joinSearchTokens(tokens: readonly string[]): string {
  return tokens.map((token) => token.replace(/\s+/gu, '_')).join(' ');
}

/** The tokens of a stored field (see joinSearchTokens). */
export function splitSearchTokens(stored: string): string[] {
  return stored === '' ? [] : stored.split(' ');
}

const questionLine = /^Q: (.*)$/u;
const answerStart = /^A: /u;

/**
 * The fields of a chunk stored before they were (migration 006), rebuilt from its text: a FAQ chunk's "Q: " lines
 * are its questions and the rest its answer; any other chunk's first line is its heading-path breadcrumb.
 */
export function searchFieldsFromText(input: { title: string; kind: string; text: string; headingPath: readonly string[] }): SearchFields {
  const lines = input.text.split('\n');
  const breadcrumb = input.headingPath.length > 0 && lines[0] === input.headingPath.join(' > ') ? 1 : 0;
  const content = lines.slice(breadcrumb);
  if (input.kind === 'faq' && content.some((line) => questionLine.test(line))) {
    const questions = content.filter((line) => questionLine.test(line)).map((line) => line.replace(/^Q: /u, ''));
    const answer = content.filter((line) => !questionLine.test(line)).map((line) => line.replace(answerStart, ''));
    return analyzeSearchFields({ title: input.title, kind: input.kind, heading: questions.join('\n'), body: answer.join('\n') });
  }
  return analyzeSearchFields({ title: input.title, kind: input.kind, heading: input.headingPath.join('\n'), body: content.join('\n') });
}
