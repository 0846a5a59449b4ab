import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { compareRuns } from '../../src/evals/compare-runs.js';
import type { CaseResult, EvalReport } from '../../src/evals/eval-report.js';
import { ruleStatsOf, totalsOf } from '../../src/evals/eval-runner.js';
import { renderReport } from '../../src/evals/reports/render-report.js';

const attack = '</script><script>alert("x")</script><img src=x onerror=alert(1)>';

function caseResult(id: string, status: CaseResult['status'], ruleId = 'CN-SALES-001'): CaseResult {
  const failing = status !== 'pass';
  return {
    id, kind: 'suggestion', language: 'zh', tags: ['wealth'], status, score: failing ? 0 : 1, threshold: 1,
    checks: [
      { name: `rule:${ruleId}`, status: failing ? 'fail' : 'pass', pass: !failing, score: failing ? 0 : 1, reason: failing ? `${ruleId} triggered: "${attack}"` : 'ok', critical: true, weight: 1, ruleId },
    ],
    attempts: status === 'flaky' ? [{ status: 'pass', score: 1, latencyMs: 5, cached: false }, { status: 'fail', score: 0, latencyMs: 5, cached: false }] : [{ status: failing ? 'fail' : 'pass', score: 0, latencyMs: 5, cached: false }],
    input: { turns: [{ id: 't1', speaker: 'customer', text: attack }] },
    output: { suggestions: [{ text: `answer ${attack}`, citations: [{ chunkId: 'c1', externalId: 'kb-1', title: 'T', version: 1, passage: attack }], disclosures: [] }] },
    retrievedChunkIds: ['c1'], latencyMs: 5,
  };
}

function report(cases: CaseResult[], runId = '00000000-0000-4000-8000-000000000001'): EvalReport {
  return {
    schemaVersion: 1, runId, status: cases.every((item) => item.status === 'pass') ? 'passed' : 'failed',
    suite: { name: 'demo', version: 'abc123abc123' }, createdAt: '2026-01-01T00:00:00.000Z', durationMs: 120,
    provider: 'offline', model: 'extractive-v1', promptHashes: {}, rulesVersion: 'r1', options: { concurrency: 1, repeat: 1, cache: true },
    totals: totalsOf(cases), rules: ruleStatsOf(cases), cases,
  };
}

describe('baseline comparison', () => {
  it('joins by case id: regressions, fixes, new and removed cases, rule deltas', () => {
    const before = report([caseResult('a', 'pass'), caseResult('b', 'fail'), caseResult('gone', 'pass'), caseResult('c', 'pass', 'CN-SALES-002')]);
    const after = report([caseResult('a', 'fail'), caseResult('b', 'pass'), caseResult('new', 'pass'), caseResult('c', 'flaky', 'CN-SALES-002')]);
    const comparison = compareRuns(before, after, 'baseline.json');
    expect(comparison.regressions.map((item) => [item.id, item.before, item.after])).toEqual([['a', 'pass', 'fail'], ['c', 'pass', 'flaky']]);
    expect(comparison.regressions[0]!.reasons[0]).toMatch(/^rule:CN-SALES-001: CN-SALES-001 triggered/);
    expect(comparison.fixes.map((item) => item.id)).toEqual(['b']);
    expect(comparison.newCases).toEqual(['new']);
    expect(comparison.removedCases).toEqual(['gone']);
    expect(comparison.ruleDeltas.find((rule) => rule.ruleId === 'CN-SALES-002')).toEqual({ ruleId: 'CN-SALES-002', before: 1, after: 0, delta: -1 });
  });
});

describe('report formats', () => {
  const failed = { ...report([caseResult('ok', 'pass'), caseResult('bad<&>', 'fail'), caseResult('wobbly', 'flaky'), { ...caseResult('boom', 'error'), checks: [], error: 'TypeError: x < y' }]) };
  failed.comparison = compareRuns(report([caseResult('bad<&>', 'pass')]), failed, 'previous');

  it('JUnit: one testcase per case, failures per failed check, errors as <error>, all text escaped', () => {
    const xml = renderReport(failed, 'junit');
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(xml.match(/<testcase /g)).toHaveLength(4);
    expect(xml).toContain('tests="4" failures="2" errors="1"');
    expect(xml).toContain('name="bad&lt;&amp;&gt;"');
    expect(xml).toContain('<error message="TypeError: x &lt; y" type="error">');
    expect(xml).toContain('type="flaky"');
    expect(xml).not.toContain('<script>');
    // Balanced, well-formed enough for CI parsers: every opened element is closed.
    const opened = (xml.match(/<(testsuites|testsuite|testcase|failure|error|properties)[\s>]/g) ?? []).length;
    const selfClosed = (xml.match(/<testcase [^>]*\/>/g) ?? []).length;
    const closed = (xml.match(/<\/(testsuites|testsuite|testcase|failure|error|properties)>/g) ?? []).length;
    expect(opened).toBe(closed + selfClosed);
  });

  it('HTML: one self-contained file, no network, suite text stays data', () => {
    const html = renderReport(failed, 'html');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/i);
    expect(html).not.toContain('</script><script>alert');
    expect(html).not.toContain('<img src=x');
    expect(html.match(/<script/g)).toHaveLength(2);
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    const data = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    expect((JSON.parse(data) as EvalReport).cases[1]!.input).toEqual(failed.cases[1]!.input);
    expect(html).toContain("zh:{title:'评测报告'");
    expect(html).toContain("en:{title:'Eval report'");
    // The page renders only through textContent.
    expect(html).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  });

  it('HTML: the inline script renders rules, cases, checks and regressions as text, in either language', () => {
    const html = renderReport(failed, 'html');
    const { document } = parseHTML(html);
    const code = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    new Function('document', 'navigator', code)(document, { language: 'zh-CN' });
    const app = document.getElementById('app');
    expect(app?.textContent).toContain('各规则通过率');
    expect(app?.textContent).toContain('CN-SALES-001');
    expect(app?.querySelectorAll('details')).toHaveLength(4);
    expect(app?.querySelectorAll('details.regression')).toHaveLength(1);
    // The attack string is shown as text, never parsed into elements.
    expect(app?.textContent).toContain('<img src=x onerror=alert(1)>');
    expect(app?.querySelectorAll('img')).toHaveLength(0);
    expect(app?.querySelector('select[aria-label="界面语言"]')).toBeTruthy();
    const english = parseHTML(html).document;
    new Function('document', 'navigator', code)(english, { language: 'en-US' });
    expect(english.getElementById('app')?.textContent).toContain('Pass rate per rule');
  });

  it('Markdown: counts, rules, regressions and failing cases with reasons', () => {
    const markdown = renderReport(failed, 'markdown');
    expect(markdown).toContain('cases: 4, passed 1, failed 1, errors 1, flaky 1');
    expect(markdown).toContain('**regression** `bad&lt;&&gt;` pass -> fail');
    expect(markdown).toContain('### FLAKY `wobbly`');
    expect(markdown).toContain('| CN-SALES-001 | 3 | 1 | 33.3% |');
  });

  it('JSON is the report itself', () => {
    expect(JSON.parse(renderReport(failed, 'json'))).toEqual(JSON.parse(JSON.stringify(failed)));
  });
});
