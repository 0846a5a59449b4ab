import { containsPhrase, matchingForm, overlapTokens } from '../match-text.js';
import type { Phrasing } from '../suite-schema.js';
import { failed, passed, ratio, type ScoreResult } from './score-result.js';

function alternatives(phrasing: Phrasing): string[] {
  return typeof phrasing === 'string' ? [phrasing] : phrasing;
}

function quote(phrasing: Phrasing): string {
  return alternatives(phrasing).map((item) => `"${item}"`).join(' | ');
}

/** Each entry must appear (any one of its phrasings) in one of `answers`. */
export function scoreMustInclude(answers: readonly string[], phrasings: readonly Phrasing[]): ScoreResult {
  const missing = phrasings.filter((phrasing) => !answers.some((answer) => alternatives(phrasing).some((item) => containsPhrase(answer, item))));
  const score = ratio(phrasings.length - missing.length, phrasings.length);
  if (missing.length === 0) return passed(`contains all ${phrasings.length} expected phrasing(s)`);
  return failed(`missing ${missing.map(quote).join('; ')}`, score);
}

/** No pattern may match any answer (patterns run on the normalised text, like the rule engine's). */
export function scoreMustNotMatch(answers: readonly string[], patterns: readonly string[]): ScoreResult {
  for (const pattern of patterns) {
    const expression = new RegExp(pattern, 'u');
    for (const answer of answers) {
      const match = expression.exec(matchingForm(answer));
      if (match) return failed(`matches forbidden /${pattern}/: "${match[0]}"`);
    }
  }
  return passed(`none of ${patterns.length} forbidden pattern(s) matched`);
}

/** Unigram F1 between answer and reference (CJK characters, Latin words): a cheap lexical stand-in for ROUGE-1. */
export function lexicalOverlap(answer: string, reference: string): number {
  const answerTokens = overlapTokens(answer);
  const referenceTokens = overlapTokens(reference);
  if (answerTokens.length === 0 || referenceTokens.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const token of referenceTokens) counts.set(token, (counts.get(token) ?? 0) + 1);
  let common = 0;
  for (const token of answerTokens) {
    const left = counts.get(token) ?? 0;
    if (left > 0) {
      common += 1;
      counts.set(token, left - 1);
    }
  }
  if (common === 0) return 0;
  const precision = common / answerTokens.length;
  const recall = common / referenceTokens.length;
  return Math.round(((2 * precision * recall) / (precision + recall)) * 1000) / 1000;
}

export function scoreReferenceOverlap(answer: string, reference: string, minimum: number): ScoreResult {
  const overlap = lexicalOverlap(answer, reference);
  const reason = `lexical overlap with the reference ${overlap.toFixed(3)} (needs ${minimum})`;
  return overlap >= minimum ? passed(reason, overlap) : failed(reason, overlap);
}
