import type { Database } from '../db/database.js';
import { toVectorLiteral } from '../db/vector-literal.js';
import type { DocumentKind } from '../knowledge/document-input.js';
import { embedQueries, type Embedder } from '../llm/embedder.js';
import { searchTokens } from '../text/segment-text.js';
import type { Bm25Parameters, LexicalRanking } from './bm25-index.js';
import { SearchIndexSync } from './search-index-sync.js';
import { queryVectorOf, type QueryVector } from './chunk-vectors.js';
import { fuseLegs } from './fuse-legs.js';
import { matchFeaturesOf, namingLines } from './rerank-features.js';
import { embedderModel, loadRetrievalModel, type EmbedderRetrievalModel, type RetrievalModel } from './retrieval-model.js';

export interface SearchQuery {
  query: string;
  topK?: number;
  kinds?: readonly DocumentKind[];
  product?: string;
  language?: 'zh' | 'en';
  asOf?: Date;
  /** Hybrid by default; one leg alone for the bench and for hit testing. */
  mode?: 'hybrid' | 'lexical' | 'vector';
  /** Adds each leg's rank and score and the matched query tokens to every result (hit testing). */
  explain?: boolean;
  /**
   * A shadow view for the publish gate: this version of this document stands in for whatever of the document
   * would be retrievable (whatever its status or effective dates), every other document as usual. Nothing is copied.
   */
  overlay?: SearchOverlay;
}

export interface SearchOverlay {
  documentId: string;
  version: number;
}

export interface SearchExplanation {
  lexical: { rank: number; score: number; matchedTokens: string[] } | null;
  vector: { rank: number; similarity: number } | null;
  fusedScore: number;
}

export interface SearchResult {
  chunkId: string;
  documentId: string;
  externalId: string;
  version: number;
  title: string;
  kind: DocumentKind;
  text: string;
  score: number;
  /** Fitted probability (0-1) that this result answers the query: use it instead of a hand-set score cut-off. */
  confidence: number;
  heading?: string;
  headingPath: string[];
  product?: string;
  language: string;
  explain?: SearchExplanation;
}

export interface SearchResponse {
  results: SearchResult[];
  tookMs: number;
  /** Query tokens most of the knowledge base holds (they say little): the suggestion pipeline judges relevance without them. */
  commonTokens?: string[];
  /** With explain: the analysed query tokens. */
  queryTokens?: string[];
}

/**
 * What may be retrieved at $3: an approved, unretired chunk whose version is effective then and is not
 * shadowed by a later approved version of the same document that is also effective then. The later-version
 * rule lets a knowledge owner schedule a new rate sheet: the old version serves until the new one starts.
 * The in-process BM25 index applies the same condition (Bm25Index.retrievable).
 */
const retrievable = (alias: string) => `
  ${alias}.status = 'approved' and not ${alias}.retired
  and (${alias}.effective_from is null or ${alias}.effective_from <= $2)
  and (${alias}.effective_until is null or ${alias}.effective_until > $2)
  and ($3::text[] is null or ${alias}.kind = any($3::text[]))
  and ($4::text is null or ${alias}.product = $4)
  and ($5::text is null or ${alias}.language = $5)
  and not exists (
    select 1 from document_versions later
     where later.document_id = ${alias}.document_id and later.version > ${alias}.version and later.status = 'approved'
       and (later.effective_from is null or later.effective_from <= $2)
       and (later.effective_until is null or later.effective_until > $2))`;

/**
 * The shadow view of the publish gate: the overlaid document ($8) is its version $9 alone, whatever its status
 * and dates; every other document as `retrievable`. A separate statement, so the live path's plan is untouched.
 */
const retrievableWithOverlay = (alias: string) => `
  ((${alias}.document_id <> $8::uuid and ${retrievable(alias)})
   or (${alias}.document_id = $8::uuid and ${alias}.version = $9::int and not ${alias}.retired
       and ($3::text[] is null or ${alias}.kind = any($3::text[]))
       and ($4::text is null or ${alias}.product = $4)
       and ($5::text is null or ${alias}.language = $5)))`;

/**
 * One round trip: the vector leg (pgvector over the HNSW index, filtered inside), the rows of its candidates and
 * of the lexical leg's (ranked in process, already filtered), and the latest search-index change id, so a replica
 * whose index is behind a committed write notices and catches up before answering. The candidates' cosine
 * distances are computed in process from the vectors the index holds (ChunkVectors): asking for them here made
 * the database detoast every candidate's stored vector, most of this statement's time.
 */
const searchStatement = (condition: (alias: string) => string) => `
with vector_leg as (
  select c.id from chunks c
   where $1::vector is not null and ${condition('c')}
   order by c.embedding <=> $1::vector
   limit $6
), candidates as (
  select id, bool_or(nearest) as nearest
    from (select id, true as nearest from vector_leg union all select unnest($7::uuid[]), false) as proposed
   group by id
), latest as (
  select coalesce(max(id), 0) as change_id from search_index_changes
)
select latest.change_id, c.id as chunk_id, c.document_id, d.external_id, c.version, ver.title, c.kind, c.text, c.heading_path, c.product,
       c.language, k.nearest
  from latest
  left join candidates k on true
  left join chunks c on c.id = k.id
  left join documents d on d.id = c.document_id
  left join document_versions ver on ver.document_id = c.document_id and ver.version = c.version`;

const searchSql = searchStatement(retrievable);
const overlaySearchSql = searchStatement(retrievableWithOverlay);

interface Row {
  change_id: number | string;
  chunk_id: string | null;
  document_id: string;
  external_id: string;
  version: number;
  title: string;
  kind: DocumentKind;
  text: string;
  heading_path: string[];
  product: string | null;
  language: string;
  nearest: boolean | null;
}

/** A token in more than this share of the chunks is reported as common (for the suggestion pipeline's relevance check). */
const commonShare = 0.05;
const commonMinimumDocuments = 50;
const cacheEntries = 500;

export interface HybridSearchOptions {
  cacheMilliseconds?: number;
  /** The fitted parameters; the file beside this module by default. */
  model?: RetrievalModel;
  onError?: (error: unknown) => void;
  /**
   * Where the candidates' cosine distances are computed: from the vectors held in process (the default, same
   * numbers), or by the database for every candidate (the earlier way; bench/search-equivalence-bench.ts compares).
   */
  vectorDistances?: 'in-process' | 'database';
}

export class HybridSearch {
  readonly #database: Database;
  readonly #embedder: Embedder;
  readonly #index: SearchIndexSync;
  readonly #bm25: Bm25Parameters;
  readonly #legs: EmbedderRetrievalModel;
  readonly #cache = new Map<string, { until: number; changeId: number; response: SearchResponse }>();
  readonly #cacheMilliseconds: number;
  readonly #distancesInProcess: boolean;

  /**
   * `cacheMilliseconds` (default 0, off) keeps "as of now" results that long; whoever turns it on must call
   * `invalidateStatistics()` on every knowledge write (compose.ts does), which clears the cache.
   */
  constructor(database: Database, embedder: Embedder, options: HybridSearchOptions = {}) {
    this.#database = database;
    this.#embedder = embedder;
    const model = options.model ?? loadRetrievalModel();
    this.#bm25 = model.bm25;
    this.#legs = embedderModel(model, embedder.id);
    this.#cacheMilliseconds = options.cacheMilliseconds ?? 0;
    this.#distancesInProcess = (options.vectorDistances ?? 'in-process') === 'in-process';
    this.#index = new SearchIndexSync(database, options.onError ? { onError: options.onError } : {});
  }

  /** Listens for other replicas' knowledge writes so the index catches up before the next search needs it. */
  start(): Promise<void> {
    return this.#index.start();
  }

  stop(): Promise<void> {
    return this.#index.stop();
  }

  /** Brings the in-process BM25 index up to date with the database (a full load the first time). */
  async refreshStatistics(): Promise<void> {
    await this.#index.catchUp();
  }

  /** The BM25 index's live counts (passages, and passages per token): how rare a query's words are in the base. */
  termStatistics(): { documents: number; documentFrequency(token: string): number } {
    const index = this.#index.index;
    return { documents: index.size, documentFrequency: (token) => index.documentFrequency(token) };
  }

  /** After a local knowledge write: clears cached results and catches the index up in the background. */
  invalidateStatistics(): void {
    this.#cache.clear();
    this.#index.catchUpSoon();
  }

  /**
   * Searches "as of now" are cached for a few seconds: the knowledge cards pushed for a customer turn and the
   * suggestion requested right after it run the same query (and the query embedding, a provider call, is saved).
   * A cached answer is used only while no knowledge write has been committed since it was computed (one read of
   * the latest change id, whichever replica wrote): a write elsewhere is seen at the next search, not when a
   * NOTIFY or a poll arrives. Only an effective date passing can be seen late, by at most the cache's lifetime.
   */
  async search(query: SearchQuery): Promise<SearchResponse> {
    if (query.asOf || query.explain || query.overlay || this.#cacheMilliseconds <= 0) return (await this.#search(query)).response;
    const key = JSON.stringify([query.query, query.topK ?? 5, query.kinds ?? null, query.product ?? null, query.language ?? null, query.mode ?? 'hybrid']);
    const cached = this.#cache.get(key);
    if (cached && cached.until > Date.now() && (await this.#latestChange()) <= cached.changeId) {
      return { ...cached.response, results: cached.response.results.map((result) => ({ ...result })), tookMs: 0 };
    }
    const { response, changeId } = await this.#search(query);
    if (this.#cache.size >= cacheEntries) this.#cache.delete(this.#cache.keys().next().value as string);
    this.#cache.set(key, { until: Date.now() + this.#cacheMilliseconds, changeId, response });
    return response;
  }

  async #latestChange(): Promise<number> {
    const result = await this.#database.query<{ change_id: number | string }>('select coalesce(max(id), 0) as change_id from search_index_changes');
    return Number(result.rows[0]?.change_id ?? 0);
  }

  /**
   * The cosine distance of each candidate, from the vectors held in process; a candidate written after the index
   * last caught up (another writer committed during this search) is asked of the database instead.
   */
  async #distances(query: QueryVector, literal: string, chunkIds: readonly string[]): Promise<Map<string, number>> {
    const { distances, unknown } = this.#distancesInProcess ? this.#index.vectors.distances(query, chunkIds) : { distances: new Map<string, number>(), unknown: [...chunkIds] };
    if (unknown.length === 0) return distances;
    const result = await this.#database.query<{ id: string; distance: number | string | null }>(
      'select id, embedding <=> $1::vector as distance from chunks where id = any($2::uuid[])',
      [literal, unknown],
    );
    for (const row of result.rows) if (row.distance !== null) distances.set(row.id, Number(row.distance));
    return distances;
  }

  async #search(query: SearchQuery): Promise<{ response: SearchResponse; changeId: number }> {
    const started = performance.now();
    const topK = query.topK ?? 5;
    const mode = query.mode ?? 'hybrid';
    // Each leg hands fusion more candidates than topK so it has something to reorder.
    const candidates = Math.max(topK * 4, 30);
    const asOf = query.asOf ?? new Date();
    const filter = {
      asOf: asOf.getTime(),
      ...(query.kinds && query.kinds.length > 0 ? { kinds: query.kinds } : {}),
      ...(query.product !== undefined ? { product: query.product } : {}),
      ...(query.language !== undefined ? { language: query.language } : {}),
      ...(query.overlay ? { overlay: query.overlay } : {}),
    };
    const analysed = [...new Set(searchTokens(query.query))];
    // Punctuation, emoji, symbols: nothing to match in either leg (an empty text embeds to a meaningless vector).
    if (analysed.length === 0) return { response: { results: [], tookMs: Math.round((performance.now() - started) * 100) / 100, ...(query.explain ? { queryTokens: [] } : {}) }, changeId: 0 };
    const terms = mode === 'vector' ? [] : analysed;
    const queryValues = mode === 'lexical' ? null : ((await embedQueries(this.#embedder, [query.query]))[0] ?? []);
    const vector = queryValues === null ? null : toVectorLiteral(queryValues);
    await this.#index.ready();

    let lexical: LexicalRanking | undefined;
    let rows: Row[] = [];
    let changeId = 0;
    // A second pass only when another writer committed after the index last caught up.
    for (let attempt = 0; attempt < 2; attempt += 1) {
      lexical = terms.length > 0 ? this.#index.index.rank(terms, filter, this.#bm25, candidates) : undefined;
      const result = await this.#database.query<Row>(query.overlay ? overlaySearchSql : searchSql, [
        vector,
        asOf.toISOString(),
        filter.kinds ? [...filter.kinds] : null,
        query.product ?? null,
        query.language ?? null,
        candidates,
        (lexical?.top ?? []).map((hit) => hit.chunkId),
        ...(query.overlay ? [query.overlay.documentId, query.overlay.version] : []),
      ]);
      rows = result.rows;
      changeId = Number(rows[0]?.change_id ?? 0);
      if (changeId <= this.#index.watermark || attempt === 1) break;
      await this.#index.catchUp();
    }

    const byChunk = new Map(rows.filter((row) => row.chunk_id !== null).map((row) => [row.chunk_id as string, row]));
    const distances = queryValues === null ? new Map<string, number>() : await this.#distances(queryVectorOf(queryValues), vector!, [...byChunk.keys()]);
    const lexicalRank = lexical?.lookup(byChunk.keys()) ?? new Map<string, never>();
    const vectorRanked = [...byChunk.values()]
      .filter((row) => row.nearest === true && distances.has(row.chunk_id!))
      .sort((left, right) => distances.get(left.chunk_id!)! - distances.get(right.chunk_id!)! || (left.chunk_id! < right.chunk_id! ? -1 : 1));
    const vectorRank = new Map(vectorRanked.map((row, index) => [row.chunk_id as string, index + 1]));
    const fused = fuseLegs(
      [...byChunk.values()].map((row) => {
        const id = row.chunk_id as string;
        const lexical = lexicalRank.get(id);
        const rankInVector = vectorRank.get(id);
        // The learned re-ranking reads how query and chunk cover each other; only hybrid search re-ranks.
        const match = mode === 'hybrid' && this.#legs.rerank ? matchFeaturesOf(this.#index.index, id, analysed, query.query, namingLines({ kind: row.kind, text: row.text, title: row.title, headingPath: row.heading_path ?? [] })) : undefined;
        const distance = distances.get(id);
        return { id, ...(lexical ? { lexical } : {}), ...(rankInVector !== undefined ? { vectorRank: rankInVector } : {}), similarity: distance === undefined ? 0 : 1 - distance, ...(match ? { match } : {}) };
      }),
      { mode, fusion: this.#legs.fusion, confidence: this.#legs.confidence, lexicalTop: lexical?.top[0]?.score ?? 0, depth: candidates, topK, ...(this.#legs.rerank ? { rerank: this.#legs.rerank } : {}) },
    );
    const best = fused[0]?.fused ?? 0;
    const results = fused.map((entry): SearchResult => {
      const row = byChunk.get(entry.id)!;
      const headingPath = row.heading_path ?? [];
      return {
        chunkId: entry.id,
        documentId: row.document_id,
        externalId: row.external_id,
        version: Number(row.version),
        title: row.title,
        kind: row.kind,
        text: row.text,
        // Relative to the best result of this search: 1 for the first, comparable within one response only.
        score: best > 0 ? round(entry.fused / best) : 0,
        confidence: round(entry.confidence),
        ...(headingPath.length > 0 ? { heading: headingPath.join(' > ') } : {}),
        headingPath,
        ...(row.product ? { product: row.product } : {}),
        language: row.language,
        ...(query.explain
          ? {
              explain: {
                lexical: entry.lexical
                  ? { rank: entry.lexical.rank, score: round(entry.lexical.hit.score), matchedTokens: this.#index.index.matchedTerms(entry.id, terms) }
                  : null,
                vector: entry.vectorRank !== undefined ? { rank: entry.vectorRank, similarity: round(entry.similarity) } : null,
                fusedScore: round(entry.fused),
              },
            }
          : {}),
      };
    });
    const commonAbove = Math.max(commonMinimumDocuments, this.#index.index.size * commonShare);
    const commonTokens = terms.filter((term) => this.#index.index.documentFrequency(term) > commonAbove);
    const response: SearchResponse = {
      results,
      tookMs: Math.round((performance.now() - started) * 100) / 100,
      ...(commonTokens.length > 0 ? { commonTokens } : {}),
      ...(query.explain ? { queryTokens: terms } : {}),
    };
    return { response, changeId };
  }
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
