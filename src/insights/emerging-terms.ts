/**
 * Dunning's log-likelihood ratio (G²) for a 2x2 table: calls mentioning a term vs not, this period vs the
 * previous one. Unlike a raw ratio it stays small for terms seen a handful of times, so rare words do not flood
 * the list; unlike a chi-square it is reliable with small expected counts.
 */
export function logLikelihoodRatio(current: number, currentTotal: number, previous: number, previousTotal: number): number {
  const cells = [
    [current, currentTotal - current],
    [previous, previousTotal - previous],
  ] as const;
  const total = currentTotal + previousTotal;
  if (total === 0) return 0;
  const columns = [current + previous, total - current - previous];
  const rows = [currentTotal, previousTotal];
  let sum = 0;
  cells.forEach((row, rowIndex) => {
    row.forEach((observed, columnIndex) => {
      const expected = ((rows[rowIndex] ?? 0) * (columns[columnIndex] ?? 0)) / total;
      if (observed > 0 && expected > 0) sum += observed * Math.log(observed / expected);
    });
  });
  return 2 * sum;
}

export interface TermCounts {
  term: string;
  current: number;
  previous: number;
}

export interface EmergingTerm extends TermCounts {
  currentShare: number;
  previousShare: number;
  shareRatio: number;
  logLikelihood: number;
}

/** Terms whose share of calls rose: at least `minimumCalls`, a smoothed share ratio of `minimumShareRatio`, and G² past the bar. */
export function emergingTerms(counts: readonly TermCounts[], totals: { current: number; previous: number }, settings: { minimumCalls: number; minimumShareRatio: number; minimumLogLikelihood: number }, limit: number): EmergingTerm[] {
  if (totals.current === 0) return [];
  const result: EmergingTerm[] = [];
  for (const count of counts) {
    if (count.current < settings.minimumCalls) continue;
    const currentShare = count.current / totals.current;
    const previousShare = totals.previous > 0 ? count.previous / totals.previous : 0;
    const shareRatio = (count.current + 1) / (totals.current + 1) / ((count.previous + 1) / (totals.previous + 1));
    if (shareRatio < settings.minimumShareRatio) continue;
    const logLikelihood = logLikelihoodRatio(count.current, totals.current, count.previous, totals.previous);
    if (logLikelihood < settings.minimumLogLikelihood) continue;
    result.push({ ...count, currentShare, previousShare, shareRatio: Math.round(shareRatio * 100) / 100, logLikelihood: Math.round(logLikelihood * 100) / 100 });
  }
  return result.sort((left, right) => right.logLikelihood - left.logLikelihood).slice(0, limit);
}
