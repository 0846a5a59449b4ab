/**
 * Search latency at 10,000 chunks on each database path (issue 10's p95 <= 10 ms embedded and over `pg`): embedded
 * PGlite in process, the `pg` adapter over the wire (to PGlite through pglite-socket, served in this process), and
 * the server's default, PGlite in a worker thread. The same 10,000 synthetic chunks as bench/knowledge-bench.ts,
 * loaded once, without its ingest figures. Prints p50/p95/p99, CPU per query (every thread) and the load average;
 * `--rounds N` repeats each path (the machine is shared: report the median round). Run alone:
 * `npx tsx bench/search-latency-bench.ts`.
 */
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import type { Database } from '../src/db/database.js';
import { ensureEmbeddingIndex } from '../src/knowledge/embedding-index.js';
import { KnowledgeService } from '../src/knowledge/knowledge-service.js';
import { createOfflineEmbedder } from '../src/llm/offline-embedder.js';
import { HybridSearch } from '../src/retrieval/hybrid-search.js';
import { syntheticCorpus } from './knowledge-bench.js';
import { createBenchDatabase, formatMs, percentile } from './support.js';

const actor = { id: 'bench' };

async function measure(database: Database, embedder: ReturnType<typeof createOfflineEmbedder>, queries: readonly string[], warmup: readonly string[]): Promise<string> {
  const search = new HybridSearch(database, embedder);
  await search.refreshStatistics();
  for (const query of warmup) await search.search({ query, topK: 5 });
  const times: number[] = [];
  const cpuStart = process.cpuUsage();
  for (const query of queries) {
    const started = performance.now();
    await search.search({ query, topK: 5 });
    times.push(performance.now() - started);
  }
  const cpu = process.cpuUsage(cpuStart);
  return `p50 ${formatMs(percentile(times, 0.5))}  p95 ${formatMs(percentile(times, 0.95))}  p99 ${formatMs(percentile(times, 0.99))}  cpu/query ${formatMs((cpu.user + cpu.system) / 1000 / queries.length)}  (load average ${loadavg()[0]!.toFixed(2)})`;
}

export async function main(rounds = 1): Promise<void> {
  console.log('== search latency at 10,000 chunks by database path');
  const bench = await createBenchDatabase();
  try {
    const embedder = createOfflineEmbedder();
    await ensureEmbeddingIndex(bench.embedded, embedder);
    const knowledge = new KnowledgeService(bench.embedded, embedder);
    const { markdown, queries } = syntheticCorpus(1000, 10);
    await knowledge.bulk(async () => {
      for (const body of markdown) await knowledge.ingest({ format: 'markdown', body }, actor);
    });
    const [warmup, measured] = [queries.slice(0, 100), queries.slice(100)];
    for (let round = 1; round <= rounds; round += 1) console.log(`  embedded in process, round ${round}: ${await measure(bench.embedded, embedder, measured, warmup)}`);
    const wire = await bench.wire();
    for (let round = 1; round <= rounds; round += 1) console.log(`  pg adapter over the wire, round ${round}: ${await measure(wire, embedder, measured, warmup)}`);
    const worker = await bench.inWorker();
    for (let round = 1; round <= rounds; round += 1) console.log(`  worker thread (server default), round ${round}: ${await measure(worker, embedder, measured, warmup)}`);
  } finally {
    await bench.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const at = process.argv.indexOf('--rounds');
  await main(at > 0 ? Math.max(1, Number(process.argv[at + 1]) || 1) : 1);
}
