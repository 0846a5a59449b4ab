import type { Bm25Index } from './bm25-index.js';
import { foldText } from '../text/segment-text.js';

/**
 * What the learned re-ranking reads about a candidate besides the two legs' scores: how the query and the chunk's
 * naming text (a FAQ's questions, a document's title and headings) cover each other, by IDF weight and in order.
 */
export interface MatchFeatures {
  /** Share of the query's IDF weight found in the heading field, and in the body field. */
  queryInHeading: number;
  queryInBody: number;
  /** Share of the heading field's IDF weight found in the query. */
  headingInQuery: number;
  /** Longest common character subsequence with the best naming line, over that line's length and over the query's. */
  orderedInQuestion: number;
  orderedInQuery: number;
  /** Longest common run of characters with the best naming line, over the shorter of the two. */
  sharedRun: number;
  /** The shorter of query and best naming line over the longer (in letters and digits): a paraphrase keeps its length. */
  lengthRatio: number;
}

/**
 * Only the first characters of a query count for the ordered features: they cost query length times line length
 * per candidate, and a turn of many sentences is not a paraphrase of one question anyway.
 */
const orderedQueryLimit = 200;
const orderedLineLimit = 200;

/** Letters and digits only, folded: punctuation and spaces say nothing about order. */
function compact(text: string, limit: number): string {
  // Cut before folding too, so a 5,000-character turn is not folded once per candidate (spaces and punctuation
  // dropped after the cut can leave it a little short of the limit, which the features do not mind).
  return foldText(text.slice(0, limit * 2)).replace(/[^\p{L}\p{N}]/gu, '').slice(0, limit);
}

/**
 * `compact`, remembered: a search folds the same query once per candidate and the same naming lines search after
 * search (a FAQ's questions): folding them again is wasted work. Bounded; emptied when full.
 */
const compacted = new Map<string, string>();
const compactedEntries = 20_000;

function compactRemembered(text: string, limit: number): string {
  // compact reads only this much of the text: a 5,000-character turn is remembered by its start.
  const key = `${limit}\u0000${text.slice(0, limit * 2)}`;
  let value = compacted.get(key);
  if (value === undefined) {
    if (compacted.size >= compactedEntries) compacted.clear();
    value = compact(text, limit);
    compacted.set(key, value);
  }
  return value;
}

function longestCommonSubsequence(left: string, right: string): number {
  const row = new Array<number>(right.length + 1).fill(0);
  for (let index = 1; index <= left.length; index += 1) {
    let diagonal = 0;
    for (let other = 1; other <= right.length; other += 1) {
      const above = row[other]!;
      row[other] = left[index - 1] === right[other - 1] ? diagonal + 1 : Math.max(above, row[other - 1]!);
      diagonal = above;
    }
  }
  return row[right.length]!;
}

function longestCommonRun(left: string, right: string): number {
  const row = new Array<number>(right.length + 1).fill(0);
  let best = 0;
  for (let index = 1; index <= left.length; index += 1) {
    for (let other = right.length; other >= 1; other -= 1) {
      row[other] = left[index - 1] === right[other - 1] ? row[other - 1]! + 1 : 0;
      if (row[other]! > best) best = row[other]!;
    }
  }
  return best;
}

const questionLine = /^Q: (.*)$/u;

/**
 * The lines that name a chunk: a FAQ chunk's questions (its "Q: " lines, the standard one and every similar one),
 * else its title and heading path.
 */
export function namingLines(input: { kind: string; text: string; title: string; headingPath: readonly string[] }): string[] {
  if (input.kind === 'faq') {
    const questions = input.text.split('\n').flatMap((line) => questionLine.exec(line)?.[1] ?? []);
    if (questions.length > 0) return questions;
  }
  return [input.title, ...input.headingPath].filter((line) => line.trim() !== '');
}

/** The match features of one candidate; the best naming line counts (a similar question may match where the standard one does not). */
export function matchFeaturesOf(index: Bm25Index, chunkId: string, queryTerms: readonly string[], query: string, lines: readonly string[]): MatchFeatures {
  const coverage = index.fieldCoverage(chunkId, queryTerms);
  const compactQuery = compactRemembered(query, orderedQueryLimit);
  let orderedInQuestion = 0;
  let orderedInQuery = 0;
  let sharedRun = 0;
  let lengthRatio = 0;
  for (const line of lines) {
    const compactLine = compactRemembered(line, orderedLineLimit);
    if (compactLine === '' || compactQuery === '') continue;
    const common = longestCommonSubsequence(compactQuery, compactLine);
    orderedInQuestion = Math.max(orderedInQuestion, common / compactLine.length);
    orderedInQuery = Math.max(orderedInQuery, common / compactQuery.length);
    sharedRun = Math.max(sharedRun, longestCommonRun(compactQuery, compactLine) / Math.min(compactLine.length, compactQuery.length));
    lengthRatio = Math.max(lengthRatio, Math.min(compactLine.length, compactQuery.length) / Math.max(compactLine.length, compactQuery.length));
  }
  return { ...coverage, orderedInQuestion, orderedInQuery, sharedRun, lengthRatio };
}
