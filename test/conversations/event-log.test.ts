import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEvent, eventChannel, readEventsAfter, writeWithEvent } from '../../src/conversations/event-log.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

describe('writeWithEvent: a writer\'s rows and its event in one statement', () => {
  // One embedded database for the file (PGlite delivers NOTIFY in process; the socket server used for the pg adapter does not).
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase('pglite');
  }, 120_000);
  afterAll(async () => {
    await test?.close();
  });

  async function conversation(): Promise<string> {
    const id = randomUUID();
    await test.database.query(`insert into conversations (id, channel, language) values ($1, 'voice', 'zh')`, [id]);
    return id;
  }

  it('stores the rows, appends the event after the earlier ones and notifies listeners', async () => {
    const id = await conversation();
    await test.database.transaction((transaction) => appendEvent(transaction, id, 'knowledge', { first: true }));
    const heard: string[] = [];
    const unlisten = await test.database.listen(eventChannel, (payload) => heard.push(payload));
    const turnId = randomUUID();
    const eventId = await writeWithEvent(
      test.database,
      { sql: `insert into turns (id, conversation_id, sequence, speaker, text, spoken_at, findings) values ($1, $2, 1, 'customer', $3, now(), '[]')`, parameters: [turnId, id, '年费怎么收？'] },
      id,
      'suggestion',
      { turnId },
    );
    expect(eventId).toBe(2);
    const turns = await test.database.query<{ text: string }>('select text from turns where id = $1', [turnId]);
    expect(turns.rows.map((row) => row.text)).toEqual(['年费怎么收？']);
    const events = await readEventsAfter(test.database, id, 0);
    expect(events.map((event) => [event.id, event.type, event.data])).toEqual([
      [1, 'knowledge', { first: true }],
      [2, 'suggestion', { turnId }],
    ]);
    for (let attempt = 0; attempt < 100 && !heard.includes(`${id}:2`); attempt += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    await unlisten();
    expect(heard).toContain(`${id}:2`);
  });

  it('keeps neither the rows nor the event when the write fails', async () => {
    const id = await conversation();
    const turnId = randomUUID();
    // The second row repeats the first's id: the insert fails as a whole.
    const failing = writeWithEvent(
      test.database,
      { sql: `insert into turns (id, conversation_id, sequence, speaker, text, spoken_at, findings) values ($1, $2, 1, 'customer', 'a', now(), '[]'), ($1, $2, 2, 'customer', 'b', now(), '[]')`, parameters: [turnId, id] },
      id,
      'suggestion',
      {},
    );
    await expect(failing).rejects.toThrow();
    expect((await readEventsAfter(test.database, id, 0)).length).toBe(0);
    const sequence = await test.database.query<{ event_sequence: number }>('select event_sequence from conversations where id = $1', [id]);
    expect(Number(sequence.rows[0]?.event_sequence)).toBe(0);
    expect((await test.database.query('select 1 from turns where conversation_id = $1', [id])).rows.length).toBe(0);
  });

  it('refuses a conversation that does not exist', async () => {
    await expect(
      writeWithEvent(test.database, { sql: 'update conversations set turn_count = turn_count where id = $1', parameters: [randomUUID()] }, randomUUID(), 'suggestion', {}),
    ).rejects.toThrow(/does not exist/u);
  });
});
