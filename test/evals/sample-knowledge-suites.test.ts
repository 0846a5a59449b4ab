import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEvalCommand } from '../../src/evals/eval-cli.js';
import type { EvalReport } from '../../src/evals/eval-report.js';
import { EvalService } from '../../src/evals/eval-service.js';
import { createSampleKnowledgeTargets, type SampleKnowledge } from './sample-knowledge-targets.js';

const suitesDirectory = fileURLToPath(new URL('../../evals/suites', import.meta.url));
let sample: SampleKnowledge;
let service: EvalService;
let out: string;

beforeAll(async () => {
  sample = await createSampleKnowledgeTargets();
  service = new EvalService({ database: sample.testDatabase.database, targets: sample.targets, suitesDirectory });
  out = await mkdtemp(join(tmpdir(), 'eval-reports-'));
});

afterAll(async () => {
  await service.close();
  await sample.testDatabase.close();
});

async function run(args: Partial<Parameters<typeof runEvalCommand>[0]>) {
  const printed: string[] = [];
  const code = await runEvalCommand(
    { suites: [suitesDirectory], formats: ['json', 'junit', 'html', 'markdown'], out, concurrency: 4, cache: true, repeat: 1, ...args },
    { service, print: (text) => printed.push(text) },
  );
  return { code, output: printed.join('') };
}

describe('the shipped suites over the sample knowledge base (offline provider, real services)', () => {
  it('pass in CI: every case of every kind, Chinese and English', async () => {
    const { code, output } = await run({});
    expect(output, output).not.toMatch(/^\s+(FAIL|ERROR|FLAKY) /m);
    expect(code).toBe(0);
    const reports: EvalReport[] = [];
    for (const name of ['compliance-zh', 'compliance-en', 'retrieval', 'suggestions-zh', 'suggestions-en', 'summaries']) {
      reports.push(JSON.parse(await readFile(join(out, `${name}.json`), 'utf8')) as EvalReport);
    }
    const cases = reports.flatMap((report) => report.cases);
    expect(cases.length).toBeGreaterThanOrEqual(80);
    const kinds = new Set(cases.map((item) => `${item.kind}:${item.language}`));
    for (const kind of ['suggestion', 'compliance', 'summary', 'retrieval']) for (const language of ['zh', 'en']) expect(kinds).toContain(`${kind}:${language}`);
    expect(reports.every((report) => report.provider === 'offline' && report.rulesVersion)).toBe(true);
    // Hand-over cases really hand over: no citation and the hand-over wording.
    const handovers = cases.filter((item) => item.checks.some((check) => check.name === 'noCitations'));
    expect(handovers.length).toBeGreaterThanOrEqual(4);
  });

  it('a knowledge change that contradicts a case makes the next run exit 1 and lists the regression', async () => {
    const suites = ['suggestions-zh.yaml', 'retrieval.yaml'].map((file) => join(suitesDirectory, file));
    const baseline = await run({ suites, cache: false });
    expect(baseline.code).toBe(0);
    const approvedRun = (JSON.parse(await readFile(join(out, 'suggestions-zh.json'), 'utf8')) as EvalReport).runId;
    await service.approve(approvedRun, 'test');
    // A broken copy of the FAQ row and the product sheet: the 90-day holding period becomes "any time".
    const broken = '不可以随时赎回'.replace('不可以', '可以');
    await sample.knowledge.ingestFaqSet(
      { format: 'csv', body: `id,question,answer,product,tags\nfaq-zh-013,蓝海稳盈90天可以随时取出来吗？,${broken}，申请后T+1工作日到账。,蓝海稳盈90天,理财\n`, fileName: 'faq-zh.csv' },
      { id: 'test' },
    );
    const sheet = await readFile(fileURLToPath(new URL('../../knowledge/zh/products/wm-wenying90.md', import.meta.url)), 'utf8');
    await sample.knowledge.ingest({ format: 'markdown', body: sheet.replace(/每笔份额[^。\n]*90天/g, '份额可随时赎回'), fileName: 'wm-wenying90.md' }, { id: 'test' });
    const after = await run({ suites, baseline: 'approved', cache: true });
    expect(after.code).toBe(1);
    expect(after.output).toContain('REGRESSION sug-zh-wenying-redeem: pass -> fail');
    const report = JSON.parse(await readFile(join(out, 'suggestions-zh.json'), 'utf8')) as EvalReport;
    expect(report.comparison?.baseline.runId).toBe(approvedRun);
    expect(report.comparison?.regressions.map((item) => item.id)).toContain('sug-zh-wenying-redeem');
    const html = await readFile(join(out, 'suggestions-zh.html'), 'utf8');
    expect(html).toContain('sug-zh-wenying-redeem');
  });
});
