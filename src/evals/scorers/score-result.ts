/** What every scorer returns (promptfoo style): pure, no I/O. */
export interface ScoreResult {
  pass: boolean;
  /** 0..1 */
  score: number;
  reason: string;
}

export type CheckStatus = 'pass' | 'fail' | 'error' | 'skipped';

/** A scorer's result as recorded on a case: named, weighted, maybe critical, maybe about one rule. */
export interface CheckResult extends ScoreResult {
  name: string;
  status: CheckStatus;
  critical: boolean;
  weight: number;
  ruleId?: string;
}

export function passed(reason: string, score = 1): ScoreResult {
  return { pass: true, score, reason };
}

export function failed(reason: string, score = 0): ScoreResult {
  return { pass: false, score, reason };
}

export function ratio(part: number, whole: number): number {
  return whole === 0 ? 1 : Math.round((part / whole) * 1000) / 1000;
}
