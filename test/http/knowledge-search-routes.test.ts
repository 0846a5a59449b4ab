import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';

const faqRows = [
  { id: 'route-loss', questions: ['银行卡丢了怎么办', '借记卡怎么挂失'], answer: '请立即致电客服热线办理口头挂失。' },
  { id: 'route-fee', questions: ['信用卡年费怎么收'], answer: '金卡年费每年200元，刷卡满6次免次年年费。' },
  { id: 'route-en', questions: ['How do I report a lost card?'], answer: 'Call the service hotline to freeze the card at once.' },
];

describe('POST /v1/knowledge/search: confidence, explain and bad input', () => {
  let testApp: TestApp;
  let agent: Record<string, string>;
  beforeAll(async () => {
    testApp = await createTestApp();
    const owner = await testApp.as('knowledge_owner');
    const body = faqRows.map((row) => JSON.stringify(row)).join('\n');
    const stored = await testApp.app.inject({ method: 'POST', url: '/v1/knowledge/documents', headers: owner, payload: { kind: 'faq', format: 'jsonl', body } });
    expect(stored.statusCode, stored.body).toBe(201);
    agent = await testApp.as('agent');
  });
  afterAll(async () => {
    await testApp?.close();
  });

  const search = (payload: unknown) => testApp.app.inject({ method: 'POST', url: '/v1/knowledge/search', headers: agent, payload: payload as Record<string, unknown> });

  it('returns a confidence per result, and with explain each leg and the matched tokens', async () => {
    const plain = await search({ query: '借记卡挂失' });
    expect(plain.statusCode).toBe(200);
    const first = plain.json().results[0];
    expect(first.externalId).toBe('route-loss');
    expect(first.confidence).toBeGreaterThanOrEqual(0);
    expect(first.confidence).toBeLessThanOrEqual(1);
    expect(first.explain).toBeUndefined();

    const explained = await search({ query: '借记卡挂失', explain: true });
    expect(explained.statusCode).toBe(200);
    const body = explained.json();
    expect(body.queryTokens).toEqual(expect.arrayContaining(['借记卡', '挂失']));
    expect(body.results[0].explain.lexical).toMatchObject({ rank: 1 });
    expect(body.results[0].explain.lexical.matchedTokens).toEqual(expect.arrayContaining(['借记卡', '挂失']));
    expect(body.results[0].explain).toHaveProperty('vector');
  });

  it.each([
    ['only punctuation', '？？？！！！。。。'],
    ['only emoji', '😀😀🙏'],
    ['only stop words', 'the of and to is'],
    ['mixed scripts', '我的card丢了how to 挂失'],
    ['full-width text', 'ＨＯＷ　ＤＯ　Ｉ　ＲＥＰＯＲＴ　Ａ　ＬＯＳＴ　ＣＡＲＤ'],
  ])('answers a query of %s with 200', async (_name, query) => {
    const response = await search({ query, explain: true });
    expect(response.statusCode, response.body).toBe(200);
    expect(Array.isArray(response.json().results)).toBe(true);
  });

  it('finds the same FAQ for full-width and half-width text', async () => {
    const full = await search({ query: 'ＨＯＷ　ＤＯ　Ｉ　ＲＥＰＯＲＴ　Ａ　ＬＯＳＴ　ＣＡＲＤ' });
    const half = await search({ query: 'how do i report a lost card' });
    expect(full.json().results[0].externalId).toBe('route-en');
    expect(full.json().results.map((result: { chunkId: string }) => result.chunkId)).toEqual(half.json().results.map((result: { chunkId: string }) => result.chunkId));
  });

  it('answers an asOf before any version with an empty list', async () => {
    const owner = await testApp.as('knowledge_owner');
    await testApp.app.inject({ method: 'POST', url: '/v1/knowledge/documents', headers: owner, payload: { title: '新费率', kind: 'product', format: 'text', body: '新版跨境汇款费率说明。', externalId: 'route-future', effectiveFrom: '2031-01-01' } });
    const response = await search({ query: '跨境汇款费率', kinds: ['product'], asOf: '2030-01-01' });
    expect(response.statusCode).toBe(200);
    expect(response.json().results).toEqual([]);
  });

  it.each([
    ['a 5,000-character query', { query: '年费'.repeat(2_500) }, 'query'],
    ['explain that is not a boolean', { query: '年费', explain: 'yes' }, 'explain'],
  ])('refuses %s with a 400 naming the field', async (_name, payload, field) => {
    const response = await search(payload);
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json().errors.map((error: { field: string }) => error.field)).toContain(field);
  });
});
