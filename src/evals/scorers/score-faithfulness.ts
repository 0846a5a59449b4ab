import type { FaithfulnessVerdict } from '../eval-targets.js';
import { failed, passed, ratio, type ScoreResult } from './score-result.js';

/** Share of the answer's claims the judge found supported by the cited passages; every claim must be supported by default. */
export function scoreFaithfulness(verdict: FaithfulnessVerdict, minimum = 1): ScoreResult {
  const total = verdict.claims.length;
  if (total === 0) return passed('no factual claim to check');
  const unsupported = verdict.claims.filter((claim) => !claim.supported);
  const score = ratio(total - unsupported.length, total);
  const reason = unsupported.length === 0 ? `all ${total} claim(s) supported` : `unsupported: ${unsupported.map((claim) => `"${claim.claim}"${claim.reason ? ` (${claim.reason})` : ''}`).join('; ')}`;
  return score >= minimum ? passed(reason, score) : failed(reason, score);
}
