import type { Database } from '../db/database.js';
import type { DocumentKind } from '../knowledge/document-input.js';
import { searchFieldsFromText, splitSearchTokens } from '../text/search-fields.js';
import { Bm25Index, type IndexedChunk, type IndexedVersion } from './bm25-index.js';
import { ChunkVectors, vectorFromBinary } from './chunk-vectors.js';
import { HeldChunkRows, type HeldChunkRow } from './held-chunk-rows.js';

const changeChannel = 'search_index_changes';
/** Change notes older than this are pruned; a replica further behind than that reloads everything. */
const changeRetention = '1 day';

interface ChunkRow {
  id: string;
  document_id: string;
  version: number;
  kind: DocumentKind;
  product: string | null;
  language: string;
  status: string;
  effective_from: Date | string | null;
  effective_until: Date | string | null;
  retired: boolean;
  /** The analysed fields, space-separated (migration 024); null on chunks written before it. */
  heading_tokens: string | null;
  body_tokens: string | null;
  heading_terms: string[] | null;
  body_terms: string[] | null;
  /** Returned by searches; for chunks stored before migration 006 (no terms) the fields are analysed from them too. */
  text: string;
  heading_path: string[] | null;
  title: string;
  external_id: string;
  /** pgvector's binary form (vector_send), null for a chunk not embedded. */
  embedding: Uint8Array | null;
}

interface VersionRow {
  document_id: string;
  version: number;
  status: string;
  effective_from: Date | string | null;
  effective_until: Date | string | null;
}

function time(value: Date | string | null): number | null {
  return value === null ? null : new Date(value).getTime();
}

const chunkColumns = `c.id, c.document_id, c.version, c.kind, c.product, c.language, c.status, c.effective_from, c.effective_until, c.retired,
  c.heading_tokens, c.body_tokens,
  case when c.heading_tokens is null then c.heading_terms end as heading_terms, case when c.body_tokens is null then c.body_terms end as body_terms,
  c.text, c.heading_path, v.title, d.external_id,
  vector_send(c.embedding) as embedding`;
const chunkTables = `chunks c join document_versions v on v.document_id = c.document_id and v.version = c.version join documents d on d.id = c.document_id`;

/**
 * Keeps this replica's BM25 index equal to the database. Writes to `chunks` are noted in `search_index_changes`
 * by a trigger (migration 006), whoever wrote them; the index reloads exactly the documents noted since its
 * watermark. It catches up when told (a local write, a NOTIFY from another replica) and whenever a search sees
 * a newer change id than its watermark, so a committed write is never missed.
 */
export class SearchIndexSync {
  readonly index = new Bm25Index();
  /** The chunks' embeddings and rows, kept with the index (same loads, same watermark) for a search's candidates. */
  readonly vectors = new ChunkVectors();
  readonly rows = new HeldChunkRows();
  #watermark = -1;
  #catchingUp: Promise<void> | undefined;
  #again = false;
  #unlisten: (() => Promise<void>) | undefined;
  readonly #database: Database;
  readonly #onError: (error: unknown) => void;

  constructor(database: Database, options: { onError?: (error: unknown) => void } = {}) {
    this.#database = database;
    this.#onError = options.onError ?? (() => undefined);
  }

  /** The latest change id the index reflects; -1 before the first load. */
  get watermark(): number {
    return this.#watermark;
  }

  async start(): Promise<void> {
    this.#unlisten ??= await this.#database.listen(changeChannel, () => this.catchUpSoon());
    await this.catchUp();
  }

  async stop(): Promise<void> {
    const unlisten = this.#unlisten;
    this.#unlisten = undefined;
    await unlisten?.();
  }

  /** Waits for the first load (later searches use the index as it is and catch up on a newer change id). */
  async ready(): Promise<void> {
    if (this.#watermark < 0) await this.catchUp();
  }

  catchUpSoon(): void {
    this.catchUp().catch(this.#onError);
  }

  /** One catch-up at a time; a request during one runs another right after it, which sees the newer changes. */
  catchUp(): Promise<void> {
    if (this.#catchingUp) {
      this.#again = true;
      return this.#catchingUp;
    }
    this.#catchingUp = (async () => {
      try {
        do {
          this.#again = false;
          await this.#catchUpOnce();
        } while (this.#again);
      } finally {
        this.#catchingUp = undefined;
      }
    })();
    return this.#catchingUp;
  }

  async #catchUpOnce(): Promise<void> {
    const bounds = await this.#database.query<{ low: string | null; high: string | null }>('select min(id) as low, max(id) as high from search_index_changes');
    const high = Number(bounds.rows[0]?.high ?? 0);
    const low = Number(bounds.rows[0]?.low ?? 0);
    if (high <= this.#watermark) return;
    // Never loaded, or notes this replica has not seen were pruned: everything is read again.
    if (this.#watermark < 0 || (low > this.#watermark + 1 && this.#watermark > 0)) {
      await this.#loadAll();
      this.#watermark = high;
      await this.#database.query(`delete from search_index_changes where changed_at < now() - interval '${changeRetention}' and id < $1`, [high]);
      return;
    }
    const changed = await this.#database.query<{ document_id: string }>('select distinct document_id from search_index_changes where id > $1 and id <= $2', [this.#watermark, high]);
    await this.#loadDocuments(changed.rows.map((row) => row.document_id));
    this.#watermark = high;
  }

  async #loadAll(): Promise<void> {
    const chunks = await this.#database.query<ChunkRow>(`select ${chunkColumns} from ${chunkTables}`);
    const versions = await this.#database.query<VersionRow>('select document_id, version, status, effective_from, effective_until from document_versions');
    this.index.clear();
    this.vectors.clear();
    this.rows.clear();
    this.#apply(chunks.rows, versions.rows, []);
  }

  async #loadDocuments(documentIds: readonly string[]): Promise<void> {
    if (documentIds.length === 0) return;
    const chunks = await this.#database.query<ChunkRow>(
      `select ${chunkColumns} from ${chunkTables} where c.document_id = any($1::uuid[])`,
      [documentIds],
    );
    const versions = await this.#database.query<VersionRow>('select document_id, version, status, effective_from, effective_until from document_versions where document_id = any($1::uuid[])', [documentIds]);
    this.#apply(chunks.rows, versions.rows, documentIds);
  }

  #apply(chunkRows: readonly ChunkRow[], versionRows: readonly VersionRow[], documentIds: readonly string[]): void {
    const chunksByDocument = new Map<string, IndexedChunk[]>(documentIds.map((id) => [id, []]));
    const vectorsByDocument = new Map<string, { id: string; embedding: Float32Array | null }[]>();
    const rowsByDocument = new Map<string, { id: string; row: HeldChunkRow }[]>();
    for (const row of chunkRows) {
      const fields =
        row.heading_tokens !== null && row.body_tokens !== null
          ? { headingTerms: splitSearchTokens(row.heading_tokens), bodyTerms: splitSearchTokens(row.body_tokens) }
          : row.heading_terms !== null && row.body_terms !== null
          ? { headingTerms: row.heading_terms, bodyTerms: row.body_terms }
          : searchFieldsFromText({ title: row.title ?? '', kind: row.kind, text: row.text ?? '', headingPath: row.heading_path ?? [] });
      const chunk: IndexedChunk = {
        id: row.id,
        documentId: row.document_id,
        version: Number(row.version),
        kind: row.kind,
        product: row.product,
        language: row.language,
        status: row.status,
        effectiveFrom: time(row.effective_from),
        effectiveUntil: time(row.effective_until),
        retired: row.retired,
        headingTerms: fields.headingTerms,
        bodyTerms: fields.bodyTerms,
      };
      const list = chunksByDocument.get(row.document_id);
      if (list) list.push(chunk);
      else chunksByDocument.set(row.document_id, [chunk]);
      const vector = { id: row.id, embedding: row.embedding === null ? null : vectorFromBinary(row.embedding) };
      const vectors = vectorsByDocument.get(row.document_id);
      if (vectors) vectors.push(vector);
      else vectorsByDocument.set(row.document_id, [vector]);
      const held = {
        id: row.id,
        row: { documentId: row.document_id, externalId: row.external_id, version: Number(row.version), title: row.title, kind: row.kind, text: row.text, headingPath: row.heading_path ?? [], product: row.product, language: row.language },
      };
      const rows = rowsByDocument.get(row.document_id);
      if (rows) rows.push(held);
      else rowsByDocument.set(row.document_id, [held]);
    }
    const versionsByDocument = new Map<string, IndexedVersion[]>();
    for (const row of versionRows) {
      const list = versionsByDocument.get(row.document_id) ?? [];
      list.push({ version: Number(row.version), status: row.status, effectiveFrom: time(row.effective_from), effectiveUntil: time(row.effective_until) });
      versionsByDocument.set(row.document_id, list);
    }
    for (const [documentId, chunks] of chunksByDocument) {
      this.index.replaceDocument(documentId, chunks, versionsByDocument.get(documentId) ?? []);
      this.vectors.replaceDocument(documentId, vectorsByDocument.get(documentId) ?? []);
      this.rows.replaceDocument(documentId, rowsByDocument.get(documentId) ?? []);
    }
  }
}
