import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { lexicalTokens } from '../text/segment-text.js';

/**
 * What a question is about, for grouping unanswered questions into gaps: its words and, for Chinese, character
 * bigrams (a paraphrase often shares the bigrams of a word the segmenter cut differently), without stop words.
 */
export function gapTerms(question: string): string[] {
  return [...new Set(lexicalTokens(question))].sort();
}

/** Set cosine of two term lists: shared terms over the geometric mean of their sizes (0..1). */
export function termSimilarity(left: readonly string[], right: readonly string[]): number {
  if (left.length === 0 || right.length === 0) return 0;
  const smaller = left.length <= right.length ? left : right;
  const larger = new Set(left.length <= right.length ? right : left);
  let shared = 0;
  for (const term of smaller) if (larger.has(term)) shared += 1;
  return shared / Math.sqrt(left.length * right.length);
}

const fitSchema = z.object({
  zh: z.object({ threshold: z.number().min(0).max(1) }).loose(),
  en: z.object({ threshold: z.number().min(0).max(1) }).loose(),
  fittedOn: z.string(),
  measure: z.string(),
});

let fitted: z.infer<typeof fitSchema> | undefined;

/**
 * The similarity from which a question joins an existing gap, per language, fitted by bench/fit-gap-clustering.ts
 * (gap-clustering.json) on real customers' paraphrases labelled with the question they ask.
 */
export function gapSimilarityThreshold(language: 'zh' | 'en'): number {
  fitted ??= fitSchema.parse(JSON.parse(readFileSync(new URL('./gap-clustering.json', import.meta.url), 'utf8')));
  return fitted[language].threshold;
}

/**
 * Online grouping: each question joins the most similar gap whose representative terms reach the cut-off, else
 * starts a new gap. The same procedure the fit simulates, so the fitted cut-off means what it says here.
 */
export function closestGap<T extends { terms: readonly string[] }>(terms: readonly string[], candidates: readonly T[], threshold: number): T | undefined {
  let best: T | undefined;
  let bestSimilarity = threshold;
  for (const candidate of candidates) {
    const similarity = termSimilarity(terms, candidate.terms);
    if (similarity >= bestSimilarity) {
      best = candidate;
      bestSimilarity = similarity;
    }
  }
  return best;
}
