import { describe, expect, it } from 'vitest';
import { MemoryEvalCache } from '../../src/evals/eval-cache.js';
import { runSuite } from '../../src/evals/eval-runner.js';
import { buildSuite } from '../../src/evals/load-suite.js';
import { batch, fakeTargets, passage, summary } from './fake-targets.js';

function suggestionSuite(count: number, expect: Record<string, unknown> = {}) {
  return buildSuite(
    { name: 'runner', defaults: { rules: ['R-CRIT'] }, cases: Array.from({ length: count }, (_, index) => ({ id: `s${index}`, kind: 'suggestion', turns: [{ customer: `question ${index}` }], expect })) },
    '(inline)',
    'runner',
  );
}

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

describe('runSuite', () => {
  it('keeps to the concurrency limit and returns results in suite order', async () => {
    let running = 0;
    let peak = 0;
    const targets = fakeTargets({
      async suggest(input) {
        running += 1;
        peak = Math.max(peak, running);
        await sleep(input.turns[0]!.text.endsWith('0') ? 30 : 5);
        running -= 1;
        return batch('ok');
      },
    });
    const result = await runSuite(suggestionSuite(9), targets, { concurrency: 3, repeat: 1 });
    expect(peak).toBe(3);
    expect(result.cases.map((item) => item.id)).toEqual(['s0', 's1', 's2', 's3', 's4', 's5', 's6', 's7', 's8']);
    expect(result.totals).toMatchObject({ cases: 9, passed: 9, passRate: 1 });
  });

  it('reports a crashing case as error and goes on with the others', async () => {
    const targets = fakeTargets({
      async suggest(input) {
        if (input.turns[0]!.text === 'question 1') throw new TypeError('pipeline exploded');
        return batch('ok');
      },
    });
    const result = await runSuite(suggestionSuite(3), targets, { concurrency: 2, repeat: 1 });
    expect(result.cases.map((item) => item.status)).toEqual(['pass', 'error', 'pass']);
    expect(result.cases[1]!.error).toBe('TypeError: pipeline exploded');
    expect(result.totals).toMatchObject({ passed: 2, errors: 1 });
  });

  it('checks replies with the rule engine: a critical finding fails the case and counts against the rule', async () => {
    const targets = fakeTargets({ suggest: async () => batch('this is guaranteed, trust me') });
    const result = await runSuite(suggestionSuite(1, { mustInclude: ['trust'] }), targets, { concurrency: 1, repeat: 1 });
    const item = result.cases[0]!;
    expect(item.status).toBe('fail');
    expect(item.checks.find((check) => check.name === 'rule:R-CRIT')).toMatchObject({ status: 'fail', critical: true });
    expect(result.rules).toEqual([{ ruleId: 'R-CRIT', checks: 1, passed: 0, passRate: 0 }]);
  });

  it('runs each case N times and reports disagreeing repeats as flaky, apart from failures', async () => {
    let calls = 0;
    const targets = fakeTargets({
      async suggest(input) {
        calls += 1;
        if (input.turns[0]!.text === 'question 0') return batch(calls % 2 === 0 ? 'wrong' : 'the answer is 42');
        return batch('wrong');
      },
    });
    const result = await runSuite(suggestionSuite(2, { mustInclude: ['42'] }), targets, { concurrency: 1, repeat: 4 });
    expect(result.cases[0]!.status).toBe('flaky');
    expect(result.cases[0]!.attempts.map((attempt) => attempt.status).sort()).toEqual(['fail', 'fail', 'pass', 'pass']);
    expect(result.cases[0]!.checks.find((check) => check.name === 'mustInclude')?.status).toBe('fail');
    expect(result.cases[1]!.status).toBe('fail');
    expect(result.totals).toMatchObject({ flaky: 1, failed: 1 });
  });

  it('caches model answers on the request and the run scope; a changed scope or no cache calls again', async () => {
    let calls = 0;
    let state = 'state-1';
    const targets = fakeTargets({
      suggest: async () => {
        calls += 1;
        return batch('ok');
      },
      knowledgeState: async () => state,
    });
    const cache = new MemoryEvalCache();
    await runSuite(suggestionSuite(3), targets, { concurrency: 2, repeat: 1, cache });
    expect(calls).toBe(3);
    const second = await runSuite(suggestionSuite(3), targets, { concurrency: 2, repeat: 1, cache });
    expect(calls).toBe(3);
    expect(second.cases.every((item) => item.attempts[0]!.cached)).toBe(true);
    state = 'state-2';
    await runSuite(suggestionSuite(3), targets, { concurrency: 2, repeat: 1, cache });
    expect(calls).toBe(6);
    await runSuite(suggestionSuite(3), targets, { concurrency: 2, repeat: 1 });
    expect(calls).toBe(9);
  });

  it('records a judge error as error and skips the judged check without a judge', async () => {
    const cited = passage('doc-a', '年费1200元');
    const suite = suggestionSuite(1, { faithfulness: true, goldDocuments: ['doc-a'] });
    const withoutJudge = await runSuite(suite, fakeTargets({ suggest: async () => batch('年费1200元', [cited]) }), { concurrency: 1, repeat: 1 });
    expect(withoutJudge.cases[0]).toMatchObject({ status: 'pass' });
    expect(withoutJudge.cases[0]!.checks.find((check) => check.name === 'faithfulness')?.status).toBe('skipped');
    const failingJudge = fakeTargets({
      suggest: async () => batch('年费1200元', [cited]),
      judge: async () => {
        throw new Error('model timed out');
      },
    });
    const judged = await runSuite(suite, failingJudge, { concurrency: 1, repeat: 1 });
    expect(judged.cases[0]).toMatchObject({ status: 'error', error: 'judge failed: model timed out' });
    const strictJudge = fakeTargets({ suggest: async () => batch('年费1200元', [cited]), judge: async () => ({ claims: [{ claim: '年费1200元', supported: false }] }) });
    expect((await runSuite(suite, strictJudge, { concurrency: 1, repeat: 1 })).cases[0]!.status).toBe('fail');
  });

  it('runs compliance, summary and retrieval cases', async () => {
    const suite = buildSuite(
      {
        cases: [
          { id: 'c', kind: 'compliance', text: 'guaranteed returns', expect: { rules: ['R-CRIT'], verdict: 'fail' } },
          { id: 'm', kind: 'summary', turns: [{ customer: '我要投诉' }], expect: { complaintRaised: true, resolution: 'escalated' } },
          { id: 'r', kind: 'retrieval', query: '年费', k: 2, expect: { goldDocuments: ['doc-b'], forbiddenDocuments: ['doc-old'] } },
        ],
      },
      '(inline)',
      'mixed',
    );
    const targets = fakeTargets({
      summarize: async () => summary({ complaint: { raised: true }, resolution: 'resolved' }),
      search: async () => ({ results: [passage('doc-a', 'x'), passage('doc-b', 'y')], tookMs: 1 }),
    });
    const result = await runSuite(suite, targets, { concurrency: 2, repeat: 1 });
    expect(result.cases.map((item) => [item.id, item.status])).toEqual([['c', 'pass'], ['m', 'fail'], ['r', 'pass']]);
    expect(result.cases[1]!.checks.find((check) => check.name === 'resolution')?.reason).toBe('resolution = "resolved", expected "escalated"');
    expect(result.cases[2]!.retrievedChunkIds).toEqual(['chunk-doc-a', 'chunk-doc-b']);
  });
});
