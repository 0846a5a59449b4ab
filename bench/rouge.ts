/** ROUGE-1/2/L F1 (Lin, 2004) as small pure functions: no stemming, no stopword removal. */

export interface RougeScores {
  rouge1: number;
  rouge2: number;
  rougeL: number;
}

const cjk = /[\u3400-\u9fff\uf900-\ufaff]/u;

/** Chinese: one token per character (letters and digits, no punctuation); English: lower-cased words. */
export function rougeTokens(text: string, language: 'zh' | 'en'): string[] {
  const folded = text.normalize('NFKC').toLowerCase();
  if (language === 'zh') return [...folded].filter((character) => cjk.test(character) || /[\p{L}\p{N}]/u.test(character));
  return folded.match(/[\p{L}\p{N}]+(?:'[\p{L}]+)?/gu) ?? [];
}

function ngramCounts(tokens: readonly string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let index = 0; index + n <= tokens.length; index += 1) {
    const gram = tokens.slice(index, index + n).join('\u0001');
    counts.set(gram, (counts.get(gram) ?? 0) + 1);
  }
  return counts;
}

function f1(overlap: number, candidateTotal: number, referenceTotal: number): number {
  if (overlap === 0 || candidateTotal === 0 || referenceTotal === 0) return 0;
  const precision = overlap / candidateTotal;
  const recall = overlap / referenceTotal;
  return (2 * precision * recall) / (precision + recall);
}

/** ROUGE-N F1 with clipped n-gram counts. */
export function rougeN(candidate: readonly string[], reference: readonly string[], n: number): number {
  const candidateCounts = ngramCounts(candidate, n);
  const referenceCounts = ngramCounts(reference, n);
  let overlap = 0;
  for (const [gram, count] of candidateCounts) overlap += Math.min(count, referenceCounts.get(gram) ?? 0);
  return f1(overlap, Math.max(0, candidate.length - n + 1), Math.max(0, reference.length - n + 1));
}

export function longestCommonSubsequence(left: readonly string[], right: readonly string[]): number {
  if (left.length === 0 || right.length === 0) return 0;
  let previous = new Array<number>(right.length + 1).fill(0);
  let current = new Array<number>(right.length + 1).fill(0);
  for (const leftToken of left) {
    for (let column = 1; column <= right.length; column += 1) {
      current[column] =
        leftToken === right[column - 1]
          ? (previous[column - 1] ?? 0) + 1
          : Math.max(previous[column] ?? 0, current[column - 1] ?? 0);
    }
    [previous, current] = [current, previous];
  }
  return previous[right.length] ?? 0;
}

/** ROUGE-L F1 (sentence-level LCS, beta = 1). */
export function rougeL(candidate: readonly string[], reference: readonly string[]): number {
  return f1(longestCommonSubsequence(candidate, reference), candidate.length, reference.length);
}

/** Against several references, each measure takes its best reference (the usual multi-reference max). */
export function rougeScores(candidate: string, references: readonly string[], language: 'zh' | 'en'): RougeScores {
  const candidateTokens = rougeTokens(candidate, language);
  const scores: RougeScores = { rouge1: 0, rouge2: 0, rougeL: 0 };
  for (const reference of references) {
    const referenceTokens = rougeTokens(reference, language);
    scores.rouge1 = Math.max(scores.rouge1, rougeN(candidateTokens, referenceTokens, 1));
    scores.rouge2 = Math.max(scores.rouge2, rougeN(candidateTokens, referenceTokens, 2));
    scores.rougeL = Math.max(scores.rougeL, rougeL(candidateTokens, referenceTokens));
  }
  return scores;
}
