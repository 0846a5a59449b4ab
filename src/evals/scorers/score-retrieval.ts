import { failed, passed, ratio, type ScoreResult } from './score-result.js';

/** Recall of the gold documents in the top k; `any` passes on one hit, `all` needs every one. */
export function scoreRetrieval(retrievedExternalIds: readonly string[], gold: readonly string[], k: number, match: 'any' | 'all'): ScoreResult {
  const top = retrievedExternalIds.slice(0, k);
  const found = gold.filter((externalId) => top.includes(externalId));
  const firstRank = top.findIndex((externalId) => gold.includes(externalId));
  const recall = ratio(found.length, gold.length);
  const where = firstRank >= 0 ? `first gold at rank ${firstRank + 1}` : `top ${k}: ${[...new Set(top)].join(', ') || 'nothing'}`;
  const ok = match === 'all' ? found.length === gold.length : found.length > 0;
  const reason = `${found.length}/${gold.length} gold in top ${k} (${where})`;
  return ok ? passed(reason, match === 'any' ? 1 : recall) : failed(reason, recall);
}

export function scoreForbiddenDocuments(retrievedExternalIds: readonly string[], forbidden: readonly string[]): ScoreResult {
  const hits = forbidden.filter((externalId) => retrievedExternalIds.includes(externalId));
  return hits.length === 0 ? passed('no forbidden document retrieved') : failed(`retrieved forbidden ${hits.join(', ')}`);
}
