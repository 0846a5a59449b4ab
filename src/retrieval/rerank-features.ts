import type { Bm25Index, CoverageQuery } from './bm25-index.js';
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
 * search (a FAQ's questions): folding them again is wasted work. Keyed by the text itself (the naming lines are the
 * same strings search after search, whose hash the engine keeps); bounded, emptied when full.
 */
const compacted = new Map<number, Map<string, string>>();
const compactedEntries = 20_000;

function compactRemembered(text: string, limit: number): string {
  let remembered = compacted.get(limit);
  if (!remembered) compacted.set(limit, (remembered = new Map()));
  let value = remembered.get(text);
  if (value === undefined) {
    if (remembered.size >= compactedEntries) remembered.clear();
    value = compact(text, limit);
    // A 5,000-character turn is not kept whole: compact reads only its start.
    if (text.length <= limit * 2) remembered.set(text, value);
  }
  return value;
}

/** Rows of the two dynamic programmes, reused: a search runs them for every candidate and naming line. */
let programmeRow = new Int32Array(0);

function programmeRowOf(length: number): Int32Array {
  if (programmeRow.length < length) programmeRow = new Int32Array(Math.max(length, programmeRow.length * 2));
  return programmeRow;
}

function longestCommonSubsequence(left: string, right: string): number {
  const row = programmeRowOf(right.length + 1).fill(0, 0, right.length + 1);
  for (let index = 1; index <= left.length; index += 1) {
    const code = left.charCodeAt(index - 1);
    let diagonal = 0;
    for (let other = 1; other <= right.length; other += 1) {
      const above = row[other]!;
      row[other] = code === right.charCodeAt(other - 1) ? diagonal + 1 : Math.max(above, row[other - 1]!);
      diagonal = above;
    }
  }
  return row[right.length]!;
}

function longestCommonRun(left: string, right: string): number {
  const row = programmeRowOf(right.length + 1).fill(0, 0, right.length + 1);
  let best = 0;
  for (let index = 1; index <= left.length; index += 1) {
    const code = left.charCodeAt(index - 1);
    for (let other = right.length; other >= 1; other -= 1) {
      row[other] = code === right.charCodeAt(other - 1) ? row[other - 1]! + 1 : 0;
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
  return new QueryMatcher(index, queryTerms, query).featuresOf(chunkId, lines);
}

/**
 * `matchFeaturesOf` for the many candidates of one search: what depends on the query alone (its terms' IDF, its
 * compacted text) is prepared once. Valid while the index is unchanged (a search computes its features at once).
 */
export class QueryMatcher {
  readonly #index: Bm25Index;
  readonly #coverage: CoverageQuery;
  readonly #compactQuery: string;

  constructor(index: Bm25Index, queryTerms: readonly string[], query: string) {
    this.#index = index;
    this.#coverage = index.coverageQuery(queryTerms);
    this.#compactQuery = compactRemembered(query, orderedQueryLimit);
  }

  featuresOf(chunkId: string, lines: readonly string[]): MatchFeatures {
    return { ...this.#index.fieldCoverage(chunkId, this.#coverage), ...orderedFeatures(this.#compactQuery, lines) };
  }
}

/** The ordered features against the best naming line (see MatchFeatures). */
function orderedFeatures(compactQuery: string, lines: readonly string[]): Pick<MatchFeatures, 'orderedInQuestion' | 'orderedInQuery' | 'sharedRun' | 'lengthRatio'> {
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
  return { orderedInQuestion, orderedInQuery, sharedRun, lengthRatio };
}
