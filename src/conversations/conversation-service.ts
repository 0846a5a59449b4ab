import { randomUUID } from 'node:crypto';
import type { DeskScope } from '../access/desk-scope.js';
import type { ComplianceEngine } from '../compliance/compliance-engine.js';
import { verdictOf, type CheckInput, type CustomerProfile, type Finding } from '../compliance/compliance-types.js';
import type { Database, Queryable } from '../db/database.js';
import { findingIdentifierKeys, maskStrings } from '../privacy/mask-personal-data.js';
import type { SearchResult } from '../retrieval/hybrid-search.js';
import { appendEvent, readEventLogState } from './event-log.js';
import type { EventHub } from './event-hub.js';

export type Speaker = 'customer' | 'agent';

/** A customer turn's knowledge cards: the query sent (masked), the results, the situations detected. */
export type TurnCardsSource = (
  turns: { id: string; speaker: Speaker; text: string }[],
  language: 'zh' | 'en',
) => Promise<{ query: string; results: SearchResult[]; situations: string[] } | undefined>;

export interface Conversation {
  id: string;
  externalId: string | null;
  channel: 'voice' | 'chat';
  language: 'zh' | 'en';
  customer: CustomerProfile & Record<string, unknown>;
  metadata: Record<string, unknown>;
  suggestionsEnabled: boolean;
  /** The desk of the key that created it (null: created by an unbound key); desk-bound agent keys see only theirs. */
  desk: string | null;
  /** The compliance profile the conversation runs under when it overrides the deployment's (null: the deployment's). */
  complianceProfile: string | null;
  status: 'active' | 'ended';
  turnCount: number;
  createdAt: string;
  endedAt: string | null;
}

export interface Turn {
  id: string;
  conversationId: string;
  sequence: number;
  turnId: string | null;
  speaker: Speaker;
  text: string;
  at: string;
  findings: Finding[];
}

export interface CreateConversationInput {
  channel?: 'voice' | 'chat';
  language?: 'zh' | 'en';
  externalId?: string;
  customer?: CustomerProfile & Record<string, unknown>;
  metadata?: Record<string, unknown>;
  suggestionsEnabled?: boolean;
  desk?: string;
  /** A profile name ("UK", "US,UK"): checked against the known profiles, stored in its canonical form. */
  complianceProfile?: string;
}

export interface AddTurnInput {
  turnId?: string;
  speaker: Speaker;
  text: string;
  at?: string;
}

export interface AddTurnResult {
  turn: Turn;
  findings: Finding[];
  rulesVersion?: string;
  /** Knowledge cards for a customer turn (also pushed as a `knowledge` event). */
  knowledge?: SearchResult[];
  /** True when the turnId was seen before and the stored turn is returned. */
  replayed: boolean;
}

export class ConversationNotFoundError extends Error {
  readonly code = 'conversation_not_found';
  constructor(id: string) {
    super(`no conversation ${id}`);
    this.name = 'ConversationNotFoundError';
  }
}

export class ConversationEndedError extends Error {
  readonly code = 'conversation_ended';
  constructor(id: string) {
    super(`conversation ${id} has ended; it takes no more turns`);
    this.name = 'ConversationEndedError';
  }
}

export class DuplicateConversationError extends Error {
  readonly code = 'duplicate_external_id';
  constructor(
    externalId: string,
    /** Undefined when the existing conversation is outside the caller's desk: its id is not shown. */
    readonly existingId: string | undefined,
  ) {
    super(`a conversation with externalId '${externalId}' exists${existingId ? ` (${existingId})` : ''}`);
    this.name = 'DuplicateConversationError';
  }
}

/** How many earlier turns the rule engine and retrieval see: enough for disclosures, bounded for latency. */
export const contextWindow = 30;
/** Knowledge cards pushed per customer turn. */
const knowledgeCards = 5;

interface ConversationRow {
  id: string;
  external_id: string | null;
  channel: 'voice' | 'chat';
  language: 'zh' | 'en';
  customer: unknown;
  metadata: unknown;
  suggestions_enabled: boolean;
  desk: string | null;
  compliance_profile?: string | null;
  status: 'active' | 'ended';
  turn_count: number;
  created_at: Date | string;
  ended_at: Date | string | null;
}

interface TurnRow {
  id: string;
  conversation_id: string;
  sequence: number;
  client_turn_id: string | null;
  speaker: Speaker;
  text: string;
  spoken_at: Date | string;
  findings: unknown;
}

function json<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

function toConversation(row: ConversationRow): Conversation {
  return {
    id: row.id,
    externalId: row.external_id,
    channel: row.channel,
    language: row.language,
    customer: json(row.customer),
    metadata: json(row.metadata),
    suggestionsEnabled: row.suggestions_enabled,
    desk: row.desk ?? null,
    complianceProfile: row.compliance_profile ?? null,
    status: row.status,
    turnCount: Number(row.turn_count),
    createdAt: new Date(row.created_at).toISOString(),
    endedAt: row.ended_at ? new Date(row.ended_at).toISOString() : null,
  };
}

function toTurn(row: TurnRow): Turn {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    sequence: Number(row.sequence),
    turnId: row.client_turn_id,
    speaker: row.speaker,
    text: row.text,
    at: new Date(row.spoken_at).toISOString(),
    findings: json(row.findings),
  };
}

/**
 * Conversations and turns. A turn is committed (with its compliance findings and events) before anything
 * slow happens, so a model failure or a crash afterwards never loses it.
 */
export class ConversationService {
  readonly #database: Database;
  readonly #compliance: ComplianceEngine;
  readonly #cards: TurnCardsSource;
  readonly #hub: EventHub;
  #afterCustomerTurn: ((conversation: Conversation, turn: Turn, recent: readonly Turn[]) => void) | undefined;
  #onEnded: ((conversationId: string) => void) | undefined;
  readonly #judgeBudgetMs: number | undefined;
  readonly #onJudgeError: (error: unknown) => void;
  readonly #pendingJudgements = new Set<Promise<void>>();

  constructor(options: {
    database: Database;
    compliance: ComplianceEngine;
    /**
     * A customer turn's knowledge cards and the situations shown with them. The service retrieves them as the
     * suggestion pipeline does (its searches, its merge), so the suggestion asked for right after finds them cached.
     */
    cards: TurnCardsSource;
    hub: EventHub;
    /** How long the judge pass on an agent turn may take (it never delays the turn's answer). */
    judgeBudgetMs?: number;
    /** A judge pass that could not even be recorded (the database down): logged, never thrown at a caller. */
    onError?: (error: unknown) => void;
  }) {
    this.#database = options.database;
    this.#compliance = options.compliance;
    this.#cards = options.cards;
    this.#hub = options.hub;
    this.#judgeBudgetMs = options.judgeBudgetMs;
    this.#onJudgeError = options.onError ?? (() => undefined);
  }

  /** Resolves when every judge pass started so far has pushed its event (tests, benches and shutdown wait on it). */
  async judgementsSettled(): Promise<void> {
    while (this.#pendingJudgements.size > 0) await Promise.allSettled([...this.#pendingJudgements]);
  }

  /**
   * Runs after a customer turn is stored and answered (the suggestion push, when enabled); never awaited. `recent`:
   * the conversation's latest turns up to the new one, already read for the turn.
   */
  onCustomerTurn(listener: (conversation: Conversation, turn: Turn, recent: readonly Turn[]) => void): void {
    this.#afterCustomerTurn = listener;
  }

  /** The summary worker wakes up on this instead of waiting for its next poll. */
  onEnded(listener: (conversationId: string) => void): void {
    this.#onEnded = listener;
  }

  async create(input: CreateConversationInput): Promise<Conversation> {
    const id = randomUUID();
    // Unknown names throw UnknownProfileError before anything is stored; a known one is kept in canonical form.
    const complianceProfile = input.complianceProfile === undefined ? null : (this.#compliance.profileOf(input.complianceProfile)?.id ?? null);
    try {
      const result = await this.#database.query<ConversationRow>(
        `insert into conversations (id, external_id, channel, language, customer, metadata, suggestions_enabled, desk, compliance_profile)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning *`,
        [id, input.externalId ?? null, input.channel ?? 'voice', input.language ?? 'zh', JSON.stringify(input.customer ?? {}), JSON.stringify(input.metadata ?? {}), input.suggestionsEnabled ?? false, input.desk ?? null, complianceProfile],
      );
      return toConversation(result.rows[0]!);
    } catch (error) {
      if (input.externalId && /duplicate key|unique/i.test(String((error as Error).message))) {
        const existing = await this.#database.query<{ id: string; desk: string | null }>('select id, desk from conversations where external_id = $1', [input.externalId]);
        const row = existing.rows[0];
        const visible = row && (input.desk === undefined || row.desk === input.desk);
        throw new DuplicateConversationError(input.externalId, visible ? row.id : undefined);
      }
      throw error;
    }
  }

  /** A conversation outside the caller's desk is reported as not found, so its existence does not leak. */
  async get(id: string, scope: DeskScope = {}): Promise<Conversation> {
    const result = await this.#database.query<ConversationRow>('select * from conversations where id = $1 and ($2::text is null or desk = $2)', [id, scope.desk ?? null]);
    const row = result.rows[0];
    if (!row) throw new ConversationNotFoundError(id);
    return toConversation(row);
  }

  /** The newest event id, for a stream's starting point; not found outside the caller's desk. */
  async lastEventId(id: string, scope: DeskScope = {}): Promise<number> {
    await this.get(id, scope);
    const state = await readEventLogState(this.#database, id);
    if (!state) throw new ConversationNotFoundError(id);
    return state.lastEventId;
  }

  async turns(conversationId: string, options: { last?: number } = {}): Promise<Turn[]> {
    const result = options.last
      ? await this.#database.query<TurnRow>(
          'select * from (select * from turns where conversation_id = $1 order by sequence desc limit $2) recent order by sequence',
          [conversationId, options.last],
        )
      : await this.#database.query<TurnRow>('select * from turns where conversation_id = $1 order by sequence', [conversationId]);
    return result.rows.map(toTurn);
  }

  async #findTurn(queryable: Queryable, conversationId: string, clientTurnId: string): Promise<Turn | undefined> {
    const result = await queryable.query<TurnRow>('select * from turns where conversation_id = $1 and client_turn_id = $2', [conversationId, clientTurnId]);
    return result.rows[0] ? toTurn(result.rows[0]) : undefined;
  }

  async addTurn(conversationId: string, input: AddTurnInput, scope: DeskScope = {}): Promise<AddTurnResult> {
    const conversation = await this.get(conversationId, scope);
    if (input.turnId) {
      const existing = await this.#findTurn(this.#database, conversationId, input.turnId);
      if (existing) return { turn: existing, findings: existing.findings, replayed: true };
    }
    if (conversation.status === 'ended') throw new ConversationEndedError(conversationId);

    const recent = await this.turns(conversationId, { last: contextWindow });
    const checkInput: CheckInput = {
      text: input.text,
      speaker: 'agent',
      context: recent.map((turn) => ({ speaker: turn.speaker, text: turn.text })),
      language: conversation.language,
      customer: conversation.customer,
      ...(conversation.complianceProfile ? { profile: conversation.complianceProfile } : {}),
    };
    const check = input.speaker === 'agent' ? this.#compliance.check(checkInput) : undefined;
    const findings = check?.findings ?? [];

    const stored = await this.#database.transaction(async (transaction) => {
      // The row lock orders concurrent turns of one conversation and re-checks that it is still open.
      const locked = await transaction.query<{ status: string; turn_count: number }>('select status, turn_count from conversations where id = $1 for update', [conversationId]);
      const current = locked.rows[0];
      if (!current) throw new ConversationNotFoundError(conversationId);
      if (input.turnId) {
        const raced = await this.#findTurn(transaction, conversationId, input.turnId);
        if (raced) return { turn: raced, replayed: true };
      }
      if (current.status === 'ended') throw new ConversationEndedError(conversationId);
      const sequence = Number(current.turn_count) + 1;
      const inserted = await transaction.query<TurnRow>(
        `insert into turns (id, conversation_id, sequence, client_turn_id, speaker, text, spoken_at, findings, rules_version)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning *`,
        [randomUUID(), conversationId, sequence, input.turnId ?? null, input.speaker, input.text, input.at ?? new Date().toISOString(), JSON.stringify(findings), check?.rulesVersion ?? null],
      );
      await transaction.query('update conversations set turn_count = $2 where id = $1', [conversationId, sequence]);
      const turn = toTurn(inserted.rows[0]!);
      if (findings.length > 0) {
        // Findings quote the agent's words (a read-out card number is the evidence and is named in the explanation):
        // the fanned-out event is masked.
        const pushed = maskStrings(findings, findingIdentifierKeys);
        await appendEvent(transaction, conversationId, 'compliance', { turnId: turn.id, clientTurnId: turn.turnId, sequence, verdict: check?.verdict, findings: pushed, rulesVersion: check?.rulesVersion });
      }
      return { turn, replayed: false };
    });
    if (stored.replayed) return { turn: stored.turn, findings: stored.turn.findings, replayed: true };
    this.#hub.signal(conversationId);

    const result: AddTurnResult = { turn: stored.turn, findings, replayed: false, ...(check ? { rulesVersion: check.rulesVersion } : {}) };
    if (input.speaker === 'agent') this.#startJudgement(conversationId, stored.turn, checkInput, findings);
    if (input.speaker === 'customer') {
      const latest = [...recent, stored.turn];
      result.knowledge = await this.#pushKnowledge(conversation, latest, stored.turn);
      this.#afterCustomerTurn?.(conversation, stored.turn, latest);
    }
    return result;
  }

  /**
   * The second tier: the model judge on a risky agent turn, after the turn was answered. Its outcome is pushed as
   * a `compliance` event marked `detectedBy: "judge"` (findings, or `judge: "unavailable"` with why: a failed
   * judge is reported, never taken for a pass). Nothing is pushed when the judge found nothing to add.
   */
  #startJudgement(conversationId: string, turn: Turn, input: CheckInput, findings: readonly Finding[]): void {
    const pending = this.#compliance.judgeTurn(input, {
      alreadyFlagged: findings.map((finding) => finding.ruleId),
      ...(this.#judgeBudgetMs ? { budgetMs: this.#judgeBudgetMs } : {}),
    });
    if (!pending) return;
    const work = pending
      .then(async (judgement) => {
        if (judgement.judge === 'ok' && judgement.findings.length === 0) return;
        const data = {
          turnId: turn.id,
          clientTurnId: turn.turnId,
          sequence: turn.sequence,
          detectedBy: 'judge',
          judge: judgement.judge,
          ...(judgement.judgeError ? { judgeError: judgement.judgeError } : {}),
          ...(judgement.rubricVersion ? { rubricVersion: judgement.rubricVersion } : {}),
          verdict: verdictOf(judgement.findings),
          findings: maskStrings(judgement.findings, findingIdentifierKeys),
          contexts: judgement.contexts,
          rulesJudged: judgement.rulesJudged,
          ...(judgement.profile ? { profile: judgement.profile } : {}),
        };
        await this.#database.transaction((transaction) => appendEvent(transaction, conversationId, 'compliance', data));
        this.#hub.signal(conversationId);
      })
      .catch(this.#onJudgeError)
      .finally(() => this.#pendingJudgements.delete(work));
    this.#pendingJudgements.add(work);
  }

  /** Knowledge cards for the latest customer turn, retrieved on the recent turns, stored as an event and pushed. */
  async #pushKnowledge(conversation: Conversation, turns: readonly Turn[], turn: Turn): Promise<SearchResult[]> {
    // The suggestion reads the last `contextWindow` turns: the cards plan on the same ones, so the plan is the same.
    const found = await this.#cards(turns.slice(-contextWindow), conversation.language);
    if (!found) return [];
    const { query } = found;
    const cards = found.results.slice(0, knowledgeCards);
    if (cards.length === 0) return [];
    const situations = found.situations.map((id) => ({ id }));
    await this.#database.transaction((transaction) => appendEvent(transaction, conversation.id, 'knowledge', { turnId: turn.id, clientTurnId: turn.turnId, query, results: cards, situations }));
    this.#hub.signal(conversation.id);
    return cards;
  }

  /**
   * Ends the conversation and queues its summary job in the same transaction: an ended call always gets a
   * summary, even if the process dies right after. Ending twice is harmless.
   */
  async end(conversationId: string, scope: DeskScope = {}): Promise<Conversation> {
    const ended = await this.#database.transaction(async (transaction) => {
      const result = await transaction.query<ConversationRow>(
        `update conversations set status = 'ended', ended_at = coalesce(ended_at, now()) where id = $1 and ($2::text is null or desk = $2) returning *`,
        [conversationId, scope.desk ?? null],
      );
      const row = result.rows[0];
      if (!row) throw new ConversationNotFoundError(conversationId);
      await transaction.query(`insert into summary_jobs (conversation_id, status) values ($1, 'queued') on conflict (conversation_id) do nothing`, [conversationId]);
      return toConversation(row);
    });
    // Streams watching the call learn it ended (they close once its summary event is delivered).
    this.#hub.signal(conversationId);
    this.#onEnded?.(conversationId);
    return ended;
  }

  /** Wakes the desktops watching this conversation after an event was committed elsewhere. */
  signal(conversationId: string): void {
    this.#hub.signal(conversationId);
  }

  async appendEvent(conversationId: string, type: 'suggestion' | 'summary', data: unknown): Promise<number> {
    const id = await this.#database.transaction((transaction) => appendEvent(transaction, conversationId, type, data));
    this.#hub.signal(conversationId);
    return id;
  }
}
