import { randomUUID } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventHub, type ConversationEnd } from '../../src/conversations/event-hub.js';
import { appendEvent, type ConversationEvent } from '../../src/conversations/event-log.js';
import type { Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { wrapPglite } from '../../src/db/pglite-database.js';
import { createPostgresDatabase } from '../../src/db/postgres-database.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

async function createConversation(database: Database): Promise<string> {
  const id = randomUUID();
  await database.query(`insert into conversations (id, channel, language) values ($1, 'voice', 'zh')`, [id]);
  return id;
}

function collector() {
  const events: ConversationEvent[] = [];
  return {
    events,
    deliver: (event: ConversationEvent) => events.push(event),
    async waitFor(count: number, timeoutMs = 5_000) {
      const started = Date.now();
      while (events.length < count && Date.now() - started < timeoutMs) await new Promise((resolve) => setTimeout(resolve, 20));
      return events;
    },
  };
}

describe('event fan-out across replicas', () => {
  // One embedded database for the file (created in a hook: under load that alone can take tens of seconds).
  let pglite: PGlite;
  beforeAll(async () => {
    pglite = await PGlite.create({ extensions: { vector } });
    await migrate(wrapPglite(pglite));
  });
  afterAll(async () => {
    await pglite?.close();
  });

  it('delivers an event appended by one replica to a subscriber of another through LISTEN/NOTIFY alone', async () => {
    // Two replicas sharing one Postgres (PGlite delivers NOTIFY to every listener in process). The poll is
    // switched off, so only the notification can carry the event across.
    const replicaA = wrapPglite(pglite);
    const replicaB = wrapPglite(pglite);
    const hubB = new EventHub(replicaB, { pollMilliseconds: 3_600_000 });
    const conversationId = await createConversation(replicaA);
    const received = collector();
    await hubB.subscribe(conversationId, 0, received.deliver);
    await replicaA.transaction((transaction) => appendEvent(transaction, conversationId, 'knowledge', { n: 1 }));
    await replicaA.transaction((transaction) => appendEvent(transaction, conversationId, 'compliance', { n: 2 }));
    const events = await received.waitFor(2);
    expect(events.map((event) => [event.id, event.type])).toEqual([[1, 'knowledge'], [2, 'compliance']]);
    await hubB.stop();
  });

  describe('over the pg adapter', () => {
    let server: TestDatabase;
    let replicaB: Database;
    beforeAll(async () => {
      server = await createTestDatabase('postgres');
      replicaB = await createPostgresDatabase({ connectionString: server.connectionString!, maxConnections: 2 });
    });
    afterAll(async () => {
      await replicaB?.close();
      await server?.close();
    });

    it('reaches a desktop on another replica in order, exactly once, and resumes from an id', async () => {
      // pglite-socket does not forward asynchronous notifications between connections, so here the periodic
      // catch-up carries the event; against real Postgres the NOTIFY wakes the replica at once.
      const hubB = new EventHub(replicaB, { pollMilliseconds: 100 });
      const conversationId = await createConversation(server.database);
      const desktop1 = collector();
      const desktop2 = collector();
      await hubB.subscribe(conversationId, 0, desktop1.deliver);
      await hubB.subscribe(conversationId, 0, desktop2.deliver);
      for (let index = 1; index <= 5; index += 1) {
        await server.database.transaction((transaction) => appendEvent(transaction, conversationId, 'suggestion', { index }));
      }
      for (const desktop of [desktop1, desktop2]) {
        const events = await desktop.waitFor(5);
        expect(events.map((event) => event.id)).toEqual([1, 2, 3, 4, 5]);
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(desktop1.events).toHaveLength(5);
      const late = collector();
      await hubB.subscribe(conversationId, 3, late.deliver);
      expect((await late.waitFor(2)).map((event) => event.id)).toEqual([4, 5]);
      await hubB.stop();
    });
  });

  describe('paging, pacing and the end of a conversation', () => {
    let testDatabase: { database: Database };
    beforeAll(() => {
      testDatabase = { database: wrapPglite(pglite) };
    });

    const store = async (conversationId: string, count: number) => {
      for (let index = 0; index < count; index += 1) {
        await testDatabase.database.transaction((transaction) => appendEvent(transaction, conversationId, 'suggestion', { index }));
      }
    };

    it('pages through a long log, and a subscriber that stops taking events holds up only itself', async () => {
      const database = testDatabase.database;
      const hub = new EventHub(database, { pollMilliseconds: 50 });
      const conversationId = await createConversation(database);
      await database.query(
        `insert into conversation_events (conversation_id, id, type, data) select $1, g, 'suggestion', jsonb_build_object('index', g) from generate_series(1, 1100) g`,
        [conversationId],
      );
      await database.query('update conversations set event_sequence = 1100 where id = $1', [conversationId]);
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      const slow: number[] = [];
      await hub.subscribe(conversationId, 0, (event) => {
        slow.push(event.id);
        // The first event is "written" to a socket that does not drain until released.
        return slow.length === 1 ? held : undefined;
      });
      const fast = collector();
      await hub.subscribe(conversationId, 0, fast.deliver);
      await fast.waitFor(1_100);
      expect(fast.events.map((event) => event.id)).toEqual(Array.from({ length: 1_100 }, (_unused, index) => index + 1));
      expect(slow).toEqual([1]);
      await database.transaction((transaction) => appendEvent(transaction, conversationId, 'knowledge', { live: true }));
      hub.signal(conversationId);
      await fast.waitFor(1_101);
      expect(fast.events.at(-1)).toMatchObject({ id: 1_101, type: 'knowledge' });
      release();
      const started = Date.now();
      while (slow.length < 1_101 && Date.now() - started < 10_000) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(slow).toEqual(Array.from({ length: 1_101 }, (_unused, index) => index + 1));
      await hub.stop();
    });

    it('ends a subscription after the last event once the conversation ended and its summary settled', async () => {
      const database = testDatabase.database;
      const hub = new EventHub(database, { pollMilliseconds: 50 });
      const conversationId = await createConversation(database);
      await store(conversationId, 3);
      const received = collector();
      const ends: ConversationEnd[] = [];
      await hub.subscribe(conversationId, 1, received.deliver, { onEnd: (end) => void ends.push(end) });
      await received.waitFor(2);
      await database.query(`update conversations set status = 'ended', ended_at = now() where id = $1`, [conversationId]);
      await database.query(`insert into summary_jobs (conversation_id, status) values ($1, 'queued')`, [conversationId]);
      hub.signal(conversationId);
      // Ended, but the summary (the last event a call gets) is still to come: the subscription stays open.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(ends).toEqual([]);
      await database.transaction(async (transaction) => {
        await transaction.query(`update summary_jobs set status = 'done' where conversation_id = $1`, [conversationId]);
        await appendEvent(transaction, conversationId, 'summary', { summary: {} });
      });
      hub.signal(conversationId);
      await received.waitFor(3);
      const started = Date.now();
      while (ends.length === 0 && Date.now() - started < 5_000) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(received.events.map((event) => [event.id, event.type])).toEqual([[2, 'suggestion'], [3, 'suggestion'], [4, 'summary']]);
      expect(ends).toEqual([expect.objectContaining({ conversationId, lastEventId: 4, summary: 'done' })]);
      expect(hub.subscriberCount).toBe(0);
      await hub.stop();
    });

    it('ends anyway once the grace period is over when a summary never comes', async () => {
      const database = testDatabase.database;
      const hub = new EventHub(database, { pollMilliseconds: 50, endGraceMilliseconds: 0 });
      const conversationId = await createConversation(database);
      await store(conversationId, 1);
      await database.query(`update conversations set status = 'ended', ended_at = now() where id = $1`, [conversationId]);
      await database.query(`insert into summary_jobs (conversation_id, status, attempts) values ($1, 'running', 3)`, [conversationId]);
      const received = collector();
      const ends: ConversationEnd[] = [];
      await hub.subscribe(conversationId, 0, received.deliver, { onEnd: (end) => void ends.push(end) });
      const started = Date.now();
      while (ends.length === 0 && Date.now() - started < 5_000) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(received.events.map((event) => event.id)).toEqual([1]);
      expect(ends).toEqual([expect.objectContaining({ lastEventId: 1, summary: 'pending' })]);
      await hub.stop();
    });
  });
});
