import type { Database } from '../db/database.js';
import { toVectorLiteral } from '../db/vector-literal.js';
import type { DocumentKind } from '../knowledge/document-input.js';
import type { Embedder } from '../llm/embedder.js';
import { tokensToTsquery } from '../text/lexical-vector.js';
import { lexicalTokens } from '../text/segment-text.js';

export interface SearchQuery {
  query: string;
  topK?: number;
  kinds?: readonly DocumentKind[];
  product?: string;
  language?: 'zh' | 'en';
  asOf?: Date;
  /** Lexical only, no vector leg: the baseline the bench compares against. */
  mode?: 'hybrid' | 'lexical' | 'vector';
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
  heading?: string;
  headingPath: string[];
  product?: string;
  language: string;
}

export interface SearchResponse {
  results: SearchResult[];
  tookMs: number;
  /** Query tokens left out of the lexical leg because most of the base contains them (they say nothing). */
  commonTokens?: string[];
}

/** Reciprocal rank fusion constant (Cormack et al.): 60 damps the head of each list without flattening it. */
const fusionK = 60;

/**
 * What may be retrieved at $asOf: an approved, unretired chunk whose version is effective then and is not
 * shadowed by a later approved version of the same document that is also effective then. The later-version
 * rule lets a knowledge owner schedule a new rate sheet: the old version serves until the new one starts.
 */
const retrievable = (alias: string) => `
  ${alias}.status = 'approved' and not ${alias}.retired
  and (${alias}.effective_from is null or ${alias}.effective_from <= $3)
  and (${alias}.effective_until is null or ${alias}.effective_until > $3)
  and ($4::text[] is null or ${alias}.kind = any($4::text[]))
  and ($5::text is null or ${alias}.product = $5)
  and ($6::text is null or ${alias}.language = $6)
  and not exists (
    select 1 from document_versions later
     where later.document_id = ${alias}.document_id and later.version > ${alias}.version and later.status = 'approved'
       and (later.effective_from is null or later.effective_from <= $3)
       and (later.effective_until is null or later.effective_until > $3))`;

/**
 * One statement, two legs: pgvector cosine over the HNSW index and a lexical OR query over app-segmented
 * tokens, each filtered inside, fused by reciprocal rank. One database round trip per search.
 */
const hybridSql = `
with vector_leg as (
  select id, row_number() over (order by distance, id) as rank from (
    select c.id, c.embedding <=> $1::vector as distance from chunks c
     where $1::vector is not null and ${retrievable('c')}
     order by c.embedding <=> $1::vector
     limit $7) as nearest
), lexical_leg as (
  select id, row_number() over (order by lexical_rank desc, id) as rank from (
    select c.id, ts_rank(c.lexical, $2::tsquery) as lexical_rank from chunks c
     where $2::tsquery is not null and c.lexical @@ $2::tsquery and ${retrievable('c')}
     order by lexical_rank desc
     limit $7) as matched
), fused as (
  select coalesce(v.id, l.id) as id,
         coalesce(1.0 / (${fusionK} + v.rank), 0) + coalesce(1.0 / (${fusionK} + l.rank), 0) as score
    from vector_leg v full outer join lexical_leg l on v.id = l.id
), top as (
  select id, score from fused order by score desc, id limit $8
)
select c.id as chunk_id, c.document_id, d.external_id, c.version, ver.title, c.kind, c.text, c.heading_path, c.product, c.language, t.score
  from top t
  join chunks c on c.id = t.id
  join documents d on d.id = c.document_id
  join document_versions ver on ver.document_id = c.document_id and ver.version = c.version
 order by t.score desc, c.id`;

interface Row {
  chunk_id: string;
  document_id: string;
  external_id: string;
  version: number;
  title: string;
  kind: DocumentKind;
  text: string;
  heading_path: string[];
  product: string | null;
  language: string;
  score: number | string;
}

/** A token in more than this share of the chunks is too common to rank by (an IDF close to zero). */
const commonShare = 0.05;
const commonMinimumDocuments = 50;
/**
 * The rarest query tokens carry the ranking; past this many, more tokens mostly make Postgres rank more rows
 * (at 10,000 chunks, 12 tokens cost about four times what 8 do).
 */
const defaultMaxQueryTokens = 8;
const cacheEntries = 500;

export class HybridSearch {
  readonly #database: Database;
  readonly #embedder: Embedder;
  /** How many unretired chunks hold each lexeme; empty until the first refresh. */
  #documentFrequency: ReadonlyMap<string, number> = new Map();
  #commonAbove = Number.POSITIVE_INFINITY;
  #refreshing: Promise<void> | undefined;
  #stale = true;
  #timer: NodeJS.Timeout | undefined;
  readonly #cache = new Map<string, { until: number; response: SearchResponse }>();

  readonly #maxQueryTokens: number;

  readonly #cacheMilliseconds: number;

  /**
   * `cacheMilliseconds` (default 0, off) keeps "as of now" results that long; whoever turns it on must call
   * `invalidateStatistics()` on every knowledge write (compose.ts does), which also clears the cache.
   */
  constructor(database: Database, embedder: Embedder, options: { maxQueryTokens?: number; cacheMilliseconds?: number } = {}) {
    this.#database = database;
    this.#embedder = embedder;
    this.#maxQueryTokens = options.maxQueryTokens ?? defaultMaxQueryTokens;
    this.#cacheMilliseconds = options.cacheMilliseconds ?? 0;
  }

  /**
   * Recomputes each lexeme's document frequency. It scans every chunk's tsvector (about 0.3 s at 10,000
   * chunks), so it runs in the background after the knowledge base changed, never on a search.
   */
  async refreshStatistics(): Promise<void> {
    this.#stale = false;
    const total = await this.#database.query<{ n: string }>('select count(*) as n from chunks where not retired');
    const result = await this.#database.query<{ word: string; ndoc: number }>(`select word, ndoc from ts_stat('select lexical from chunks where not retired')`);
    this.#documentFrequency = new Map(result.rows.map((row) => [row.word, Number(row.ndoc)]));
    this.#commonAbove = Math.max(commonMinimumDocuments, Number(total.rows[0]?.n ?? 0) * commonShare);
    // Results cached meanwhile were ranked without the new words (unknown tokens are dropped): not for 5 s more.
    this.#cache.clear();
  }

  /**
   * The lexical leg's tokens, IDF-pruned: tokens no chunk holds cannot match and are dropped; tokens most chunks
   * hold rank nothing and are dropped (unless nothing else is left); of the rest the rarest are kept. Before the
   * first statistics refresh every token is used.
   */
  #lexicalQuery(text: string): { tsquery: string | null; commonTokens: string[] } {
    const tokens = [...new Set(lexicalTokens(text))];
    if (this.#documentFrequency.size === 0) return { tsquery: tokensToTsquery(tokens.slice(0, 48)), commonTokens: [] };
    const frequency = (token: string) => this.#documentFrequency.get(token) ?? 0;
    const present = tokens.filter((token) => frequency(token) > 0);
    const commonTokens = present.filter((token) => frequency(token) > this.#commonAbove);
    const specific = present.filter((token) => frequency(token) <= this.#commonAbove).sort((left, right) => frequency(left) - frequency(right));
    const chosen = (specific.length > 0 ? specific : commonTokens).slice(0, this.#maxQueryTokens);
    return { tsquery: tokensToTsquery(chosen), commonTokens };
  }

  /** Marks the statistics stale; they are refreshed a second later, once a burst of writes has settled. */
  invalidateStatistics(): void {
    this.#stale = true;
    this.#cache.clear();
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#refreshInBackground(), 1_000);
    this.#timer.unref();
  }

  #refreshInBackground(): void {
    if (this.#refreshing) return;
    this.#refreshing = this.refreshStatistics()
      .catch(() => {
        this.#stale = true;
      })
      .finally(() => {
        this.#refreshing = undefined;
      });
  }

  /**
   * Searches "as of now" are cached for a few seconds: the knowledge cards pushed for a customer turn and the
   * suggestion requested right after it run the same query. Any knowledge write clears the cache, so only an
   * effective date passing can be seen late, by at most the cache's lifetime.
   */
  async search(query: SearchQuery): Promise<SearchResponse> {
    if (query.asOf || this.#cacheMilliseconds <= 0) return this.#search(query);
    const key = JSON.stringify([query.query, query.topK ?? 5, query.kinds ?? null, query.product ?? null, query.language ?? null, query.mode ?? 'hybrid']);
    const cached = this.#cache.get(key);
    if (cached && cached.until > Date.now()) {
      return { ...cached.response, results: cached.response.results.map((result) => ({ ...result })), tookMs: 0 };
    }
    const response = await this.#search(query);
    if (this.#cache.size >= cacheEntries) this.#cache.delete(this.#cache.keys().next().value as string);
    this.#cache.set(key, { until: Date.now() + this.#cacheMilliseconds, response });
    return response;
  }

  async #search(query: SearchQuery): Promise<SearchResponse> {
    const started = performance.now();
    const topK = query.topK ?? 5;
    const mode = query.mode ?? 'hybrid';
    // Each leg looks deeper than topK so fusion has something to reorder.
    const candidates = Math.max(topK * 4, 40);
    const vector = mode === 'lexical' ? null : toVectorLiteral((await this.#embedder.embed([query.query]))[0] ?? []);
    if (this.#stale) this.#refreshInBackground();
    const { tsquery, commonTokens } = mode === 'vector' ? { tsquery: null, commonTokens: [] } : this.#lexicalQuery(query.query);
    const result = await this.#database.query<Row>(hybridSql, [
      vector,
      tsquery,
      (query.asOf ?? new Date()).toISOString(),
      query.kinds && query.kinds.length > 0 ? [...query.kinds] : null,
      query.product ?? null,
      query.language ?? null,
      candidates,
      topK,
    ]);
    return {
      results: result.rows.map((row) => {
        const headingPath = row.heading_path ?? [];
        return {
          chunkId: row.chunk_id,
          documentId: row.document_id,
          externalId: row.external_id,
          version: Number(row.version),
          title: row.title,
          kind: row.kind,
          text: row.text,
          // RRF scores are tiny (<= 2/61); scale so a chunk first in both legs scores 1.
          score: Math.round((Number(row.score) * (fusionK + 1)) / 2 * 10_000) / 10_000,
          ...(headingPath.length > 0 ? { heading: headingPath.join(' > ') } : {}),
          headingPath,
          ...(row.product ? { product: row.product } : {}),
          language: row.language,
        };
      }),
      tookMs: Math.round((performance.now() - started) * 100) / 100,
      ...(commonTokens.length > 0 ? { commonTokens } : {}),
    };
  }
}
