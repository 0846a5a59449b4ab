import pLimit from 'p-limit';
import { decideAttempt, decideRepeats } from './decide-case.js';
import type { EvalCache } from './eval-cache.js';
import type { AttemptSummary, CaseResult, RuleStat, RunTotals } from './eval-report.js';
import type { EvalTargets } from './eval-targets.js';
import { describeInput, runCase, type CaseOutcome } from './run-case.js';
import type { EvalCase, LoadedSuite } from './suite-schema.js';

export interface RunOptions {
  concurrency: number;
  repeat: number;
  cache?: EvalCache | undefined;
  /** Aborting stops starting new cases; those not started are reported as `error`. */
  signal?: AbortSignal;
  onCase?: (result: CaseResult) => void | Promise<void>;
}

export interface SuiteRunResult {
  cases: CaseResult[];
  totals: RunTotals;
  rules: RuleStat[];
  durationMs: number;
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

function caseLanguage(item: EvalCase, suite: LoadedSuite, input: Record<string, unknown>): 'zh' | 'en' {
  const fromInput = input.language;
  if (fromInput === 'zh' || fromInput === 'en') return fromInput;
  return item.language ?? suite.definition.language ?? 'zh';
}

async function runOneCase(item: EvalCase, suite: LoadedSuite, targets: EvalTargets, options: RunOptions, cacheScope: unknown): Promise<CaseResult> {
  const defaults = suite.definition.defaults ?? {};
  const threshold = item.threshold ?? defaults.threshold ?? 1;
  const attempts: AttemptSummary[] = [];
  const outcomes: (CaseOutcome | undefined)[] = [];
  const errors: (string | undefined)[] = [];
  for (let attempt = 0; attempt < options.repeat; attempt += 1) {
    const started = performance.now();
    if (options.signal?.aborted) {
      attempts.push({ status: 'error', score: 0, latencyMs: 0, cached: false, error: 'run interrupted before this case started' });
      outcomes.push(undefined);
      errors.push('run interrupted before this case started');
      continue;
    }
    try {
      const outcome = await runCase(item, { targets, defaults, suiteLanguage: suite.definition.language, cache: options.cache, cacheScope, attempt });
      const decision = decideAttempt(outcome.checks, threshold);
      attempts.push({ status: decision.status, score: decision.score, latencyMs: Math.round(performance.now() - started), cached: outcome.cached });
      outcomes.push(outcome);
      errors.push(decision.status === 'error' ? outcome.checks.find((check) => check.status === 'error')?.reason : undefined);
    } catch (error) {
      // One case's crash is that case's result; the run goes on.
      const message = messageOf(error);
      attempts.push({ status: 'error', score: 0, latencyMs: Math.round(performance.now() - started), cached: false, error: message });
      outcomes.push(undefined);
      errors.push(message);
    }
  }
  const status = decideRepeats(attempts);
  // Show the attempt that explains the status: the first non-passing one when repeats disagree.
  const shownIndex = Math.max(0, status === 'pass' ? 0 : attempts.findIndex((attempt) => attempt.status !== 'pass'));
  const shown = outcomes[shownIndex];
  const input = shown?.input ?? describeInput(item);
  const scores = attempts.map((attempt) => attempt.score);
  const error = errors[shownIndex];
  return {
    id: item.id,
    kind: item.kind,
    language: caseLanguage(item, suite, input),
    ...(item.description ? { description: item.description } : {}),
    tags: [...new Set([...(suite.definition.tags ?? []), ...(item.tags ?? [])])],
    ...(suite.caseLines[item.id] ? { line: suite.caseLines[item.id] } : {}),
    status,
    score: Math.round((scores.reduce((sum, value) => sum + value, 0) / Math.max(1, scores.length)) * 1000) / 1000,
    threshold,
    checks: shown?.checks ?? [],
    attempts,
    input,
    ...(shown ? { output: shown.output } : {}),
    retrievedChunkIds: shown?.retrievedChunkIds ?? [],
    latencyMs: Math.round(attempts.reduce((sum, attempt) => sum + attempt.latencyMs, 0) / Math.max(1, attempts.length)),
    ...(error ? { error } : {}),
  };
}

export function totalsOf(cases: readonly CaseResult[]): RunTotals {
  const byKind: RunTotals['byKind'] = {};
  for (const item of cases) {
    const entry = (byKind[item.kind] ??= { cases: 0, passed: 0 });
    entry.cases += 1;
    if (item.status === 'pass') entry.passed += 1;
  }
  const passed = cases.filter((item) => item.status === 'pass').length;
  return {
    cases: cases.length,
    passed,
    failed: cases.filter((item) => item.status === 'fail').length,
    errors: cases.filter((item) => item.status === 'error').length,
    flaky: cases.filter((item) => item.status === 'flaky').length,
    passRate: cases.length === 0 ? 0 : Math.round((passed / cases.length) * 1000) / 1000,
    byKind,
  };
}

/** Pass rate per rule over every check that names a rule (expected present, expected absent, must not fire). */
export function ruleStatsOf(cases: readonly CaseResult[]): RuleStat[] {
  const stats = new Map<string, { checks: number; passed: number }>();
  for (const item of cases) {
    for (const check of item.checks) {
      if (!check.ruleId || check.status === 'skipped') continue;
      const entry = stats.get(check.ruleId) ?? { checks: 0, passed: 0 };
      entry.checks += 1;
      if (check.status === 'pass') entry.passed += 1;
      stats.set(check.ruleId, entry);
    }
  }
  return [...stats.entries()]
    .map(([ruleId, entry]) => ({ ruleId, ...entry, passRate: Math.round((entry.passed / entry.checks) * 1000) / 1000 }))
    .sort((left, right) => left.passRate - right.passRate || left.ruleId.localeCompare(right.ruleId));
}

/**
 * Runs every case of a suite against the targets, `concurrency` at a time, each `repeat` times. Results come
 * back in suite order whatever order they finished in.
 */
export async function runSuite(suite: LoadedSuite, targets: EvalTargets, options: RunOptions): Promise<SuiteRunResult> {
  const started = performance.now();
  const description = targets.describeRun();
  const knowledgeState = (await targets.knowledgeState?.()) ?? 'unknown';
  const cacheScope = { ...description, knowledgeState };
  const limit = pLimit(Math.max(1, options.concurrency));
  const cases = await Promise.all(
    suite.definition.cases.map((item) =>
      limit(async () => {
        const result = await runOneCase(item, suite, targets, options, cacheScope);
        await options.onCase?.(result);
        return result;
      }),
    ),
  );
  return { cases, totals: totalsOf(cases), rules: ruleStatsOf(cases), durationMs: Math.round(performance.now() - started) };
}
