import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';

interface ReceivedEvent {
  id?: number;
  event: string;
  data: unknown;
}

/** A minimal SSE client over node:http: collects events until `count` arrived or the timeout passes. */
function readEvents(base: string, path: string, headers: Record<string, string>, count: number, timeoutMs = 8_000): Promise<{ events: ReceivedEvent[]; status: number }> {
  return new Promise((resolve, reject) => {
    const events: ReceivedEvent[] = [];
    let buffer = '';
    let response: IncomingMessage | undefined;
    const request = httpRequest(`${base}${path}`, { headers: { accept: 'text/event-stream', ...headers } }, (incoming) => {
      response = incoming;
      if (incoming.statusCode !== 200) {
        incoming.resume();
        resolve({ events, status: incoming.statusCode ?? 0 });
        return;
      }
      incoming.setEncoding('utf8');
      incoming.on('data', (chunk: string) => {
        buffer += chunk;
        let boundary: number;
        while ((boundary = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, boundary);
          buffer = buffer.slice(boundary + 2);
          const fields = Object.fromEntries(block.split('\n').filter((line) => !line.startsWith(':') && line.includes(': ')).map((line) => [line.slice(0, line.indexOf(': ')), line.slice(line.indexOf(': ') + 2)]));
          if (!fields.event) continue;
          events.push({ ...(fields.id ? { id: Number(fields.id) } : {}), event: fields.event, data: JSON.parse(fields.data ?? 'null') });
          if (events.length >= count) {
            request.destroy();
            resolve({ events, status: 200 });
          }
        }
      });
    });
    request.on('error', (error) => {
      if (events.length >= count) return;
      reject(error);
    });
    setTimeout(() => {
      request.destroy();
      resolve({ events, status: response?.statusCode ?? 0 });
    }, timeoutMs);
    request.end();
  });
}

const feeDocument = `---
externalId: conv-cc-fee
title: 信用卡年费
kind: product
product: 测试金卡
---
# 信用卡年费

## 年费标准
金卡年费每年200元，当年刷卡满6次免次年年费。
`;

describe('conversations, turns and the event stream', () => {
  let testApp: TestApp;
  let base: string;
  let agent: Record<string, string>;

  beforeAll(async () => {
    testApp = await createTestApp();
    await testApp.runtime.services.knowledge.ingest({ format: 'markdown', body: feeDocument }, { id: 'test' });
    await testApp.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(testApp.app.server.address() as AddressInfo).port}`;
    agent = await testApp.as('agent');
  });
  afterAll(async () => {
    await testApp?.close();
  });

  const create = async (body: object = {}) => {
    const response = await testApp.app.inject({ method: 'POST', url: '/v1/conversations', headers: agent, payload: body });
    expect(response.statusCode).toBe(201);
    return response.json().id as string;
  };

  it('stores turns idempotently by turnId and returns knowledge cards for customer turns', async () => {
    const id = await create({ channel: 'voice', language: 'zh', customer: { riskLevel: 'C2', vulnerable: true } });
    const first = await testApp.app.inject({ method: 'POST', url: `/v1/conversations/${id}/turns`, headers: agent, payload: { turnId: 'c-1', speaker: 'customer', text: '你好，我想问一下信用卡年费怎么收？' } });
    expect(first.statusCode).toBe(201);
    expect(first.json().turn).toMatchObject({ turnId: 'c-1', speaker: 'customer', sequence: 1 });
    expect(first.json().knowledge[0].externalId).toBe('conv-cc-fee');
    const retry = await testApp.app.inject({ method: 'POST', url: `/v1/conversations/${id}/turns`, headers: agent, payload: { turnId: 'c-1', speaker: 'customer', text: '你好，我想问一下信用卡年费怎么收？' } });
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json().turn.id).toBe(first.json().turn.id);
    const conversation = await testApp.app.inject({ method: 'GET', url: `/v1/conversations/${id}`, headers: agent });
    expect(conversation.json().turns).toHaveLength(1);
    expect(conversation.json().customer).toMatchObject({ riskLevel: 'C2', vulnerable: true });
  });

  it('checks agent turns against the rules and returns the findings', async () => {
    const id = await create({ language: 'zh' });
    const bad = await testApp.app.inject({ method: 'POST', url: `/v1/conversations/${id}/turns`, headers: agent, payload: { speaker: 'agent', text: '为了核实身份，请把您手机收到的短信验证码告诉我。' } });
    expect(bad.statusCode).toBe(201);
    expect(bad.json().findings.length).toBeGreaterThan(0);
    expect(bad.json().findings.some((finding: { severity: string }) => finding.severity === 'critical')).toBe(true);
    const good = await testApp.app.inject({ method: 'POST', url: `/v1/conversations/${id}/turns`, headers: agent, payload: { speaker: 'agent', text: '请注意，银行工作人员不会向您索要短信验证码，请勿告诉任何人。' } });
    expect(good.json().findings).toEqual([]);
  });

  it('pushes knowledge and compliance events, resumes with Last-Event-ID without loss or duplicates, and serves several desktops', async () => {
    const id = await create({ language: 'zh' });
    const live = readEvents(base, `/v1/conversations/${id}/events`, agent, 2);
    const second = readEvents(base, `/v1/conversations/${id}/events`, agent, 2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await testApp.app.inject({ method: 'POST', url: `/v1/conversations/${id}/turns`, headers: agent, payload: { speaker: 'customer', text: '金卡的年费是多少？' } });
    await testApp.app.inject({ method: 'POST', url: `/v1/conversations/${id}/turns`, headers: agent, payload: { speaker: 'agent', text: '这款理财保本保收益，稳赚不赔。' } });
    const [one, two] = await Promise.all([live, second]);
    for (const received of [one, two]) {
      expect(received.events.map((event) => event.event)).toEqual(['knowledge', 'compliance']);
      expect(received.events.map((event) => event.id)).toEqual([1, 2]);
    }
    await testApp.app.inject({ method: 'POST', url: `/v1/conversations/${id}/turns`, headers: agent, payload: { speaker: 'customer', text: '年费可以减免吗？' } });
    const resumed = await readEvents(base, `/v1/conversations/${id}/events`, { ...agent, 'last-event-id': '1' }, 2);
    expect(resumed.events.map((event) => event.id)).toEqual([2, 3]);
    expect(resumed.events.map((event) => event.event)).toEqual(['compliance', 'knowledge']);
  });

  it('pushes suggestions as events after customer turns when the conversation asks for them', async () => {
    const id = await create({ language: 'zh', suggestions: { push: true } });
    await testApp.app.inject({ method: 'POST', url: `/v1/conversations/${id}/turns`, headers: agent, payload: { speaker: 'customer', text: '金卡的年费是多少？能免吗？' } });
    const received = await readEvents(base, `/v1/conversations/${id}/events`, { ...agent, 'last-event-id': '0' }, 2);
    expect(received.events.map((event) => event.event)).toEqual(['knowledge', 'suggestion']);
    const pushed = received.events[1]!.data as { suggestions: { id: string; text: string }[] };
    expect(pushed.suggestions.length).toBeGreaterThan(0);
  });

  it('rejects bad input with problem+json', async () => {
    const id = await create();
    const cases: [string, string, object | undefined, Record<string, string>, number][] = [
      ['POST', `/v1/conversations/00000000-0000-4000-8000-000000000000/turns`, { speaker: 'customer', text: 'x' }, {}, 404],
      ['POST', `/v1/conversations/${id}/turns`, { speaker: 'robot', text: 'x' }, {}, 400],
      ['POST', `/v1/conversations/${id}/turns`, { speaker: 'agent', text: '' }, {}, 400],
      ['POST', `/v1/conversations/${id}/turns`, { speaker: 'agent', text: 'x'.repeat(100_000) }, {}, 400],
      ['POST', `/v1/conversations/${id}/turns`, { speaker: 'agent', text: 'bad \u0007 bell' }, {}, 400],
      ['POST', `/v1/conversations/${id}/suggestions`, { n: 4 }, {}, 400],
      ['POST', `/v1/conversations/${id}/suggestions`, { n: 0 }, {}, 400],
      ['POST', '/v1/conversations', { language: 'fr' }, {}, 400],
      ['POST', '/v1/conversations', { customer: { riskLevel: 'C9' } }, {}, 400],
      ['POST', '/v1/suggestions/00000000-0000-4000-8000-000000000000/feedback', { action: 'accepted' }, {}, 404],
      ['POST', '/v1/suggestions/00000000-0000-4000-8000-000000000000/feedback', { action: 'edited' }, {}, 400],
    ];
    for (const [method, url, payload, headers, status] of cases) {
      const response = await testApp.app.inject({ method: method as 'POST', url, headers: { ...agent, ...headers }, ...(payload ? { payload } : {}) });
      expect(response.statusCode, `${method} ${url} ${JSON.stringify(payload).slice(0, 80)}`).toBe(status);
      expect(response.headers['content-type']).toContain('application/problem+json');
    }
    const future = await readEvents(base, `/v1/conversations/${id}/events`, { ...agent, 'last-event-id': '999' }, 1, 2_000);
    expect(future.status).toBe(400);
    const unknown = await readEvents(base, '/v1/conversations/00000000-0000-4000-8000-000000000000/events', agent, 1, 2_000);
    expect(unknown.status).toBe(404);

    const ended = await create();
    expect((await testApp.app.inject({ method: 'POST', url: `/v1/conversations/${ended}/end`, headers: agent })).statusCode).toBe(202);
    const late = await testApp.app.inject({ method: 'POST', url: `/v1/conversations/${ended}/turns`, headers: agent, payload: { speaker: 'customer', text: '还在吗' } });
    expect(late.statusCode).toBe(409);
  });
});
