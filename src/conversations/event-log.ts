import type { Queryable } from '../db/database.js';

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

/**
 * `appendEvent` and the writer's own rows in ONE statement (one round trip instead of five with BEGIN and COMMIT): the
 * rows' insert runs as a data-modifying CTE beside the event's, so both commit or neither does, as in a transaction.
 * `write.sql` is an insert or update without RETURNING, numbering its parameters from $1.
 */
export async function writeWithEvent(
  queryable: Queryable,
  write: { sql: string; parameters: readonly unknown[] },
  conversationId: string,
  type: ConversationEventType,
  data: unknown,
): Promise<number> {
  const at = (offset: number): string => `$${write.parameters.length + offset}`;
  const result = await queryable.query<{ id: number }>(
    `with written as (${write.sql}),
          bumped as (update conversations set event_sequence = event_sequence + 1 where id = ${at(1)}::uuid returning event_sequence),
          appended as (insert into conversation_events (conversation_id, id, type, data) select ${at(1)}::uuid, event_sequence, ${at(2)}, ${at(3)} from bumped returning id)
     select id, pg_notify(${at(4)}, ${at(1)}::text || ':' || id) from appended`,
    [...write.parameters, conversationId, type, JSON.stringify(data), eventChannel],
  );
  const id = Number(result.rows[0]?.id);
  if (!Number.isInteger(id)) throw new Error(`conversation ${conversationId} does not exist`);
  return id;
}

/**
 * Up to `limit` events after `afterId`, in id order. `bounded` also caps the ids at `afterId + limit`: ids
 * have no gaps, so that is the same page, but the planner can then never read the whole remaining log to sort
 * it (without statistics, as on a fresh embedded database, it chose that plan: 20 ms a page instead of 1 ms).
 */
export async function readEventsAfter(database: Queryable, conversationId: string, afterId: number, limit = 500, options: { bounded?: boolean } = {}): Promise<ConversationEvent[]> {
  const result = await database.query<{ id: number; type: ConversationEventType; data: unknown; created_at: Date | string }>(
    options.bounded
      ? 'select id, type, data, created_at from conversation_events where conversation_id = $1 and id > $2 and id <= $2::int + $3::int order by id limit $3'
      : 'select id, type, data, created_at from conversation_events where conversation_id = $1 and id > $2 order by id limit $3',
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

/** Where a conversation's event log stands: how far it goes, and whether more events can still come. */
export interface EventLogState {
  lastEventId: number;
  ended: boolean;
  endedAt: string | null;
  /** The summary job's state once ended: its `summary` event is the last one a conversation gets. */
  summary: 'pending' | 'done' | 'failed' | 'none';
  /** Milliseconds since the conversation ended, by the database clock (0 while active). */
  endedForMilliseconds: number;
}

export async function readEventLogState(database: Queryable, conversationId: string): Promise<EventLogState | undefined> {
  const result = await database.query<{ status: string; event_sequence: number; ended_at: Date | string | null; summary_status: string | null; ended_for: number | string | null }>(
    `select c.status, c.event_sequence, c.ended_at, j.status as summary_status,
            extract(epoch from (now() - c.ended_at)) * 1000 as ended_for
       from conversations c left join summary_jobs j on j.conversation_id = c.id
      where c.id = $1`,
    [conversationId],
  );
  const row = result.rows[0];
  if (!row) return undefined;
  const summaryStatus = row.summary_status;
  return {
    lastEventId: Number(row.event_sequence),
    ended: row.status === 'ended',
    endedAt: row.ended_at ? new Date(row.ended_at).toISOString() : null,
    summary: summaryStatus === null ? 'none' : summaryStatus === 'done' || summaryStatus === 'failed' ? summaryStatus : 'pending',
    endedForMilliseconds: row.ended_for === null ? 0 : Math.max(0, Number(row.ended_for)),
  };
}
