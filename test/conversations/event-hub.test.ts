import { randomUUID } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventHub } from '../../src/conversations/event-hub.js';
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
  it('delivers an event appended by one replica to a subscriber of another through LISTEN/NOTIFY alone', async () => {
    // Two replicas sharing one Postgres (PGlite delivers NOTIFY to every listener in process). The poll is
    // switched off, so only the notification can carry the event across.
    const pglite = await PGlite.create({ extensions: { vector } });
    const replicaA = wrapPglite(pglite);
    const replicaB = wrapPglite(pglite);
    await migrate(replicaA);
    const hubB = new EventHub(replicaB, { pollMilliseconds: 3_600_000 });
    const conversationId = await createConversation(replicaA);
    const received = collector();
    await hubB.subscribe(conversationId, 0, received.deliver);
    await replicaA.transaction((transaction) => appendEvent(transaction, conversationId, 'knowledge', { n: 1 }));
    await replicaA.transaction((transaction) => appendEvent(transaction, conversationId, 'compliance', { n: 2 }));
    const events = await received.waitFor(2);
    expect(events.map((event) => [event.id, event.type])).toEqual([[1, 'knowledge'], [2, 'compliance']]);
    await hubB.stop();
    await pglite.close();
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
});
