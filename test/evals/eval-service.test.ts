import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveEvalCommand, runEvalCommand } from '../../src/evals/eval-cli.js';
import { EvalService } from '../../src/evals/eval-service.js';
import type { EvalTargets } from '../../src/evals/eval-targets.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { batch, fakeTargets } from './fake-targets.js';

let testDatabase: TestDatabase;
let directory: string;
let answer = 'the fee is 100';
let targets: EvalTargets;
let service: EvalService;

const suiteText = `name: fees
cases:
  - id: fee
    kind: suggestion
    turns: [{ customer: how much is the fee? }]
    expect: { mustInclude: ['100'] }
  - id: utterance
    kind: compliance
    text: returns are guaranteed
    expect: { rules: [R-CRIT] }
`;

function cli(args: Partial<Parameters<typeof runEvalCommand>[0]> = {}) {
  const printed: string[] = [];
  const run = runEvalCommand(
    { suites: [join(directory, 'suites')], formats: ['json', 'junit', 'html', 'markdown'], out: join(directory, 'out'), concurrency: 2, cache: false, repeat: 1, ...args },
    { service, print: (text) => printed.push(text) },
  );
  return run.then((code) => ({ code, output: printed.join('') }));
}

beforeAll(async () => {
  testDatabase = await createTestDatabase('pglite');
  directory = await mkdtemp(join(tmpdir(), 'evals-'));
  await mkdir(join(directory, 'suites', 'model-only'), { recursive: true });
  await writeFile(join(directory, 'suites', 'fees.yaml'), suiteText);
  await writeFile(join(directory, 'suites', 'model-only', 'slow.yaml'), 'cases:\n  - id: x\n    kind: retrieval\n    query: q\n    expect: { goldDocuments: [doc-a] }\n');
  targets = fakeTargets({ suggest: async () => batch(answer) });
  service = new EvalService({ database: testDatabase.database, targets, suitesDirectory: join(directory, 'suites'), repositoryDirectory: process.cwd() });
});

afterAll(async () => {
  await service.close();
  await testDatabase.close();
});

describe('eval run (CLI) and the stored runs', () => {
  it('exit 0 when all pass; reports written; the run stored with its provenance', async () => {
    const { code, output } = await cli();
    expect(code).toBe(0);
    expect(output).toMatch(/PASS fees \([0-9a-f]{12}\) run [0-9a-f-]{36}: 2\/2 passed/);
    expect(output).not.toContain('slow');
    const report = JSON.parse(await readFile(join(directory, 'out', 'fees.json'), 'utf8'));
    expect(report).toMatchObject({ status: 'passed', provider: 'fake', model: 'fake-1', rulesVersion: 'rules-1', promptHashes: { suggestions: 'abc' }, embedder: 'fake-embedder' });
    expect(report.gitCommit).toMatch(/^[0-9a-f]{40}$/);
    expect(report.cases[0].output.suggestions[0].text).toBe('the fee is 100');
    for (const file of ['fees.junit.xml', 'fees.html', 'fees.md']) expect((await readFile(join(directory, 'out', file), 'utf8')).length).toBeGreaterThan(100);
    const stored = await service.getRun(report.runId);
    expect(stored.cases.map((item) => item.id)).toEqual(['fee', 'utterance']);
    const history = await service.listRuns({ suite: 'fees' });
    expect(history.items[0]).toMatchObject({ runId: report.runId, status: 'passed', passRate: 1, approved: false });
  });

  it('approve marks a baseline; a change that breaks a case exits 1 with the regression named', async () => {
    const first = JSON.parse(await readFile(join(directory, 'out', 'fees.json'), 'utf8'));
    const printed: string[] = [];
    expect(await approveEvalCommand(first.runId, { service, print: (text) => printed.push(text) })).toBe(0);
    expect(printed.join('')).toContain('approved run');
    answer = 'the fee is two hundred';
    const { code, output } = await cli({ baseline: 'approved' });
    expect(code).toBe(1);
    expect(output).toContain('FAIL fee: mustInclude: missing "100"');
    expect(output).toContain('REGRESSION fee: pass -> fail');
    const second = JSON.parse(await readFile(join(directory, 'out', 'fees.json'), 'utf8'));
    expect(second.comparison.regressions.map((item: { id: string }) => item.id)).toEqual(['fee']);
    // The JSON report of the earlier run works as a baseline file too.
    await writeFile(join(directory, 'baseline.json'), JSON.stringify(first));
    expect((await cli({ baseline: join(directory, 'baseline.json') })).output).toContain('REGRESSION fee');
    answer = 'the fee is 100';
  });

  it('exit 2 for a bad suite, an unknown baseline or a missing path, naming what is wrong', async () => {
    await writeFile(join(directory, 'bad.yaml'), 'cases:\n  - id: a\n    kind: compliance\n    text: hi\n    expect: { rules: [R-NOPE] }\n');
    const bad = await cli({ suites: [join(directory, 'bad.yaml')] });
    expect(bad.code).toBe(2);
    expect(bad.output).toContain("bad.yaml, line 2, case a: no rule pack defines rule 'R-NOPE'");
    expect((await cli({ suites: [join(directory, 'missing.yaml')] })).code).toBe(2);
    expect((await cli({ baseline: '00000000-0000-4000-8000-000000000000' })).output).toContain('does not exist');
    expect((await cli({ repeat: 0 })).code).toBe(2);
    expect(await approveEvalCommand('00000000-0000-4000-8000-000000000000', { service, print: () => undefined })).toBe(2);
  });

  it('startRun validates, queues and runs in the background: queued -> running -> passed', async () => {
    const { runId } = await service.startRun('fees');
    const early = await service.getRun(runId);
    expect(['queued', 'running', 'passed']).toContain(early.status);
    const done = await service.waitForRun(runId);
    expect(done.status).toBe('passed');
    const inline = await service.startRun({ name: 'inline-demo', cases: [{ id: 'c', kind: 'compliance', text: 'fine words', expect: { clean: true } }] });
    expect((await service.waitForRun(inline.runId)).status).toBe('passed');
    await expect(service.startRun('no-such-suite')).rejects.toThrow(/no suite named 'no-such-suite'/);
  });

  it('a run left running by a stopped process is marked error once its heartbeat is stale', async () => {
    const { runId } = await service.startRun('fees');
    await service.waitForRun(runId);
    await testDatabase.database.query(`update eval_runs set status = 'running', heartbeat_at = now() - interval '1 hour' where id = $1`, [runId]);
    const restarted = new EvalService({ database: testDatabase.database, targets, suitesDirectory: join(directory, 'suites') });
    const report = await restarted.getRun(runId);
    expect(report).toMatchObject({ status: 'error' });
    expect(report.error).toMatch(/interrupted/);
    await restarted.close();
  });
});
