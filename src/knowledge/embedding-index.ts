import type { Database } from '../db/database.js';
import { toSparseVectorLiteral } from '../db/vector-literal.js';
import type { Embedder } from '../llm/embedder.js';
import { holdSearchIndexOrder } from './hold-search-index-order.js';
import { vectorIndex } from './search-indexes.js';
import vectorDistancePrice from './vector-distance-cost.json' with { type: 'json' };

export class EmbedderMismatchError extends Error {
  readonly code = 'embedder_mismatch';
  constructor(
    readonly stored: string,
    readonly configured: string,
  ) {
    // Both offline but of different schemes: this release changed the offline embedder, no setting restores it.
    const bothOffline = stored.startsWith('offline-') && configured.startsWith('offline-');
    const offlineUpgrade = bothOffline && stored.split(':')[0] !== configured.split(':')[0];
    // Same offline scheme, another length (a changed default or EMBEDDING_DIMENSIONS): the stored length restores it.
    const storedDimensions = bothOffline && !offlineUpgrade ? /:(\d+)$/u.exec(stored)?.[1] : undefined;
    super(
      `The knowledge base was embedded with "${stored}" but the configured embedder is "${configured}". ` +
        'Vectors of different embedders cannot be compared. Run `npx agent-assist reindex` to re-embed every chunk ' +
        (offlineUpgrade
          ? 'with the new offline embedder (this version changed how it embeds; a reindex takes about a second per 1,000 chunks).'
          : storedDimensions
            ? `with the configured offline embedder's vector length, or set EMBEDDING_DIMENSIONS=${storedDimensions} to keep the stored vectors.`
            : 'with the configured embedder, or restore the previous EMBEDDING_MODEL / EMBEDDING_DIMENSIONS / OPENAI_API_KEY.'),
    );
    this.name = 'EmbedderMismatchError';
  }
}

const embedderKey = 'embedder';

async function storedEmbedder(database: Database): Promise<string | undefined> {
  const result = await database.query<{ value: string }>('select value from settings where key = $1', [embedderKey]);
  return result.rows[0]?.value;
}

async function createColumnAndIndex(database: Database, embedder: Embedder): Promise<void> {
  await database.transaction(async (transaction) => {
    await holdSearchIndexOrder(transaction);
    await transaction.exec(`alter table chunks add column if not exists embedding vector(${embedder.dimensions})`);
    await transaction.exec(vectorIndex.create);
    await transaction.query(
      `insert into settings (key, value) values ($1, $2) on conflict (key) do update set value = excluded.value, updated_at = now()`,
      [embedderKey, embedder.id],
    );
  });
}

/**
 * The vector column's dimension follows the configured embedder. On a new database the column is created;
 * on an existing one a different embedder is refused with instructions, never mixed silently.
 */
export async function ensureEmbeddingIndex(database: Database, embedder: Embedder): Promise<void> {
  const stored = await storedEmbedder(database);
  if (stored === undefined) await createColumnAndIndex(database, embedder);
  else if (stored !== embedder.id) throw new EmbedderMismatchError(stored, embedder.id);
  await priceVectorDistance(database);
}

/**
 * Tells the planner what a cosine distance costs. Postgres prices the operator like one addition; on a vector of
 * a thousand dimensions stored out of line it is a detoast and a thousand multiplications, so at the default price
 * the planner reads and sorts every chunk (300 ms at 10,000 chunks on this machine under load) instead of walking
 * the HNSW index (15 ms). The price is fitted by bench/fit-vector-cost.ts (vector-distance-cost.json). Run at every
 * start, since an extension update resets it; a role that does not own the extension leaves it as it is.
 */
export async function priceVectorDistance(database: Database, cost: number = vectorDistancePrice.cost): Promise<boolean> {
  if (!Number.isFinite(cost) || cost <= 0) throw new Error(`vector distance cost must be a positive number, got ${cost}`);
  const result = await database.query<{ priced: boolean }>(
    `select pg_catalog.has_function_privilege('cosine_distance(vector, vector)', 'execute') and
            (select proowner = (select oid from pg_roles where rolname = current_user) or (select rolsuper from pg_roles where rolname = current_user)
               from pg_proc where oid = 'cosine_distance(vector, vector)'::regprocedure) as priced`,
  );
  if (!result.rows[0]?.priced) return false;
  await database.exec(`alter function cosine_distance(vector, vector) cost ${Math.round(cost)}`);
  return true;
}

/** Re-embeds every chunk with `embedder`, replacing the column (and its dimension) in one transaction. */
export async function reindexEmbeddings(
  database: Database,
  embedder: Embedder,
  options: { batchSize?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<{ chunks: number }> {
  const batchSize = options.batchSize ?? 256;
  const chunks = await database.query<{ id: string; text: string; title: string }>(
    `select c.id, c.text, v.title from chunks c join document_versions v on v.document_id = c.document_id and v.version = c.version order by c.id`,
  );
  const vectors: string[] = [];
  for (let start = 0; start < chunks.rows.length; start += batchSize) {
    const batch = chunks.rows.slice(start, start + batchSize);
    const embedded = await embedder.embed(batch.map((row) => embeddingText(row.title, row.text)));
    for (const vector of embedded) vectors.push(toSparseVectorLiteral(vector));
    options.onProgress?.(Math.min(start + batchSize, chunks.rows.length), chunks.rows.length);
  }
  await database.transaction(async (transaction) => {
    await holdSearchIndexOrder(transaction);
    await transaction.exec('drop index if exists chunks_embedding_idx; alter table chunks drop column if exists embedding;');
    await transaction.exec(`alter table chunks add column embedding vector(${embedder.dimensions})`);
    for (let start = 0; start < chunks.rows.length; start += batchSize) {
      const ids = chunks.rows.slice(start, start + batchSize).map((row) => row.id);
      await transaction.query(
        `update chunks c set embedding = data.embedding::sparsevec::vector from unnest($1::uuid[], $2::text[]) as data(id, embedding) where c.id = data.id`,
        [ids, vectors.slice(start, start + batchSize)],
      );
    }
    await transaction.exec(vectorIndex.create);
    await transaction.query(
      `insert into settings (key, value) values ($1, $2) on conflict (key) do update set value = excluded.value, updated_at = now()`,
      [embedderKey, embedder.id],
    );
  });
  return { chunks: chunks.rows.length };
}

/** What is embedded for a chunk: the document title gives short chunks their subject. */
export function embeddingText(title: string, chunkText: string): string {
  return `${title}\n${chunkText}`;
}
