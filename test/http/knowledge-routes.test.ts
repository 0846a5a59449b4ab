import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';

const markdown = `---
externalId: http-cc-fees
title: 信用卡年费
kind: product
product: 测试金卡
---
# 信用卡年费

## 年费标准
金卡年费每年200元，首年免年费。

## 减免条件
每年刷卡满6次免次年年费。
`;

describe('knowledge routes', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await createTestApp();
  });
  afterAll(async () => {
    await testApp?.close();
  });

  it('creates, searches with citations, re-versions and retires through the API', async () => {
    const owner = await testApp.as('knowledge_owner');
    const created = await testApp.app.inject({ method: 'POST', url: '/v1/knowledge/documents', headers: owner, payload: { title: '信用卡年费', kind: 'product', format: 'markdown', body: markdown } });
    expect(created.statusCode).toBe(201);
    expect(created.headers['x-request-id']).toBeTruthy();
    const body = created.json();
    expect(body).toMatchObject({ externalId: 'http-cc-fees', version: 1 });
    expect(body.documentId).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.contentHash).toMatch(/^[0-9a-f]{64}$/);

    const agent = await testApp.as('agent');
    const search = await testApp.app.inject({ method: 'POST', url: '/v1/knowledge/search', headers: agent, payload: { query: '信用卡年费怎么收', topK: 3 } });
    expect(search.statusCode).toBe(200);
    const result = search.json().results[0];
    expect(result).toMatchObject({ documentId: body.documentId, externalId: 'http-cc-fees', version: 1, title: '信用卡年费', kind: 'product' });
    expect(result.chunkId).toMatch(/^[0-9a-f-]{36}$/);
    expect(typeof result.score).toBe('number');
    expect(typeof search.json().tookMs).toBe('number');

    const unchanged = await testApp.app.inject({ method: 'PUT', url: `/v1/knowledge/documents/${body.documentId}`, headers: owner, payload: { title: '信用卡年费', kind: 'product', format: 'markdown', body: markdown } });
    expect(unchanged.statusCode).toBe(200);
    expect(unchanged.json().version).toBe(1);
    const changed = await testApp.app.inject({ method: 'PUT', url: `/v1/knowledge/documents/${body.documentId}`, headers: owner, payload: { title: '信用卡年费', kind: 'product', format: 'markdown', body: markdown.replace('200元', '300元') } });
    expect(changed.statusCode).toBe(200);
    expect(changed.json().version).toBe(2);

    const history = await testApp.app.inject({ method: 'GET', url: `/v1/knowledge/documents/${body.documentId}`, headers: agent });
    expect(history.json().versions).toHaveLength(2);
    const first = await testApp.app.inject({ method: 'GET', url: `/v1/knowledge/documents/${body.documentId}/versions/1`, headers: agent });
    expect(first.json().body).toContain('200元');

    const retired = await testApp.app.inject({ method: 'DELETE', url: `/v1/knowledge/documents/${body.documentId}`, headers: owner });
    expect(retired.statusCode).toBe(204);
    const after = await testApp.app.inject({ method: 'POST', url: '/v1/knowledge/search', headers: agent, payload: { query: '信用卡年费怎么收' } });
    expect(after.json().results.some((item: { documentId: string }) => item.documentId === body.documentId)).toBe(false);
  });

  it('accepts a multipart upload and a FAQ set', async () => {
    const owner = await testApp.as('knowledge_owner');
    const boundary = '----agentassist';
    const csv = 'id,question,answer\nhttp-faq-1,手机银行怎么转账？,登录手机银行后选择转账汇款，输入收款人信息并确认。\n';
    const payload = [`--${boundary}`, 'Content-Disposition: form-data; name="kind"', '', 'faq', `--${boundary}`, 'Content-Disposition: form-data; name="file"; filename="faq.csv"', 'Content-Type: text/csv', '', csv, `--${boundary}--`, ''].join('\r\n');
    const response = await testApp.app.inject({ method: 'POST', url: '/v1/knowledge/documents', headers: { ...owner, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ created: 1, updated: 0, unchanged: 0 });
    expect(response.json().documents[0].externalId).toBe('http-faq-1');
  });

  it('answers bad input with problem+json naming the field, never a 500', async () => {
    const owner = await testApp.as('knowledge_owner');
    const cases: { payload: unknown; field: string; raw?: boolean }[] = [
      { payload: { title: 'x', kind: 'bogus', format: 'markdown', body: 'x' }, field: 'kind' },
      { payload: { title: 'x', kind: 'product', format: 'markdown', body: '' }, field: 'body' },
      { payload: { title: 'x', kind: 'product', format: 'markdown', body: 'x', effectiveFrom: '2026-02-30' }, field: 'effectiveFrom' },
      { payload: { title: 'x', kind: 'product', format: 'pdf', body: 'bm90IGEgcGRm', encoding: 'base64' }, field: 'body' },
      { payload: { title: 'x', kind: 'faq', format: 'csv', body: 'id,question\n1,q\n' }, field: 'answer' },
    ];
    for (const item of cases) {
      const response = await testApp.app.inject({ method: 'POST', url: '/v1/knowledge/documents', headers: owner, payload: item.payload as object });
      expect(response.statusCode, JSON.stringify(item.payload)).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      const problem = response.json();
      expect(problem.status).toBe(400);
      expect(problem.errors.map((error: { field: string }) => error.field).join(',')).toContain(item.field);
    }
    const malformed = await testApp.app.inject({ method: 'POST', url: '/v1/knowledge/documents', headers: { ...owner, 'content-type': 'application/json' }, payload: '{"title": ' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.headers['content-type']).toContain('application/problem+json');
    const empty = await testApp.app.inject({ method: 'POST', url: '/v1/knowledge/search', headers: owner });
    expect(empty.statusCode).toBe(400);
    const topK = await testApp.app.inject({ method: 'POST', url: '/v1/knowledge/search', headers: owner, payload: { query: 'x', topK: 51 } });
    expect(topK.statusCode).toBe(400);
    expect(topK.json().errors[0].field).toBe('topK');
    const badId = await testApp.app.inject({ method: 'GET', url: '/v1/knowledge/documents/not-a-uuid', headers: owner });
    expect(badId.statusCode).toBe(400);
    const missing = await testApp.app.inject({ method: 'GET', url: '/v1/knowledge/documents/00000000-0000-4000-8000-000000000000', headers: owner });
    expect(missing.statusCode).toBe(404);
    const oversize = await testApp.app.inject({ method: 'POST', url: '/v1/knowledge/documents', headers: owner, payload: { title: 'x', kind: 'product', format: 'text', body: 'x'.repeat(11 * 1024 * 1024) } });
    expect(oversize.statusCode).toBe(413);
    expect(oversize.headers['content-type']).toContain('application/problem+json');
  });

  it('enforces keys and roles', async () => {
    expect((await testApp.app.inject({ method: 'POST', url: '/v1/knowledge/search', payload: { query: 'x' } })).statusCode).toBe(401);
    expect((await testApp.app.inject({ method: 'POST', url: '/v1/knowledge/search', headers: { authorization: 'Bearer nope' }, payload: { query: 'x' } })).statusCode).toBe(401);
    const agent = await testApp.as('agent');
    const forbidden = await testApp.app.inject({ method: 'POST', url: '/v1/knowledge/documents', headers: agent, payload: { title: 'x', kind: 'product', format: 'text', body: 'x' } });
    expect(forbidden.statusCode).toBe(403);
    const admin = await testApp.as('admin');
    const created = await testApp.app.inject({ method: 'POST', url: '/v1/keys', headers: admin, payload: { role: 'compliance', name: 'qa' } });
    expect(created.statusCode).toBe(201);
    const { id, key } = created.json();
    const listed = await testApp.app.inject({ method: 'GET', url: '/v1/keys', headers: admin });
    expect(JSON.stringify(listed.json())).not.toContain(key);
    expect((await testApp.app.inject({ method: 'GET', url: '/v1/knowledge/documents', headers: { authorization: `Bearer ${key}` } })).statusCode).toBe(200);
    expect((await testApp.app.inject({ method: 'DELETE', url: `/v1/keys/${id}`, headers: admin })).statusCode).toBe(204);
    expect((await testApp.app.inject({ method: 'GET', url: '/v1/knowledge/documents', headers: { authorization: `Bearer ${key}` } })).statusCode).toBe(401);
    const badRole = await testApp.app.inject({ method: 'POST', url: '/v1/keys', headers: admin, payload: { role: 'root', name: 'x' } });
    expect(badRole.json().errors[0].field).toBe('role');
  });

  it('serves health, readiness, metrics and the OpenAPI document', async () => {
    expect((await testApp.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    const ready = await testApp.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().checks).toEqual({ database: 'ok', migrations: 'ok' });
    const metrics = await testApp.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain('http_requests_total');
    const openapi = await testApp.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(Object.keys(openapi.json().paths)).toContain('/v1/knowledge/search');
    expect((await testApp.app.inject({ method: 'GET', url: '/docs' })).statusCode).toBeLessThan(400);
  });
});
