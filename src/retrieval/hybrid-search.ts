import type { Database } from '../db/database.js';
import { toVectorLiteral } from '../db/vector-literal.js';
import type { DocumentKind } from '../knowledge/document-input.js';
import { embedQueries, type Embedder } from '../llm/embedder.js';
import { searchTokens } from '../text/segment-text.js';
import type { Bm25Parameters, LexicalRanking } from './bm25-index.js';
import { SearchIndexSync } from './search-index-sync.js';
import { queryVectorOf, type QueryVector } from './chunk-vectors.js';
import exactVectorLegFit from './exact-vector-leg.json' with { type: 'json' };
import type { HeldChunkRow } from './held-chunk-rows.js';
import { fuseLegs } from './fuse-legs.js';
import { namingLines, QueryMatcher } from './rerank-features.js';
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
const retrievableWithOverlay = (alias: string, documentParameter = '$8', versionParameter = '$9') => `
  ((${alias}.document_id <> ${documentParameter}::uuid and ${retrievable(alias)})
   or (${alias}.document_id = ${documentParameter}::uuid and ${alias}.version = ${versionParameter}::int and not ${alias}.retired
       and ($3::text[] is null or ${alias}.kind = any($3::text[]))
       and ($4::text is null or ${alias}.product = $4)
       and ($5::text is null or ${alias}.language = $5)))`;

/**
 * One round trip: the vector leg (pgvector over the HNSW index, filtered inside) and the latest search-index change
 * id, so a replica whose index is behind a committed write notices and catches up before answering. The rows and
 * cosine distances of both legs' candidates come from what the index holds (HeldChunkRows, ChunkVectors): asking
 * the database for them joined three tables and detoasted every candidate's stored vector, most of a search's time.
 */
/** The vector leg: the `$6` nearest retrievable chunks to the query vector `$1`, over the HNSW index. */
const vectorLeg = (condition: (alias: string) => string) => `vector_leg as (
  select c.id from chunks c
   where $1::vector is not null and ${condition('c')}
   order by c.embedding <=> $1::vector
   limit $6
)`;

const nearestStatement = (condition: (alias: string) => string) => `
with ${vectorLeg(condition)}, latest as (
  select coalesce(max(id), 0) as change_id from search_index_changes
)
select latest.change_id, v.id as chunk_id from latest left join vector_leg v on true`;

const nearestSql = nearestStatement(retrievable);
/** The index search's statement (parameters as the service sends them), for bench/fit-exact-vector-leg.ts to time. */
export const hnswVectorLegSql = nearestSql;
const overlayNearestSql = nearestStatement((alias) => retrievableWithOverlay(alias, '$7', '$8'));

/** Rows and distances of chunks the index does not hold yet (written after it last caught up). */
const rowsByIdSql = `
select c.id as chunk_id, c.document_id, d.external_id, c.version, ver.title, c.kind, c.text, c.heading_path, c.product, c.language,
       case when $1::vector is null then null else c.embedding <=> $1::vector end as distance
  from chunks c
  join documents d on d.id = c.document_id
  join document_versions ver on ver.document_id = c.document_id and ver.version = c.version
 where c.id = any($2::uuid[])`;

/**
 * The earlier way, kept as the reference the in-process path is compared with (bench/search-equivalence-bench.ts):
 * the vector leg, the rows of both legs' candidates and each one's cosine distance, all from the database.
 */
const searchStatement = (condition: (alias: string) => string, leg = vectorLeg) => `
with ${leg(condition)}, candidates as (
  select id, bool_or(nearest) as nearest
    from (select id, true as nearest from vector_leg union all select unnest($7::uuid[]), false) as proposed
   group by id
), latest as (
  select coalesce(max(id), 0) as change_id from search_index_changes
)
select latest.change_id, c.id as chunk_id, c.document_id, d.external_id, c.version, ver.title, c.kind, c.text, c.heading_path, c.product,
       c.language, k.nearest, case when $1::vector is null then null else c.embedding <=> $1::vector end as distance
  from latest
  left join candidates k on true
  left join chunks c on c.id = k.id
  left join documents d on d.id = c.document_id
  left join document_versions ver on ver.document_id = c.document_id and ver.version = c.version`;

/**
 * The vector leg without the HNSW index: every retrievable chunk's distance, ordered by distance then chunk id (the
 * in-process exact leg's order). The scoring is fenced in a subquery (`offset 0`) so the planner cannot read the
 * order from the index and sort only the ties. A zero vector has no cosine distance and is left out, as the index does.
 */
const exactVectorLeg = (condition: (alias: string) => string) => `vector_leg as (
  select scored.id from (
    select c.id, c.embedding <=> $1::vector as distance from chunks c
     where $1::vector is not null and vector_norm($1::vector) > 0 and vector_norm(c.embedding) > 0 and ${condition('c')}
    offset 0
  ) scored
  order by scored.distance, scored.id
  limit $6
)`;

const searchSql = searchStatement(retrievable);
const overlaySearchSql = searchStatement(retrievableWithOverlay);
const exactSearchSql = searchStatement(retrievable, exactVectorLeg);
const exactOverlaySearchSql = searchStatement(retrievableWithOverlay, exactVectorLeg);

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
  distance: number | string | null;
}

/** A candidate of either leg: its row, whether the vector leg proposed it, and its cosine distance if it has one. */
interface Candidate extends HeldChunkRow {
  chunkId: string;
  nearest: boolean;
  distance: number | undefined;
}

function candidateOf(row: Omit<Row, 'change_id' | 'nearest'>, nearest: boolean): Candidate {
  return {
    chunkId: row.chunk_id!,
    documentId: row.document_id,
    externalId: row.external_id,
    version: Number(row.version),
    title: row.title,
    kind: row.kind,
    text: row.text,
    headingPath: row.heading_path ?? [],
    product: row.product,
    language: row.language,
    nearest,
    distance: row.distance === null ? undefined : Number(row.distance),
  };
}

/** The fitted budget of the exact vector leg (bench/fit-exact-vector-leg.ts), checked: a bad file stops the start-up. */
function exactVectorLegBudget(): number {
  const work: unknown = exactVectorLegFit.maximumWork;
  if (typeof work !== 'number' || !(work >= 0)) throw new RangeError(`exact-vector-leg.json: maximumWork must be a number >= 0, got ${String(work)}`);
  return work;
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
   * Where the candidates' rows and cosine distances come from: what the index holds in process (the default, the
   * same values), or the database for every candidate (the earlier way; bench/search-equivalence-bench.ts compares).
   */
  candidatesFrom?: 'index' | 'database';
  /**
   * The most multiply-adds the exact in-process vector leg may take before the HNSW statement is used instead; the
   * fitted exact-vector-leg.json by default (0: always the index search, Infinity: always exact).
   */
  exactVectorWork?: number;
}

export class HybridSearch {
  readonly #database: Database;
  readonly #embedder: Embedder;
  readonly #index: SearchIndexSync;
  readonly #bm25: Bm25Parameters;
  readonly #legs: EmbedderRetrievalModel;
  readonly #cache = new Map<string, { until: number; changeId: number; response: SearchResponse }>();
  readonly #cacheMilliseconds: number;
  #changeRead: Promise<number> | undefined;
  readonly #candidatesFromIndex: boolean;
  readonly #exactVectorWork: number;

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
    this.#candidatesFromIndex = (options.candidatesFrom ?? 'index') === 'index';
    this.#exactVectorWork = options.exactVectorWork ?? exactVectorLegBudget();
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
    let latest: number | undefined;
    if (cached && cached.until > Date.now()) {
      latest = await this.#latestChange();
      if (latest <= cached.changeId) return { ...cached.response, results: cached.response.results.map((result) => ({ ...result })), tookMs: 0 };
    }
    // The change id just read is this search's own: read again, it could only be the same or newer than the search's start.
    const { response, changeId } = await this.#search(query, latest);
    if (this.#cache.size >= cacheEntries) this.#cache.delete(this.#cache.keys().next().value as string);
    this.#cache.set(key, { until: Date.now() + this.#cacheMilliseconds, changeId, response });
    return response;
  }

  /**
   * The latest change id. Searches called in the same synchronous run (a turn's searches, sent together) share one
   * read; a later call sends its own. Every sharer was called while this thread was busy with that run, so a write it
   * could have learned of before calling was committed before the read was answered: freshness is the same as one
   * read per search (test/retrieval/hybrid-search-replicas.test.ts).
   */
  #latestChange(): Promise<number> {
    if (this.#changeRead) return this.#changeRead;
    const read = this.#database.query<{ change_id: number | string }>('select coalesce(max(id), 0) as change_id from search_index_changes').then((result) => Number(result.rows[0]?.change_id ?? 0));
    this.#changeRead = read;
    queueMicrotask(() => {
      this.#changeRead = undefined;
    });
    return read;
  }

  /**
   * Whether the vector leg runs here, exactly (every held vector compared), rather than as pgvector's HNSW search: when
   * the held vectors can answer the query and the work (held chunks times the query's non-zero dimensions) is within
   * the fitted budget (exact-vector-leg.json), where scanning costs no more than the index search's statement. The
   * offline embedder's queries are sparse and always are; a dense provider's at 10,000 chunks are not.
   */
  #exactVectorLeg(query: QueryVector): boolean {
    const work = this.#index.vectors.exactWork(query);
    return work !== undefined && work <= this.#exactVectorWork;
  }

  /**
   * Both legs' candidates with their rows and cosine distances, read from what the index holds; a chunk written
   * after the index last caught up (another writer committed during this search) is read from the database.
   * Ordered by chunk id, whatever the source, so what fusion sums is summed in the same order everywhere.
   */
  async #heldCandidates(queryVector: QueryVector | null, literal: () => string | null, nearestIds: readonly string[], lexicalIds: readonly string[]): Promise<Candidate[]> {
    const nearest = new Set(nearestIds);
    const ids = [...new Set([...nearestIds, ...lexicalIds])];
    const { distances, unknown } = queryVector === null ? { distances: new Map<string, number>(), unknown: [] } : this.#index.vectors.distances(queryVector, ids);
    const missing = new Set(unknown);
    const found: Candidate[] = [];
    for (const id of ids) {
      const row = this.#index.rows.get(id);
      if (!row) missing.add(id);
      else if (!missing.has(id)) found.push({ ...row, chunkId: id, nearest: nearest.has(id), distance: distances.get(id) });
    }
    if (missing.size > 0) {
      const result = await this.#database.query<Omit<Row, 'change_id' | 'nearest'>>(rowsByIdSql, [literal(), [...missing]]);
      for (const row of result.rows) found.push(candidateOf(row, nearest.has(row.chunk_id!)));
    }
    return found.sort((left, right) => (left.chunkId < right.chunkId ? -1 : left.chunkId > right.chunkId ? 1 : 0));
  }

  /** `knownChange`: the latest change id, read as this search started (by the cache's check); else it is read here. */
  async #search(query: SearchQuery, knownChange?: number): Promise<{ response: SearchResponse; changeId: number }> {
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
    // pgvector's text form, written only for a statement that sends it (the exact leg sends none).
    let literal: string | null | undefined;
    const vector = () => (literal === undefined ? (literal = queryValues === null ? null : toVectorLiteral(queryValues)) : literal);
    const queryVector = queryValues === null ? null : queryVectorOf(queryValues);
    await this.#index.ready();

    let lexical: LexicalRanking | undefined;
    let candidateRows: Candidate[] = [];
    let changeId = 0;
    const rankLexical = () => (terms.length > 0 ? this.#index.index.rank(terms, filter, this.#bm25, candidates) : undefined);
    // A second pass only when another writer committed after the index last caught up.
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const legParameters = () => [vector(), asOf.toISOString(), filter.kinds ? [...filter.kinds] : null, query.product ?? null, query.language ?? null, candidates];
      const overlayParameters = query.overlay ? [query.overlay.documentId, query.overlay.version] : [];
      const exact = queryVector !== null && this.#exactVectorLeg(queryVector);
      if (this.#candidatesFromIndex) {
        // The database's part is sent first (the vector leg's statement, or only the change id when the vector leg runs
        // here, exactly) and the in-process legs run while the database (a worker thread, or another process over
        // `pg`) answers it: the two overlap instead of adding up. The change id is read once per search: a second
        // pass follows a catch-up to at least it, and the cache's check has just read it.
        const knownId = attempt === 1 ? changeId : knownChange;
        const sent = exact
          ? (knownId !== undefined ? Promise.resolve(knownId) : this.#latestChange()).then((latest) => ({ rows: [{ change_id: latest, chunk_id: null }] }))
          : this.#database.query<{ change_id: number | string; chunk_id: string | null }>(query.overlay ? overlayNearestSql : nearestSql, [...legParameters(), ...overlayParameters]);
        let indexChanges = this.#index.index.changes;
        const nearestHere = () => {
          indexChanges = this.#index.index.changes;
          return this.#index.vectors.nearest(queryVector!, candidates, this.#index.index.retrievableTest(filter))?.map((hit) => hit.chunkId);
        };
        let nearestIds: string[] | undefined;
        try {
          await statementSent();
          lexical = rankLexical();
          if (exact) nearestIds = nearestHere();
        } catch (error) {
          sent.catch(() => undefined);
          throw error;
        }
        const result = await sent;
        changeId = Number(result.rows[0]?.change_id ?? 0);
        if (changeId > this.#index.watermark && attempt === 0) {
          await this.#index.catchUp();
          continue;
        }
        // The index caught up (another search's catch-up) while the statement ran: rank on what it holds now.
        if (lexical?.stale) lexical = rankLexical();
        if (exact && indexChanges !== this.#index.index.changes) nearestIds = nearestHere();
        const lexicalIds = (lexical?.top ?? []).map((hit) => hit.chunkId);
        if (!exact) nearestIds = result.rows.flatMap((row) => (row.chunk_id === null ? [] : [row.chunk_id]));
        else if (nearestIds === undefined) {
          // A catch-up meanwhile left the held vectors unable to answer (a reindex's new dimension): the index search.
          const hnsw = await this.#database.query<{ chunk_id: string | null }>(query.overlay ? overlayNearestSql : nearestSql, [...legParameters(), ...overlayParameters]);
          nearestIds = hnsw.rows.flatMap((row) => (row.chunk_id === null ? [] : [row.chunk_id]));
        }
        candidateRows = await this.#heldCandidates(queryVector, vector, nearestIds, lexicalIds);
        break;
      }
      lexical = rankLexical();
      const lexicalIds = (lexical?.top ?? []).map((hit) => hit.chunkId);
      const statement = exact ? (query.overlay ? exactOverlaySearchSql : exactSearchSql) : query.overlay ? overlaySearchSql : searchSql;
      const result = await this.#database.query<Row>(statement, [...legParameters(), lexicalIds, ...overlayParameters]);
      changeId = Number(result.rows[0]?.change_id ?? 0);
      candidateRows = result.rows
        .filter((row) => row.chunk_id !== null)
        .map((row) => candidateOf(row, row.nearest === true))
        .sort((left, right) => (left.chunkId < right.chunkId ? -1 : left.chunkId > right.chunkId ? 1 : 0));
      if (changeId <= this.#index.watermark || attempt === 1) break;
      await this.#index.catchUp();
    }
    if (lexical?.stale) lexical = rankLexical();

    const byChunk = new Map(candidateRows.map((row) => [row.chunkId, row]));
    // Fusion reads a lexical rank only as within the top `candidates` or not; hit testing shows the exact rank.
    const lexicalRank = lexical?.lookup(byChunk.keys(), { exactRanks: query.explain === true }) ?? new Map<string, never>();
    const vectorRanked = candidateRows
      .filter((row) => row.nearest && row.distance !== undefined)
      .sort((left, right) => left.distance! - right.distance! || (left.chunkId < right.chunkId ? -1 : 1));
    const vectorRank = new Map(vectorRanked.map((row, index) => [row.chunkId, index + 1]));
    const matcher = mode === 'hybrid' && this.#legs.rerank ? new QueryMatcher(this.#index.index, analysed, query.query) : undefined;
    const fused = fuseLegs(
      candidateRows.map((row) => {
        const id = row.chunkId;
        const lexical = lexicalRank.get(id);
        const rankInVector = vectorRank.get(id);
        // The learned re-ranking reads how query and chunk cover each other; only hybrid search re-ranks.
        const match = matcher?.featuresOf(id, namingLines(row));
        const distance = row.distance;
        return { id, ...(lexical ? { lexical } : {}), ...(rankInVector !== undefined ? { vectorRank: rankInVector } : {}), similarity: distance === undefined ? 0 : 1 - distance, ...(match ? { match } : {}) };
      }),
      { mode, fusion: this.#legs.fusion, confidence: this.#legs.confidence, lexicalTop: lexical?.top[0]?.score ?? 0, depth: candidates, topK, ...(this.#legs.rerank ? { rerank: this.#legs.rerank } : {}) },
    );
    const best = fused[0]?.fused ?? 0;
    const results = fused.map((entry): SearchResult => {
      const row = byChunk.get(entry.id)!;
      const headingPath = row.headingPath;
      return {
        chunkId: entry.id,
        documentId: row.documentId,
        externalId: row.externalId,
        version: row.version,
        title: row.title,
        kind: row.kind as DocumentKind,
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

/**
 * Lets a statement just handed to the database leave before the caller holds the thread: the `pg` pool hands an
 * idle connection over on the next tick (the embedded worker posts at once, so this costs it one tick).
 */
function statementSent(): Promise<void> {
  return new Promise((resolve) => process.nextTick(resolve));
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
