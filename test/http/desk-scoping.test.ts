import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventStreamClient } from '../support/event-stream-client.js';
import { adminKey, createTestApp, type TestApp } from '../support/test-app.js';

const feeDocument = `---
externalId: desk-cc-fee
title: 信用卡年费
kind: product
product: 测试金卡
---
# 信用卡年费

## 年费标准
金卡年费每年200元，当年刷卡满6次免次年年费。
`;

type Headers = Record<string, string>;

describe('desk scoping: an agent key bound to a desk sees only its desk', () => {
  let testApp: TestApp;
  let base: string;
  const admin: Headers = { authorization: `Bearer ${adminKey}` };
  let deskA: Headers;
  let deskB: Headers;
  let unbound: Headers;
  let compliance: Headers;

  const createKey = async (body: object) => {
    const response = await testApp.app.inject({ method: 'POST', url: '/v1/keys', headers: admin, payload: body });
    expect(response.statusCode, response.body).toBe(201);
    return { authorization: `Bearer ${response.json().key as string}` };
  };

  /** A conversation created by `headers`, with a customer turn and one suggestion (for the feedback route). */
  const conversationOf = async (headers: Headers) => {
    const created = await testApp.app.inject({ method: 'POST', url: '/v1/conversations', headers, payload: { language: 'zh' } });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    await testApp.app.inject({ method: 'POST', url: `/v1/conversations/${id}/turns`, headers, payload: { speaker: 'customer', text: '金卡的年费是多少？能免吗？' } });
    const suggested = await testApp.app.inject({ method: 'POST', url: `/v1/conversations/${id}/suggestions`, headers, payload: { n: 1 } });
    expect(suggested.statusCode).toBe(200);
    const suggestionId = suggested.json().suggestions[0]?.id as string;
    expect(suggestionId).toBeTruthy();
    return { id, suggestionId, desk: created.json().desk as string | null };
  };

  /** Every conversation-scoped request an agent desktop makes, with the status it gets. */
  const statuses = async (headers: Headers, conversation: { id: string; suggestionId: string }) => {
    const { id, suggestionId } = conversation;
    const requests: [string, 'GET' | 'POST' | 'PUT', string, object | undefined][] = [
      ['read', 'GET', `/v1/conversations/${id}`, undefined],
      ['turn', 'POST', `/v1/conversations/${id}/turns`, { speaker: 'customer', text: '还有别的费用吗？' }],
      ['suggest', 'POST', `/v1/conversations/${id}/suggestions`, { n: 1 }],
      ['feedback', 'POST', `/v1/suggestions/${suggestionId}/feedback`, { action: 'accepted' }],
      ['summary', 'GET', `/v1/conversations/${id}/summary`, undefined],
      ['checkSummary', 'PUT', `/v1/conversations/${id}/summary`, { confirmed: true }],
    ];
    const result: Record<string, number> = {};
    for (const [name, method, url, payload] of requests) {
      const response = await testApp.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
      result[name] = response.statusCode;
      if (response.statusCode >= 400) expect(response.headers['content-type']).toContain('application/problem+json');
    }
    const stream = new EventStreamClient(`${base}/v1/conversations/${id}/events`, headers);
    result.events = await stream.opened;
    stream.close();
    return result;
  };

  const visible = { read: 200, turn: 201, suggest: 200, feedback: 204, summary: 409, checkSummary: 409, events: 200 };
  const hidden = { read: 404, turn: 404, suggest: 404, feedback: 404, summary: 404, checkSummary: 404, events: 404 };
  const forbidden = { read: 403, turn: 403, suggest: 403, feedback: 403, summary: 403, checkSummary: 403, events: 403 };

  let conversationA: Awaited<ReturnType<typeof conversationOf>>;
  let conversationB: Awaited<ReturnType<typeof conversationOf>>;
  let conversationUnbound: Awaited<ReturnType<typeof conversationOf>>;

  beforeAll(async () => {
    testApp = await createTestApp();
    await testApp.runtime.services.knowledge.ingest({ format: 'markdown', body: feeDocument }, { id: 'test' });
    await testApp.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(testApp.app.server.address() as AddressInfo).port}`;
    deskA = await createKey({ role: 'agent', name: 'desk A agent', desk: '信用卡一组' });
    deskB = await createKey({ role: 'agent', name: 'desk B agent', desk: 'wealth-2' });
    unbound = await createKey({ role: 'agent', name: 'unbound agent' });
    compliance = await createKey({ role: 'compliance', name: 'qa' });
    conversationA = await conversationOf(deskA);
    conversationB = await conversationOf(deskB);
    conversationUnbound = await conversationOf(unbound);
  });
  afterAll(async () => {
    await testApp?.close();
  });

  it('records the desk of the creating key on the conversation and lists it on the key', async () => {
    expect(conversationA.desk).toBe('信用卡一组');
    expect(conversationB.desk).toBe('wealth-2');
    expect(conversationUnbound.desk).toBeNull();
    const keys = await testApp.app.inject({ method: 'GET', url: '/v1/keys', headers: admin });
    const desks = (keys.json().items as { name: string; desk: string | null }[]).map((key) => [key.name, key.desk]);
    expect(desks).toEqual(expect.arrayContaining([['desk A agent', '信用卡一组'], ['desk B agent', 'wealth-2'], ['unbound agent', null], ['qa', null]]));
  });

  it('answers 404 for another desk (and for unbound conversations) on every route, as for a conversation that does not exist', async () => {
    expect(await statuses(deskA, conversationB)).toEqual(hidden);
    expect(await statuses(deskA, conversationUnbound)).toEqual(hidden);
    expect(await statuses(deskB, conversationA)).toEqual(hidden);
    const foreign = await testApp.app.inject({ method: 'GET', url: `/v1/conversations/${conversationB.id}`, headers: deskA });
    const missing = await testApp.app.inject({ method: 'GET', url: '/v1/conversations/00000000-0000-4000-8000-000000000000', headers: deskA });
    const shape = (body: Record<string, unknown>) => ({ type: body.type, title: body.title, status: body.status });
    expect(shape(foreign.json())).toEqual(shape(missing.json()));
    // A clashing externalId is refused without showing the other desk's conversation id.
    const first = await testApp.app.inject({ method: 'POST', url: '/v1/conversations', headers: deskB, payload: { externalId: 'call-desk-b-1' } });
    const clash = await testApp.app.inject({ method: 'POST', url: '/v1/conversations', headers: deskA, payload: { externalId: 'call-desk-b-1' } });
    expect(clash.statusCode).toBe(409);
    expect(clash.body).not.toContain(first.json().id);
    const ownClash = await testApp.app.inject({ method: 'POST', url: '/v1/conversations', headers: deskB, payload: { externalId: 'call-desk-b-1' } });
    expect(ownClash.body).toContain(first.json().id);
    // Ending another desk's call is refused and changes nothing.
    expect((await testApp.app.inject({ method: 'POST', url: `/v1/conversations/${conversationB.id}/end`, headers: deskA })).statusCode).toBe(404);
    expect((await testApp.app.inject({ method: 'GET', url: `/v1/conversations/${conversationB.id}`, headers: admin })).json().status).toBe('active');
  });

  it('lets a desk work on its own conversations, and unbound agents and admins on all', async () => {
    expect(await statuses(deskA, conversationA)).toEqual(visible);
    expect(await statuses(deskB, conversationB)).toEqual(visible);
    for (const conversation of [conversationA, conversationB, conversationUnbound]) {
      expect(await statuses(unbound, conversation)).toEqual(visible);
      expect(await statuses(admin, conversation)).toEqual(visible);
    }
    expect((await testApp.app.inject({ method: 'POST', url: `/v1/conversations/${conversationA.id}/end`, headers: deskA })).statusCode).toBe(202);
  });

  it('keeps the role table: compliance reads every desk through the audit trail, not the agent routes', async () => {
    expect(await statuses(compliance, conversationA)).toEqual(forbidden);
    const audit = await testApp.app.inject({ method: 'GET', url: '/v1/audit/suggestions?limit=500', headers: compliance });
    expect(audit.statusCode).toBe(200);
    const conversations = new Set((audit.json().items as { conversationId: string }[]).map((item) => item.conversationId));
    for (const conversation of [conversationA, conversationB, conversationUnbound]) expect(conversations.has(conversation.id)).toBe(true);
  });

  it('binds only agent keys to a desk, and says which field is wrong', async () => {
    for (const body of [
      { role: 'compliance', name: 'qa', desk: 'A' },
      { role: 'admin', name: 'ops', desk: 'A' },
      { role: 'agent', name: 'blank desk', desk: '  ' },
      { role: 'agent', name: 'long desk', desk: 'x'.repeat(101) },
    ]) {
      const response = await testApp.app.inject({ method: 'POST', url: '/v1/keys', headers: admin, payload: body });
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json().errors.map((error: { field: string }) => error.field)).toContain('desk');
    }
  });
});
