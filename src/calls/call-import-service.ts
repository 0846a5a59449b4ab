import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../db/database.js';
import { buildInspectionRecord, judgeCall, writeInspections, type InspectionRecord, type RecordContext } from '../inspections/inspection-record.js';
import { maskText } from '../privacy/mask-personal-data.js';
import type { SummaryTurn } from '../summaries/summary-context.js';
import type { Summary } from '../summaries/summary-schema.js';
import { detectLanguage } from '../text/segment-text.js';
import { describeCallProblems, importedCallSchema, type ImportedCall, type ImportEntry } from './imported-call.js';

export interface ImportProblem {
  position: string;
  externalId?: string;
  problem: string;
}

export interface ImportReport {
  read: number;
  imported: number;
  /** Already imported (same external id): an import run again, or resumed after a crash, skips them. */
  skipped: number;
  failed: ImportProblem[];
  reviewStates: Record<string, number>;
}

export interface ImportProgress {
  read: number;
  imported: number;
  skipped: number;
  failed: number;
}

interface PreparedCall {
  position: string;
  call: ImportedCall;
  conversationId: string;
  language: 'zh' | 'en';
  turns: (SummaryTurn & { speaker: 'customer' | 'agent'; at: string })[];
  summary?: Summary;
  record?: InspectionRecord;
}

/** Where an import's time goes, per batch: summarising and inspecting (here), writing (the database's thread), and waiting for a write to finish. */
export type ImportStage = 'inspect' | 'write' | 'wait';

export type Summarize = (turns: readonly SummaryTurn[], options: { language?: 'zh' | 'en'; callEndedAt?: Date }) => Promise<Summary>;

/** At most this many problems are listed in a report; the count is always exact. */
const maximumListedProblems = 1_000;

/**
 * Batch import of past calls: each call is validated, summarised and inspected, then stored with its turns, its
 * summary (as a done summary job) and its inspection in one transaction, so a crash leaves whole calls or none.
 * Calls are idempotent by external id: a second run, or one resumed after a crash, skips what is stored.
 */
export class CallImportService {
  readonly #database: Database;
  readonly #summarize: Summarize;
  readonly #context: () => RecordContext;
  readonly #batchSize: number;

  constructor(options: { database: Database; summarize: Summarize; recordContext: () => RecordContext; batchSize?: number }) {
    this.#database = options.database;
    this.#batchSize = options.batchSize ?? 100;
    this.#summarize = options.summarize;
    this.#context = options.recordContext;
  }

  async importEntries(entries: AsyncIterable<ImportEntry>, options: { batchSize?: number; onProgress?: (progress: ImportProgress) => void; onStage?: (stage: ImportStage, milliseconds: number) => void } = {}): Promise<ImportReport> {
    const batchSize = options.batchSize ?? this.#batchSize;
    const report: ImportReport = { read: 0, imported: 0, skipped: 0, failed: [], reviewStates: {} };
    let failedCount = 0;
    const fail = (problem: ImportProblem) => {
      failedCount += 1;
      if (report.failed.length < maximumListedProblems) report.failed.push({ ...problem, problem: maskText(problem.problem) });
    };
    // External ids seen in this run: a second call with one is a duplicate in the source, named as such.
    const seen = new Map<string, string>();
    let batch: PreparedCall[] = [];
    const progress = () => options.onProgress?.({ read: report.read, imported: report.imported, skipped: report.skipped, failed: failedCount });
    // Two stages in step: while one batch is written (the database works in its own thread), the next one is
    // summarised and inspected here. Which calls are stored already is asked before that write starts (the database
    // takes one statement at a time, so asking during the write would wait for it). Writes stay one at a time, in order.
    let ready: PreparedCall[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const current = batch;
      batch = [];
      const fresh = await this.#skipStored(current, report);
      const timed = async <T>(stage: ImportStage, work: Promise<T>): Promise<T> => {
        const began = performance.now();
        try {
          return await work;
        } finally {
          options.onStage?.(stage, performance.now() - began);
        }
      };
      const writing = timed('write', this.#writeBatch(ready, report, fail)).then(progress);
      // Handled here so a failed write is not reported as unhandled while the next batch is inspected; it is still
      // awaited below and throws.
      writing.catch(() => undefined);
      ready = [];
      const inspected = await timed('inspect', this.#inspectBatch(fresh, fail));
      await timed('wait', writing);
      ready = inspected;
    };
    for await (const entry of entries) {
      report.read += 1;
      if ('problem' in entry) {
        fail({ position: entry.position, ...(entry.externalId ? { externalId: entry.externalId } : {}), problem: entry.problem });
        continue;
      }
      const parsed = importedCallSchema.safeParse(entry.call);
      if (!parsed.success) {
        fail({ position: entry.position, ...(entry.externalId ? { externalId: entry.externalId } : {}), problem: describeCallProblems(parsed.error) });
        continue;
      }
      const call = parsed.data;
      const first = seen.get(call.externalId);
      if (first !== undefined) {
        fail({ position: entry.position, externalId: call.externalId, problem: `duplicate external id '${call.externalId}' (first at ${first})` });
        continue;
      }
      seen.set(call.externalId, entry.position);
      batch.push(prepare(entry.position, call));
      if (batch.length >= batchSize) await flush();
    }
    await flush();
    const began = performance.now();
    await this.#writeBatch(ready, report, fail);
    options.onStage?.('write', performance.now() - began);
    progress();
    if (failedCount > report.failed.length) report.failed.push({ position: '(more)', problem: `${failedCount - report.failed.length} more problems not listed` });
    return report;
  }

  /** The batch without the calls stored already (a run again, or resumed after a crash), which are counted as skipped. */
  async #skipStored(batch: PreparedCall[], report: ImportReport): Promise<PreparedCall[]> {
    const existing = await this.#database.query<{ external_id: string }>('select external_id from conversations where external_id = any($1::text[])', [batch.map((item) => item.call.externalId)]);
    const stored = new Set(existing.rows.map((row) => row.external_id));
    report.skipped += batch.length - batch.filter((item) => !stored.has(item.call.externalId)).length;
    return batch.filter((item) => !stored.has(item.call.externalId));
  }

  /** Summarises and inspects each call (no write); a call that cannot be is named and left out. */
  async #inspectBatch(batch: PreparedCall[], fail: (problem: ImportProblem) => void): Promise<PreparedCall[]> {
    const fresh: PreparedCall[] = [];
    for (const item of batch) {
      // Let the write of the previous batch send its next statement: this loop is CPU work on the same thread.
      await new Promise<void>((resolve) => setImmediate(resolve));
      try {
        const lastAt = item.turns.at(-1)?.at;
        item.summary = await this.#summarize(item.turns, { language: item.language, ...(lastAt ? { callEndedAt: new Date(lastAt) } : {}) });
        const context = this.#context();
        const call = {
            conversationId: item.conversationId,
            externalId: item.call.externalId,
            startedAt: new Date(item.call.startedAt),
            ...(item.call.agent ? { agent: item.call.agent } : {}),
            ...(item.call.team ? { team: item.call.team } : {}),
            channel: item.call.channel,
            language: item.language,
            customer: item.call.customer ?? {},
            turns: item.turns,
            summary: item.summary,
        };
        item.record = buildInspectionRecord(call, context, await judgeCall(call, context));
        fresh.push(item);
      } catch (error) {
        fail({ position: item.position, externalId: item.call.externalId, problem: `could not be summarised or inspected: ${error instanceof Error ? error.message : String(error)}` });
      }
    }
    return fresh;
  }

  /** Stores the batch's calls in one transaction; if the batch cannot be held, call by call, each whole or not at all. */
  async #writeBatch(fresh: PreparedCall[], report: ImportReport, fail: (problem: ImportProblem) => void): Promise<void> {
    if (fresh.length === 0) return;
    try {
      await this.#database.transaction((transaction) => writeCalls(transaction, fresh));
      for (const item of fresh) countState(report, item);
    } catch {
      // One call the batch cannot hold (stored meanwhile by another importer, a value the database refuses): the
      // others are written one by one, each still whole or not at all.
      for (const item of fresh) {
        try {
          await this.#database.transaction((transaction) => writeCalls(transaction, [item]));
          countState(report, item);
        } catch (error) {
          const duplicate = /duplicate key|unique/iu.test(error instanceof Error ? error.message : '');
          if (duplicate) report.skipped += 1;
          else fail({ position: item.position, externalId: item.call.externalId, problem: `could not be stored: ${error instanceof Error ? error.message : String(error)}` });
        }
      }
    }
  }
}

function countState(report: ImportReport, item: PreparedCall): void {
  report.imported += 1;
  const state = item.record?.result.reviewState ?? 'none';
  report.reviewStates[state] = (report.reviewStates[state] ?? 0) + 1;
}

function prepare(position: string, call: ImportedCall): PreparedCall {
  const spoken = call.turns.filter((turn): turn is typeof turn & { speaker: 'customer' | 'agent' } => turn.speaker !== 'system' && turn.text.trim().length > 0);
  const startedAt = new Date(call.startedAt).toISOString();
  const used = new Set(spoken.flatMap((turn) => (turn.id ? [turn.id] : [])));
  let next = 1;
  const turns = spoken.map((turn) => {
    let id = turn.id;
    if (!id) {
      while (used.has(`t${next}`)) next += 1;
      id = `t${next}`;
      used.add(id);
    }
    return { id, speaker: turn.speaker, text: turn.text, at: turn.at ? new Date(turn.at).toISOString() : startedAt };
  });
  const language = call.language ?? detectLanguage(turns.slice(0, 10).map((turn) => turn.text).join(' '));
  return { position, call, conversationId: randomUUID(), language, turns };
}

async function writeCalls(transaction: Queryable, calls: readonly PreparedCall[]): Promise<void> {
  const conversationRows = calls.map((item) => ({
    id: item.conversationId,
    externalId: item.call.externalId,
    channel: item.call.channel,
    language: item.language,
    customer: JSON.stringify(item.call.customer ?? {}),
    metadata: JSON.stringify({ ...(item.call.agent ? { agent: item.call.agent } : {}), ...(item.call.team ? { team: item.call.team } : {}), imported: true }),
    turnCount: item.turns.length,
    createdAt: new Date(item.call.startedAt).toISOString(),
    endedAt: item.turns.at(-1)?.at ?? new Date(item.call.startedAt).toISOString(),
    desk: item.call.team ?? null,
  }));
  await transaction.query(
    `insert into conversations (id, external_id, channel, language, customer, metadata, status, turn_count, created_at, ended_at, desk)
       select id, external_id, channel, language, customer::jsonb, metadata::jsonb, 'ended', turn_count, created_at, ended_at, desk
         from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::timestamptz[], $9::timestamptz[], $10::text[])
           as t (id, external_id, channel, language, customer, metadata, turn_count, created_at, ended_at, desk)`,
    [
      conversationRows.map((row) => row.id),
      conversationRows.map((row) => row.externalId),
      conversationRows.map((row) => row.channel),
      conversationRows.map((row) => row.language),
      conversationRows.map((row) => row.customer),
      conversationRows.map((row) => row.metadata),
      conversationRows.map((row) => row.turnCount),
      conversationRows.map((row) => row.createdAt),
      conversationRows.map((row) => row.endedAt),
      conversationRows.map((row) => row.desk),
    ],
  );
  const turnRows = calls.flatMap((item) => item.turns.map((turn, index) => ({ id: randomUUID(), conversationId: item.conversationId, sequence: index + 1, clientTurnId: turn.id, speaker: turn.speaker, text: turn.text, at: turn.at })));
  await transaction.query(
    `insert into turns (id, conversation_id, sequence, client_turn_id, speaker, text, spoken_at)
       select * from unnest($1::uuid[], $2::uuid[], $3::int[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])`,
    [
      turnRows.map((row) => row.id),
      turnRows.map((row) => row.conversationId),
      turnRows.map((row) => row.sequence),
      turnRows.map((row) => row.clientTurnId),
      turnRows.map((row) => row.speaker),
      turnRows.map((row) => row.text),
      turnRows.map((row) => row.at),
    ],
  );
  // Stored as a finished summary job: GET /v1/conversations/:id/summary answers for imported calls as for live ones.
  await transaction.query(
    `insert into summary_jobs (conversation_id, status, attempts, summary) select * from unnest($1::uuid[], $2::text[], $3::int[], $4::jsonb[])`,
    [calls.map((item) => item.conversationId), calls.map(() => 'done'), calls.map(() => 1), calls.map((item) => JSON.stringify(item.summary))],
  );
  await writeInspections(transaction, calls.flatMap((item) => (item.record ? [item.record] : [])));
}
