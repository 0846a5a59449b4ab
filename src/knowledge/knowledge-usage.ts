import { randomUUID } from 'node:crypto';
import type { Database } from '../db/database.js';
import { maskText } from '../privacy/mask-personal-data.js';
import { businessDayOf, isDateOnly, startOfBusinessDay } from './business-dates.js';
import type { Actor } from './document-input.js';
import { closestGap, gapSimilarityThreshold, gapTerms } from './gap-clustering.js';
import type { KnowledgeService } from './knowledge-service.js';
import type { QuestionProposals } from './question-proposals.js';

export const usageKinds = ['shown', 'cited', 'accepted', 'edited', 'dismissed', 'helpful', 'not_helpful'] as const;
export type UsageKind = (typeof usageKinds)[number];
/** What counts as an agent turning a document down: a dismissed suggestion citing it, or a card marked not helpful. */
const dismissalKinds: readonly UsageKind[] = ['dismissed', 'not_helpful'];
const nilChunk = '00000000-0000-0000-0000-000000000000';
/** Open gaps a new question is compared with: those sharing a term, most recent first. */
const candidateGaps = 200;
const examplesPerGap = 3;
/** Latest questions of a gap read for its distinct examples, and for the document retrieval came closest with. */
const examplesRead = 20;
const closestRead = 50;

export type UsageCounts = Record<UsageKind, number>;

export interface UsagePeriod {
  /** A day (YYYY-MM-DD, in the business zone) or a timestamp; default 30 days before `to`. */
  from?: string;
  /** Inclusive: a day, or a timestamp (usage counts whole business days); default today. */
  to?: string;
}

export interface DocumentUsage {
  documentId: string;
  externalId: string | null;
  title: string | null;
  counts: UsageCounts;
  /** Dismissals and not-helpful marks by the reason the agent gave (lower-cased; '' when none). */
  reasons: { kind: UsageKind; reason: string; count: number }[];
  /** Per chunk, when the query names one document (`documentId`); `chunkId` null for feedback that named only the document. */
  chunks: { chunkId: string | null; counts: UsageCounts }[];
}

export interface Gap {
  id: string;
  language: 'zh' | 'en';
  /** The first question of the gap, masked. */
  label: string;
  status: 'open' | 'drafted' | 'proposed';
  /** Questions in the period. */
  count: number;
  outcomes: { noResult: number; lowConfidence: number };
  firstAskedAt: string;
  lastAskedAt: string;
  /** The latest distinct questions of the period, masked. */
  examples: string[];
  /** The document retrieval came closest with most often among the gap's latest 50 questions, with the best confidence it reached. */
  closest: { documentId: string; title: string | null; confidence: number } | null;
  /** The draft FAQ made from it, or the document a similar question was proposed for. */
  documentId: string | null;
}

/** A knowledge card as the `knowledge` event stored it (a search result). */
export interface PushedCard {
  documentId: string;
  chunkId: string;
  title: string;
  text: string;
  headingPath: string[];
  confidence: number;
  kind: string;
}

export class GapNotFoundError extends Error {
  readonly code = 'gap_not_found';
  constructor(readonly gapId: string) {
    super(`no knowledge gap ${gapId}`);
    this.name = 'GapNotFoundError';
  }
}

/** A period whose end is before its start (or past the longest period served) names the parameter. */
export class UsagePeriodError extends Error {
  readonly code = 'invalid_period';
  constructor(
    readonly field: 'from' | 'to',
    message: string,
  ) {
    super(message);
    this.name = 'UsagePeriodError';
  }
}

/** A gap turned into a draft or a proposal already: doing it twice would make a second draft of the same question. */
export class GapResolvedError extends Error {
  readonly code = 'gap_resolved';
  constructor(gapId: string, status: string) {
    super(`knowledge gap ${gapId} is already ${status}`);
    this.name = 'GapResolvedError';
  }
}

/** The per-document rollup's columns are the kinds themselves (usageKinds): a kind picks one, none sums them all. */
function totalOf(kind: UsageKind | undefined): string {
  return kind ? kind : usageKinds.join(' + ');
}

const emptyCounts = (): UsageCounts => ({ shown: 0, cited: 0, accepted: 0, edited: 0, dismissed: 0, helpful: 0, not_helpful: 0 });
const iso = (value: unknown): string => (value instanceof Date ? value : new Date(String(value))).toISOString();
const maximumPeriodDays = 366;

/**
 * How agents use the knowledge (cards shown, citations, accepted / edited / dismissed suggestions, card feedback,
 * counted per business day by database triggers, migration 014), and the customers' questions it could not
 * answer, grouped into gaps that a knowledge owner turns into a draft FAQ or a similar question of a document.
 */
export class KnowledgeUsage {
  readonly #database: Database;
  readonly #utcOffset: string;
  readonly #knowledge: KnowledgeService | undefined;
  readonly #proposals: QuestionProposals | undefined;
  /** One grouping at a time in this process, so two questions of one new gap do not start two gaps. */
  #grouping: Promise<unknown> = Promise.resolve();
  readonly #pending = new Set<Promise<unknown>>();

  constructor(options: { database: Database; utcOffset: string; knowledge?: KnowledgeService; proposals?: QuestionProposals }) {
    this.#database = options.database;
    this.#utcOffset = options.utcOffset;
    this.#knowledge = options.knowledge;
    this.#proposals = options.proposals;
  }

  /** Runs background work (noting a turn's question) so that settled() can wait for it; never rejects. */
  track(work: Promise<unknown>, onError: (error: unknown) => void): void {
    const tracked = work.catch(onError).finally(() => this.#pending.delete(tracked));
    this.#pending.add(tracked);
  }

  /** Resolves when every tracked piece of work has finished (tests, benches and shutdown wait on it). */
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  /** The triggers that count usage read the business zone from settings: written at start-up. */
  async start(): Promise<void> {
    await this.#database.query(
      `insert into settings (key, value) values ('business_utc_offset', $1) on conflict (key) do update set value = excluded.value, updated_at = now()`,
      [this.#utcOffset],
    );
  }

  /** The business days a period covers, inclusive. */
  #days(period: UsagePeriod): { from: string; to: string } {
    const to = period.to === undefined ? businessDayOf(new Date(), this.#utcOffset) : isDateOnly(period.to) ? period.to : businessDayOf(new Date(period.to), this.#utcOffset);
    const from = period.from === undefined ? shiftDay(to, -29) : isDateOnly(period.from) ? period.from : businessDayOf(new Date(period.from), this.#utcOffset);
    if (from > to) throw new UsagePeriodError('to', `to (${to}) is before from (${from})`);
    if (dayNumber(to) - dayNumber(from) >= maximumPeriodDays) throw new UsagePeriodError('from', `a period covers at most ${maximumPeriodDays} days`);
    return { from, to };
  }

  /** Counts per document and chunk over a period, busiest documents first. */
  async usage(query: UsagePeriod & { documentId?: string; kind?: UsageKind; limit?: number }): Promise<{ from: string; to: string; items: DocumentUsage[] }> {
    const days = this.#days(query);
    const limit = query.limit ?? 50;
    // The busiest documents first (by the asked kind, else every kind), then only their rows are read in detail.
    // The busiest documents and their counts from the per-document rollup; the reasons of their dismissals, and (for
    // one document) its chunks, from the detailed rollup by index: a list never reads every chunk of a busy period.
    const kinds = usageKinds.map((kind) => `sum(${kind}) as ${kind}`).join(', ');
    const ranked = await this.#database.query<{ document_id: string; external_id: string | null; title: string | null } & Record<UsageKind, string>>(
      `select t.*, d.external_id, v.title from (
         select document_id, ${kinds}, sum(${totalOf(query.kind)}) as total from knowledge_usage_document_daily
          where day between $1::date and $2::date and ($3::uuid is null or document_id = $3)
          group by document_id having sum(${totalOf(query.kind)}) > 0 order by total desc, document_id limit $4) t
         left join documents d on d.id = t.document_id left join document_versions v on v.document_id = d.id and v.version = d.current_version
        order by t.total desc, t.document_id`,
      [days.from, days.to, query.documentId ?? null, limit],
    );
    const listed = ranked.rows.map((row) => row.document_id);
    const detail = await this.#database.query<{ document_id: string; chunk_id: string; kind: UsageKind; reason: string; count: string }>(
      `select document_id, ${query.documentId ? 'chunk_id' : `'${nilChunk}'::uuid as chunk_id`}, kind, reason, sum(count) as count from knowledge_usage_daily
        where document_id = any($1::uuid[]) and day between $2::date and $3::date and ($4::text is null or kind = $4)
          and ($5::boolean or kind = any($6::text[]))
        group by 1, 2, 3, 4`,
      [listed, days.from, days.to, query.kind ?? null, query.documentId !== undefined, [...dismissalKinds]],
    );
    const rows = { rows: detail.rows };
    const documents = new Map<string, DocumentUsage & { chunkMap: Map<string, UsageCounts> }>();
    for (const row of ranked.rows) {
      const counts = emptyCounts();
      for (const kind of usageKinds) counts[kind] = Number(row[kind] ?? 0);
      documents.set(row.document_id, { documentId: row.document_id, externalId: row.external_id, title: row.title, counts, reasons: [], chunks: [], chunkMap: new Map() });
    }
    for (const row of rows.rows) {
      const document = documents.get(row.document_id);
      if (!document) continue;
      const count = Number(row.count);
      if (dismissalKinds.includes(row.kind)) {
        const known = document.reasons.find((reason) => reason.kind === row.kind && reason.reason === row.reason);
        if (known) known.count += count;
        else document.reasons.push({ kind: row.kind, reason: row.reason, count });
      }
      if (query.documentId === undefined) continue;
      const chunkCounts = document.chunkMap.get(row.chunk_id) ?? emptyCounts();
      chunkCounts[row.kind] += count;
      document.chunkMap.set(row.chunk_id, chunkCounts);
    }
    const items = [...documents.values()].map(({ chunkMap, ...document }) => ({
      ...document,
      reasons: document.reasons.sort((left, right) => right.count - left.count),
      chunks: [...chunkMap.entries()].map(([chunkId, counts]) => ({ chunkId: chunkId === nilChunk ? null : chunkId, counts })),
    }));
    return { ...days, items };
  }

  /** Documents agents turned down at least `minimumDismissals` times in the period (dismissed + not helpful), most first. */
  async listOftenDismissed(query: UsagePeriod & { minimumDismissals: number; limit?: number }): Promise<{ documentId: string; externalId: string | null; title: string | null; dismissals: number; shown: number; cited: number }[]> {
    const days = this.#days(query);
    const result = await this.#database.query<{ document_id: string; external_id: string | null; title: string | null; dismissals: string; shown: string; cited: string }>(
      `select t.*, d.external_id, v.title from (
         select document_id, sum(dismissed + not_helpful) as dismissals, sum(shown) as shown, sum(cited) as cited from knowledge_usage_document_daily
          where day between $1::date and $2::date group by document_id having sum(dismissed + not_helpful) >= $3
          order by dismissals desc, document_id limit $4) t
         left join documents d on d.id = t.document_id left join document_versions v on v.document_id = d.id and v.version = d.current_version
        order by t.dismissals desc, t.document_id`,
      [days.from, days.to, Math.max(1, query.minimumDismissals), query.limit ?? 50],
    );
    return result.rows.map((row) => ({
      documentId: row.document_id,
      externalId: row.external_id,
      title: row.title,
      dismissals: Number(row.dismissals ?? 0),
      shown: Number(row.shown ?? 0),
      cited: Number(row.cited ?? 0),
    }));
  }

  /**
   * After a customer turn's cards were pushed: when no card answers the question (`answers`: the suggestion path's
   * own test, retrieval confidence and the question's words, so a gap is exactly what would get the hand-over), or
   * there was none, the question is recorded, masked, in the gap it is most like.
   */
  async noteQuestion(input: { conversationId: string; turnId: string; language: 'zh' | 'en'; question: string; answers: (card: PushedCard) => boolean }): Promise<Gap['id'] | undefined> {
    const cards = await this.#database.query<{ card: PushedCard }>(
      `select card from conversation_events e, jsonb_array_elements(e.data->'results') as card
        where e.conversation_id = $1 and e.type = 'knowledge' and e.data->>'turnId' = $2`,
      [input.conversationId, input.turnId],
    );
    const pushed = cards.rows.map((row) => (typeof row.card === 'string' ? (JSON.parse(row.card) as PushedCard) : row.card));
    if (pushed.some((card) => input.answers(card))) return undefined;
    const best = pushed
      .map((card) => ({ documentId: card.documentId, confidence: Number(card.confidence ?? 0) }))
      .sort((left, right) => right.confidence - left.confidence)[0];
    const question = maskText(input.question).trim();
    const terms = gapTerms(question);
    if (terms.length === 0) return undefined;
    const work = this.#grouping.then(() => this.#group(input, question, terms, best));
    this.#grouping = work.catch(() => undefined);
    return work;
  }

  async #group(
    input: { conversationId: string; turnId: string; language: 'zh' | 'en' },
    question: string,
    terms: string[],
    best: { documentId: string; confidence: number } | undefined,
  ): Promise<string | undefined> {
    return this.#database.transaction(async (transaction) => {
      const candidates = await transaction.query<{ id: string; terms: string[] }>(
        `select id, terms from knowledge_gaps where language = $1 and status = 'open' and terms && $2::text[] order by created_at desc limit $3`,
        [input.language, terms, candidateGaps],
      );
      const found = closestGap(terms, candidates.rows, gapSimilarityThreshold(input.language));
      const gapId = found?.id ?? randomUUID();
      if (!found) {
        await transaction.query(`insert into knowledge_gaps (id, language, terms, label) values ($1, $2, $3, $4)`, [gapId, input.language, terms, question]);
      }
      const inserted = await transaction.query(
        `insert into knowledge_gap_questions (id, gap_id, conversation_id, turn_id, question, outcome, top_confidence, top_document_id)
         values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict (turn_id) do nothing`,
        [randomUUID(), gapId, input.conversationId, input.turnId, question, best ? 'low_confidence' : 'no_result', best?.confidence ?? null, best?.documentId ?? null],
      );
      // A replayed turn was noted already: the gap made for it is not kept twice.
      if (inserted.rowCount === 0) {
        if (!found) await transaction.query('delete from knowledge_gaps where id = $1', [gapId]);
        return undefined;
      }
      await transaction.query(
        `insert into knowledge_gap_daily as g (day, gap_id, count, no_result, first_asked_at, last_asked_at) values (business_day(now()), $1, 1, $2, now(), now())
         on conflict (day, gap_id) do update set count = g.count + 1, no_result = g.no_result + excluded.no_result, last_asked_at = excluded.last_asked_at`,
        [gapId, best ? 0 : 1],
      );
      return gapId;
    });
  }

  /** Gaps with questions in the period (whole business days, as usage), most asked first. */
  async listGaps(query: UsagePeriod & { limit?: number; status?: Gap['status'] }): Promise<{ from: string; to: string; items: Gap[] }> {
    const days = this.#days(query);
    const counted = await this.#database.query<{ gap_id: string; count: string; no_result: string; first_asked_at: unknown; last_asked_at: unknown }>(
      `select d.gap_id, sum(d.count) as count, sum(d.no_result) as no_result, min(d.first_asked_at) as first_asked_at, max(d.last_asked_at) as last_asked_at
         from knowledge_gap_daily d join knowledge_gaps g on g.id = d.gap_id
        where d.day between $1::date and $2::date and ($3::text is null or g.status = $3)
        group by d.gap_id order by count desc, max(d.last_asked_at) desc limit $4`,
      [days.from, days.to, query.status ?? null, query.limit ?? 50],
    );
    const period = { from: startOfBusinessDay(days.from, this.#utcOffset), to: startOfBusinessDay(shiftDay(days.to, 1), this.#utcOffset) };
    return { ...days, items: await this.#describe(counted.rows, period) };
  }

  /** One gap, over its whole history. */
  async getGap(gapId: string): Promise<Gap> {
    const counted = await this.#database.query<{ gap_id: string; count: string; no_result: string; first_asked_at: unknown; last_asked_at: unknown }>(
      `select g.id as gap_id, count(q.id) as count, count(q.id) filter (where q.outcome = 'no_result') as no_result,
              coalesce(min(q.asked_at), g.created_at) as first_asked_at, coalesce(max(q.asked_at), g.created_at) as last_asked_at
         from knowledge_gaps g left join knowledge_gap_questions q on q.gap_id = g.id where g.id = $1 group by g.id`,
      [gapId],
    );
    const [gap] = await this.#describe(counted.rows, { from: new Date('1900-01-01T00:00:00Z'), to: new Date('9999-12-31T00:00:00Z') });
    if (!gap) throw new GapNotFoundError(gapId);
    return gap;
  }

  async #describe(rows: readonly { gap_id: string; count: string; no_result: string; first_asked_at: unknown; last_asked_at: unknown }[], period: { from: Date; to: Date }): Promise<Gap[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((row) => row.gap_id);
    const [gaps, examples, closest] = await Promise.all([
      this.#database.query<{ id: string; language: 'zh' | 'en'; label: string; status: Gap['status']; document_id: string | null }>(
        'select id, language, label, status, document_id from knowledge_gaps where id = any($1::uuid[])',
        [ids],
      ),
      this.#database.query<{ gap_id: string; question: string }>(
        `select g.id as gap_id, e.question from unnest($1::uuid[]) as g(id), lateral (
           select question from knowledge_gap_questions where gap_id = g.id and asked_at >= $2 and asked_at < $3 order by asked_at desc limit $4) e`,
        [ids, period.from.toISOString(), period.to.toISOString(), examplesRead],
      ),
      this.#database.query<{ gap_id: string; document_id: string; confidence: number; title: string | null }>(
        `select g.id as gap_id, c.top_document_id as document_id, c.confidence, v.title from unnest($1::uuid[]) as g(id), lateral (
           select top_document_id, max(top_confidence) as confidence from (
             select top_document_id, top_confidence from knowledge_gap_questions
              where gap_id = g.id and asked_at >= $2 and asked_at < $3 order by asked_at desc limit $4) recent
            where top_document_id is not null group by top_document_id order by count(*) desc, max(top_confidence) desc limit 1) c
           left join documents d on d.id = c.top_document_id left join document_versions v on v.document_id = d.id and v.version = d.current_version`,
        [ids, period.from.toISOString(), period.to.toISOString(), closestRead],
      ),
    ]);
    const gapById = new Map(gaps.rows.map((row) => [row.id, row]));
    return rows.flatMap((row) => {
      const gap = gapById.get(row.gap_id);
      if (!gap) return [];
      const near = closest.rows.find((item) => item.gap_id === row.gap_id);
      const count = Number(row.count);
      const noResult = Number(row.no_result);
      return [
        {
          id: gap.id,
          language: gap.language,
          label: gap.label,
          status: gap.status,
          count,
          outcomes: { noResult, lowConfidence: count - noResult },
          firstAskedAt: iso(row.first_asked_at),
          lastAskedAt: iso(row.last_asked_at),
          examples: [...new Set(examples.rows.filter((example) => example.gap_id === row.gap_id).map((example) => example.question))].slice(0, examplesPerGap),
          closest: near ? { documentId: near.document_id, title: near.title, confidence: Math.round(Number(near.confidence) * 1000) / 1000 } : null,
          documentId: gap.document_id,
        },
      ];
    });
  }

  /** Marks an open gap resolved by `documentId`; refuses one resolved already (GapResolvedError). */
  async #resolve(gapId: string, status: 'drafted' | 'proposed', documentId: string, actor: Actor): Promise<void> {
    const updated = await this.#database.query(
      `update knowledge_gaps set status = $2, document_id = $3, resolved_by = $4, resolved_at = now() where id = $1 and status = 'open'`,
      [gapId, status, documentId, actor.id],
    );
    if (updated.rowCount === 0) {
      const gap = await this.getGap(gapId);
      throw new GapResolvedError(gapId, gap.status);
    }
  }

  async #openGap(gapId: string): Promise<Gap> {
    const gap = await this.getGap(gapId);
    if (gap.status !== 'open') throw new GapResolvedError(gapId, gap.status);
    return gap;
  }

  /**
   * A draft FAQ row from a gap: its questions (the given ones, else the gap's examples, masked) and the owner's
   * answer, as `status: draft` (never retrieved until approved). Returns the new document.
   */
  async draftFaq(gapId: string, input: { answer: string; questions?: string[]; externalId?: string; product?: string }, actor: Actor): Promise<{ gap: Gap; documentId: string; externalId: string; version: number }> {
    if (!this.#knowledge) throw new Error('KnowledgeUsage was built without the knowledge service');
    const gap = await this.#openGap(gapId);
    const questions = (input.questions ?? [gap.label, ...gap.examples]).map((question) => maskText(question).trim()).filter((question, index, all) => question !== '' && all.indexOf(question) === index);
    const externalId = input.externalId ?? `gap-${gapId.slice(0, 8)}`;
    const row = { id: externalId, questions, answer: input.answer, ...(input.product ? { product: input.product } : {}) };
    const result = await this.#knowledge.ingestFaqSet({ kind: 'faq', format: 'jsonl', body: JSON.stringify(row), status: 'draft', language: gap.language, source: 'gaps' }, actor);
    const document = result.documents[0]!;
    await this.#resolve(gapId, 'drafted', document.documentId, actor);
    return { gap: await this.getGap(gapId), documentId: document.documentId, externalId: document.externalId, version: document.version };
  }

  /** Proposes the gap's question (or `question`) as a similar question of an existing FAQ row, through the proposals. */
  async proposeQuestion(gapId: string, input: { documentId: string; question?: string }, actor: Actor): Promise<{ gap: Gap; proposed: number }> {
    if (!this.#proposals) throw new Error('KnowledgeUsage was built without the proposals');
    const gap = await this.#openGap(gapId);
    const proposed = await this.#proposals.propose({ documentIds: [input.documentId], question: input.question ?? gap.label, origin: 'gap', proposedBy: actor.id });
    if (proposed > 0) await this.#resolve(gapId, 'proposed', input.documentId, actor);
    return { gap: await this.getGap(gapId), proposed };
  }
}

function dayNumber(day: string): number {
  return Date.parse(`${day}T00:00:00Z`) / 86_400_000;
}

function shiftDay(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
