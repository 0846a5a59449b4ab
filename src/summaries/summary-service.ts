import { isDeepStrictEqual } from 'node:util';
import type { ComplianceEngine } from '../compliance/compliance-engine.js';
import type { ConversationService } from '../conversations/conversation-service.js';
import { appendEvent } from '../conversations/event-log.js';
import type { Database } from '../db/database.js';
import type { ChatModel } from '../llm/chat-model.js';
import type { PromptLibrary } from '../llm/prompt-library.js';
import type { DispositionTaxonomy } from './disposition-taxonomy.js';
import { JobLoop, type Backoff } from '../operations/job-loop.js';
import { maskText } from '../privacy/mask-personal-data.js';
import { maskSummary } from './mask-summary.js';
import { summarizeWithModel } from './model-summarizer.js';
import { summarizeOffline } from './offline-summarizer.js';
import type { SummaryProduct, SummaryTurn } from './summary-context.js';
import type { ComplianceSummary, Summary, SummaryEdit } from './summary-schema.js';

export type SummaryJobStatus = 'queued' | 'running' | 'done' | 'failed' | 'none';

/** The summary as the agent left it: the latest revision (or the generated one) and who checked it. */
export interface ReviewedSummary {
  summary: Summary;
  /** 0 while nobody saved it; each save adds one. Send it back as `revision` to refuse a lost update. */
  revision: number;
  confirmed: boolean;
  confirmedBy?: string;
  confirmedAt?: string;
  /** The summary differs from what the service generated. */
  edited: boolean;
  editedBy?: string;
  editedAt?: string;
  /** The generated summary, when the agent changed it (audit). */
  original?: Summary;
}

export class SummaryNotReadyError extends Error {
  readonly code = 'summary_not_ready';
  constructor(conversationId: string, status: SummaryJobStatus) {
    super(`The summary of conversation ${conversationId} is ${status === 'none' ? 'not queued' : status}: it can be checked once it is written.`);
    this.name = 'SummaryNotReadyError';
  }
}

export class SummaryRevisionConflictError extends Error {
  readonly code = 'summary_changed';
  constructor(expected: number, current: number) {
    super(`The summary is at revision ${current}, not ${expected}: someone saved it meanwhile. Read it again and reapply the change.`);
    this.name = 'SummaryRevisionConflictError';
  }
}

export class UnknownDispositionCodeError extends Error {
  readonly field = 'summary.dispositionCode';
  constructor(code: string, known: readonly string[]) {
    super(`unknown disposition code ${code}; known: ${known.join(', ')}`);
    this.name = 'UnknownDispositionCodeError';
  }
}

/** JSON as stored (jsonb drops undefined keys): two summaries compared this way differ only in content. */
function storedForm(summary: Summary): unknown {
  return JSON.parse(JSON.stringify(summary));
}

function parseStored(value: unknown): Summary {
  return (typeof value === 'string' ? JSON.parse(value) : value) as Summary;
}

function isoTime(value: Date | string): string {
  return new Date(value).toISOString();
}

/** A job whose worker died is taken over after this long (it was marked running with a lease). */
const leaseSeconds = 120;
const maxAttempts = 3;

interface SummaryJob {
  conversationId: string;
  attempts: number;
}

/**
 * The rule engine over a whole call: per-turn findings (with the turn id, so the agent can check them) and the
 * disclosures that were required at some point but never given by the agent anywhere in the call.
 */
export function complianceOverTranscript(engine: ComplianceEngine, turns: readonly SummaryTurn[], language?: 'zh' | 'en', profile?: string): ComplianceSummary {
  const findings: ComplianceSummary['findings'] = [];
  const spoken = turns.filter((turn): turn is SummaryTurn & { speaker: 'customer' | 'agent' } => turn.speaker !== 'system');
  spoken.forEach((turn, index) => {
    if (turn.speaker !== 'agent') return;
    const result = engine.check({
      text: turn.text,
      speaker: 'agent',
      context: spoken.slice(Math.max(0, index - 30), index).map((item) => ({ speaker: item.speaker, text: item.text })),
      ...(language ? { language } : {}),
      ...(profile ? { profile } : {}),
    });
    for (const finding of result.findings) {
      if (finding.kind === 'required_disclosure') continue;
      findings.push({ ruleId: finding.ruleId, severity: finding.severity, title: finding.title, turnId: turn.id, evidence: finding.evidence.text });
    }
  });
  // Disclosures are judged over everything the agent said: given once anywhere in the call is given.
  const agentSpeech = spoken.filter((turn) => turn.speaker === 'agent').map((turn) => turn.text).join('\n');
  const missingDisclosures = agentSpeech
    ? [...new Set(engine
        .check({ text: agentSpeech, speaker: 'agent', context: spoken.filter((turn) => turn.speaker === 'customer').slice(-30).map((turn) => ({ speaker: turn.speaker, text: turn.text })), ...(language ? { language } : {}), ...(profile ? { profile } : {}) })
        .findings.filter((finding) => finding.kind === 'required_disclosure')
        .map((finding) => finding.ruleId))]
    : [];
  return { findings, missingDisclosures };
}

/**
 * Writes post-call summaries: one-shot, or as persisted jobs queued when a call ends. Jobs are claimed with
 * `for update skip locked` and a lease, so two replicas never write one summary twice and a job whose
 * worker died (crash, restart) is picked up again.
 */
export class SummaryService {
  readonly #database: Database;
  readonly #engine: ComplianceEngine;
  readonly #conversations: ConversationService;
  readonly #products: () => readonly SummaryProduct[];
  readonly #taxonomy: DispositionTaxonomy;
  readonly #chatModel: ChatModel | undefined;
  readonly #prompts: PromptLibrary;
  readonly #onError: (error: unknown) => void;
  readonly #loop: JobLoop<SummaryJob>;

  constructor(options: {
    database: Database;
    engine: ComplianceEngine;
    conversations: ConversationService;
    products: () => readonly SummaryProduct[];
    taxonomy: DispositionTaxonomy;
    chatModel?: ChatModel;
    prompts: PromptLibrary;
    onError?: (error: unknown) => void;
    pollMilliseconds?: number;
    retryBackoff?: Backoff;
  }) {
    this.#database = options.database;
    this.#engine = options.engine;
    this.#conversations = options.conversations;
    this.#products = options.products;
    this.#taxonomy = options.taxonomy;
    this.#chatModel = options.chatModel;
    this.#prompts = options.prompts;
    this.#onError = options.onError ?? (() => undefined);
    this.#loop = new JobLoop<SummaryJob>({
      claim: () => this.#claim(),
      run: (job) => this.#runJob(job),
      fail: (job, error, retryInMilliseconds) => this.#fail(job, error, retryInMilliseconds),
      attempts: (job) => job.attempts,
      ...(options.retryBackoff ? { backoff: options.retryBackoff } : {}),
      onError: this.#onError,
      pollMilliseconds: options.pollMilliseconds ?? 2_000,
    });
  }

  /** A summary of any transcript: the model path when a model is configured, else the offline extractor. */
  async summarize(turns: readonly SummaryTurn[], options: { language?: 'zh' | 'en'; callEndedAt?: Date; complianceProfile?: string } = {}): Promise<Summary> {
    const context = {
      ...(options.language ? { language: options.language } : {}),
      ...(options.callEndedAt ? { callEndedAt: options.callEndedAt } : {}),
      products: this.#products(),
      taxonomy: this.#taxonomy,
      compliance: (all: readonly SummaryTurn[]) => complianceOverTranscript(this.#engine, all, options.language, options.complianceProfile),
    };
    // The extractive summary quotes the transcript and a model may echo it: either way numbers are masked.
    if (!this.#chatModel) return maskSummary(summarizeOffline(turns, context));
    return maskSummary(await summarizeWithModel(turns, { ...context, model: this.#chatModel, prompts: this.#prompts, onFallback: this.#onError }));
  }

  start(): void {
    this.#loop.start();
  }

  async stop(): Promise<void> {
    await this.#loop.stop();
  }

  /** Process queued jobs now (called when a call ends, and by the poll). */
  wake(): void {
    this.#loop.wake();
  }

  /** Resolves when no job is queued or running here; for tests and graceful shutdown. */
  async idle(): Promise<void> {
    await this.#loop.idle();
  }

  /** The oldest queued job that is due (a failed one waits out its backoff), or one whose worker's lease ran out. */
  async #claim(): Promise<SummaryJob | undefined> {
    const claimed = await this.#database.query<{ conversation_id: string; attempts: number }>(
      `update summary_jobs set status = 'running', attempts = attempts + 1, locked_until = now() + interval '${leaseSeconds} seconds', updated_at = now()
        where conversation_id = (
          select conversation_id from summary_jobs
           where ((status = 'queued' and (locked_until is null or locked_until <= now())) or (status = 'running' and locked_until < now())) and attempts < ${maxAttempts}
           order by created_at limit 1 for update skip locked)
        returning conversation_id, attempts`,
    );
    const job = claimed.rows[0];
    return job ? { conversationId: job.conversation_id, attempts: Number(job.attempts) } : undefined;
  }

  /** Queued again, not claimable before the backoff has passed (locked_until doubles as "not before"), or failed for good. */
  async #fail(job: SummaryJob, error: unknown, retryInMilliseconds: number): Promise<void> {
    await this.#database.query(
      `update summary_jobs set status = $2, error = $3, locked_until = case when $2 = 'queued' then now() + $4::int * interval '1 millisecond' end, updated_at = now() where conversation_id = $1`,
      // The error may quote the transcript (a model's complaint about a turn): stored masked like the summary.
      [job.conversationId, job.attempts >= maxAttempts ? 'failed' : 'queued', maskText(error instanceof Error ? error.message : String(error)), Math.round(retryInMilliseconds)],
    );
  }

  async #runJob(job: SummaryJob): Promise<void> {
    const { conversationId } = job;
    const conversation = await this.#conversations.get(conversationId);
    const turns = await this.#conversations.turns(conversationId);
    const summary = await this.summarize(
      turns.map((turn) => ({ id: turn.id, speaker: turn.speaker, text: turn.text, at: turn.at })),
      { language: conversation.language, ...(conversation.complianceProfile ? { complianceProfile: conversation.complianceProfile } : {}), ...(conversation.endedAt ? { callEndedAt: new Date(conversation.endedAt) } : {}) },
    );
    // Only the worker holding the job writes it: a replica that lost its lease finds zero rows and stops.
    const written = await this.#database.transaction(async (transaction) => {
      const result = await transaction.query(
        `update summary_jobs set status = 'done', summary = $2, error = null, locked_until = null, updated_at = now() where conversation_id = $1 and status = 'running'`,
        [conversationId, JSON.stringify(summary)],
      );
      // The event commits with the job's `done`: a stream that sees the job done has the summary event too.
      if (result.rowCount > 0) await appendEvent(transaction, conversationId, 'summary', { summary });
      return result.rowCount > 0;
    });
    if (written) this.#conversations.signal(conversationId);
  }

  /**
   * Saves the agent's check of a summary as a new revision: the edited fields over the latest revision, masked
   * like a generated summary (an agent may type a card number too), and confirmed or still a draft. The job row
   * is locked meanwhile, so two saves of one summary are ordered and `expectedRevision` detects a lost update.
   */
  async review(conversationId: string, input: { edit?: SummaryEdit; confirmed: boolean; expectedRevision?: number }, savedBy: string): Promise<ReviewedSummary> {
    await this.#database.transaction(async (transaction) => {
      const job = await transaction.query<{ status: SummaryJobStatus; summary: unknown }>('select status, summary from summary_jobs where conversation_id = $1 for update', [conversationId]);
      const row = job.rows[0];
      if (!row || row.status !== 'done') throw new SummaryNotReadyError(conversationId, row?.status ?? 'none');
      const latest = await transaction.query<{ revision: number; summary: unknown }>(
        'select revision, summary from summary_revisions where conversation_id = $1 order by revision desc limit 1',
        [conversationId],
      );
      const current = latest.rows[0] ? Number(latest.rows[0].revision) : 0;
      if (input.expectedRevision !== undefined && input.expectedRevision !== current) throw new SummaryRevisionConflictError(input.expectedRevision, current);
      const base = parseStored(latest.rows[0]?.summary ?? row.summary);
      const edit = Object.fromEntries(Object.entries(input.edit ?? {}).filter(([, value]) => value !== undefined));
      const saved = maskSummary({ ...base, ...edit });
      if (edit.dispositionCode !== undefined) {
        const known = [...new Set([...this.#taxonomy.codes.map((code) => code.code), this.#taxonomy.fallback])];
        if (!known.includes(saved.dispositionCode)) throw new UnknownDispositionCodeError(saved.dispositionCode, known);
      }
      await transaction.query('insert into summary_revisions (conversation_id, revision, summary, confirmed, saved_by) values ($1, $2, $3, $4, $5)', [
        conversationId,
        current + 1,
        JSON.stringify(saved),
        input.confirmed,
        savedBy,
      ]);
    });
    const reviewed = await this.reviewed(conversationId);
    if (!reviewed) throw new SummaryNotReadyError(conversationId, 'none');
    return reviewed;
  }

  /** The summary as the agent left it, with its audit fields; undefined until the job is done. */
  async reviewed(conversationId: string): Promise<ReviewedSummary | undefined> {
    const job = await this.status(conversationId);
    if (job.status !== 'done' || !job.summary) return undefined;
    const original = job.summary;
    const revisions = await this.#database.query<{ revision: number; summary: unknown; confirmed: boolean; saved_by: string; created_at: Date | string }>(
      'select revision, summary, confirmed, saved_by, created_at from summary_revisions where conversation_id = $1 order by revision',
      [conversationId],
    );
    const latest = revisions.rows.at(-1);
    if (!latest) return { summary: original, revision: 0, confirmed: false, edited: false };
    // Masked again on the way out, as generated summaries are.
    const summary = maskSummary(parseStored(latest.summary));
    const edited = !isDeepStrictEqual(storedForm(summary), storedForm(original));
    // The last save that changed the content is the edit; a save that only confirmed is not.
    let lastEdit: (typeof revisions.rows)[number] | undefined;
    let previous = storedForm(original);
    for (const revision of revisions.rows) {
      const content = storedForm(maskSummary(parseStored(revision.summary)));
      if (!isDeepStrictEqual(content, previous)) lastEdit = revision;
      previous = content;
    }
    return {
      summary,
      revision: Number(latest.revision),
      confirmed: latest.confirmed,
      ...(latest.confirmed ? { confirmedBy: latest.saved_by, confirmedAt: isoTime(latest.created_at) } : {}),
      edited,
      ...(edited && lastEdit ? { editedBy: lastEdit.saved_by, editedAt: isoTime(lastEdit.created_at) } : {}),
      ...(edited ? { original } : {}),
    };
  }

  async status(conversationId: string): Promise<{ status: SummaryJobStatus; summary?: Summary }> {
    const result = await this.#database.query<{ status: SummaryJobStatus; summary: unknown }>('select status, summary from summary_jobs where conversation_id = $1', [conversationId]);
    const row = result.rows[0];
    if (!row) return { status: 'none' };
    // Masked again on the way out: summaries stored before masking existed must not leak either.
    if (row.status === 'done') return { status: 'done', summary: maskSummary((typeof row.summary === 'string' ? JSON.parse(row.summary) : row.summary) as Summary) };
    return { status: row.status };
  }
}
