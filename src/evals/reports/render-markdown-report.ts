import type { EvalReport } from '../eval-report.js';

function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|').replace(/[<>]/g, (character) => (character === '<' ? '&lt;' : '&gt;'));
}

function percent(value: number | null): string {
  return value === null ? '-' : `${(value * 100).toFixed(1)}%`;
}

/** A short Markdown summary: counts, per-rule pass rates, regressions, then each failing case with its reasons. */
export function renderMarkdownReport(report: EvalReport): string {
  const totals = report.totals;
  const lines = [
    `# Eval run ${report.suite.name} (${report.suite.version})`,
    '',
    `- status: **${report.status}**  run: \`${report.runId}\``,
    `- provider: ${report.provider ?? '-'} / ${report.model ?? '-'}; rules ${report.rulesVersion ?? '-'}; commit ${report.gitCommit?.slice(0, 12) ?? '-'}`,
  ];
  if (totals) {
    lines.push(`- cases: ${totals.cases}, passed ${totals.passed}, failed ${totals.failed}, errors ${totals.errors}, flaky ${totals.flaky} (pass rate ${percent(totals.passRate)})`);
    lines.push(`- by kind: ${Object.entries(totals.byKind).map(([kind, entry]) => `${kind} ${entry.passed}/${entry.cases}`).join(', ')}`);
  }
  if (report.error) lines.push(`- error: ${cell(report.error)}`);
  const comparison = report.comparison;
  if (comparison) {
    lines.push('', `## Compared with ${cell(comparison.baseline.runId ?? comparison.baseline.source)}`, '');
    lines.push(`regressions ${comparison.regressions.length}, fixes ${comparison.fixes.length}, new ${comparison.newCases.length}, removed ${comparison.removedCases.length}`, '');
    for (const regression of comparison.regressions) lines.push(`- **regression** \`${cell(regression.id)}\` ${regression.before} -> ${regression.after}: ${cell(regression.reasons.join('; '))}`);
    for (const fix of comparison.fixes) lines.push(`- fix \`${cell(fix.id)}\` ${fix.before} -> ${fix.after}`);
    const moved = comparison.ruleDeltas.filter((rule) => rule.delta !== 0);
    if (moved.length > 0) {
      lines.push('', '| rule | before | after | delta |', '| --- | --- | --- | --- |');
      for (const rule of moved) lines.push(`| ${cell(rule.ruleId)} | ${percent(rule.before)} | ${percent(rule.after)} | ${rule.delta === null ? '-' : `${(rule.delta * 100).toFixed(1)} pt`} |`);
    }
  }
  if (report.rules.length > 0) {
    lines.push('', '## Rules', '', '| rule | checks | passed | pass rate |', '| --- | --- | --- | --- |');
    for (const rule of report.rules) lines.push(`| ${cell(rule.ruleId)} | ${rule.checks} | ${rule.passed} | ${percent(rule.passRate)} |`);
  }
  const notPassing = report.cases.filter((item) => item.status !== 'pass');
  lines.push('', `## Cases not passing (${notPassing.length})`, '');
  if (notPassing.length === 0) lines.push('All cases pass.');
  for (const item of notPassing) {
    lines.push(`### ${item.status.toUpperCase()} \`${cell(item.id)}\` (${item.kind}, ${item.language})`);
    if (item.description) lines.push('', cell(item.description));
    lines.push('');
    if (item.error) lines.push(`- error: ${cell(item.error)}`);
    if (item.status === 'flaky') lines.push(`- attempts: ${item.attempts.map((attempt) => attempt.status).join(', ')}`);
    for (const check of item.checks.filter((entry) => entry.status === 'fail' || entry.status === 'error')) {
      lines.push(`- ${check.critical ? '**critical** ' : ''}${cell(check.name)}: ${cell(check.reason)}`);
    }
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}
