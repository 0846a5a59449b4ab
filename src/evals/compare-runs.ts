import type { CaseResult, Comparison, EvalReport } from './eval-report.js';

/**
 * Joins two runs of a suite by case id. A regression is a case that passed in the baseline and does not
 * now (fail, error or flaky); a fix is the reverse. Rule deltas compare pass rates per rule.
 */
export function compareRuns(baseline: Pick<EvalReport, 'runId' | 'cases' | 'rules' | 'suite'>, current: Pick<EvalReport, 'cases' | 'rules'>, source: string): Comparison {
  const before = new Map<string, CaseResult>(baseline.cases.map((item) => [item.id, item]));
  const after = new Map<string, CaseResult>(current.cases.map((item) => [item.id, item]));
  const regressions: Comparison['regressions'] = [];
  const fixes: Comparison['fixes'] = [];
  const newCases: string[] = [];
  for (const item of current.cases) {
    const previous = before.get(item.id);
    if (!previous) {
      newCases.push(item.id);
      continue;
    }
    if (previous.status === 'pass' && item.status !== 'pass') {
      regressions.push({
        id: item.id,
        before: previous.status,
        after: item.status,
        reasons: item.error ? [item.error] : item.checks.filter((check) => check.status === 'fail' || check.status === 'error').map((check) => `${check.name}: ${check.reason}`),
      });
    } else if (previous.status !== 'pass' && item.status === 'pass') {
      fixes.push({ id: item.id, before: previous.status, after: item.status });
    }
  }
  const removedCases = baseline.cases.filter((item) => !after.has(item.id)).map((item) => item.id);
  const beforeRules = new Map(baseline.rules.map((rule) => [rule.ruleId, rule.passRate]));
  const afterRules = new Map(current.rules.map((rule) => [rule.ruleId, rule.passRate]));
  const ruleIds = [...new Set([...beforeRules.keys(), ...afterRules.keys()])].sort();
  const ruleDeltas = ruleIds.map((ruleId) => {
    const was = beforeRules.get(ruleId) ?? null;
    const is = afterRules.get(ruleId) ?? null;
    return { ruleId, before: was, after: is, delta: was === null || is === null ? null : Math.round((is - was) * 1000) / 1000 };
  });
  return {
    baseline: { ...(baseline.runId ? { runId: baseline.runId } : {}), source, suiteVersion: baseline.suite.version },
    regressions,
    fixes,
    newCases,
    removedCases,
    ruleDeltas,
  };
}
