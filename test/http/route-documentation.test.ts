import { readFileSync } from 'node:fs';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { renderApiReference, type OpenapiDocument } from '../../src/http/render-api-reference.js';
import * as responses from '../../src/http/response-schemas.js';
import { routeDocumentation, routeKey } from '../../src/http/route-documentation.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

type Operation = { summary?: string; description?: string; security?: unknown[]; responses?: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }> };

const faqDocument = {
  title: '信用卡年费',
  kind: 'product',
  format: 'markdown',
  externalId: 'doc-fee',
  product: '金卡',
  body: '# 信用卡年费\n\n## 年费标准\n金卡年费每年200元，当年刷卡满6次免次年年费。',
};

describe('the OpenAPI document describes every route, and the routes answer what it says', () => {
  let testApp: TestApp;
  let document: OpenapiDocument & { paths: Record<string, Record<string, Operation>> };

  beforeAll(async () => {
    testApp = await createTestApp();
    document = testApp.app.swagger() as unknown as typeof document;
  });
  afterAll(async () => {
    await testApp?.close();
  });

  const operations = () =>
    Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ method, path, operation, key: routeKey(method, path.replace(/\{(\w+)\}/g, ':$1')) })));

  it('every route has documentation and every documentation entry a route', () => {
    const keys = operations().map((item) => item.key);
    expect(keys.filter((key) => !routeDocumentation[key]), 'routes without an entry in route-documentation.ts').toEqual([]);
    expect(Object.keys(routeDocumentation).filter((key) => !keys.includes(key)), 'entries without a route').toEqual([]);
    expect(keys.length).toBeGreaterThanOrEqual(28);
  });

  it('every operation has a summary, its auth, a success response and problem+json errors', () => {
    for (const { key, operation } of operations()) {
      expect(operation.summary, key).toBeTruthy();
      const statuses = Object.keys(operation.responses ?? {});
      expect(statuses.some((status) => status.startsWith('2')), `${key} has a 2xx`).toBe(true);
      const isPublic = routeDocumentation[key]!.access === 'public';
      expect(operation.security, key).toEqual(isPublic ? [] : [{ bearer: [] }]);
      if (!isPublic) expect(statuses, key).toEqual(expect.arrayContaining(['401', '429', '503']));
      for (const status of statuses.filter((item) => Number(item) >= 400 && key !== 'GET /readyz')) {
        expect(operation.responses![status]!.content?.['application/problem+json']?.schema?.$ref, `${key} ${status}`).toBe('#/components/schemas/Problem');
      }
    }
  });

  it('the streaming routes document text/event-stream', () => {
    expect(Object.keys(document.paths['/v1/conversations/{id}/events']!.get!.responses!['200']!.content!)).toContain('text/event-stream');
    expect(Object.keys(document.paths['/v1/conversations/{id}/suggestions']!.post!.responses!['200']!.content!)).toEqual(expect.arrayContaining(['application/json', 'text/event-stream']));
  });

  it('docs/api.md is the rendering of this document (run `npm run docs:api` after changing a route)', () => {
    const introduction = readFileSync(new URL('../../docs/api-introduction.md', import.meta.url), 'utf8');
    const committed = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');
    expect(committed).toBe(renderApiReference(document, introduction));
  });

  it('real responses parse with the documented schemas', async () => {
    const { app } = testApp;
    const admin = await testApp.as('admin');
    const json = { ...admin, 'content-type': 'application/json' };
    const check = async (schema: z.ZodType, request: InjectOptions, status: number) => {
      const response = await app.inject(request);
      expect(response.statusCode, response.body).toBe(status);
      const parsed = schema.safeParse(response.json());
      expect(parsed.success, `${JSON.stringify(request).slice(0, 120)}: ${parsed.error?.message ?? ''}`).toBe(true);
      return response.json<Record<string, unknown>>();
    };
    await check(responses.healthSchema, { method: 'GET', url: '/healthz' }, 200);
    await check(responses.readinessSchema, { method: 'GET', url: '/readyz' }, 200);
    await check(responses.keyCreatedSchema, { method: 'POST', url: '/v1/keys', headers: json, payload: { role: 'agent', name: 'desk' } }, 201);
    await check(responses.keyListSchema, { method: 'GET', url: '/v1/keys', headers: admin }, 200);
    const created = await check(responses.ingestResultSchema, { method: 'POST', url: '/v1/knowledge/documents', headers: json, payload: faqDocument }, 201);
    await check(responses.faqSetResultSchema, { method: 'POST', url: '/v1/knowledge/documents', headers: json, payload: { format: 'csv', body: 'id,question,answer\nq1,年费多少,200元' } }, 201);
    await check(responses.syncResultSchema, { method: 'POST', url: '/v1/knowledge/sync', headers: json, payload: { source: 'cms', documents: [{ ...faqDocument, externalId: 'cms-1' }] } }, 200);
    await check(responses.documentListSchema, { method: 'GET', url: '/v1/knowledge/documents', headers: admin }, 200);
    await check(responses.documentWithHistorySchema, { method: 'GET', url: `/v1/knowledge/documents/${String(created.documentId)}`, headers: admin }, 200);
    await check(responses.documentVersionWithChunksSchema, { method: 'GET', url: `/v1/knowledge/documents/${String(created.documentId)}/versions/1`, headers: admin }, 200);
    await check(responses.searchResponseSchema, { method: 'POST', url: '/v1/knowledge/search', headers: json, payload: { query: '年费' } }, 200);
    const conversation = await check(responses.conversationSchema, { method: 'POST', url: '/v1/conversations', headers: json, payload: { customer: { riskLevel: 'C2' } } }, 201);
    const id = String(conversation.id);
    await check(responses.addTurnResponseSchema, { method: 'POST', url: `/v1/conversations/${id}/turns`, headers: json, payload: { speaker: 'customer', text: '金卡年费多少钱？' } }, 201);
    await check(responses.addTurnResponseSchema, { method: 'POST', url: `/v1/conversations/${id}/turns`, headers: json, payload: { speaker: 'agent', text: '这款理财保本保收益' } }, 201);
    await check(responses.suggestionResponseSchema, { method: 'POST', url: `/v1/conversations/${id}/suggestions`, headers: json, payload: { n: 1 } }, 200);
    await check(responses.conversationWithTurnsSchema, { method: 'GET', url: `/v1/conversations/${id}`, headers: admin }, 200);
    await check(responses.endConversationSchema, { method: 'POST', url: `/v1/conversations/${id}/end`, headers: admin }, 202);
    await check(responses.auditListSchema, { method: 'GET', url: '/v1/audit/suggestions?limit=1', headers: admin }, 200);
    await check(responses.checkResultSchema, { method: 'POST', url: '/v1/compliance/check', headers: json, payload: { text: '这款理财保本保收益' } }, 200);
    const rules = await check(responses.rulesSchema, { method: 'GET', url: '/v1/compliance/rules', headers: admin }, 200);
    const firstRule = (rules.packs as { rules: { id: string }[] }[])[0]?.rules[0]?.id ?? 'missing';
    await check(responses.ruleDetailSchema, { method: 'GET', url: `/v1/compliance/rules/${encodeURIComponent(firstRule)}`, headers: admin }, 200);
    await check(responses.oneShotSummarySchema, { method: 'POST', url: '/v1/summaries', headers: json, payload: { turns: [{ speaker: 'customer', text: '年费怎么收？' }, { speaker: 'agent', text: '金卡年费每年200元。' }] } }, 200);
    await check(responses.runListSchema, { method: 'GET', url: '/v1/evals/runs', headers: admin }, 200);
    await check(responses.problemSchema, { method: 'GET', url: '/v1/knowledge/documents/not-a-uuid', headers: admin }, 400);
    await check(responses.problemSchema, { method: 'GET', url: '/v1/keys' }, 401);
  });
});
