import { randomUUID } from 'node:crypto';
import type { Finding } from '../compliance/compliance-types.js';
import type { ConversationService, Turn } from '../conversations/conversation-service.js';
import { customerQuestion } from '../conversations/customer-question.js';
import { writeWithEvent } from '../conversations/event-log.js';
import type { Database } from '../db/database.js';
import { findingIdentifierKeys, maskStrings, maskText } from '../privacy/mask-personal-data.js';
import type { SearchResult } from '../retrieval/hybrid-search.js';
import type { GeneratedSuggestion, StreamObserver, SuggestionBatch, SuggestionPipeline } from './suggestion-pipeline.js';

export interface ShownSuggestion {
  id: string;
  text: string;
  citations: GeneratedSuggestion['citations'];
  disclosures: string[];
  compliance: { verdict: 'pass' | 'warn'; findings: Finding[] };
  origin: GeneratedSuggestion['origin'];
}

export interface SuggestionResponse {
  suggestions: ShownSuggestion[];
  knowledge: SearchResult[];
  provider: string;
  model: string;
  promptVersion: string;
  tookMs: number;
  degraded: boolean;
  degradedCause?: string;
  rulesVersion: string;
}

export interface FeedbackInput {
  action: 'accepted' | 'edited' | 'dismissed';
  finalText?: string;
  reason?: string;
}

/** An accepted suggestion: the customer's question it answered and the documents it cited. */
export interface AcceptedSuggestion {
  suggestionId: string;
  conversationId: string;
  documentIds: string[];
  question: string;
  givenBy: string;
}

export class SuggestionNotFoundError extends Error {
  readonly code = 'suggestion_not_found';
  constructor(id: string) {
    super(`no suggestion ${id}`);
    this.name = 'SuggestionNotFoundError';
  }
}

export interface AuditQuery {
  conversationId?: string;
  from?: Date;
  to?: Date;
  limit: number;
  cursor?: string;
}

/** Streamed sentences and final suggestions are masked before the desktop sees them, as the stored ones are. */
function maskedObserver(observer: StreamObserver): StreamObserver {
  return {
    ...(observer.onToken ? { onToken: (event) => observer.onToken?.({ ...event, text: maskText(event.text) }) } : {}),
    ...(observer.onSuggestion
      ? {
          onSuggestion: (event) => {
            const { suggestion } = event;
            const findings = maskStrings(suggestion.compliance.findings, findingIdentifierKeys);
            observer.onSuggestion?.({ ...event, suggestion: { ...suggestion, text: maskText(suggestion.text), compliance: { verdict: suggestion.compliance.verdict, findings } } });
          },
        }
      : {}),
  };
}

/**
 * Runs the suggestion pipeline for a conversation, stores every suggestion shown with its full audit trail
 * (prompt, provider, model, retrieved chunk versions, guard verdict, latency, tokens) and pushes it as an event.
 */
export class SuggestionService {
  readonly #database: Database;
  readonly #conversations: ConversationService;
  readonly #pipeline: SuggestionPipeline;
  readonly #rulesVersion: string;
  readonly #onAccepted: ((accepted: AcceptedSuggestion) => Promise<void>) | undefined;
  readonly #questionCharacters: number;

  /** `onAccepted` hears of each accepted suggestion (compose.ts proposes the question as a similar question). */
  constructor(options: {
    database: Database;
    conversations: ConversationService;
    pipeline: SuggestionPipeline;
    rulesVersion: string;
    onAccepted?: (accepted: AcceptedSuggestion) => Promise<void>;
    questionCharacters?: number;
  }) {
    this.#database = options.database;
    this.#conversations = options.conversations;
    this.#pipeline = options.pipeline;
    this.#rulesVersion = options.rulesVersion;
    this.#onAccepted = options.onAccepted;
    this.#questionCharacters = options.questionCharacters ?? 500;
  }

  async suggest(conversationId: string, options: { n: number; stream?: StreamObserver; signal?: AbortSignal }): Promise<SuggestionResponse> {
    // Both reads at once: over a Postgres pool they overlap (the turns of a conversation that is not found are never used).
    const [conversation, turns] = await Promise.all([this.#conversations.get(conversationId), this.#conversations.turns(conversationId, { last: 30 })]);
    const batch = await this.#pipeline.suggest({
      conversation: { id: conversation.id, language: conversation.language, customer: conversation.customer, ...(conversation.complianceProfile ? { complianceProfile: conversation.complianceProfile } : {}) },
      turns: turns.map((turn) => ({ id: turn.id, speaker: turn.speaker, text: turn.text })),
      n: options.n,
      ...(options.stream ? { stream: maskedObserver(options.stream) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const latestTurn: Turn | undefined = turns[turns.length - 1];
    const shown = await this.#store(conversationId, latestTurn?.id, batch);
    const response: SuggestionResponse = {
      suggestions: shown,
      knowledge: batch.knowledge,
      provider: batch.provider,
      model: batch.model,
      promptVersion: batch.promptVersion,
      tookMs: batch.tookMs,
      degraded: batch.degraded,
      ...(batch.degradedCause ? { degradedCause: batch.degradedCause } : {}),
      rulesVersion: this.#rulesVersion,
    };
    return response;
  }

  /** The audit rows and the pushed `suggestion` event in one statement: what was shown is what was recorded. */
  async #store(conversationId: string, turnId: string | undefined, batch: SuggestionBatch): Promise<ShownSuggestion[]> {
    const batchId = randomUUID();
    const retrieved = JSON.stringify(batch.knowledge.map((result) => ({ chunkId: result.chunkId, documentId: result.documentId, version: result.version })));
    const shown: ShownSuggestion[] = batch.suggestions.map((suggestion) => ({
      id: randomUUID(),
      // A reply quoting the customer's number is shown, pushed and audited masked, as the stream showed it.
      text: maskText(suggestion.text),
      citations: suggestion.citations,
      disclosures: suggestion.disclosures,
      compliance: { verdict: suggestion.compliance.verdict, findings: maskStrings(suggestion.compliance.findings, findingIdentifierKeys) },
      origin: suggestion.origin,
    }));
    if (shown.length === 0) return [];
    // The audit rows and the event in one statement (one round trip, not five), still all or nothing.
    await writeWithEvent(
      this.#database,
      {
        sql: `insert into suggestions (id, conversation_id, turn_id, batch_id, rank, text, origin, citations, disclosures, verdict, findings, retrieved,
           provider, model, prompt_name, prompt_hash, rules_version, degraded, degraded_cause, latency_ms, model_ms, usage)
         select item.id, $2, $3, $4, item.rank, item.text, item.origin, item.citations, item.disclosures, item.verdict, item.findings, $5,
                $6, $7, $8, $9, $10, $11, $12, $13, $14, $15
           from unnest($1::uuid[], $16::int[], $17::text[], $18::text[], $19::jsonb[], $20::jsonb[], $21::text[], $22::jsonb[])
             as item(id, rank, text, origin, citations, disclosures, verdict, findings)`,
        parameters: [
          shown.map((suggestion) => suggestion.id), conversationId, turnId ?? null, batchId, retrieved, batch.provider, batch.model,
          batch.promptName, batch.promptHash, this.#rulesVersion, batch.degraded, batch.degradedCause ?? null, Math.round(batch.tookMs),
          batch.modelMs === undefined ? null : Math.round(batch.modelMs), batch.usage ? JSON.stringify(batch.usage) : null,
          shown.map((_, rank) => rank + 1), shown.map((suggestion) => suggestion.text), shown.map((suggestion) => suggestion.origin),
          shown.map((suggestion) => JSON.stringify(suggestion.citations)), shown.map((suggestion) => JSON.stringify(suggestion.disclosures)),
          shown.map((suggestion) => suggestion.compliance.verdict), shown.map((suggestion) => JSON.stringify(suggestion.compliance.findings)),
        ],
      },
      conversationId,
      'suggestion',
      { turnId, suggestions: shown, provider: batch.provider, model: batch.model, degraded: batch.degraded },
    );
    this.#conversations.signal(conversationId);
    return shown;
  }

  /** Feedback on a suggestion of a conversation outside the caller's desk is refused as not found. */
  async feedback(suggestionId: string, input: FeedbackInput, givenBy: string, scope: { desk?: string } = {}): Promise<void> {
    const result = await this.#database.query(
      `insert into suggestion_feedback (id, suggestion_id, action, final_text, reason, given_by)
       select $1, s.id, $3, $4, $5, $6 from suggestions s join conversations c on c.id = s.conversation_id
        where s.id = $2 and ($7::text is null or c.desk = $7)`,
      // What the agent finally said may quote the customer's number: the audit keeps it masked.
      [
        randomUUID(),
        suggestionId,
        input.action,
        input.finalText === undefined ? null : maskText(input.finalText),
        input.reason === undefined ? null : maskText(input.reason),
        givenBy,
        scope.desk ?? null,
      ],
    );
    if (result.rowCount === 0) throw new SuggestionNotFoundError(suggestionId);
    if (input.action === 'accepted' && this.#onAccepted) await this.#accepted(suggestionId, givenBy, this.#onAccepted);
  }

  async #accepted(suggestionId: string, givenBy: string, onAccepted: (accepted: AcceptedSuggestion) => Promise<void>): Promise<void> {
    const found = await this.#database.query<{ conversation_id: string; turn_id: string | null; citations: unknown }>(
      'select conversation_id, turn_id, citations from suggestions where id = $1',
      [suggestionId],
    );
    const row = found.rows[0];
    if (!row) return;
    const citations = (typeof row.citations === 'string' ? JSON.parse(row.citations) : row.citations) as Array<{ documentId?: string }>;
    const documentIds = [...new Set(citations.map((citation) => citation.documentId).filter((id): id is string => typeof id === 'string'))];
    if (documentIds.length === 0) return;
    const turns = await this.#conversations.turns(row.conversation_id, { last: 30 });
    const question = customerQuestion(turns, row.turn_id ?? undefined, this.#questionCharacters);
    if (question) await onAccepted({ suggestionId, conversationId: row.conversation_id, documentIds, question, givenBy });
  }

  /** Every suggestion shown, for compliance staff: what was said, from what, checked how, and what the agent did. */
  async audit(query: AuditQuery): Promise<{ items: unknown[]; nextCursor?: string }> {
    const conditions: string[] = [];
    const parameters: unknown[] = [];
    const add = (condition: (placeholder: string) => string, value: unknown) => {
      parameters.push(value);
      conditions.push(condition(`$${parameters.length}`));
    };
    if (query.conversationId) add((placeholder) => `s.conversation_id = ${placeholder}`, query.conversationId);
    if (query.from) add((placeholder) => `s.created_at >= ${placeholder}`, query.from.toISOString());
    if (query.to) add((placeholder) => `s.created_at < ${placeholder}`, query.to.toISOString());
    if (query.cursor) {
      const [createdAt, id] = query.cursor.split('|');
      parameters.push(createdAt, id);
      conditions.push(`(s.created_at, s.id) > ($${parameters.length - 1}::timestamptz, $${parameters.length}::uuid)`);
    }
    parameters.push(query.limit + 1);
    const result = await this.#database.query<Record<string, unknown> & { id: string; created_at: Date | string }>(
      `select s.*, coalesce((select json_agg(json_build_object('action', f.action, 'finalText', f.final_text, 'reason', f.reason, 'givenBy', f.given_by, 'at', f.created_at) order by f.created_at)
                from suggestion_feedback f where f.suggestion_id = s.id), '[]'::json) as feedback
         from suggestions s ${conditions.length > 0 ? `where ${conditions.join(' and ')}` : ''}
        order by s.created_at, s.id limit $${parameters.length}`,
      parameters,
    );
    const rows = result.rows.slice(0, query.limit);
    const parse = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value);
    const items = rows.map((row) => ({
      id: row.id,
      conversationId: row.conversation_id,
      turnId: row.turn_id,
      batchId: row.batch_id,
      rank: row.rank,
      // Rows written before masking existed are masked on the way out.
      text: typeof row.text === 'string' ? maskText(row.text) : row.text,
      origin: row.origin,
      citations: parse(row.citations),
      disclosures: parse(row.disclosures),
      guard: { verdict: row.verdict, findings: parse(row.findings) },
      retrieved: parse(row.retrieved),
      provider: row.provider,
      model: row.model,
      prompt: { name: row.prompt_name, hash: row.prompt_hash },
      rulesVersion: row.rules_version,
      degraded: row.degraded,
      degradedCause: row.degraded_cause,
      latencyMs: row.latency_ms,
      modelMs: row.model_ms,
      usage: parse(row.usage),
      feedback: parse(row.feedback),
      createdAt: new Date(row.created_at).toISOString(),
    }));
    const last = rows[rows.length - 1];
    return result.rows.length > query.limit && last ? { items, nextCursor: `${new Date(last.created_at).toISOString()}|${last.id}` } : { items };
  }
}
