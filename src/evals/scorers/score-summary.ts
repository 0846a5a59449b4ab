import { containsPhrase } from '../match-text.js';
import type { Phrasing } from '../suite-schema.js';
import { failed, passed, ratio, type ScoreResult } from './score-result.js';

export function scoreField(field: string, actual: unknown, expected: readonly unknown[]): ScoreResult {
  const wanted = expected.map((value) => JSON.stringify(value)).join(' or ');
  return expected.includes(actual) ? passed(`${field} = ${JSON.stringify(actual)}`) : failed(`${field} = ${JSON.stringify(actual)}, expected ${wanted}`);
}

/** Each expected product (any of its names) is among the products the summary reports. */
export function scoreProducts(reported: readonly string[], expected: readonly Phrasing[]): ScoreResult {
  const names = (phrasing: Phrasing) => (typeof phrasing === 'string' ? [phrasing] : phrasing);
  const missing = expected.filter((phrasing) => !names(phrasing).some((name) => reported.some((item) => containsPhrase(item, name) || containsPhrase(name, item))));
  const reason = `reported products: ${reported.join(', ') || 'none'}`;
  if (missing.length === 0) return passed(reason);
  return failed(`${reason}; missing ${missing.map((item) => names(item).join(' | ')).join(', ')}`, ratio(expected.length - missing.length, expected.length));
}

export function scoreProductsAbsent(reported: readonly string[], absent: readonly string[]): ScoreResult {
  const present = absent.filter((name) => reported.some((item) => containsPhrase(item, name)));
  return present.length === 0 ? passed('no unexpected product') : failed(`reports ${present.join(', ')} which was not discussed`);
}
