import { createHash, randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../db/database.js';
import { toTextArrayLiteral } from '../db/text-array-literal.js';
import { toSparseVectorLiteral } from '../db/vector-literal.js';
import type { Embedder } from '../llm/embedder.js';
import { analyzeSearchFields, joinSearchTokens } from '../text/search-fields.js';
import { detectLanguage } from '../text/segment-text.js';
import { chunkDocument, chunkFaqRow } from './chunk-document.js';
import type {
  Actor,
  DocumentInput,
  DocumentKind,
  DocumentStatus,
  FaqSetResult,
  IngestOutcome,
  IngestResult,
  RiskLevel,
} from './document-input.js';
import { embeddingText } from './embedding-index.js';
import { applyQuestionEdits, maximumQuestionCharacters, questionKey, type QuestionEdit } from './similar-questions.js';
import { findUnsafeText } from '../text/find-unsafe-text.js';
import { vectorIndex } from './search-indexes.js';
import { holdSearchIndexOrder } from './hold-search-index-order.js';
import { rebuildsVectorIndex } from './vector-index-maintenance.js';
import { IngestError } from './ingest-error.js';
import { effectiveDateView, inferredDay, parseEffectiveDate } from './business-dates.js';
import type { Chunk, FaqRow } from './knowledge-types.js';
import { parseDocument } from './parse-document.js';
import { parseFaqSet } from './parse-faq-set.js';
import { diffVersions, type VersionDiff } from './diff-versions.js';

/** A document ready to store: parsed, chunked and hashed, but not yet embedded. */
interface PreparedDocument {
  externalId: string;
  source: string | null;
  title: string;
  kind: DocumentKind;
  format: string;
  language: 'zh' | 'en';
  product: string | null;
  productAliases: string[];
  riskLevel: RiskLevel | null;
  tags: string[];
  status: DocumentStatus;
  effectiveFrom: string | null;
  effectiveUntil: string | null;
  /** The days as written when the bounds were given as dates (returned as given, never as shifted instants). */
  effectiveFromDay: string | null;
  effectiveUntilDay: string | null;
  owner: string | null;
  sourceUri: string | null;
  body: string;
  chunks: Chunk[];
  contentHash: string;
  /** Phrasings the document answers: a FAQ row's questions, or a Markdown front-matter list. */
  questions: string[];
  /** FAQ rows only: the answer, so a phrasing can be added or removed without the source file. */
  answer: string | null;
}

export interface DocumentVersionView {
  version: number;
  title: string;
  kind: DocumentKind;
  format: string;
  language: string;
  product: string | null;
  productAliases: string[];
  riskLevel: RiskLevel | null;
  tags: string[];
  status: DocumentStatus;
  /** The day as given (`2027-01-01`) for a date-only bound, else the instant (ISO, UTC). */
  effectiveFrom: string | null;
  /** The last day included as given for a date-only bound, else the instant the version stops being effective. */
  effectiveUntil: string | null;
  /** The instant the version takes effect, written in the business zone (BUSINESS_UTC_OFFSET). */
  effectiveFromAt: string | null;
  /** The instant it stops being effective (exclusive), in the business zone. */
  effectiveUntilAt: string | null;
  owner: string | null;
  sourceUri: string | null;
  contentHash: string;
  chunkCount: number;
  createdAt: string;
  createdBy: string | null;
  /** Phrasings the version answers (相似问); empty for documents without any. */
  questions: string[];
  /** The review workflow (DocumentReview): who submitted and who decided, when, and why. */
  submittedBy: string | null;
  submittedAt: string | null;
  reviewedBy: string | null;
  reviewedAt: string | null;
  reviewComment: string | null;
}

export interface DocumentView extends DocumentVersionView {
  documentId: string;
  externalId: string;
  source: string | null;
  currentVersion: number;
  retired: boolean;
  retiredAt: string | null;
  updatedAt: string;
}

export interface ProductEntry {
  name: string;
  aliases: string[];
  riskLevel?: RiskLevel;
  kind: DocumentKind;
}

/** Phrasings are edited one by one on FAQ rows only: a Markdown document's list lives in its front matter. */
export class NotFaqRowError extends Error {
  readonly code = 'not_faq_row';
  constructor(readonly documentId: string) {
    super(`document ${documentId} is not a FAQ row: edit the 'questions:' list in its front matter and upload it again (PUT)`);
    this.name = 'NotFaqRowError';
  }
}

/** A retired document is out of every search; editing it would bring it back, which a phrasing edit must not do. */
export class DocumentRetiredError extends Error {
  readonly code = 'document_retired';
  constructor(readonly documentId: string) {
    super(`document ${documentId} is retired: post it again to bring it back before editing its questions`);
    this.name = 'DocumentRetiredError';
  }
}

/** `from` / `to` of a diff naming another document's version or one that does not exist. */
export class VersionReferenceError extends Error {
  constructor(
    readonly field: 'from' | 'to',
    readonly code: 'different_documents' | 'version_not_found',
    message: string,
  ) {
    super(message);
    this.name = 'VersionReferenceError';
  }
}

/** A version of a document, as a diff's `from` or `to` names it: `3`, or `<documentId>:3`. */
export interface VersionReference {
  documentId?: string;
  version: number;
}

export class DocumentNotFoundError extends Error {
  readonly code = 'document_not_found';
  constructor(readonly reference: string) {
    super(`no knowledge document ${reference}`);
    this.name = 'DocumentNotFoundError';
  }
}

/** NOTIFY channel of knowledge writes; the payload is the writing replica's id. */
export const knowledgeChannel = 'knowledge_changed';
/** Settings row counting knowledge writes, polled by replicas as a fallback to the notification. */
const generationKey = 'knowledge_generation';

const chunkInsertBatch = 200;
/** Documents per statement when a FAQ set is written. */
const writeBatch = 500;
/** Texts per embedder call when a FAQ set is embedded before its transaction. */
const embedBatch = 256;
/** From this many documents a sync runs as a bulk load (bulk()), where the HNSW index may be rebuilt once. */
const bulkThreshold = 200;

function hashContent(parts: Record<string, unknown>): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

function slug(text: string): string {
  return (
    text
      .normalize('NFKC')
      .toLowerCase()
      .replace(/\.[a-z0-9]+$/, '')
      .replace(/[^\p{L}\p{N}]+/gu, '-')
      .replace(/^-+|-+$/g, '') || 'document'
  );
}

/** Rows coming back from Postgres hold Date objects; the API speaks ISO strings. */
function toIso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();
}

interface VersionRow {
  version: number;
  title: string;
  kind: DocumentKind;
  format: string;
  language: string;
  product: string | null;
  product_aliases: string[];
  risk_level: RiskLevel | null;
  tags: string[];
  status: DocumentStatus;
  effective_from: unknown;
  effective_until: unknown;
  effective_from_day: string | null;
  effective_until_day: string | null;
  effective_days_recorded: boolean;
  owner: string | null;
  source_uri: string | null;
  content_hash: string;
  chunk_count: number;
  created_at: unknown;
  created_by: string | null;
  questions: string[] | null;
  submitted_by: string | null;
  submitted_at: unknown;
  reviewed_by: string | null;
  reviewed_at: unknown;
  review_comment: string | null;
}

function boundView(row: VersionRow, field: 'effectiveFrom' | 'effectiveUntil', utcOffset: string): { value: string | null; at: string | null } {
  const stored = field === 'effectiveFrom' ? row.effective_from : row.effective_until;
  const instant = stored === null || stored === undefined ? null : new Date(toIso(stored)!);
  const recordedDay = field === 'effectiveFrom' ? row.effective_from_day : row.effective_until_day;
  // Versions stored before the days were recorded (migration 014): a bound at midnight in the zone was a date.
  const day = row.effective_days_recorded ? recordedDay : instant && inferredDay(instant, field, utcOffset);
  return effectiveDateView(instant, day ?? null, utcOffset);
}

function versionView(row: VersionRow, utcOffset: string): DocumentVersionView {
  const from = boundView(row, 'effectiveFrom', utcOffset);
  const until = boundView(row, 'effectiveUntil', utcOffset);
  return {
    version: Number(row.version),
    title: row.title,
    kind: row.kind,
    format: row.format,
    language: row.language,
    product: row.product,
    productAliases: row.product_aliases ?? [],
    riskLevel: row.risk_level,
    tags: row.tags ?? [],
    status: row.status,
    effectiveFrom: from.value,
    effectiveUntil: until.value,
    effectiveFromAt: from.at,
    effectiveUntilAt: until.at,
    owner: row.owner,
    sourceUri: row.source_uri,
    contentHash: row.content_hash,
    chunkCount: Number(row.chunk_count),
    createdAt: toIso(row.created_at) ?? '',
    createdBy: row.created_by,
    questions: row.questions ?? [],
    submittedBy: row.submitted_by ?? null,
    submittedAt: toIso(row.submitted_at),
    reviewedBy: row.reviewed_by ?? null,
    reviewedAt: toIso(row.reviewed_at),
    reviewComment: row.review_comment ?? null,
  };
}

const versionColumns = `v.version, v.title, v.kind, v.format, v.language, v.product, v.product_aliases, v.risk_level, v.tags,
  v.status, v.effective_from, v.effective_until, to_char(v.effective_from_day, 'YYYY-MM-DD') as effective_from_day,
  to_char(v.effective_until_day, 'YYYY-MM-DD') as effective_until_day, v.effective_days_recorded, v.owner, v.source_uri, v.content_hash, v.chunk_count, v.created_at, v.created_by, v.questions,
  v.submitted_by, v.submitted_at, v.reviewed_by, v.reviewed_at, v.review_comment`;

/**
 * Ingest, version, retire and read knowledge documents. Parsing, chunking and embedding happen before the
 * transaction; the transaction only writes, so a failure at any step leaves the previous version current.
 */
export class KnowledgeService {
  readonly #database: Database;
  readonly #embedder: Embedder;
  #productCache: readonly ProductEntry[] | undefined;
  #catalogueCache: readonly CatalogueProduct[] | undefined;
  readonly #listeners = new Set<() => void>();
  #chunksSinceAnalyze = 0;
  /** During bulk(): whether the HNSW index was dropped, the table's rows before the load, the chunks written since. */
  #bulk: { indexDropped: boolean; tableRows?: number; pendingChunks: number } | undefined;

  readonly #utcOffset: string;
  readonly #reviewRequiredKinds: ReadonlySet<DocumentKind>;
  /** Tells this replica's own notices apart from the others'. */
  readonly #replicaId = randomUUID();
  /** The knowledge generation this replica's caches reflect (see #changed). */
  #generation = '0';

  /** `utcOffset` (e.g. '+08:00') places date-only effective dates in the bank's business day. */
  get utcOffset(): string {
    return this.#utcOffset;
  }

  /** `utcOffset` (e.g. '+08:00') places date-only effective dates in the bank's business day. */
  constructor(database: Database, embedder: Embedder, options: { utcOffset?: string; reviewRequiredKinds?: readonly DocumentKind[] } = {}) {
    this.#database = database;
    this.#embedder = embedder;
    this.#utcOffset = options.utcOffset ?? '+00:00';
    this.#reviewRequiredKinds = new Set(options.reviewRequiredKinds ?? []);
  }

  /** Called after every write that can change what is retrievable (product catalogue caches listen). */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * After a write: this replica's caches now, the others' through NOTIFY (see watchOtherReplicas). The notice
   * follows the commit, so a replica that hears it reads the new version.
   */
  async #changed(): Promise<void> {
    this.#changedHere();
    const value = await this.#bumpGeneration(this.#database).catch(() => undefined);
    if (value !== undefined) this.#generation = value;
  }

  /**
   * The generation counter is what a replica that missed the notification (a dropped LISTEN connection, a proxy
   * that does not forward notifications) finds when it polls. It runs after the write's commit, once per
   * transaction (a request, a window of a folder or sync, a FAQ set), never once per document of a batch.
   */
  async #bumpGeneration(queryable: Queryable): Promise<string | undefined> {
    const bumped = await queryable.query<{ value: string }>(
      `with bumped as (
         insert into settings (key, value) values ($1, '1')
         on conflict (key) do update set value = (settings.value::bigint + 1)::text, updated_at = now() returning value)
       select value, pg_notify($2, $3) from bumped`,
      [generationKey, knowledgeChannel, this.#replicaId],
    );
    return bumped.rows[0]?.value;
  }

  /**
   * After the commit of a write of `chunks` chunks. `generation`: the write bumped the counter (and queued the
   * NOTIFY, which Postgres sends at commit) as its transaction's last statement, one statement and one commit
   * fewer per write than a bump after it; the others hear of it no earlier than they can read it either way.
   */
  async #committed(chunks: number, generation?: string): Promise<void> {
    if (generation === undefined) await this.#changed();
    else {
      this.#generation = generation;
      this.#changedHere();
    }
    this.#chunksSinceAnalyze += chunks;
  }

  /** The generation bump inside a write's transaction, or undefined when it wrote nothing new. */
  async #bumpIfWritten(transaction: Queryable, written: boolean): Promise<string | undefined> {
    return written ? this.#bumpGeneration(transaction) : undefined;
  }

  #changedHere(): void {
    this.#productCache = undefined;
    this.#catalogueCache = undefined;
    for (const listener of this.#listeners) listener();
  }

  /**
   * Replicas cache what they read (search results, the product catalogue): a write on another replica clears
   * them here within the NOTIFY delay, instead of when the cache expires. Returns the function that stops it.
   */
  async watchOtherReplicas(options: { pollMilliseconds?: number; onError?: (error: unknown) => void } = {}): Promise<() => Promise<void>> {
    this.#generation = await this.#readGeneration();
    const unlisten = await this.#database.listen(knowledgeChannel, (payload) => {
      if (payload !== this.#replicaId) this.#changedHere();
    });
    let polling = false;
    const poller = setInterval(() => {
      if (polling) return;
      polling = true;
      this.#readGeneration()
        .then((generation) => {
          if (generation !== this.#generation) {
            this.#generation = generation;
            this.#changedHere();
          }
        }, options.onError ?? (() => undefined))
        .finally(() => {
          polling = false;
        });
    }, options.pollMilliseconds ?? 250);
    poller.unref();
    return async () => {
      clearInterval(poller);
      await unlisten();
    };
  }

  async #readGeneration(): Promise<string> {
    const result = await this.#database.query<{ value: string }>('select value from settings where key = $1', [generationKey]);
    return result.rows[0]?.value ?? '0';
  }

  /** True when a csv/jsonl body is a FAQ set (rows with id, question(s) and answer) rather than one document. */
  static isFaqSet(input: Pick<DocumentInput, 'format' | 'body' | 'kind'>): boolean {
    if (input.format !== 'csv' && input.format !== 'jsonl') return false;
    if (input.kind === 'faq') return true;
    const text = typeof input.body === 'string' ? input.body : new TextDecoder().decode(input.body.slice(0, 4096));
    const firstLine = (text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '').toLowerCase();
    return /\bid\b/.test(firstLine) && /\banswer\b/.test(firstLine) && /\bquestions?\b/.test(firstLine);
  }

  async #prepare(input: DocumentInput, actor: Actor, fallbackExternalId?: string): Promise<PreparedDocument> {
    const parsed = await parseDocument({ format: input.format, body: input.body });
    const metadata = parsed.metadata;
    const chunks = chunkDocument(parsed);
    if (chunks.length === 0) throw new IngestError('empty_document', 'the document has no text to index');
    const questions = input.questions ?? metadata.questions ?? [];
    if (questions.length > 0) {
      // The phrasings go through the same path as a FAQ row's, answered by the document's opening passage, so
      // whatever indexes FAQ questions indexes these too.
      const product = input.product ?? metadata.product;
      chunks.push({ ...chunkFaqRow({ id: '', questions, answer: chunks[0]!.text, line: 0, ...(product ? { product } : {}) }), ordinal: chunks.length });
    }
    return this.#finish(input, metadata, parsed.text, chunks, actor, fallbackExternalId, { questions, answer: null });
  }

  #finish(
    input: DocumentInput,
    metadata: Partial<DocumentInput>,
    text: string,
    chunks: Chunk[],
    actor: Actor,
    fallbackExternalId?: string,
    phrasings: { questions: string[]; answer: string | null } = { questions: [], answer: null },
  ): PreparedDocument {
    const pick = <K extends keyof DocumentInput>(key: K): DocumentInput[K] | undefined =>
      input[key] !== undefined ? input[key] : (metadata[key] as DocumentInput[K] | undefined);
    const title = pick('title') ?? chunks[0]?.headingPath[0] ?? input.fileName ?? text.slice(0, 40);
    const externalId = pick('externalId') ?? fallbackExternalId ?? `${slug(input.fileName ?? title)}-${createHash('sha256').update(title).digest('hex').slice(0, 8)}`;
    const from = parseEffectiveDate(pick('effectiveFrom'), 'effectiveFrom', this.#utcOffset);
    const until = parseEffectiveDate(pick('effectiveUntil'), 'effectiveUntil', this.#utcOffset);
    const effectiveFrom = from?.instant ?? null;
    const effectiveUntil = until?.instant ?? null;
    if (effectiveFrom && effectiveUntil && effectiveUntil <= effectiveFrom) {
      throw new IngestError('invalid_date', `effectiveUntil (${effectiveUntil}) must be after effectiveFrom (${effectiveFrom})`, {
        field: 'effectiveUntil',
      });
    }
    const prepared: Omit<PreparedDocument, 'contentHash' | 'questions' | 'answer'> = {
      externalId,
      source: pick('source') ?? null,
      title,
      kind: pick('kind') ?? 'product',
      format: input.format,
      language: pick('language') ?? detectLanguage(text),
      product: pick('product') ?? null,
      productAliases: pick('productAliases') ?? [],
      riskLevel: pick('riskLevel') ?? null,
      tags: [...new Set(pick('tags') ?? [])].sort(),
      status: this.#statusOf(pick('status') ?? 'approved', pick('kind') ?? 'product', actor),
      effectiveFrom,
      effectiveUntil,
      effectiveFromDay: from?.day ?? null,
      effectiveUntilDay: until?.day ?? null,
      owner: pick('owner') ?? null,
      sourceUri: input.sourceUri ?? null,
      body: text,
      chunks,
    };
    // Everything that changes what an agent is shown is hashed; who uploaded it and from where is not.
    const contentHash = hashContent({
      text,
      title: prepared.title,
      kind: prepared.kind,
      language: prepared.language,
      product: prepared.product,
      productAliases: prepared.productAliases,
      riskLevel: prepared.riskLevel,
      tags: prepared.tags,
      status: prepared.status,
      effectiveFrom,
      effectiveUntil,
      owner: prepared.owner,
      // A FAQ row's phrasings are in its text already; a document's list is hashed only when it has one, so the
      // hashes of documents stored before phrasings existed stay the same.
      ...(phrasings.answer === null && phrasings.questions.length > 0 ? { questions: phrasings.questions } : {}),
    });
    return { ...prepared, contentHash, ...phrasings };
  }

  /**
   * With review required for a kind (REVIEW_REQUIRED_KINDS), nothing of that kind goes live on upload: an
   * `approved` write becomes a draft for the review workflow (DocumentReview). The sample knowledge of a first
   * start is published as shipped (its actor is review-exempt).
   */
  #statusOf(asked: DocumentStatus, kind: DocumentKind, actor: Actor): DocumentStatus {
    if (asked === 'submitted' || asked === 'rejected') return 'draft';
    if (asked === 'approved' && this.#reviewRequiredKinds.has(kind) && !actor.reviewExempt) return 'draft';
    return asked;
  }

  /** True when versions of this kind go through review before they are retrievable. */
  requiresReview(kind: DocumentKind): boolean {
    return this.#reviewRequiredKinds.has(kind);
  }

  /** Clears this replica's caches and tells the others after a write made outside this service (a review decision). */
  async notifyChanged(): Promise<void> {
    await this.#changed();
  }

  #prepareFaqRow(row: FaqRow, input: DocumentInput, actor: Actor): PreparedDocument {
    const chunk = chunkFaqRow(row);
    const text = `${row.questions.join('\n')}\n${row.answer}`;
    const rowInput: DocumentInput = {
      ...input,
      title: row.questions[0] ?? row.id,
      kind: 'faq',
      externalId: row.id,
      ...(row.product ? { product: row.product } : {}),
      tags: [...(input.tags ?? []), ...(row.tags ?? [])],
      format: input.format,
    };
    return this.#finish(rowInput, {}, text, [chunk], actor, undefined, { questions: row.questions, answer: row.answer });
  }

  async #currentHash(externalId: string): Promise<{ documentId: string; version: number; hash: string; chunkCount: number; retired: boolean } | undefined> {
    const result = await this.#database.query<{ id: string; version: number; content_hash: string; chunk_count: number; retired_at: unknown }>(
      // A rejected version's hash matches nothing: uploading the same content again is a new draft to review.
      `select d.id, d.current_version as version, case when v.status = 'rejected' then '' else v.content_hash end as content_hash, v.chunk_count, d.retired_at
         from documents d join document_versions v on v.document_id = d.id and v.version = d.current_version
        where d.external_id = $1`,
      [externalId],
    );
    const row = result.rows[0];
    return row
      ? { documentId: row.id, version: Number(row.version), hash: row.content_hash, chunkCount: Number(row.chunk_count), retired: row.retired_at !== null }
      : undefined;
  }

  /**
   * Embeds only chunk texts the document's current version does not already have a vector for. Vectors are returned
   * as written (toSparseVectorLiteral's form); a stored one is read back as sparsevec text, the same form.
   */
  async #embed(prepared: PreparedDocument, documentId: string | undefined): Promise<string[]> {
    const known = new Map<string, string>();
    if (documentId) {
      const previous = await this.#database.query<{ text: string; embedding: string }>(
        `select c.text, c.embedding::sparsevec::text as embedding from chunks c join documents d on d.id = c.document_id and c.version = d.current_version where d.id = $1`,
        [documentId],
      );
      for (const row of previous.rows) known.set(row.text, row.embedding);
    }
    const missing = prepared.chunks.filter((chunk) => !known.has(chunk.text));
    if (missing.length > 0) {
      const vectors = await this.#embedder.embed(missing.map((chunk) => embeddingText(prepared.title, chunk.text)));
      missing.forEach((chunk, index) => known.set(chunk.text, toSparseVectorLiteral(vectors[index] ?? [])));
    }
    return prepared.chunks.map((chunk) => known.get(chunk.text) ?? '');
  }

  /** `vectors`: already embedded (with other documents, see #storeMany); otherwise embedded here. */
  async #store(prepared: PreparedDocument, actor: Actor, targetDocumentId?: string, embedded?: string[]): Promise<IngestResult> {
    const existing = targetDocumentId ? await this.#currentHashById(targetDocumentId) : await this.#currentHash(prepared.externalId);
    if (existing && existing.hash === prepared.contentHash && !existing.retired) {
      return { documentId: existing.documentId, externalId: prepared.externalId, version: existing.version, chunkCount: existing.chunkCount, contentHash: existing.hash, outcome: 'unchanged' };
    }
    const vectors = embedded ?? (await this.#embed(prepared, existing?.documentId));
    await this.#dropIndexForBulk(prepared.chunks.length);
    const { result, generation } = await this.#database.transaction(async (transaction) => {
      await holdSearchIndexOrder(transaction);
      const stored = await this.#writeVersion(transaction, prepared, existing?.version ?? 0, vectors, actor, targetDocumentId);
      return { result: stored, generation: await this.#bumpIfWritten(transaction, stored.outcome !== 'unchanged') };
    });
    if (result.outcome !== 'unchanged') {
      await this.#committed(prepared.chunks.length, generation);
      if (!this.#bulk && this.#chunksSinceAnalyze >= 1000) await this.analyze();
    }
    return result;
  }

  /** Rows in the chunk table (each has a vector in the HNSW index): what a rebuild would have to index again. */
  async #indexedRows(): Promise<number> {
    const result = await this.#database.query<{ rows: string }>('select count(*) as rows from chunks');
    return Number(result.rows[0]?.rows ?? 0);
  }

  /**
   * In a bulk load, the HNSW index is dropped (and built once at the end) when the rows this load writes are a
   * large enough share of the table that building the graph again costs less than inserting them one by one
   * (vector-index-maintenance.json, fitted by bench/fit-vector-index-maintenance.ts): re-ingesting a few changed
   * files into a large base no longer rebuilds the whole graph.
   */
  async #dropIndexForBulk(pendingChunks: number): Promise<void> {
    const bulk = this.#bulk;
    if (!bulk || bulk.indexDropped || pendingChunks === 0) return;
    bulk.tableRows ??= await this.#indexedRows();
    bulk.pendingChunks += pendingChunks;
    if (!rebuildsVectorIndex(bulk.pendingChunks, bulk.tableRows)) return;
    await this.#database.exec(`drop index if exists ${vectorIndex.name}`);
    bulk.indexDropped = true;
  }


  /** Writes one new version inside the caller's transaction; `expectedVersion` is the version seen before embedding. */
  async #writeVersion(
    transaction: Queryable,
    prepared: PreparedDocument,
    expectedVersion: number,
    vectors: string[],
    actor: Actor,
    targetDocumentId?: string,
  ): Promise<IngestResult> {
    // Creating or locking the document row is one statement on the common path (a new or known externalId);
    // the row lock orders concurrent writers of the same document.
    const locked = targetDocumentId
      ? await transaction.query<{ id: string; external_id: string; current_version: number; retired_at: unknown }>(
          'select id, external_id, current_version, retired_at from documents where id = $1 for update',
          [targetDocumentId],
        )
      : await transaction.query<{ id: string; external_id: string; current_version: number; retired_at: unknown }>(
          `insert into documents (id, external_id, source, current_version) values ($1, $2, $3, 0)
           on conflict (external_id) do update set updated_at = documents.updated_at
           returning id, external_id, current_version, retired_at`,
          [randomUUID(), prepared.externalId, prepared.source],
        );
    const row = locked.rows[0];
    if (!row) throw new DocumentNotFoundError(targetDocumentId ?? prepared.externalId);
    const documentId = row.id;
    // A concurrent writer may have stored a version (perhaps this very content) while we were embedding.
    if (Number(row.current_version) !== expectedVersion) {
      const current = await transaction.query<{ content_hash: string }>('select content_hash from document_versions where document_id = $1 and version = $2', [documentId, row.current_version]);
      const stored = await transaction.query<{ status: string }>('select status from document_versions where document_id = $1 and version = $2', [documentId, row.current_version]);
      if (current.rows[0]?.content_hash === prepared.contentHash && row.retired_at === null && stored.rows[0]?.status !== 'rejected') {
        return { documentId, externalId: row.external_id, version: Number(row.current_version), chunkCount: prepared.chunks.length, contentHash: prepared.contentHash, outcome: 'unchanged' as IngestOutcome };
      }
    }
    const version = Number(row.current_version) + 1;
    await transaction.query(
      `insert into document_versions (document_id, version, title, kind, format, language, product, product_aliases, risk_level, tags,
         status, effective_from, effective_until, owner, source_uri, content_hash, body, chunk_count, created_by, questions, answer)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)`,
      [documentId, version, prepared.title, prepared.kind, prepared.format, prepared.language, prepared.product, prepared.productAliases,
        prepared.riskLevel, prepared.tags, prepared.status, prepared.effectiveFrom, prepared.effectiveUntil, prepared.owner,
        prepared.sourceUri, prepared.contentHash, prepared.body, prepared.chunks.length, actor.id, prepared.questions, prepared.answer],
    );
    await recordEffectiveDays(transaction, [{ documentId, version, document: prepared }]);
    await insertChunks(transaction, documentId, version, prepared, vectors);
    // Re-posting a retired document brings it back, with its history.
    if (row.retired_at !== null) await transaction.query('update chunks set retired = false where document_id = $1 and retired', [documentId]);
    await transaction.query(
      `update documents set current_version = $2, retired_at = null, updated_at = now(), source = coalesce($3, source) where id = $1`,
      [documentId, version, prepared.source],
    );
    return { documentId, externalId: row.external_id, version, chunkCount: prepared.chunks.length, contentHash: prepared.contentHash, outcome: (version === 1 ? 'created' : 'updated') as IngestOutcome, status: prepared.status };
  }

  /**
   * #writeVersion for many documents, a few statements per batch instead of four per document: the set's
   * transaction holds embedded PGlite (and every request waiting on it) for as long as it writes. A document
   * another writer changed since it was read goes through #writeVersion, which re-checks its content.
   */
  async #writeVersions(transaction: Queryable, items: readonly { document: PreparedDocument; expectedVersion: number; vectors: string[] }[], actor: Actor): Promise<IngestResult[]> {
    const results: IngestResult[] = [];
    for (let start = 0; start < items.length; start += writeBatch) {
      const batch = items.slice(start, start + writeBatch);
      const locked = await transaction.query<{ id: string; external_id: string; current_version: number; retired_at: unknown }>(
        `insert into documents (id, external_id, source, current_version)
         select data.id, data.external_id, data.source, 0 from unnest($1::uuid[], $2::text[], $3::text[]) as data(id, external_id, source)
         on conflict (external_id) do update set updated_at = documents.updated_at
         returning id, external_id, current_version, retired_at`,
        [batch.map(() => randomUUID()), batch.map((item) => item.document.externalId), batch.map((item) => item.document.source)],
      );
      const rows = new Map(locked.rows.map((row) => [row.external_id, row]));
      const fresh: { document: PreparedDocument; vectors: string[]; documentId: string; version: number; revived: boolean }[] = [];
      for (const item of batch) {
        const row = rows.get(item.document.externalId);
        if (row && Number(row.current_version) === item.expectedVersion) {
          fresh.push({ document: item.document, vectors: item.vectors, documentId: row.id, version: item.expectedVersion + 1, revived: row.retired_at !== null });
        } else {
          results.push(await this.#writeVersion(transaction, item.document, item.expectedVersion, item.vectors, actor));
        }
      }
      if (fresh.length === 0) continue;
      const column = <T>(pick: (document: PreparedDocument) => T) => fresh.map((item) => pick(item.document));
      await transaction.query(
        `insert into document_versions (document_id, version, title, kind, format, language, product, product_aliases, risk_level, tags,
           status, effective_from, effective_until, owner, source_uri, content_hash, body, chunk_count, created_by, questions, answer)
         select data.document_id, data.version, data.title, data.kind, data.format, data.language, data.product,
                array(select jsonb_array_elements_text(data.product_aliases)), data.risk_level, array(select jsonb_array_elements_text(data.tags)),
                data.status, data.effective_from, data.effective_until, data.owner, data.source_uri, data.content_hash, data.body, data.chunk_count, $19,
                array(select jsonb_array_elements_text(data.questions)), data.answer
           from unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::jsonb[], $9::text[], $10::jsonb[],
                       $11::text[], $12::timestamptz[], $13::timestamptz[], $14::text[], $15::text[], $16::text[], $17::text[], $18::int[],
                       $20::jsonb[], $21::text[])
             as data(document_id, version, title, kind, format, language, product, product_aliases, risk_level, tags,
                     status, effective_from, effective_until, owner, source_uri, content_hash, body, chunk_count, questions, answer)`,
        [
          fresh.map((item) => item.documentId),
          fresh.map((item) => item.version),
          column((document) => document.title),
          column((document) => document.kind),
          column((document) => document.format),
          column((document) => document.language),
          column((document) => document.product),
          column((document) => JSON.stringify(document.productAliases)),
          column((document) => document.riskLevel),
          column((document) => JSON.stringify(document.tags)),
          column((document) => document.status),
          column((document) => document.effectiveFrom),
          column((document) => document.effectiveUntil),
          column((document) => document.owner),
          column((document) => document.sourceUri),
          column((document) => document.contentHash),
          column((document) => document.body),
          column((document) => document.chunks.length),
          actor.id,
          column((document) => JSON.stringify(document.questions)),
          column((document) => document.answer),
        ],
      );
      await recordEffectiveDays(transaction, fresh.map((item) => ({ documentId: item.documentId, version: item.version, document: item.document })));
      const chunks = fresh.flatMap((item) => item.document.chunks.map((chunk, index) => ({ item, chunk, vector: item.vectors[index] ?? '' })));
      for (let chunkStart = 0; chunkStart < chunks.length; chunkStart += writeBatch) {
        const slice = chunks.slice(chunkStart, chunkStart + writeBatch);
        await transaction.query(
          `insert into chunks (id, document_id, version, ordinal, text, heading_path, kind, product, language, status, effective_from,
             effective_until, retired, embedding, heading_tokens, body_tokens)
           select data.id, data.document_id, data.version, data.ordinal, data.text, data.heading_path::text[],
                  data.kind, data.product, data.language, data.status, data.effective_from, data.effective_until, false,
                  data.embedding::sparsevec::vector, data.heading_tokens, data.body_tokens
             from unnest($1::uuid[], $2::uuid[], $3::int[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
                         $11::timestamptz[], $12::timestamptz[], $13::text[], $14::text[], $15::text[])
               as data(id, document_id, version, ordinal, text, heading_path, kind, product, language, status, effective_from, effective_until, embedding,
                       heading_tokens, body_tokens)`,
          [
            slice.map(() => randomUUID()),
            slice.map(({ item }) => item.documentId),
            slice.map(({ item }) => item.version),
            slice.map(({ chunk }) => chunk.ordinal),
            slice.map(({ chunk }) => chunk.text),
            slice.map(({ chunk }) => toTextArrayLiteral(chunk.headingPath)),
            slice.map(({ item }) => item.document.kind),
            slice.map(({ item }) => item.document.product),
            slice.map(({ item }) => item.document.language),
            slice.map(({ item }) => item.document.status),
            slice.map(({ item }) => item.document.effectiveFrom),
            slice.map(({ item }) => item.document.effectiveUntil),
            ...withSearchColumns(slice.map(({ item, chunk }) => ({ document: item.document, chunk })), slice.map(({ vector }) => vector)),
          ],
        );
      }
      // Re-posting a retired document brings it back, with its history.
      const revived = fresh.filter((item) => item.revived).map((item) => item.documentId);
      if (revived.length > 0) await transaction.query('update chunks set retired = false where document_id = any($1::uuid[]) and retired', [revived]);
      await transaction.query(
        `update documents d set current_version = data.version, retired_at = null, updated_at = now(), source = coalesce(data.source, d.source)
           from unnest($1::uuid[], $2::int[], $3::text[]) as data(id, version, source) where d.id = data.id`,
        [fresh.map((item) => item.documentId), fresh.map((item) => item.version), column((document) => document.source)],
      );
      for (const item of fresh) {
        results.push({
          documentId: item.documentId,
          externalId: item.document.externalId,
          version: item.version,
          chunkCount: item.document.chunks.length,
          contentHash: item.document.contentHash,
          outcome: item.version === 1 ? 'created' : 'updated',
          status: item.document.status,
        });
      }
    }
    return results;
  }

  /**
   * Refreshes the planner's statistics. Without them the planner believes the chunk table is tiny and scans it
   * instead of using the HNSW index; Postgres's autovacuum does it eventually, embedded PGlite never does.
   */
  async analyze(): Promise<void> {
    this.#chunksSinceAnalyze = 0;
    await this.#database.exec('analyze documents; analyze document_versions; analyze chunks;');
  }

  /**
   * Runs a large load with the HNSW index dropped and rebuilds it once at the end: building once is several
   * times faster than updating the graph row by row. Searches meanwhile fall back to exact distance, which is
   * slower but returns the same (or better) results, so nothing served is wrong while it runs. The index is
   * dropped lazily, at the first write: re-ingesting an unchanged folder rebuilds nothing.
   */
  async bulk<T>(work: () => Promise<T>): Promise<T> {
    if (this.#bulk) return work();
    this.#bulk = { indexDropped: false, pendingChunks: 0 };
    try {
      return await work();
    } finally {
      const { indexDropped } = this.#bulk;
      this.#bulk = undefined;
      if (indexDropped) {
        // An HNSW build that fits in memory is faster (pgvector's advice); the setting lasts for this build only.
        await this.#database.transaction(async (transaction) => {
          await transaction.exec(`set local maintenance_work_mem = '256MB'`);
          await transaction.exec(vectorIndex.create);
        });
        await this.analyze();
      }
    }
  }

  async #currentHashById(documentId: string): Promise<{ documentId: string; version: number; hash: string; chunkCount: number; retired: boolean } | undefined> {
    const result = await this.#database.query<{ external_id: string }>('select external_id from documents where id = $1', [documentId]);
    const row = result.rows[0];
    if (!row) throw new DocumentNotFoundError(documentId);
    return this.#currentHash(row.external_id);
  }

  /** Creates a document, or a new version when its externalId exists; unchanged content keeps the version. */
  async ingest(input: DocumentInput, actor: Actor): Promise<IngestResult> {
    return this.#store(await this.#prepare(input, actor), actor);
  }

  /**
   * A FAQ set: one document per row, externalId = row id, so editing one row re-versions only that row.
   * All or nothing: every changed row is embedded first, then written in one transaction, so an error or a
   * crash midway leaves the previous set current (never part old, part new) and the vector index intact.
   */
  async ingestFaqSet(input: DocumentInput, actor: Actor): Promise<FaqSetResult> {
    const body = typeof input.body === 'string' ? input.body : decodeUtf8(input.body);
    if (input.format !== 'csv' && input.format !== 'jsonl') {
      throw new IngestError('invalid_format', 'a FAQ set must be csv or jsonl', { field: 'format' });
    }
    const rows = parseFaqSet(input.format, body);
    const edits = await this.#questionEdits(rows.map((row) => row.id));
    const prepared = rows.map((row) => {
      const rowEdits = edits.get(row.id);
      return this.#prepareFaqRow(rowEdits ? { ...row, questions: applyQuestionEdits(row.questions, rowEdits) } : row, input, actor);
    });
    const existing = await this.#currentHashes(prepared.map((document) => document.externalId));
    const changed = prepared.filter((document) => {
      const current = existing.get(document.externalId);
      return !current || current.hash !== document.contentHash || current.retired;
    });
    // Rows stored before phrasings were recorded (migration 007) have the same content but no question list:
    // recording it is not a new version, and lets their phrasings be edited without waiting for a content change.
    const unrecorded = prepared.filter((document) => {
      const current = existing.get(document.externalId);
      return current && current.hash === document.contentHash && !current.retired && !current.recorded;
    });
    if (unrecorded.length > 0) {
      await this.#database.query(
        `update document_versions v set questions = array(select jsonb_array_elements_text(data.questions)), answer = data.answer
           from unnest($1::uuid[], $2::int[], $3::jsonb[], $4::text[]) as data(document_id, version, questions, answer)
          where v.document_id = data.document_id and v.version = data.version and v.answer is null`,
        [
          unrecorded.map((document) => existing.get(document.externalId)!.documentId),
          unrecorded.map((document) => existing.get(document.externalId)!.version),
          unrecorded.map((document) => JSON.stringify(document.questions)),
          unrecorded.map((document) => document.answer),
        ],
      );
    }
    const vectors = await this.#embedMany(changed, existing);
    const written = new Map<string, IngestResult>();
    if (changed.length > 0) {
      // Embedded PGlite runs one statement at a time, so the set's transaction holds the database anyway:
      // building the HNSW graph once at the end of it is several times faster than updating it row by row,
      // and dropping the index inside the transaction means a crash rolls the drop back too. On Postgres the
      // drop would lock every replica's searches out until commit, so the index is updated row by row there.
      // Whether a rebuild pays is fitted (vector-index-maintenance.json): the set's rows against the table's.
      const changedChunks = changed.reduce((total, document) => total + document.chunks.length, 0);
      const rebuildIndex = this.#database.kind === 'pglite' && !this.#bulk && rebuildsVectorIndex(changedChunks, await this.#indexedRows());
      await this.#dropIndexForBulk(changedChunks);
      const generation = await this.#database.transaction(async (transaction) => {
        await holdSearchIndexOrder(transaction);
        if (rebuildIndex) await transaction.exec(`drop index if exists ${vectorIndex.name}`);
        const items = changed.map((document, index) => ({ document, expectedVersion: existing.get(document.externalId)?.version ?? 0, vectors: vectors[index] ?? [] }));
        for (const stored of await this.#writeVersions(transaction, items, actor)) written.set(stored.externalId, stored);
        if (rebuildIndex) {
          await transaction.exec(`set local maintenance_work_mem = '256MB'`);
          await transaction.exec(vectorIndex.create);
        }
        return this.#bumpIfWritten(transaction, true);
      });
      await this.#committed(changedChunks, generation);
      if (!this.#bulk && this.#chunksSinceAnalyze >= 1000) await this.analyze();
    }
    const result: FaqSetResult = { documents: [], created: 0, updated: 0, unchanged: 0 };
    for (const document of prepared) {
      const current = existing.get(document.externalId);
      const stored = written.get(document.externalId);
      const entry = stored
        ? { documentId: stored.documentId, externalId: stored.externalId, version: stored.version, outcome: stored.outcome, ...(stored.status ? { status: stored.status } : {}) }
        : { documentId: current!.documentId, externalId: document.externalId, version: current!.version, outcome: 'unchanged' as IngestOutcome };
      result.documents.push(entry);
      result[entry.outcome] += 1;
    }
    return result;
  }

  /** Phrasings added or removed through the API, by externalId, oldest first (see applyQuestionEdits). */
  async #questionEdits(externalIds: readonly string[]): Promise<Map<string, QuestionEdit[]>> {
    const result = await this.#database.query<{ external_id: string; question: string; action: 'add' | 'remove' }>(
      `select d.external_id, e.question, e.action from document_question_edits e join documents d on d.id = e.document_id
        where d.external_id = any($1::text[]) order by e.edited_at, e.question`,
      [[...externalIds]],
    );
    const edits = new Map<string, QuestionEdit[]>();
    for (const row of result.rows) {
      const list = edits.get(row.external_id) ?? [];
      list.push({ question: row.question, action: row.action });
      edits.set(row.external_id, list);
    }
    return edits;
  }

  /** Adds phrasings to a FAQ row: a new version, and the additions outlive the next ingest of its file. */
  async addQuestions(documentId: string, questions: readonly string[], actor: Actor): Promise<IngestResult & { questions: string[] }> {
    return this.#editQuestions(documentId, questions, 'add', actor);
  }

  /** Removes phrasings from a FAQ row: a new version; a row keeps at least one question. */
  async removeQuestions(documentId: string, questions: readonly string[], actor: Actor): Promise<IngestResult & { questions: string[] }> {
    return this.#editQuestions(documentId, questions, 'remove', actor);
  }

  async #editQuestions(documentId: string, questions: readonly string[], action: 'add' | 'remove', actor: Actor): Promise<IngestResult & { questions: string[] }> {
    // A concurrent edit of the same row moves its version on while this one embeds: start again from it.
    for (let attempt = 1; ; attempt += 1) {
      const current = await this.#database.query<VersionRow & { external_id: string; source: string | null; retired_at: unknown; answer: string | null }>(
        `select d.external_id, d.source, d.retired_at, v.answer, ${versionColumns}
           from documents d join document_versions v on v.document_id = d.id and v.version = d.current_version where d.id = $1`,
        [documentId],
      );
      const row = current.rows[0];
      if (!row) throw new DocumentNotFoundError(documentId);
      if (row.answer === null) throw new NotFaqRowError(documentId);
      if (row.retired_at !== null) throw new DocumentRetiredError(documentId);
      const next = nextQuestions(row.questions ?? [], questions, action);
      const view = versionView(row, this.#utcOffset);
      const faqRow: FaqRow = { id: row.external_id, questions: next, answer: row.answer, line: 0 };
      const input: DocumentInput = {
        format: row.format as DocumentInput['format'],
        body: '',
        kind: 'faq',
        language: row.language as 'zh' | 'en',
        tags: row.tags ?? [],
        ...(row.product ? { product: row.product } : {}),
        ...(row.product_aliases?.length ? { productAliases: row.product_aliases } : {}),
        ...(row.risk_level ? { riskLevel: row.risk_level } : {}),
        status: row.status,
        // The bounds as the owner gave them: a date stays a date (the business zone places it again).
        ...(view.effectiveFrom ? { effectiveFrom: view.effectiveFrom } : {}),
        ...(view.effectiveUntil ? { effectiveUntil: view.effectiveUntil } : {}),
        ...(row.owner ? { owner: row.owner } : {}),
        ...(row.source ? { source: row.source } : {}),
        ...(row.source_uri ? { sourceUri: row.source_uri } : {}),
      };
      const prepared = this.#prepareFaqRow(faqRow, input, actor);
      const vectors = await this.#embed(prepared, documentId);
      const expectedVersion = Number(row.version);
      const result = await this.#database.transaction(async (transaction) => {
        await holdSearchIndexOrder(transaction);
        const locked = await transaction.query<{ current_version: number }>('select current_version from documents where id = $1 for update', [documentId]);
        if (Number(locked.rows[0]?.current_version) !== expectedVersion) return undefined;
        await transaction.query(
          `insert into document_question_edits (document_id, normalized, question, action, edited_by)
           select $1, data.normalized, data.question, $4, $5 from unnest($2::text[], $3::text[]) as data(normalized, question)
           on conflict (document_id, normalized) do update set question = excluded.question, action = excluded.action,
             edited_by = excluded.edited_by, edited_at = now()`,
          [documentId, questions.map(questionKey), [...questions], action, actor.id],
        );
        const stored = await this.#writeVersion(transaction, prepared, expectedVersion, vectors, actor, documentId);
        return { ...stored, generation: await this.#bumpIfWritten(transaction, stored.outcome !== 'unchanged') };
      });
      if (result) {
        const { generation, ...stored } = result;
        await this.#committed(prepared.chunks.length, generation);
        return { ...stored, questions: next };
      }
      if (attempt >= 3) throw new IngestError('concurrent_edit', 'the document kept changing while its questions were edited; try again', { field: 'questions' });
    }
  }

  async #currentHashes(externalIds: readonly string[]): Promise<Map<string, { documentId: string; version: number; hash: string; chunkCount: number; retired: boolean; recorded: boolean }>> {
    const result = await this.#database.query<{ id: string; external_id: string; version: number; content_hash: string; chunk_count: number; retired_at: unknown; recorded: boolean }>(
      `select d.id, d.external_id, d.current_version as version, case when v.status = 'rejected' then '' else v.content_hash end as content_hash,
              v.chunk_count, d.retired_at, v.answer is not null as recorded
         from documents d join document_versions v on v.document_id = d.id and v.version = d.current_version
        where d.external_id = any($1::text[])`,
      [[...externalIds]],
    );
    return new Map(
      result.rows.map((row) => [
        row.external_id,
        { documentId: row.id, version: Number(row.version), hash: row.content_hash, chunkCount: Number(row.chunk_count), retired: row.retired_at !== null, recorded: row.recorded },
      ]),
    );
  }

  /** #embed for many documents: one read of the vectors already stored, then the embedder in batches. */
  async #embedMany(documents: readonly PreparedDocument[], existing: ReadonlyMap<string, { documentId: string }>): Promise<string[][]> {
    const known = new Map<string, string>();
    const documentIds = documents.map((document) => existing.get(document.externalId)?.documentId).filter((id): id is string => id !== undefined);
    if (documentIds.length > 0) {
      const previous = await this.#database.query<{ title: string; text: string; embedding: string }>(
        `select v.title, c.text, c.embedding::sparsevec::text as embedding
           from chunks c join documents d on d.id = c.document_id and c.version = d.current_version
           join document_versions v on v.document_id = d.id and v.version = d.current_version
          where d.id = any($1::uuid[])`,
        [documentIds],
      );
      for (const row of previous.rows) known.set(embeddingText(row.title, row.text), row.embedding);
    }
    const missing = [...new Set(documents.flatMap((document) => document.chunks.map((chunk) => embeddingText(document.title, chunk.text))))].filter((text) => !known.has(text));
    for (let start = 0; start < missing.length; start += embedBatch) {
      const batch = missing.slice(start, start + embedBatch);
      const embedded = await this.#embedder.embed(batch);
      batch.forEach((text, index) => known.set(text, toSparseVectorLiteral(embedded[index] ?? [])));
    }
    return documents.map((document) => document.chunks.map((chunk) => known.get(embeddingText(document.title, chunk.text)) ?? ''));
  }

  /**
   * #store for many documents (externalIds distinct), the embedder called across them and each window written as
   * one transaction of a few multi-row statements (#writeVersions) with one generation bump: a folder or a sync
   * costs what a FAQ set does, instead of six statements and a commit per document. A window is all or nothing,
   * as one document is when posted alone.
   */
  async #storeMany(documents: readonly PreparedDocument[], actor: Actor): Promise<IngestResult[]> {
    const results: IngestResult[] = [];
    for (let start = 0; start < documents.length; start += writeBatch) {
      const window = documents.slice(start, start + writeBatch);
      const existing = await this.#currentHashes(window.map((document) => document.externalId));
      const changed = window.filter((document) => {
        const current = existing.get(document.externalId);
        return !current || current.hash !== document.contentHash || current.retired;
      });
      const vectors = await this.#embedMany(changed, existing);
      const written = new Map<string, IngestResult>();
      if (changed.length > 0) {
        const changedChunks = changed.reduce((total, document) => total + document.chunks.length, 0);
        await this.#dropIndexForBulk(changedChunks);
        const generation = await this.#database.transaction(async (transaction) => {
          await holdSearchIndexOrder(transaction);
          const items = changed.map((document, index) => ({ document, expectedVersion: existing.get(document.externalId)?.version ?? 0, vectors: vectors[index] ?? [] }));
          for (const stored of await this.#writeVersions(transaction, items, actor)) written.set(stored.externalId, stored);
          return this.#bumpIfWritten(transaction, true);
        });
        await this.#committed(changedChunks, generation);
        if (!this.#bulk && this.#chunksSinceAnalyze >= 1000) await this.analyze();
      }
      for (const document of window) {
        const stored = written.get(document.externalId);
        const current = existing.get(document.externalId);
        results.push(
          stored ?? {
            documentId: current!.documentId,
            externalId: document.externalId,
            version: current!.version,
            chunkCount: current!.chunkCount,
            contentHash: current!.hash,
            outcome: 'unchanged',
          },
        );
      }
    }
    return results;
  }

  /**
   * Several documents at once (a folder): each is parsed on its own, so one bad file is reported in its place
   * (an IngestError) while the others are embedded together and stored.
   */
  async ingestMany(inputs: readonly DocumentInput[], actor: Actor): Promise<Array<IngestResult | IngestError>> {
    const outcomes: Array<IngestResult | IngestError | PreparedDocument> = [];
    for (const input of inputs) {
      try {
        outcomes.push(await this.#prepare(input, actor));
      } catch (error) {
        if (!(error instanceof IngestError)) throw error;
        outcomes.push(error);
      }
    }
    const prepared = outcomes.filter((outcome): outcome is PreparedDocument => !(outcome instanceof IngestError));
    // Two files of one externalId in a batch are stored one after the other, as they would be file by file.
    const firsts = prepared.filter((document, index) => prepared.findIndex((other) => other.externalId === document.externalId) === index);
    const stored = new Map<PreparedDocument, IngestResult>();
    (await this.#storeMany(firsts, actor)).forEach((result, index) => stored.set(firsts[index]!, result));
    for (const document of prepared) if (!stored.has(document)) stored.set(document, await this.#store(document, actor));
    return outcomes.map((outcome) => (outcome instanceof IngestError ? outcome : stored.get(outcome as PreparedDocument)!));
  }

  /** PUT: a new version of an existing document (same body shape as create). */
  async update(documentId: string, input: DocumentInput, actor: Actor): Promise<IngestResult> {
    const current = await this.#database.query<{ external_id: string }>('select external_id from documents where id = $1', [documentId]);
    const externalId = current.rows[0]?.external_id;
    if (!externalId) throw new DocumentNotFoundError(documentId);
    const prepared = await this.#prepare({ ...input, externalId }, actor, externalId);
    return this.#store(prepared, actor, documentId);
  }

  /** Mirrors a source system: create, re-version when changed, and with deleteMissing retire what is absent. */
  async sync(
    source: string,
    documents: DocumentInput[],
    options: { deleteMissing: boolean },
    actor: Actor,
  ): Promise<{ created: number; updated: number; unchanged: number; retired: number; documents: IngestResult[] }> {
    // Prepare everything first: one bad document rejects the whole sync before anything is written.
    const prepared: PreparedDocument[] = [];
    for (const [index, document] of documents.entries()) {
      try {
        prepared.push(await this.#prepare({ ...document, source }, actor));
      } catch (error) {
        if (error instanceof IngestError) {
          throw new IngestError(error.code, `documents[${index}]${document.externalId ? ` (${document.externalId})` : ''}: ${error.message}`, {
            field: `documents.${index}${error.field ? `.${error.field}` : ''}`,
          });
        }
        throw error;
      }
    }
    const seen = new Set<string>();
    for (const document of prepared) {
      if (seen.has(document.externalId)) {
        throw new IngestError('duplicate_external_id', `externalId '${document.externalId}' appears twice in this sync`, { field: 'documents' });
      }
      seen.add(document.externalId);
    }
    const counts = { created: 0, updated: 0, unchanged: 0, retired: 0 };
    const results: IngestResult[] = [];
    const storeAll = async () => {
      for (const stored of await this.#storeMany(prepared, actor)) {
        counts[stored.outcome] += 1;
        results.push(stored);
      }
    };
    if (prepared.length >= bulkThreshold) await this.bulk(storeAll);
    else await storeAll();
    if (options.deleteMissing) {
      const absent = await this.#database.query<{ id: string }>(
        `select id from documents where source = $1 and retired_at is null and not (external_id = any($2::text[]))`,
        [source, [...seen]],
      );
      for (const row of absent.rows) {
        await this.retire(row.id);
        counts.retired += 1;
      }
    }
    return { ...counts, documents: results };
  }

  /** Retired documents keep their history and are never retrieved. */
  async retire(documentId: string): Promise<void> {
    const updated = await this.#database.transaction(async (transaction) => {
      await holdSearchIndexOrder(transaction);
      const result = await transaction.query(`update documents set retired_at = coalesce(retired_at, now()), updated_at = now() where id = $1`, [documentId]);
      if (result.rowCount === 0) return false;
      await transaction.query('update chunks set retired = true where document_id = $1', [documentId]);
      return true;
    });
    if (!updated) throw new DocumentNotFoundError(documentId);
    await this.#changed();
  }

  async list(filter: { kind?: DocumentKind; status?: DocumentStatus; q?: string; limit: number; cursor?: string }): Promise<{ items: DocumentView[]; nextCursor?: string }> {
    const conditions: string[] = [];
    const parameters: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      parameters.push(value);
      conditions.push(sql.replace('?', `$${parameters.length}`));
    };
    if (filter.kind) add('v.kind = ?', filter.kind);
    if (filter.status === 'retired') conditions.push('d.retired_at is not null');
    else if (filter.status) {
      add('v.status = ?', filter.status);
      conditions.push('d.retired_at is null');
    }
    if (filter.q) {
      parameters.push(`%${filter.q.replace(/[%_\\]/g, '\\$&')}%`);
      const placeholder = `$${parameters.length}`;
      conditions.push(`(v.title ilike ${placeholder} or d.external_id ilike ${placeholder} or v.product ilike ${placeholder})`);
    }
    if (filter.cursor) add('d.external_id > ?', filter.cursor);
    parameters.push(filter.limit + 1);
    const result = await this.#database.query<VersionRow & { id: string; external_id: string; source: string | null; current_version: number; retired_at: unknown; updated_at: unknown }>(
      `select d.id, d.external_id, d.source, d.current_version, d.retired_at, d.updated_at, ${versionColumns}
         from documents d join document_versions v on v.document_id = d.id and v.version = d.current_version
        ${conditions.length ? `where ${conditions.join(' and ')}` : ''}
        order by d.external_id limit $${parameters.length}`,
      parameters,
    );
    const rows = result.rows.slice(0, filter.limit);
    const items = rows.map((row) => documentView(row, this.#utcOffset));
    return result.rows.length > filter.limit && rows.length > 0 ? { items, nextCursor: rows[rows.length - 1]!.external_id } : { items };
  }

  async get(documentId: string): Promise<DocumentView & { versions: DocumentVersionView[] }> {
    const result = await this.#database.query<VersionRow & { id: string; external_id: string; source: string | null; current_version: number; retired_at: unknown; updated_at: unknown }>(
      `select d.id, d.external_id, d.source, d.current_version, d.retired_at, d.updated_at, ${versionColumns}
         from documents d join document_versions v on v.document_id = d.id
        where d.id = $1 order by v.version desc`,
      [documentId],
    );
    const current = result.rows[0];
    if (!current) throw new DocumentNotFoundError(documentId);
    const head = result.rows.find((row) => Number(row.version) === Number(row.current_version)) ?? current;
    return { ...documentView(head, this.#utcOffset), versions: result.rows.map((row) => versionView(row, this.#utcOffset)) };
  }

  async getVersion(documentId: string, version: number): Promise<DocumentVersionView & { documentId: string; externalId: string; body: string; chunks: { chunkId: string; ordinal: number; text: string; headingPath: string[] }[] }> {
    const result = await this.#database.query<VersionRow & { external_id: string; body: string }>(
      `select d.external_id, v.body, ${versionColumns} from documents d join document_versions v on v.document_id = d.id where d.id = $1 and v.version = $2`,
      [documentId, version],
    );
    const row = result.rows[0];
    if (!row) throw new DocumentNotFoundError(`${documentId} version ${version}`);
    const chunks = await this.#database.query<{ id: string; ordinal: number; text: string; heading_path: string[] }>(
      'select id, ordinal, text, heading_path from chunks where document_id = $1 and version = $2 order by ordinal',
      [documentId, version],
    );
    return {
      ...versionView(row, this.#utcOffset),
      documentId,
      externalId: row.external_id,
      body: row.body,
      chunks: chunks.rows.map((chunk) => ({ chunkId: chunk.id, ordinal: Number(chunk.ordinal), text: chunk.text, headingPath: chunk.heading_path })),
    };
  }

  /**
   * What changed between two versions of one document (default: the version before the current one, and the
   * current one). A reference to another document's version, or to a version the document does not have, names
   * the parameter (VersionReferenceError).
   */
  async diff(documentId: string, references: { from?: VersionReference; to?: VersionReference } = {}): Promise<VersionDiff & { documentId: string; externalId: string }> {
    const current = await this.#database.query<{ external_id: string; current_version: number }>('select external_id, current_version from documents where id = $1', [documentId]);
    const document = current.rows[0];
    if (!document) throw new DocumentNotFoundError(documentId);
    const currentVersion = Number(document.current_version);
    for (const field of ['from', 'to'] as const) {
      const reference = references[field];
      if (reference?.documentId !== undefined && reference.documentId !== documentId) {
        throw new VersionReferenceError(field, 'different_documents', `${field} names a version of document ${reference.documentId}, not of ${documentId}: a diff compares versions of one document`);
      }
    }
    const toVersion = references.to?.version ?? currentVersion;
    const fromVersion = references.from?.version ?? Math.max(1, toVersion - 1);
    const load = async (field: 'from' | 'to', version: number) =>
      this.getVersion(documentId, version).catch((error: unknown) => {
        if (error instanceof DocumentNotFoundError) {
          throw new VersionReferenceError(field, 'version_not_found', `document ${documentId} has no version ${version} (versions 1 to ${currentVersion})`);
        }
        throw error;
      });
    // `to` first: a missing `to` is the reference to fix even when `from` was derived from it.
    const to = await load('to', toVersion);
    const from = await load('from', fromVersion);
    return { documentId, externalId: document.external_id, ...diffVersions(from, to) };
  }

  async findByExternalIds(externalIds: readonly string[]): Promise<Map<string, string>> {
    const result = await this.#database.query<{ id: string; external_id: string }>('select id, external_id from documents where external_id = any($1::text[])', [[...externalIds]]);
    return new Map(result.rows.map((row) => [row.external_id, row.id]));
  }

  async counts(): Promise<{ documents: number; chunks: number }> {
    const result = await this.#database.query<{ documents: string; chunks: string }>(
      'select (select count(*) from documents) as documents, (select count(*) from chunks) as chunks',
    );
    const row = result.rows[0];
    return { documents: Number(row?.documents ?? 0), chunks: Number(row?.chunks ?? 0) };
  }

  /**
   * Product names (and aliases) with their risk levels from the current approved, unretired versions: the
   * suitability rules and the summaries read it. Cached until the next write in this process.
   */
  async products(): Promise<readonly ProductEntry[]> {
    if (this.#productCache) return this.#productCache;
    const result = await this.#database.query<{ product: string; product_aliases: string[]; risk_level: RiskLevel | null; kind: DocumentKind }>(
      // The latest approved version: a draft under review (the current version) must not hide the live product.
      // Several documents may describe one product (a product page, its FAQ, its fee table): the risk level and kind
      // come from the one that states a risk level, and the aliases are the union of all of them, so an alias given
      // only on the FAQ still names the product.
      `select v.product,
              (array_agg(v.risk_level order by (v.risk_level is null), v.kind))[1] as risk_level,
              (array_agg(v.kind order by (v.risk_level is null), v.kind))[1] as kind,
              coalesce(array_agg(distinct alias.name) filter (where alias.name is not null), '{}') as product_aliases
         from documents d
         join lateral (select * from document_versions a where a.document_id = d.id and a.status = 'approved' order by a.version desc limit 1) v on true
         left join lateral unnest(v.product_aliases) as alias(name) on true
        where d.retired_at is null and v.product is not null
        group by v.product
        order by v.product`,
    );
    const products = result.rows.map((row) => ({
      name: row.product,
      aliases: row.product_aliases ?? [],
      ...(row.risk_level ? { riskLevel: row.risk_level } : {}),
      kind: row.kind,
    }));
    this.#productCache = products;
    return products;
  }

  /**
   * The product catalogue summaries report from: approved, current documents of kind `product` that name a product,
   * one entry per document (its externalId is the product's id), with title, language and aliases. Documents of
   * kind product without a product name (fee schedules, rate tables) describe several products and are left out.
   */
  async productCatalogue(): Promise<readonly CatalogueProduct[]> {
    if (this.#catalogueCache) return this.#catalogueCache;
    const result = await this.#database.query<{ external_id: string; product: string; title: string; language: string; product_aliases: string[] | null }>(
      `select d.external_id, v.product, v.title, v.language, v.product_aliases
         from documents d join document_versions v on v.document_id = d.id and v.version = d.current_version
        where d.retired_at is null and v.status = 'approved' and v.kind = 'product' and v.product is not null
        order by d.external_id`,
    );
    const catalogue = result.rows.map((row): CatalogueProduct => ({
      id: row.external_id,
      name: row.product,
      title: row.title,
      aliases: row.product_aliases ?? [],
      ...(row.language === 'zh' || row.language === 'en' ? { language: row.language as 'zh' | 'en' } : {}),
    }));
    this.#catalogueCache = catalogue;
    return catalogue;
  }
}

export interface CatalogueProduct {
  id: string;
  name: string;
  title: string;
  aliases: string[];
  language?: 'zh' | 'en';
}

function documentView(row: VersionRow & { id: string; external_id: string; source: string | null; current_version: number; retired_at: unknown; updated_at: unknown }, utcOffset: string): DocumentView {
  return {
    documentId: row.id,
    externalId: row.external_id,
    source: row.source,
    currentVersion: Number(row.current_version),
    retired: row.retired_at !== null,
    retiredAt: toIso(row.retired_at),
    updatedAt: toIso(row.updated_at) ?? '',
    ...versionView(row, utcOffset),
  };
}

/**
 * The embedding, then the BM25 fields (analysed tokens, space-separated: joinSearchTokens) of each chunk, as the last
 * three insert parameters. Each chunk is analysed once. No tsvector any more (migration 024): the lexical leg is the
 * in-process BM25 index over these fields, and writing a column nothing read, with its GIN index, was a large share
 * of a write.
 */
function withSearchColumns(items: readonly { document: PreparedDocument; chunk: Chunk }[], vectors: readonly string[]): [string[], string[], string[]] {
  const analysed = items.map(({ document, chunk }) => {
    const fields = chunk.fields ?? { heading: chunk.headingPath.join('\n'), body: chunk.text };
    return analyzeSearchFields({ title: document.title, kind: document.kind, heading: fields.heading, body: fields.body });
  });
  return [
    [...vectors],
    analysed.map((fields) => joinSearchTokens(fields.headingTerms)),
    analysed.map((fields) => joinSearchTokens(fields.bodyTerms)),
  ];
}

/** The days of date-only bounds, beside the instants the version's insert stored. */
async function recordEffectiveDays(transaction: Queryable, items: readonly { documentId: string; version: number; document: PreparedDocument }[]): Promise<void> {
  const dated = items.filter((item) => item.document.effectiveFromDay !== null || item.document.effectiveUntilDay !== null);
  if (dated.length === 0) return;
  await transaction.query(
    `update document_versions v set effective_from_day = data.from_day, effective_until_day = data.until_day
       from unnest($1::uuid[], $2::int[], $3::date[], $4::date[]) as data(document_id, version, from_day, until_day)
      where v.document_id = data.document_id and v.version = data.version`,
    [dated.map((item) => item.documentId), dated.map((item) => item.version), dated.map((item) => item.document.effectiveFromDay), dated.map((item) => item.document.effectiveUntilDay)],
  );
}

async function insertChunks(transaction: Queryable, documentId: string, version: number, prepared: PreparedDocument, vectors: string[]): Promise<void> {
  for (let start = 0; start < prepared.chunks.length; start += chunkInsertBatch) {
    const batch = prepared.chunks.slice(start, start + chunkInsertBatch);
    await transaction.query(
      `insert into chunks (id, document_id, version, ordinal, text, heading_path, kind, product, language, status, effective_from,
         effective_until, retired, embedding, heading_tokens, body_tokens)
       select data.id, $1, $2, data.ordinal, data.text, data.heading_path::text[], $3, $4, $5, $6, $7, $8, false,
              data.embedding::sparsevec::vector, data.heading_tokens, data.body_tokens
         from unnest($9::uuid[], $10::int[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[])
           as data(id, ordinal, text, heading_path, embedding, heading_tokens, body_tokens)`,
      [
        documentId,
        version,
        prepared.kind,
        prepared.product,
        prepared.language,
        prepared.status,
        prepared.effectiveFrom,
        prepared.effectiveUntil,
        batch.map(() => randomUUID()),
        batch.map((chunk) => chunk.ordinal),
        batch.map((chunk) => chunk.text),
        batch.map((chunk) => toTextArrayLiteral(chunk.headingPath)),
        ...withSearchColumns(batch.map((chunk) => ({ document: prepared, chunk })), batch.map((_, index) => vectors[start + index] ?? '')),
      ],
    );
  }
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    throw new IngestError('invalid_encoding', 'the body is not valid UTF-8', { field: 'body' });
  }
}

/** The phrasings after an edit; every problem names the offending entry (`questions.2`) for the caller to fix. */
function nextQuestions(current: readonly string[], changes: readonly string[], action: 'add' | 'remove'): string[] {
  if (changes.length === 0) throw new IngestError('no_questions', 'give at least one question', { field: 'questions' });
  const existing = new Map(current.map((question) => [questionKey(question), question]));
  const seen = new Set<string>();
  changes.forEach((question, index) => {
    const field = `questions.${index}`;
    const key = questionKey(question);
    if (question.trim() === '' || key === '') throw new IngestError('empty_question', `questions[${index}] has no words`, { field });
    if (question.length > maximumQuestionCharacters) {
      throw new IngestError('question_too_long', `questions[${index}] is longer than ${maximumQuestionCharacters} characters`, { field });
    }
    const unsafe = findUnsafeText(question, field);
    if (unsafe) throw new IngestError('invalid_question', `questions[${index}] ${unsafe.message}`, { field });
    if (seen.has(key)) throw new IngestError('duplicate_question', `questions[${index}] repeats an earlier entry of this request`, { field });
    seen.add(key);
    if (action === 'add' && existing.has(key)) {
      throw new IngestError('duplicate_question', `questions[${index}] is already a phrasing of this document ('${existing.get(key)}')`, { field });
    }
    if (action === 'remove' && !existing.has(key)) throw new IngestError('unknown_question', `questions[${index}] is not a phrasing of this document`, { field });
  });
  if (action === 'add') return [...current, ...changes.map((question) => question.trim())];
  const remaining = current.filter((question) => !seen.has(questionKey(question)));
  if (remaining.length === 0) throw new IngestError('no_questions_left', 'a FAQ row keeps at least one question: this would remove them all', { field: 'questions' });
  return remaining;
}
