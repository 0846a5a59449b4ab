/**
 * Fits the planner's price of a cosine distance (`ALTER FUNCTION cosine_distance(vector, vector) COST n`, set by
 * migration 016). Postgres prices the operator like one addition, but on a 1024-dimension vector stored out of line
 * it is a detoast and a thousand multiplications: priced at 1, the planner reads and sorts every chunk instead of
 * walking the HNSW index. For each candidate price and base size this prints which plan the vector leg gets, full
 * hybrid search p50/p95, and how many of the exact top-30 neighbours the index finds (the price of approximation).
 *
 * Run: npx tsx bench/fit-vector-cost.ts   (FIT_VALUES=1,30,100,300,1000 to change the candidates)
 */
import { pathToFileURL } from 'node:url';
import { ensureEmbeddingIndex } from '../src/knowledge/embedding-index.js';
import { KnowledgeService } from '../src/knowledge/knowledge-service.js';
import { embedQueries } from '../src/llm/embedder.js';
import { createOfflineEmbedder } from '../src/llm/offline-embedder.js';
import { toVectorLiteral } from '../src/db/vector-literal.js';
import { HybridSearch } from '../src/retrieval/hybrid-search.js';
import { syntheticCorpus } from './knowledge-bench.js';
import { createBenchDatabase, formatMs, percentile } from './support.js';

const vectorLeg = `select id from chunks where status = 'approved' and not retired order by embedding <=> $1::vector limit 30`;

export async function main(): Promise<void> {
  const prices = (process.env.FIT_VALUES ?? '1,30,100,300,1000').split(',').map(Number);
  const bench = await createBenchDatabase();
  try {
    const embedder = createOfflineEmbedder();
    await ensureEmbeddingIndex(bench.embedded, embedder);
    const knowledge = new KnowledgeService(bench.embedded, embedder);
    const { markdown, queries } = syntheticCorpus(1000, 10);
    const rows: { chunks: number; price: number; plan: string; p50: number; p95: number; neighbours: number }[] = [];
    let ingested = 0;
    for (const documents of [100, 1000]) {
      await knowledge.bulk(async () => {
        for (const body of markdown.slice(ingested, documents)) await knowledge.ingest({ format: 'markdown', body }, { id: 'bench' });
      });
      ingested = documents;
      await bench.embedded.exec('analyze chunks');
      const chunks = Number((await bench.embedded.query<{ count: string }>('select count(*) as count from chunks', [])).rows[0]?.count ?? 0);
      const vectors = (await embedQueries(embedder, queries.slice(0, 50))).map((vector) => toVectorLiteral(vector));
      // Exact neighbours: a sequential scan computes every distance.
      await bench.embedded.exec('set enable_indexscan = off');
      const exact: Set<string>[] = [];
      for (const vector of vectors) exact.push(new Set((await bench.embedded.query<{ id: string }>(vectorLeg, [vector])).rows.map((row) => row.id)));
      await bench.embedded.exec('set enable_indexscan = on');
      for (const price of prices) {
        await bench.embedded.exec(`alter function cosine_distance(vector, vector) cost ${price}`);
        const plan = (await bench.embedded.query<Record<string, string>>(`explain ${vectorLeg}`, [vectors[0]])).rows.some((row) => Object.values(row)[0]?.includes('embedding_idx')) ? 'hnsw index' : 'scan + sort';
        let found = 0;
        for (const [index, vector] of vectors.entries()) {
          const ids = (await bench.embedded.query<{ id: string }>(vectorLeg, [vector])).rows.map((row) => row.id);
          found += ids.filter((id) => exact[index]!.has(id)).length / Math.max(1, exact[index]!.size);
        }
        // A fresh search per price: its result cache must not answer for an earlier price.
        const search = new HybridSearch(bench.embedded, embedder, { cacheMilliseconds: 0 });
        await search.refreshStatistics();
        for (const query of queries.slice(0, 30)) await search.search({ query, topK: 5 });
        const times: number[] = [];
        for (const query of queries.slice(30)) {
          const started = performance.now();
          await search.search({ query, topK: 5 });
          times.push(performance.now() - started);
        }
        rows.push({ chunks, price, plan, p50: percentile(times, 0.5), p95: percentile(times, 0.95), neighbours: found / vectors.length });
        console.log(`${chunks} chunks, cost ${price}: vector leg ${plan}, hybrid search p50 ${formatMs(percentile(times, 0.5))} p95 ${formatMs(percentile(times, 0.95))}, exact top-30 neighbours found ${((found / vectors.length) * 100).toFixed(1)} %`);
      }
    }
    // The fit: the lowest price whose worst p95 over both sizes is within 10 % of the best candidate's.
    const worst = (price: number) => Math.max(...rows.filter((row) => row.price === price).map((row) => row.p95));
    const best = Math.min(...prices.map(worst));
    const chosen = prices.find((price) => worst(price) <= best * 1.1);
    console.log(`fit: cosine_distance cost ${chosen} (worst p95 over both sizes ${formatMs(worst(chosen!))}; best candidate ${formatMs(best)})`);
  } finally {
    await bench.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
