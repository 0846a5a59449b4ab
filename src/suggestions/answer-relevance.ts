import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { SearchResult } from '../retrieval/hybrid-search.js';
import { TermIndex } from './query-terms.js';

/**
 * How likely a retrieved passage answers a question (0..1): the retrieval's calibrated confidence, fitted on real
 * bank FAQ queries (bench/fit-retrieval.ts). The one place the suggestion path reads relevance.
 */
export function relevanceOf(result: SearchResult): number {
  return result.confidence;
}

const fitSchema = z.object({ threshold: z.number().min(0).max(1), fittedOn: z.string(), measure: z.string() });

let fitted: z.infer<typeof fitSchema> | undefined;

/** The confidence cut-off fitted by bench/fit-retrieval.ts with the confidence model (answer-relevance.json). */
export function relevanceThreshold(): number {
  fitted ??= fitSchema.parse(JSON.parse(readFileSync(new URL('./answer-relevance.json', import.meta.url), 'utf8')));
  return fitted.threshold;
}

/** The share of the question's content words the passage (title, headings, text) holds. */
export function questionCoverage(result: SearchResult, questionTerms: readonly string[]): number {
  if (questionTerms.length === 0) return 0;
  const index = new TermIndex(`${result.title}\n${result.headingPath.join('\n')}\n${result.text}`);
  return questionTerms.filter((term) => index.has(term)).length / questionTerms.length;
}

/**
 * Whether a passage is relevant enough to answer from rather than hand over: retrieval's confidence reaches its
 * fitted cut-off, and the passage holds the fitted share of the question's words. Confidence is relative to the
 * other results, so in a small base an unrelated first result can look confident; the words keep it honest.
 */
export function answersQuestion(result: SearchResult, questionTerms: readonly string[]): boolean {
  return relevanceOf(result) >= relevanceThreshold() && questionCoverage(result, questionTerms) >= passageCoverageThreshold();
}

let coverage: z.infer<typeof fitSchema> | undefined;

/**
 * The share of a question's content words a passage must hold before its sentences are offered, fitted by
 * bench/fit-passage-coverage.ts on real bank FAQ data (passage-coverage.json). Sentence choice works on words, after
 * retrieval's confidence has decided the passage is about the question.
 */
export function passageCoverageThreshold(): number {
  coverage ??= fitSchema.parse(JSON.parse(readFileSync(new URL('./passage-coverage.json', import.meta.url), 'utf8')));
  return coverage.threshold;
}
