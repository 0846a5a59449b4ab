import { failed, passed, type ScoreResult } from './score-result.js';

/** At least one citation points at one of the gold documents (by externalId). */
export function scoreGoldCitations(citedExternalIds: readonly string[], gold: readonly string[]): ScoreResult {
  const hits = gold.filter((externalId) => citedExternalIds.includes(externalId));
  if (hits.length > 0) return passed(`cites ${hits.join(', ')}`);
  const cited = citedExternalIds.length > 0 ? `cites ${[...new Set(citedExternalIds)].join(', ')}` : 'cites nothing';
  return failed(`${cited}; expected one of ${gold.join(', ')}`);
}

export function scoreCitationsRequired(citationCount: number): ScoreResult {
  return citationCount > 0 ? passed(`${citationCount} citation(s)`) : failed('no citation: every answer must cite what it used');
}

/** A question the base cannot answer gets a hand-over, not an answer that pretends to have a source. */
export function scoreNoCitations(citedExternalIds: readonly string[]): ScoreResult {
  return citedExternalIds.length === 0 ? passed('cites nothing, as expected for a hand-over') : failed(`cites ${[...new Set(citedExternalIds)].join(', ')} but should hand over without a source`);
}
