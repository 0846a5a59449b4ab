import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyService } from '../../src/access/api-key-service.js';
import { EventStreamClient } from '../support/event-stream-client.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/** Plain GET over a fresh connection, so a stuck event loop shows up as no answer at all. */
function get(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { agent: false }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', reject);
    request.end();
  });
}

describe('the conversation event stream', () => {
  let testApp: TestApp;
  let base: string;
  let agent: Record<string, string>;

  beforeAll(async () => {
    testApp = await createTestApp();
    // The summary worker, so an ended call gets its summary event before `end`, as in production.
    testApp.runtime.startBackground();
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

  /** Stores `count` events the way a long call accumulates them (one row each, the counter advanced). */
  const storeEvents = async (conversationId: string, count: number) => {
    const database = testApp.runtime.services.database;
    await database.transaction(async (transaction) => {
      const start = await transaction.query<{ event_sequence: number }>('select event_sequence from conversations where id = $1 for update', [conversationId]);
      const from = Number(start.rows[0]!.event_sequence);
      await transaction.query(
        `insert into conversation_events (conversation_id, id, type, data)
         select $1, g, 'suggestion', jsonb_build_object('index', g, 'text', repeat('建议', 40)) from generate_series($2::int + 1, $2::int + $3::int) g`,
        [conversationId, from, count],
      );
      await transaction.query('update conversations set event_sequence = $2 where id = $1', [conversationId, from + count]);
    });
  };

  const expectInOrderOnce = (ids: readonly (number | undefined)[], count: number) => {
    expect(ids).toHaveLength(count);
    expect(ids).toEqual(Array.from({ length: count }, (_unused, index) => index + 1));
  };

  it('replays more than 1,000 stored events once and in order (Last-Event-ID: 0 and ?lastEventId=0), then live ones', async () => {
    const id = await create({ language: 'zh' });
    await storeEvents(id, 1_234);
    const byHeader = new EventStreamClient(`${base}/v1/conversations/${id}/events`, { ...agent, 'last-event-id': '0' });
    const byQuery = new EventStreamClient(`${base}/v1/conversations/${id}/events?lastEventId=0`, agent);
    expect(await byHeader.opened).toBe(200);
    expect(await byQuery.opened).toBe(200);
    await Promise.all([byHeader.untilCount(1_234), byQuery.untilCount(1_234)]);
    const live = await testApp.app.inject({ method: 'POST', url: `/v1/conversations/${id}/turns`, headers: agent, payload: { speaker: 'agent', text: '这款理财保本保收益，稳赚不赔。' } });
    expect(live.statusCode).toBe(201);
    await Promise.all([byHeader.untilCount(1_235), byQuery.untilCount(1_235)]);
    for (const client of [byHeader, byQuery]) {
      expectInOrderOnce(client.events.map((event) => event.id), 1_235);
      expect(client.events.at(-1)?.event).toBe('compliance');
      client.close();
    }
  });

  it('keeps answering other requests while a replay is under way, including to a client that stopped reading', async () => {
    const id = await create({ language: 'zh' });
    await storeEvents(id, 6_000);
    let paused = false;
    const slow = new EventStreamClient(`${base}/v1/conversations/${id}/events`, { ...agent, 'last-event-id': '0' }, {
      onEvent: () => {
        if (!paused) {
          paused = true;
          slow.pause();
        }
      },
    });
    const fast = new EventStreamClient(`${base}/v1/conversations/${id}/events?lastEventId=0`, agent);
    await slow.untilCount(1);
    // The slow client's replay now waits on its socket; the fast one streams at full speed alongside.
    expect(await get(`${base}/healthz`)).toBe(200);
    await fast.untilCount(6_000);
    expectInOrderOnce(fast.events.map((event) => event.id), 6_000);
    expect(slow.events.length).toBeLessThan(6_000);
    expect(await get(`${base}/healthz`)).toBe(200);
    slow.resume();
    await slow.untilCount(6_000);
    expectInOrderOnce(slow.events.map((event) => event.id), 6_000);
    slow.close();
    fast.close();
  });

  it('sends the summary, then a final `end` event, and closes when the conversation ends', async () => {
    const id = await create({ language: 'zh' });
    const live = new EventStreamClient(`${base}/v1/conversations/${id}/events`, agent);
    expect(await live.opened).toBe(200);
    await testApp.app.inject({ method: 'POST', url: `/v1/conversations/${id}/turns`, headers: agent, payload: { speaker: 'customer', text: '信用卡年费怎么收？' } });
    await testApp.app.inject({ method: 'POST', url: `/v1/conversations/${id}/turns`, headers: agent, payload: { speaker: 'agent', text: '这款理财保本保收益，稳赚不赔。' } });
    expect((await testApp.app.inject({ method: 'POST', url: `/v1/conversations/${id}/end`, headers: agent })).statusCode).toBe(202);
    await live.untilClosed();
    expect(live.closedByServer).toBe(true);
    const types = live.events.map((event) => event.event);
    expect(types.at(-1)).toBe('end');
    expect(types.at(-2)).toBe('summary');
    expect(types.filter((type) => type === 'end')).toHaveLength(1);
    const stored = live.events.filter((event) => event.event !== 'end');
    expectInOrderOnce(stored.map((event) => event.id), stored.length);
    const end = live.events.at(-1)!;
    expect(end.id).toBeUndefined();
    expect(end.data).toMatchObject({ conversationId: id, lastEventId: stored.length, summary: 'done' });

    // Connecting later replays what was asked for, then `end`, then closes.
    const replay = new EventStreamClient(`${base}/v1/conversations/${id}/events`, { ...agent, 'last-event-id': '0' });
    await replay.untilClosed();
    expect(replay.events.map((event) => event.event)).toEqual(types);
    const fromNow = new EventStreamClient(`${base}/v1/conversations/${id}/events`, agent);
    await fromNow.untilClosed();
    expect(fromNow.events.map((event) => event.event)).toEqual(['end']);
  });

  it('cuts an open stream within seconds when its key is revoked, here or on another replica', async () => {
    const id = await create({ language: 'zh' });
    const keys = testApp.runtime.services.apiKeys;
    const local = await keys.create('agent', 'revoked here');
    const remote = await keys.create('agent', 'revoked elsewhere');
    const kept = new EventStreamClient(`${base}/v1/conversations/${id}/events`, agent);
    const cutHere = new EventStreamClient(`${base}/v1/conversations/${id}/events`, { authorization: `Bearer ${local.key}` });
    const cutElsewhere = new EventStreamClient(`${base}/v1/conversations/${id}/events`, { authorization: `Bearer ${remote.key}` });
    expect(await Promise.all([kept.opened, cutHere.opened, cutElsewhere.opened])).toEqual([200, 200, 200]);
    expect((await testApp.app.inject({ method: 'DELETE', url: `/v1/keys/${local.id}`, headers: await testApp.as('admin') })).statusCode).toBe(204);
    await cutHere.untilClosed();
    // Another replica: its own key service (and cache) on the same database; this one learns by its periodic check.
    await new ApiKeyService(testApp.runtime.services.database).revoke(remote.id);
    await cutElsewhere.untilClosed();
    for (const client of [cutHere, cutElsewhere]) {
      expect(client.closedByServer).toBe(true);
      expect(client.events.at(-1)).toMatchObject({ event: 'error', data: { status: 401 } });
    }
    // The other desktop's stream is untouched and still live.
    await testApp.app.inject({ method: 'POST', url: `/v1/conversations/${id}/turns`, headers: agent, payload: { speaker: 'agent', text: '这款理财保本保收益，稳赚不赔。' } });
    await kept.untilCount(1);
    expect(kept.closedByServer).toBe(false);
    expect(kept.events.map((event) => event.event)).toEqual(['compliance']);
    kept.close();
  });

  it('documents the end and error events in the OpenAPI document, and the desk on key creation', async () => {
    const document = (await testApp.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const events = document.paths['/v1/conversations/{id}/events'].get;
    expect(events.description).toContain('`end`');
    expect(events.description).toContain('Last-Event-ID');
    expect(events.description).toContain('revoked');
    expect(Object.keys(document.paths['/v1/keys'].post.requestBody.content['application/json'].schema.properties)).toContain('desk');
  });

  it('closes open streams when the server shuts down, so shutdown does not wait for desktops', async () => {
    const id = await create({ language: 'zh' });
    await storeEvents(id, 2_000);
    const idle = new EventStreamClient(`${base}/v1/conversations/${id}/events`, agent);
    let paused = false;
    const stalled = new EventStreamClient(`${base}/v1/conversations/${id}/events`, { ...agent, 'last-event-id': '0' }, {
      onEvent: () => {
        if (!paused) stalled.pause();
        paused = true;
      },
    });
    expect(await idle.opened).toBe(200);
    await stalled.untilCount(1);
    // Resolves only if no open stream holds the HTTP server (without the fix this waits forever).
    await testApp.app.close();
    stalled.resume();
    await Promise.all([idle.untilClosed(), stalled.untilClosed()]);
    expect(idle.closedByServer).toBe(true);
    expect(stalled.closedByServer).toBe(true);
    expect(testApp.runtime.services.events.subscriberCount).toBe(0);
  });
});
