/**
 * A speed change must not move a result (issue 10): every jining_bank_faq_dev query searched (top 10) with the
 * candidates' rows and cosine distances read from what the index holds in process (the default) and from the
 * database (the earlier way), on embedded PGlite and through the `pg` adapter; every field of the top-10 results
 * (chunk ids, texts, scores, confidences) must be identical. Prints the mismatches (goal 0) and recall@1/5 and MRR.
 * The vector leg runs in process, exactly, within the fitted budget (src/retrieval/exact-vector-leg.json: every offline
 * query), and the reference then scans every chunk in SQL; past it both use the HNSW index. Only results of one run
 * compare exactly: chunk ids are drawn at random at ingest and break ties, and pgvector draws each HNSW node's level at
 * random (the digest printed differs between runs of the same code).
 * Run: `npx tsx bench/search-equivalence-bench.ts`.
 */
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { Database } from '../src/db/database.js';
import { ensureEmbeddingIndex } from '../src/knowledge/embedding-index.js';
import { KnowledgeService } from '../src/knowledge/knowledge-service.js';
import { createOfflineEmbedder } from '../src/llm/offline-embedder.js';
import { HybridSearch, type HybridSearchOptions, type SearchResult } from '../src/retrieval/hybrid-search.js';
import { formatFigures, loadJiningFaq, rankingFigures, type FaqQuery } from './jining-faq.js';
import { createBenchDatabase } from './support.js';

const topK = 10;

type Embedder = ReturnType<typeof createOfflineEmbedder>;

async function searchAll(database: Database, embedder: Embedder, queries: readonly FaqQuery[], options: HybridSearchOptions): Promise<SearchResult[][]> {
  const search = new HybridSearch(database, embedder, options);
  await search.refreshStatistics();
  const all: SearchResult[][] = [];
  for (const query of queries) all.push((await search.search({ query: query.query, topK })).results);
  return all;
}

const identity = (result: SearchResult) => JSON.stringify(result);

function mismatches(left: readonly SearchResult[][], right: readonly SearchResult[][]): number {
  return left.filter((results, index) => results.map(identity).join('|') !== (right[index] ?? []).map(identity).join('|')).length;
}

function digest(all: readonly SearchResult[][]): string {
  const hash = createHash('sha256');
  for (const results of all) hash.update(results.map((result) => `${result.externalId}@${result.version} ${result.score} ${result.confidence}`).join('|') + '\n');
  return hash.digest('hex').slice(0, 16);
}

function figures(all: readonly SearchResult[][], queries: readonly FaqQuery[]): string {
  return formatFigures(rankingFigures(queries.map((query, index) => (all[index] ?? []).slice(0, 5).findIndex((result) => result.externalId === query.gold_faq_id) + 1)));
}

export async function main(): Promise<void> {
  console.log('== search equivalence (jining_bank_faq_dev, top 10: candidates read in process vs from the database)');
  const data = loadJiningFaq();
  if (!data) {
    console.log('jining_bank_faq_dev not found beside the repository: equivalence check skipped');
    return;
  }
  const bench = await createBenchDatabase();
  try {
    const embedder = createOfflineEmbedder();
    await ensureEmbeddingIndex(bench.embedded, embedder);
    const knowledge = new KnowledgeService(bench.embedded, embedder);
    await knowledge.ingestFaqSet({ format: 'jsonl', kind: 'faq', language: 'zh', body: data.jsonl }, { id: 'bench' });
    await knowledge.analyze();
    const embeddedInProcess = await searchAll(bench.embedded, embedder, data.queries, { candidatesFrom: 'index' });
    const embeddedByDatabase = await searchAll(bench.embedded, embedder, data.queries, { candidatesFrom: 'database' });
    const wire = await bench.wire();
    const wireInProcess = await searchAll(wire, embedder, data.queries, { candidatesFrom: 'index' });
    const wireByDatabase = await searchAll(wire, embedder, data.queries, { candidatesFrom: 'database' });
    console.log(`${data.queries.length} queries; results differing (goal 0):`);
    console.log(`  embedded, in process vs from the database: ${mismatches(embeddedInProcess, embeddedByDatabase)}`);
    console.log(`  pg adapter, in process vs from the database: ${mismatches(wireInProcess, wireByDatabase)}`);
    console.log(`  in process, embedded vs pg adapter: ${mismatches(embeddedInProcess, wireInProcess)}`);
    console.log(`hybrid top 5 (in process, embedded): ${figures(embeddedInProcess, data.queries)}`);
    console.log(`results digest of this run (differs between index builds): in process ${digest(embeddedInProcess)}, from the database ${digest(embeddedByDatabase)}`);
  } finally {
    await bench.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
