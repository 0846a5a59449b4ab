import type { Queryable } from '../db/database.js';

/**
 * The index retrieval depends on; without it every vector search scans the whole chunk table. (The lexical leg is
 * the in-process BM25 index; its old GIN index over chunks.lexical was dropped by migration 024.)
 */
export const searchIndexes = [
  {
    name: 'chunks_embedding_idx',
    purpose: 'vector (HNSW)',
    method: 'hnsw',
    column: 'embedding',
    // HNSW with cosine distance: the vector leg orders by <=>, and the offline embedder's vectors are unit length.
    create: 'create index if not exists chunks_embedding_idx on chunks using hnsw (embedding vector_cosine_ops)',
  },
] as const;

export const vectorIndex = searchIndexes[0];

export type SearchIndexName = (typeof searchIndexes)[number]['name'];

export interface SearchIndexState {
  name: SearchIndexName;
  purpose: string;
  /** 'missing', 'invalid' (a build that never finished) or 'wrong_method' need a rebuild. */
  state: 'present' | 'missing' | 'invalid' | 'wrong_method';
}

/** Reads each search index from the catalogue: present, missing, left invalid, or of another access method. */
export async function inspectSearchIndexes(database: Queryable): Promise<SearchIndexState[]> {
  const result = await database.query<{ name: string; valid: boolean; ready: boolean; method: string }>(
    `select c.relname as name, i.indisvalid as valid, i.indisready as ready, am.amname as method
       from pg_class c join pg_index i on i.indexrelid = c.oid join pg_am am on am.oid = c.relam
      where c.relkind = 'i' and c.relname = any($1::text[]) and pg_table_is_visible(c.oid)`,
    [searchIndexes.map((index) => index.name)],
  );
  return searchIndexes.map((index) => {
    const row = result.rows.find((candidate) => candidate.name === index.name);
    const state = !row ? 'missing' : !row.valid || !row.ready ? 'invalid' : row.method !== index.method ? 'wrong_method' : 'present';
    return { name: index.name, purpose: index.purpose, state };
  });
}

export interface RepairedIndex {
  name: SearchIndexName;
  was: SearchIndexState['state'];
  milliseconds: number;
}

/**
 * Rebuilds a search index that is missing or unusable. A crash during a bulk load (which drops the HNSW
 * index to rebuild it once at the end) used to leave searches on exact scans for good. Run at start-up, under
 * an advisory lock so replicas starting together build it once.
 */
export async function repairSearchIndexes(database: { transaction<T>(work: (transaction: Queryable) => Promise<T>): Promise<T> } & Queryable): Promise<RepairedIndex[]> {
  const before = await inspectSearchIndexes(database);
  if (before.every((index) => index.state === 'present')) return [];
  // The embedding column appears with the first embedder (embedding-index.ts); without it there is nothing to index yet.
  const columns = await database.query<{ name: string }>(
    `select attname as name from pg_attribute where attrelid = 'chunks'::regclass and attnum > 0 and not attisdropped`,
  );
  const present = new Set(columns.rows.map((row) => row.name));
  return database.transaction(async (transaction) => {
    await transaction.query('select pg_advisory_xact_lock(727275)');
    const repaired: RepairedIndex[] = [];
    for (const index of await inspectSearchIndexes(transaction)) {
      const definition = searchIndexes.find((candidate) => candidate.name === index.name)!;
      if (index.state === 'present' || !present.has(definition.column)) continue;
      const started = performance.now();
      if (index.state !== 'missing') await transaction.exec(`drop index if exists ${definition.name}`);
      await transaction.exec(`set local maintenance_work_mem = '256MB'`);
      await transaction.exec(definition.create);
      repaired.push({ name: index.name, was: index.state, milliseconds: Math.round(performance.now() - started) });
    }
    return repaired;
  });
}
