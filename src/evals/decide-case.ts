import type { AttemptSummary, CaseStatus } from './eval-report.js';
import type { CheckResult } from './scorers/score-result.js';

/**
 * One attempt: a failed critical check fails the case whatever else passed; a check that could not run
 * (judge error) makes it `error`, never `pass`; otherwise the weighted score must reach the threshold.
 */
export function decideAttempt(checks: readonly CheckResult[], threshold: number): { status: 'pass' | 'fail' | 'error'; score: number } {
  const counted = checks.filter((check) => check.status !== 'skipped');
  const totalWeight = counted.reduce((sum, check) => sum + check.weight, 0);
  const score = totalWeight === 0 ? 1 : Math.round((counted.reduce((sum, check) => sum + check.weight * check.score, 0) / totalWeight) * 1000) / 1000;
  if (counted.some((check) => check.critical && check.status === 'fail')) return { status: 'fail', score };
  if (counted.some((check) => check.status === 'error')) return { status: 'error', score };
  // With the default threshold of 1 every weighted check must pass; a relaxed threshold tolerates partial misses.
  const allPass = counted.every((check) => check.status === 'pass');
  if (allPass) return { status: 'pass', score: totalWeight === 0 ? 1 : score };
  return { status: score >= threshold && threshold < 1 ? 'pass' : 'fail', score };
}

/** Across repeats: all alike -> that status; pass in some and not in others -> flaky. */
export function decideRepeats(attempts: readonly AttemptSummary[]): CaseStatus {
  const statuses = new Set(attempts.map((attempt) => attempt.status));
  if (statuses.size === 1) return attempts[0]?.status ?? 'error';
  return statuses.has('pass') ? 'flaky' : statuses.has('fail') ? 'fail' : 'error';
}
