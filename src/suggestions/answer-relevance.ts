import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { SearchResult } from '../retrieval/hybrid-search.js';
import { TermIndex } from './query-terms.js';

/**
 * How likely a retrieved passage answers a question (0..1). The one place the suggestion path reads relevance:
 * today the share of the question's content words the passage holds; once retrieval returns a calibrated
 * per-result `confidence`, this returns it instead.
 */
export function relevanceOf(result: SearchResult, questionTerms: readonly string[]): number {
  const calibrated = result.confidence;
  if (typeof calibrated === 'number') return calibrated;
  if (questionTerms.length === 0) return 0;
  const index = new TermIndex(`${result.title}\n${result.headingPath.join('\n')}\n${result.text}`);
  return questionTerms.filter((term) => index.has(term)).length / questionTerms.length;
}

const fitSchema = z.object({ threshold: z.number().min(0).max(1), fittedOn: z.string(), measure: z.string() });

let fitted: z.infer<typeof fitSchema> | undefined;

/** The cut-off fitted by bench/fit-relevance-threshold.ts on labelled question/answer data (answer-relevance.json). */
export function relevanceThreshold(): number {
  fitted ??= fitSchema.parse(JSON.parse(readFileSync(new URL('./answer-relevance.json', import.meta.url), 'utf8')));
  return fitted.threshold;
}

/** Whether a passage is relevant enough to answer from rather than hand over. */
export function answersQuestion(result: SearchResult, questionTerms: readonly string[]): boolean {
  return relevanceOf(result, questionTerms) >= relevanceThreshold();
}
