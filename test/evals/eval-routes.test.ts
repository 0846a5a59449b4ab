import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';

let testApp: TestApp;

const inlineSuite = {
  name: 'inline-api',
  cases: [
    { id: 'promise', kind: 'compliance', text: '这款理财保本保息，到期一分不少。', expect: { rules: ['CN-SALES-001'] } },
    { id: 'honest', kind: 'compliance', text: '理财产品不保本，业绩比较基准不代表实际收益。', expect: { absent: ['CN-SALES-001'] } },
  ],
};

beforeAll(async () => {
  testApp = await createTestApp();
});

afterAll(async () => {
  await testApp.close();
});

async function waitFor(runId: string, headers: Record<string, string>) {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const response = await testApp.app.inject({ method: 'GET', url: `/v1/evals/runs/${runId}`, headers });
    const body = response.json() as { status: string };
    if (!['queued', 'running'].includes(body.status)) return body;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('run did not finish');
}

describe('eval routes', () => {
  it('compliance only: 401 without a key, 403 for an agent', async () => {
    expect((await testApp.app.inject({ method: 'GET', url: '/v1/evals/runs' })).statusCode).toBe(401);
    const agent = await testApp.as('agent');
    expect((await testApp.app.inject({ method: 'POST', url: '/v1/evals/runs', headers: agent, payload: { suite: inlineSuite } })).statusCode).toBe(403);
  });

  it('POST -> 202 {runId}; GET in every format; history with pass rate; approve', async () => {
    const headers = await testApp.as('compliance');
    const started = await testApp.app.inject({ method: 'POST', url: '/v1/evals/runs', headers, payload: { suite: inlineSuite } });
    expect(started.statusCode).toBe(202);
    const { runId } = started.json() as { runId: string };
    expect(runId).toMatch(/^[0-9a-f-]{36}$/);
    const done = await waitFor(runId, headers);
    expect(done).toMatchObject({ runId, status: 'passed', totals: { cases: 2, passed: 2 } });

    const formats = { junit: 'application/xml', html: 'text/html', markdown: 'text/markdown' } as const;
    for (const [format, type] of Object.entries(formats)) {
      const response = await testApp.app.inject({ method: 'GET', url: `/v1/evals/runs/${runId}?format=${format}`, headers });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toContain(type);
      if (format === 'html') {
        // The service's own CSP (enforced with the report's meta policy, and inherited by the console's srcdoc
        // frame) must allow the report's inline script, by its hash, or the report renders blank in a browser.
        const inline = /<script>([\s\S]*?)<\/script>/.exec(response.body)?.[1] ?? '';
        const hash = `'sha256-${createHash('sha256').update(inline).digest('base64')}'`;
        const scriptSource = /script-src ([^;]+)/.exec(String(response.headers['content-security-policy']))?.[1] ?? '';
        expect(inline.length).toBeGreaterThan(0);
        expect(scriptSource.split(' ')).toEqual(expect.arrayContaining(["'self'", hash]));
        expect(scriptSource).not.toContain('unsafe-inline');
      }
    }
    const history = await testApp.app.inject({ method: 'GET', url: '/v1/evals/runs', headers });
    expect(history.json()).toMatchObject({ items: [{ runId, suite: 'inline-api', status: 'passed', passRate: 1 }] });
    const approved = await testApp.app.inject({ method: 'POST', url: `/v1/evals/runs/${runId}/approve`, headers });
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({ runId, suite: 'inline-api' });
  });

  it('reports a regression against the approved baseline after a knowledge change', async () => {
    const headers = await testApp.as('compliance');
    await testApp.runtime.services.knowledge.ingest(
      { format: 'markdown', body: '---\nexternalId: api-eval-fx\ntitle: 外币兑换手续费\nkind: product\n---\n# 外币兑换手续费\n\n柜台外币兑换每笔收取手续费20元，手机银行兑换免手续费。\n' },
      { id: 'test' },
    );
    const suite = { name: 'api-regression', cases: [{ id: 'fx-fee', kind: 'retrieval', query: '外币兑换要手续费吗', k: 3, expect: { goldDocuments: ['api-eval-fx'] } }] };
    const first = await testApp.app.inject({ method: 'POST', url: '/v1/evals/runs', headers, payload: { suite } });
    const firstRun = (await waitFor((first.json() as { runId: string }).runId, headers)) as { status: string; runId: string };
    expect(firstRun.status).toBe('passed');
    await testApp.app.inject({ method: 'POST', url: `/v1/evals/runs/${firstRun.runId}/approve`, headers });
    const documents = await testApp.runtime.services.knowledge.findByExternalIds(['api-eval-fx']);
    await testApp.runtime.services.knowledge.retire(documents.get('api-eval-fx')!);
    const second = await testApp.app.inject({ method: 'POST', url: '/v1/evals/runs', headers, payload: { suite, baseline: 'approved' } });
    const secondRun = (await waitFor((second.json() as { runId: string }).runId, headers)) as { status: string; comparison?: { regressions: { id: string }[] } };
    expect(secondRun.status).toBe('failed');
    expect(secondRun.comparison?.regressions.map((item) => item.id)).toEqual(['fx-fee']);
  });

  it('a bad suite is a 400 naming the case; unknown runs are 404', async () => {
    const headers = await testApp.as('compliance');
    const bad = await testApp.app.inject({
      method: 'POST',
      url: '/v1/evals/runs',
      headers,
      payload: { suite: { cases: [{ id: 'x', kind: 'compliance', text: 'hi', expect: { rules: ['NO-SUCH-RULE'] } }] } },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.json()).toMatchObject({ errors: [{ field: 'suite.cases.x', message: "(inline), case x: no rule pack defines rule 'NO-SUCH-RULE'" }] });
    const unknownKind = await testApp.app.inject({ method: 'POST', url: '/v1/evals/runs', headers, payload: { suite: { cases: [{ id: 'y', kind: 'vibes' }] } } });
    expect(unknownKind.statusCode).toBe(400);
    expect((await testApp.app.inject({ method: 'POST', url: '/v1/evals/runs', headers, payload: { suite: 'no-such-suite' } })).statusCode).toBe(400);
    expect((await testApp.app.inject({ method: 'GET', url: '/v1/evals/runs/00000000-0000-4000-8000-000000000000', headers })).statusCode).toBe(404);
    expect((await testApp.app.inject({ method: 'GET', url: '/v1/evals/runs/not-a-uuid', headers })).statusCode).toBe(400);
  });
});
