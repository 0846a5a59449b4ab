import { randomUUID } from 'node:crypto';
import type { Database } from '../db/database.js';
import type { InsightSettings } from '../insights/insight-settings.js';
import { stopwordSet } from '../insights/extract-terms.js';
import { addToRollups } from '../insights/insight-rollups.js';
import { type Backoff, JobLoop } from '../operations/job-loop.js';
import { maskText } from '../privacy/mask-personal-data.js';
import type { Summary } from '../summaries/summary-schema.js';
import type { ItemResult, ReviewState } from './inspect-call.js';
import { buildInspectionRecord, judgeCall, writeInspections, type CallToInspect, type InspectionRecord, type RecordContext } from './inspection-record.js';
import type { ItemJudge } from './judge-scorecard-items.js';
import type { Scorecard } from './scorecard-schema.js';

export type ReviewAction = 'confirm' | 'overturn' | 'dispute';
export interface ReviewActor {
  keyId: string;
  name: string;
  role: string;
}

export class InspectionNotFoundError extends Error {
  readonly code = 'inspection_not_found';
  constructor(id: string) {
    super(`inspection ${id} not found`);
    this.name = 'InspectionNotFoundError';
  }
}

/** A review the state machine refuses (e.g. confirming an overturned inspection) or the role may not make. */
export class ReviewRefusedError extends Error {
  constructor(
    readonly code: 'review_not_allowed' | 'review_conflict',
    message: string,
  ) {
    super(message);
    this.name = 'ReviewRefusedError';
  }
}

/** Which states each action may start from, and the state it leads to. */
const transitions: Record<ReviewAction, { from: readonly ReviewState[]; to: ReviewState; roles: readonly string[] }> = {
  confirm: { from: ['auto_passed', 'needs_review', 'disputed'], to: 'confirmed', roles: ['compliance', 'admin'] },
  overturn: { from: ['auto_passed', 'needs_review', 'disputed', 'confirmed'], to: 'overturned', roles: ['compliance', 'admin'] },
  dispute: { from: ['auto_passed', 'needs_review', 'confirmed'], to: 'disputed', roles: ['agent', 'admin'] },
};

export interface InspectionSummaryView {
  id: string;
  conversationId: string;
  externalId: string | null;
  scorecard: { id: string; version: string };
  score: number;
  passed: boolean;
  severity: string;
  confidence: number;
  reviewState: ReviewState;
  callStartedAt: string;
  agent: string | null;
  team: string | null;
  channel: string;
  language: string;
  failedItems: string[];
}

export interface InspectionView extends InspectionSummaryView {
  items: ItemResult[];
  findings: unknown;
  facts: { reasonCode: string; intent: string; resolution: string; complaint: { raised: boolean; category: string | null }; sentimentEnd: string; products: string[]; vulnerable: boolean };
  reviews: { id: string; action: ReviewAction; fromState: string; toState: string; comment: string | null; actor: { keyId: string | null; name: string | null; role: string | null }; at: string }[];
  /** The call as inspected, masked like logs: an inspector reads it to confirm or overturn, and evidence names its ids. */
  turns: { id: string; speaker: 'customer' | 'agent'; text: string }[];
}

export interface InspectionFilters {
  /** The inspection of one call: the voice-of-the-customer view drills down from a call id to it. */
  conversation?: string;
  agent?: string;
  team?: string;
  from?: Date;
  to?: Date;
  state?: ReviewState;
  item?: string;
  limit?: number;
  cursor?: string;
}

interface InspectionRow {
  id: string;
  conversation_id: string;
  external_id: string | null;
  scorecard_id: string;
  scorecard_version: string;
  score: number;
  passed: boolean;
  severity: string;
  confidence: number;
  review_state: ReviewState;
  call_started_at: Date | string;
  agent: string | null;
  team: string | null;
  channel: string;
  language: string;
  failed_items: string[];
  items?: unknown;
  findings?: unknown;
  reason_code?: string;
  intent?: string;
  resolution?: string;
  complaint_raised?: boolean;
  complaint_category?: string | null;
  sentiment_end?: string;
  products?: string[];
  vulnerable?: boolean;
}

/** A call whose summary is done, with what its inspection is made from. */
interface PendingRow {
  conversation_id: string;
  summary: unknown;
  updated_at: Date | string;
  external_id: string | null;
  channel: 'voice' | 'chat';
  language: 'zh' | 'en';
  customer: unknown;
  metadata: unknown;
  desk: string | null;
  created_at: Date | string;
}

const json = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value);
const iso = (value: Date | string): string => (value instanceof Date ? value : new Date(value)).toISOString();

function summaryView(row: InspectionRow): InspectionSummaryView {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    externalId: row.external_id,
    scorecard: { id: row.scorecard_id, version: row.scorecard_version },
    score: Number(row.score),
    passed: row.passed,
    severity: row.severity,
    confidence: Number(row.confidence),
    reviewState: row.review_state,
    callStartedAt: iso(row.call_started_at),
    agent: row.agent,
    team: row.team,
    channel: row.channel,
    language: row.language,
    failedItems: row.failed_items,
  };
}

function encodeCursor(row: InspectionRow): string {
  return Buffer.from(`${iso(row.call_started_at)}|${row.id}`).toString('base64url');
}

export class InvalidCursorError extends Error {
  readonly code = 'invalid_cursor';
}

function decodeCursor(cursor: string): { at: string; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!at || !id || Number.isNaN(Date.parse(at)) || !/^[0-9a-f-]{36}$/u.test(id)) throw new InvalidCursorError('cursor is not one this service returned');
  return { at, id };
}

/**
 * Inspections (智能质检): written for every call whose summary is done (a job that follows the summary jobs, so
 * live calls need no second trigger), listed and reviewed. Reviews are appended to an audit table in the same
 * transaction as the state change.
 */
export class InspectionService {
  readonly #database: Database;
  readonly #context: RecordContext;
  readonly #onError: (error: unknown) => void;
  readonly scorecards: readonly Scorecard[];
  readonly #loop: JobLoop<PendingRow[]>;
  /** Calls whose inspection could not be built, by id, with their summary's time: not claimed again. */
  readonly #passedOver = new Map<string, string>();
  /** Summaries finished before this were all looked at: the job query starts here. */
  #watermark = new Date(0);

  constructor(options: { database: Database; scorecards: readonly Scorecard[]; ruleKind: (ruleId: string) => string | undefined; insights: InsightSettings; judge?: ItemJudge; onError?: (error: unknown) => void; pollMilliseconds?: number; retryBackoff?: Backoff }) {
    this.#database = options.database;
    this.scorecards = options.scorecards;
    this.#context = { scorecards: options.scorecards, ruleKind: options.ruleKind, insights: options.insights, stopwords: stopwordSet(options.insights.terms), ...(options.judge ? { judge: options.judge } : {}) };
    this.#onError = options.onError ?? (() => undefined);
    this.#loop = new JobLoop<PendingRow[]>({
      claim: () => this.#claim(50),
      run: async (batch) => {
        await this.#inspect(batch);
      },
      ...(options.retryBackoff ? { backoff: options.retryBackoff } : {}),
      onError: this.#onError,
      pollMilliseconds: options.pollMilliseconds ?? 2_000,
    });
  }

  get recordContext(): RecordContext {
    return this.#context;
  }

  start(): void {
    this.#loop.start();
  }

  async stop(): Promise<void> {
    await this.#loop.stop();
  }

  wake(): void {
    this.#loop.wake();
  }

  async idle(): Promise<void> {
    await this.#loop.idle();
  }

  /** Inspects every call whose summary is done and that has no inspection yet; returns how many were written. */
  async inspectPending(batchSize = 50): Promise<number> {
    let total = 0;
    for (;;) {
      const batch = await this.#claim(batchSize);
      if (!batch) return total;
      total += await this.#inspect(batch);
    }
  }

  /** The next calls with a done summary and no inspection, oldest summary first, from the watermark on. */
  async #claim(batchSize: number): Promise<PendingRow[] | undefined> {
    const pending = await this.#database.query<PendingRow>(
      `select s.conversation_id, s.summary, s.updated_at, c.external_id, c.channel, c.language, c.customer, c.metadata, c.desk, c.created_at
         from summary_jobs s join conversations c on c.id = s.conversation_id
        where s.status = 'done' and s.updated_at >= $1 and not exists (select 1 from inspections i where i.conversation_id = s.conversation_id)
          and s.conversation_id <> all($3::uuid[])
        order by s.updated_at limit $2`,
      [this.#watermark.toISOString(), batchSize, [...this.#passedOver.keys()]],
    );
    return pending.rows.length > 0 ? pending.rows : undefined;
  }

  /** Inspects and writes one batch in one transaction; a failed write throws and the batch is claimed again later. */
  async #inspect(rows: readonly PendingRow[]): Promise<number> {
    const records: InspectionRecord[] = [];
    const failed: PendingRow[] = [];
    for (const row of rows) {
      const turns = await this.#database.query<{ client_turn_id: string | null; id: string; speaker: 'customer' | 'agent'; text: string }>('select id, client_turn_id, speaker, text from turns where conversation_id = $1 order by sequence', [row.conversation_id]);
      const metadata = (json(row.metadata) ?? {}) as Record<string, unknown>;
      const customer = (json(row.customer) ?? {}) as { vulnerable?: boolean; age?: number };
      const call: CallToInspect = {
        conversationId: row.conversation_id,
        ...(row.external_id ? { externalId: row.external_id } : {}),
        startedAt: row.created_at instanceof Date ? row.created_at : new Date(row.created_at),
        ...(typeof metadata.agent === 'string' ? { agent: metadata.agent } : {}),
        ...(typeof metadata.team === 'string' ? { team: metadata.team } : row.desk ? { team: row.desk } : {}),
        channel: row.channel,
        language: row.language,
        customer,
        // The summary's evidence names the turn ids it was written with: the client's id when there was one.
        turns: turns.rows.map((turn) => ({ id: turn.client_turn_id ?? turn.id, speaker: turn.speaker, text: turn.text })),
        summary: json(row.summary) as Summary,
      };
      try {
        records.push(buildInspectionRecord(call, this.#context, await judgeCall(call, this.#context)));
      } catch (error) {
        this.#onError(error);
        failed.push(row);
      }
    }
    const written = (await this.#database.transaction((transaction) => writeInspections(transaction, records))).size;
    const last = rows.at(-1);
    if (last) this.#watermark = new Date(iso(last.updated_at));
    // Calls that could not be inspected (no scorecard for their language) are passed over rather than retried in a
    // loop; remembered only while the watermark has not moved past them, and retried after a restart.
    for (const row of failed) this.#passedOver.set(row.conversation_id, iso(row.updated_at));
    for (const [id, updatedAt] of this.#passedOver) if (Date.parse(updatedAt) < this.#watermark.getTime()) this.#passedOver.delete(id);
    return written;
  }

  async list(filters: InspectionFilters): Promise<{ items: InspectionSummaryView[]; nextCursor?: string }> {
    const limit = Math.min(Math.max(filters.limit ?? 50, 1), 200);
    const conditions: string[] = [];
    const parameters: unknown[] = [];
    const add = (condition: string, value: unknown) => {
      parameters.push(value);
      conditions.push(condition.replace('?', `$${parameters.length}`));
    };
    if (filters.conversation) add('conversation_id = ?', filters.conversation);
    if (filters.agent) add('agent = ?', filters.agent);
    if (filters.team) add('team = ?', filters.team);
    if (filters.from) add('call_started_at >= ?', filters.from.toISOString());
    if (filters.to) add('call_started_at < ?', filters.to.toISOString());
    if (filters.state) add('review_state = ?', filters.state);
    if (filters.item) add('? = any(failed_items)', filters.item);
    if (filters.cursor) {
      const cursor = decodeCursor(filters.cursor);
      parameters.push(cursor.at, cursor.id);
      conditions.push(`(call_started_at, id) < ($${parameters.length - 1}::timestamptz, $${parameters.length}::uuid)`);
    }
    parameters.push(limit + 1);
    const result = await this.#database.query<InspectionRow>(
      `select id, conversation_id, external_id, scorecard_id, scorecard_version, score, passed, severity, confidence, review_state, call_started_at, agent, team, channel, language, failed_items
         from inspections ${conditions.length > 0 ? `where ${conditions.join(' and ')}` : ''}
        order by call_started_at desc, id desc limit $${parameters.length}`,
      parameters,
    );
    const rows = result.rows.slice(0, limit);
    const last = rows.at(-1);
    return { items: rows.map(summaryView), ...(result.rows.length > limit && last ? { nextCursor: encodeCursor(last) } : {}) };
  }

  async get(id: string): Promise<InspectionView> {
    const result = await this.#database.query<InspectionRow>('select * from inspections where id = $1', [id]);
    const row = result.rows[0];
    if (!row) throw new InspectionNotFoundError(id);
    const reviews = await this.#database.query<{ id: string; action: ReviewAction; from_state: string; to_state: string; comment: string | null; actor_key_id: string | null; actor_name: string | null; actor_role: string | null; created_at: Date | string }>(
      'select * from inspection_reviews where inspection_id = $1 order by created_at, id',
      [id],
    );
    const turns = await this.#database.query<{ id: string; client_turn_id: string | null; speaker: 'customer' | 'agent'; text: string }>(
      'select id, client_turn_id, speaker, text from turns where conversation_id = $1 order by sequence',
      [row.conversation_id],
    );
    return {
      ...summaryView(row),
      items: json(row.items) as ItemResult[],
      findings: json(row.findings),
      facts: {
        reasonCode: row.reason_code ?? '',
        intent: row.intent ?? '',
        resolution: row.resolution ?? '',
        complaint: { raised: row.complaint_raised ?? false, category: row.complaint_category ?? null },
        sentimentEnd: row.sentiment_end ?? '',
        products: row.products ?? [],
        vulnerable: row.vulnerable ?? false,
      },
      reviews: reviews.rows.map((review) => ({
        id: review.id,
        action: review.action,
        fromState: review.from_state,
        toState: review.to_state,
        comment: review.comment,
        actor: { keyId: review.actor_key_id, name: review.actor_name, role: review.actor_role },
        at: iso(review.created_at),
      })),
      // The same ids the items' evidence uses: the client's turn id when the call had one.
      turns: turns.rows.map((turn) => ({ id: turn.client_turn_id ?? turn.id, speaker: turn.speaker, text: maskText(turn.text) })),
    };
  }

  /** Confirm or overturn (compliance), dispute (agent): the state change and its audit row commit together. */
  async review(id: string, input: { action: ReviewAction; comment?: string }, actor: ReviewActor): Promise<InspectionView> {
    const rule = transitions[input.action];
    if (!rule.roles.includes(actor.role)) throw new ReviewRefusedError('review_not_allowed', `a ${actor.role} key may not ${input.action} an inspection (needs ${rule.roles.join(' or ')})`);
    await this.#database.transaction(async (transaction) => {
      const current = await transaction.query<{ review_state: ReviewState }>('select review_state from inspections where id = $1 for update', [id]);
      const state = current.rows[0]?.review_state;
      if (!state) throw new InspectionNotFoundError(id);
      if (!rule.from.includes(state)) throw new ReviewRefusedError('review_conflict', `an inspection in state ${state} cannot be ${input.action === 'confirm' ? 'confirmed' : input.action === 'overturn' ? 'overturned' : 'disputed'}`);
      // The roll-ups count calls waiting for review: the call leaves them with its old state and comes back with the new.
      await addToRollups(transaction, { inspectionIds: [id] }, -1);
      await transaction.query('update inspections set review_state = $2, updated_at = now() where id = $1', [id, rule.to]);
      await addToRollups(transaction, { inspectionIds: [id] }, 1);
      await transaction.query(
        'insert into inspection_reviews (id, inspection_id, action, from_state, to_state, comment, actor_key_id, actor_name, actor_role) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
        [randomUUID(), id, input.action, state, rule.to, input.comment ? maskText(input.comment) : null, actor.keyId, actor.name, actor.role],
      );
    });
    return this.get(id);
  }
}
