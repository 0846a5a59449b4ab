import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { SearchResult } from '../retrieval/hybrid-search.js';
import { TermIndex, termWeight, type TermRarity } from './query-terms.js';

/**
 * How likely a retrieved passage answers a question (0..1): the retrieval's calibrated confidence, fitted on real
 * bank FAQ queries (bench/fit-retrieval.ts). The one place the suggestion path reads relevance.
 */
export function relevanceOf(result: SearchResult): number {
  return result.confidence;
}

const fitSchema = z.object({ threshold: z.number().min(0).max(1), fittedOn: z.string(), measure: z.string() });
const coverageFitSchema = fitSchema.extend({ unweightedThreshold: z.number().min(0).max(1), shortestBackOffPart: z.number().int().min(1).max(4) });

let fitted: z.infer<typeof fitSchema> | undefined;

/** The confidence cut-off fitted by bench/fit-retrieval.ts with the confidence model (answer-relevance.json). */
export function relevanceThreshold(): number {
  fitted ??= fitSchema.parse(JSON.parse(readFileSync(new URL('./answer-relevance.json', import.meta.url), 'utf8')));
  return fitted.threshold;
}

/**
 * The share of the question's content words the passage (title, headings, text) holds, each word weighted by its
 * rarity in the base when known (a word the base never saw weighs most), else all alike.
 */
export function questionCoverage(result: SearchResult, questionTerms: readonly string[], rarity?: TermRarity): number {
  if (questionTerms.length === 0) return 0;
  const index = new TermIndex(`${result.title}\n${result.headingPath.join('\n')}\n${result.text}`);
  if (!rarity) return weightedShare(questionTerms, (term) => index.has(term));
  // Weighed as the cut-off was fitted: on the content words ("bitcoin", not "buy", which any product goes with), unless
  // the question has nothing else.
  const content = questionTerms.filter((term) => termWeight(term) >= 1);
  return weightedShare(content.length > 0 ? content : questionTerms, (term) => index.has(term), rarity);
}

/** The weighted share of `terms` that `holds` (the measure the cut-off is fitted on, bench/fit-passage-coverage.ts). */
export function weightedShare(terms: readonly string[], holds: (term: string) => boolean, rarity?: TermRarity): number {
  let total = 0;
  let found = 0;
  for (const term of terms) {
    const weight = rarity ? rarity(term) : 1;
    total += weight;
    if (holds(term)) found += weight;
  }
  return total > 0 ? found / total : 0;
}

/**
 * Whether a passage is relevant enough to answer from rather than hand over: retrieval's confidence reaches its
 * fitted cut-off, and the passage holds the fitted share of the question's words. Confidence is relative to the
 * other results, so in a small base an unrelated first result can look confident; the words keep it honest.
 */
export function answersQuestion(result: SearchResult, questionTerms: readonly string[], rarity?: TermRarity): boolean {
  return relevanceOf(result) >= relevanceThreshold() && questionCoverage(result, questionTerms, rarity) >= passageCoverageThreshold(rarity !== undefined);
}

let coverage: z.infer<typeof coverageFitSchema> | undefined;

/** passage-coverage.json, read once. */
function coverageFit(): z.infer<typeof coverageFitSchema> {
  coverage ??= coverageFitSchema.parse(JSON.parse(readFileSync(new URL('./passage-coverage.json', import.meta.url), 'utf8')));
  return coverage;
}

/**
 * The share of a question's content words a passage must hold before its sentences are offered, fitted by
 * bench/fit-passage-coverage.ts on real bank FAQ data (passage-coverage.json), for the rarity-weighted share (`weighted`,
 * the service's measure) or the plain one (no word counts at hand). Sentence choice works on words, after retrieval's
 * confidence has decided the passage is about the question.
 */
export function passageCoverageThreshold(weighted = true): number {
  const fit = coverageFit();
  return weighted ? fit.threshold : fit.unweightedThreshold;
}

/**
 * The shortest part a spoken word the base never uses is cut down to (text/base-word.ts): 1 reads "能退" as 退, 2 keeps
 * two-character words whole. Fitted with the coverage cut-off it changes (bench/fit-passage-coverage.ts).
 */
export function shortestBackOffPart(): number {
  return coverageFit().shortestBackOffPart;
}
