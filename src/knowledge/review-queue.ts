import type { Database } from '../db/database.js';
import type { DocumentKind } from './document-input.js';
import type { GateCheck, PublishGatePort } from './document-review.js';

/** A cluster of customer questions the base could not answer (from the usage and gaps capability). */
export interface GapItem {
  gapId: string;
  label: string;
  count: number;
  /** Masked examples. */
  examples: string[];
  [key: string]: unknown;
}

/** A document agents keep dismissing (cards marked not helpful, suggestions citing it dismissed). */
export interface DismissedDocument {
  documentId: string;
  externalId: string;
  title: string;
  owner: string | null;
  dismissed: number;
  helpful: number;
  reasons: { reason: string; count: number }[];
}

/**
 * Where the queue reads gaps and often-dismissed documents. The default (`cardFeedbackSources`) reads card
 * feedback only and has no gaps; the usage capability (GET /v1/knowledge/usage, /gaps) supplies richer ones.
 */
export interface ReviewQueueSources {
  listGaps(filter: { since: Date; limit: number }): Promise<GapItem[] | undefined>;
  listOftenDismissed(filter: { since: Date; owner?: string; limit: number }): Promise<DismissedDocument[]>;
}

export interface QueueVersion {
  documentId: string;
  externalId: string;
  version: number;
  title: string;
  kind: DocumentKind;
  product: string | null;
  owner: string | null;
  status: 'draft' | 'submitted';
  createdBy: string | null;
  createdAt: string;
  submittedBy: string | null;
  submittedAt: string | null;
  /** The latest gate check of a submitted version. */
  check: GateCheck | null;
}

export interface ReviewQueue {
  owner: string | null;
  submitted: QueueVersion[];
  drafts: QueueVersion[];
  proposals: { proposalId: string; documentId: string; externalId: string; title: string; owner: string | null; question: string; timesProposed: number; createdAt: string }[];
  expiring: { documentId: string; externalId: string; version: number; title: string; owner: string | null; effectiveUntil: string }[];
  oftenDismissed: DismissedDocument[];
  /** Null when no gaps source is wired in this deployment. */
  gaps: GapItem[] | null;
}

function toIso(value: unknown): string {
  return value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();
}

/** Dismissals over the period are what makes a card worth an owner's look; a window keeps old verdicts from piling up. */
const feedbackWindowDays = 30;
/** "Expiring": effectiveUntil within this many days (issue 14). */
const expiringWithinDays = 30;

/**
 * Often dismissed from card feedback: documents agents marked not helpful more often than helpful over the period,
 * most dismissed first. No cut-off to tune: the comparison is with the same cards' helpful verdicts.
 */
export function cardFeedbackSources(database: Database): ReviewQueueSources {
  return {
    async listGaps() {
      return undefined;
    },
    async listOftenDismissed(filter) {
      const result = await database.query<{ document_id: string; external_id: string; title: string; owner: string | null; dismissed: string; helpful: string; reasons: { reason: string; count: number }[] | null }>(
        `with feedback as (
           select document_id, count(*) filter (where action = 'not_helpful') as dismissed, count(*) filter (where action = 'helpful') as helpful
             from card_feedback where created_at >= $1 group by document_id
         ), reasons as (
           select document_id, jsonb_agg(jsonb_build_object('reason', reason, 'count', total) order by total desc) as reasons
             from (select document_id, reason, count(*) as total from card_feedback
                    where created_at >= $1 and action = 'not_helpful' and reason is not null group by document_id, reason) counted
            group by document_id
         )
         select f.document_id, d.external_id, v.title, v.owner, f.dismissed, f.helpful, r.reasons
           from feedback f
           join documents d on d.id = f.document_id
           join document_versions v on v.document_id = d.id and v.version = d.current_version
           left join reasons r on r.document_id = f.document_id
          where f.dismissed > f.helpful and d.retired_at is null and ($2::text is null or v.owner = $2)
          order by f.dismissed desc, d.external_id limit $3`,
        [filter.since.toISOString(), filter.owner ?? null, filter.limit],
      );
      return result.rows.map((row) => ({
        documentId: row.document_id,
        externalId: row.external_id,
        title: row.title,
        owner: row.owner,
        dismissed: Number(row.dismissed),
        helpful: Number(row.helpful),
        reasons: row.reasons ?? [],
      }));
    },
  };
}

/**
 * What awaits a knowledge owner or an approver: submitted versions with their gate results, drafts not yet
 * submitted, proposed similar questions, documents about to expire, documents agents dismiss, and gaps.
 */
export class ReviewQueueService {
  readonly #database: Database;
  readonly #gate: PublishGatePort;
  #sources: ReviewQueueSources;

  constructor(options: { database: Database; gate: PublishGatePort; sources?: ReviewQueueSources }) {
    this.#database = options.database;
    this.#gate = options.gate;
    this.#sources = options.sources ?? cardFeedbackSources(options.database);
  }

  /** Swaps in the usage capability's sources (gaps, dismissals from suggestions too) once it is wired. */
  useSources(sources: ReviewQueueSources): void {
    this.#sources = sources;
  }

  async list(filter: { owner?: string; limit: number; now?: Date }): Promise<ReviewQueue> {
    const now = filter.now ?? new Date();
    const owner = filter.owner ?? null;
    const pending = await this.#database.query<{
      document_id: string; external_id: string; version: number; title: string; kind: DocumentKind; product: string | null; owner: string | null;
      status: 'draft' | 'submitted'; created_by: string | null; created_at: unknown; submitted_by: string | null; submitted_at: unknown;
    }>(
      `select v.document_id, d.external_id, v.version, v.title, v.kind, v.product, v.owner, v.status, v.created_by, v.created_at, v.submitted_by, v.submitted_at
         from document_versions v join documents d on d.id = v.document_id
        where v.status in ('draft', 'submitted') and d.retired_at is null and ($1::text is null or v.owner = $1)
        order by coalesce(v.submitted_at, v.created_at), v.document_id, v.version limit $2`,
      [owner, filter.limit * 2],
    );
    const versions: QueueVersion[] = [];
    for (const row of pending.rows) {
      const check = row.status === 'submitted' ? ((await this.#gate.checks(row.document_id, Number(row.version)))[0] ?? null) : null;
      versions.push({
        documentId: row.document_id,
        externalId: row.external_id,
        version: Number(row.version),
        title: row.title,
        kind: row.kind,
        product: row.product,
        owner: row.owner,
        status: row.status,
        createdBy: row.created_by,
        createdAt: toIso(row.created_at),
        submittedBy: row.submitted_by,
        submittedAt: row.submitted_at === null ? null : toIso(row.submitted_at),
        check,
      });
    }
    const proposals = await this.#database.query<{ id: string; document_id: string; external_id: string; title: string; owner: string | null; question: string; times_proposed: number; created_at: unknown }>(
      `select p.id, p.document_id, d.external_id, v.title, v.owner, p.question, p.times_proposed, p.created_at
         from question_proposals p join documents d on d.id = p.document_id
         join document_versions v on v.document_id = d.id and v.version = d.current_version
        where p.status = 'proposed' and d.retired_at is null and ($1::text is null or v.owner = $1)
        order by p.times_proposed desc, p.created_at, p.id limit $2`,
      [owner, filter.limit],
    );
    const until = new Date(now.getTime() + expiringWithinDays * 86_400_000);
    // The version that serves now: the latest approved one in effect (a pending draft does not change what expires).
    const expiring = await this.#database.query<{ document_id: string; external_id: string; version: number; title: string; owner: string | null; effective_until: unknown }>(
      `select v.document_id, d.external_id, v.version, v.title, v.owner, v.effective_until
         from documents d
         join lateral (select * from document_versions a
                        where a.document_id = d.id and a.status = 'approved' and (a.effective_from is null or a.effective_from <= $1)
                        order by a.version desc limit 1) v on true
        where d.retired_at is null and v.effective_until is not null and v.effective_until > $1 and v.effective_until <= $2
          and ($3::text is null or v.owner = $3)
          and not exists (select 1 from document_versions later where later.document_id = d.id and later.version > v.version
                           and later.status in ('approved', 'submitted', 'draft') and (later.effective_until is null or later.effective_until > $2))
        order by v.effective_until, d.external_id limit $4`,
      [now.toISOString(), until.toISOString(), owner, filter.limit],
    );
    const since = new Date(now.getTime() - feedbackWindowDays * 86_400_000);
    const [oftenDismissed, gaps] = await Promise.all([
      this.#sources.listOftenDismissed({ since, limit: filter.limit, ...(owner ? { owner } : {}) }),
      this.#sources.listGaps({ since, limit: filter.limit }),
    ]);
    return {
      owner,
      submitted: versions.filter((item) => item.status === 'submitted').slice(0, filter.limit),
      drafts: versions.filter((item) => item.status === 'draft').slice(0, filter.limit),
      proposals: proposals.rows.map((row) => ({
        proposalId: row.id,
        documentId: row.document_id,
        externalId: row.external_id,
        title: row.title,
        owner: row.owner,
        question: row.question,
        timesProposed: Number(row.times_proposed),
        createdAt: toIso(row.created_at),
      })),
      expiring: expiring.rows.map((row) => ({
        documentId: row.document_id,
        externalId: row.external_id,
        version: Number(row.version),
        title: row.title,
        owner: row.owner,
        effectiveUntil: toIso(row.effective_until),
      })),
      oftenDismissed,
      gaps: gaps ?? null,
    };
  }
}
