import type { Database, Queryable } from '../db/database.js';

export type ConversationEventType = 'knowledge' | 'suggestion' | 'compliance' | 'summary' | 'turn' | 'ended';

export interface ConversationEvent {
  id: number;
  conversationId: string;
  type: ConversationEventType;
  data: unknown;
  createdAt: string;
}

/** The channel every replica LISTENs on; the payload names the conversation and the newest event id. */
export const eventChannel = 'agent_assist_events';

/**
 * Events are rows first (so a desktop that reconnects with Last-Event-ID gets exactly what it missed) and a
 * notification second (so replicas wake up at once). Ids come from a per-conversation counter updated in the
 * same transaction, so they increase without gaps and two writers can never take the same id.
 */
export async function appendEvent(transaction: Queryable, conversationId: string, type: ConversationEventType, data: unknown): Promise<number> {
  const next = await transaction.query<{ event_sequence: number }>(
    'update conversations set event_sequence = event_sequence + 1 where id = $1 returning event_sequence',
    [conversationId],
  );
  const id = Number(next.rows[0]?.event_sequence);
  if (!Number.isInteger(id)) throw new Error(`conversation ${conversationId} does not exist`);
  await transaction.query('insert into conversation_events (conversation_id, id, type, data) values ($1, $2, $3, $4)', [conversationId, id, type, JSON.stringify(data)]);
  // NOTIFY inside the transaction is delivered on commit, never for a rolled-back event.
  await transaction.query('select pg_notify($1, $2)', [eventChannel, `${conversationId}:${id}`]);
  return id;
}

export async function readEventsAfter(database: Queryable, conversationId: string, afterId: number, limit = 500): Promise<ConversationEvent[]> {
  const result = await database.query<{ id: number; type: ConversationEventType; data: unknown; created_at: Date | string }>(
    'select id, type, data, created_at from conversation_events where conversation_id = $1 and id > $2 order by id limit $3',
    [conversationId, afterId, limit],
  );
  return result.rows.map((row) => ({
    id: Number(row.id),
    conversationId,
    type: row.type,
    data: typeof row.data === 'string' ? JSON.parse(row.data) : row.data,
    createdAt: new Date(row.created_at).toISOString(),
  }));
}

export async function lastEventId(database: Database, conversationId: string): Promise<number | undefined> {
  const result = await database.query<{ event_sequence: number }>('select event_sequence from conversations where id = $1', [conversationId]);
  const row = result.rows[0];
  return row ? Number(row.event_sequence) : undefined;
}
