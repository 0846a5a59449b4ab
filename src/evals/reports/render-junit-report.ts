import type { EvalReport } from '../eval-report.js';

// XML 1.0 allows only these characters; model output can contain anything.
const invalidXml = /[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;

export function escapeXml(text: string): string {
  return text
    .replace(invalidXml, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function seconds(milliseconds: number | undefined): string {
  return ((milliseconds ?? 0) / 1000).toFixed(3);
}

/** JUnit XML: a case is a testcase, each failed check a <failure>, a crashed case or check an <error>. */
export function renderJunitReport(report: EvalReport): string {
  const cases = report.cases;
  const failures = cases.filter((item) => item.status === 'fail' || item.status === 'flaky').length;
  const errors = cases.filter((item) => item.status === 'error').length;
  const suiteName = escapeXml(report.suite.name);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="agent-assist evals" tests="${cases.length}" failures="${failures}" errors="${errors}" time="${seconds(report.durationMs)}">`,
    `  <testsuite name="${suiteName}" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="0" time="${seconds(report.durationMs)}" timestamp="${escapeXml(report.startedAt ?? report.createdAt)}">`,
    '    <properties>',
    ...[
      ['runId', report.runId],
      ['suiteVersion', report.suite.version],
      ['provider', report.provider ?? ''],
      ['model', report.model ?? ''],
      ['rulesVersion', report.rulesVersion ?? ''],
      ['gitCommit', report.gitCommit ?? ''],
      ...Object.entries(report.promptHashes).map(([name, hash]) => [`prompt.${name}`, hash]),
    ].map(([name, value]) => `      <property name="${escapeXml(name ?? '')}" value="${escapeXml(value ?? '')}"/>`),
    '    </properties>',
  ];
  for (const item of cases) {
    const open = `    <testcase classname="${suiteName}.${item.kind}" name="${escapeXml(item.id)}" time="${seconds(item.latencyMs)}"`;
    const body: string[] = [];
    if (item.status === 'error' && item.error) {
      body.push(`      <error message="${escapeXml(item.error)}" type="error">${escapeXml(item.error)}</error>`);
    }
    for (const check of item.checks) {
      if (check.status === 'fail' && item.status !== 'pass') {
        const type = check.critical ? 'critical' : 'check';
        body.push(`      <failure message="${escapeXml(`${check.name}: ${check.reason}`)}" type="${type}">${escapeXml(check.reason)}</failure>`);
      } else if (check.status === 'error') {
        body.push(`      <error message="${escapeXml(`${check.name}: ${check.reason}`)}" type="check-error">${escapeXml(check.reason)}</error>`);
      }
    }
    if (item.status === 'flaky') {
      const pattern = item.attempts.map((attempt) => attempt.status).join(', ');
      body.push(`      <failure message="flaky: ${escapeXml(pattern)}" type="flaky">${escapeXml(`attempts: ${pattern}`)}</failure>`);
    }
    if (item.status === 'fail' && body.length === 0) body.push(`      <failure message="below threshold ${item.threshold}" type="threshold">score ${item.score}</failure>`);
    lines.push(body.length === 0 ? `${open}/>` : `${open}>\n${body.join('\n')}\n    </testcase>`);
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}
