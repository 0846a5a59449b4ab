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
import type { OfflineEmbedder } from '../src/llm/offline-embedder.js';
import { HybridSearch } from '../src/retrieval/hybrid-search.js';
import { latency, loadSyntheticBase } from './knowledge-bench.js';
import { createBenchDatabase, formatMs } from './support.js';

async function measure(database: Database, embedder: OfflineEmbedder, queries: readonly string[], warmup: readonly string[]): Promise<string> {
  const figures = await latency(new HybridSearch(database, embedder), queries, warmup);
  return `p50 ${formatMs(figures.p50)}  p95 ${formatMs(figures.p95)}  p99 ${formatMs(figures.p99)}  cpu/query ${formatMs(figures.cpu)}  (load average ${loadavg()[0]!.toFixed(2)})`;
}

export async function main(rounds = 1): Promise<void> {
  console.log('== search latency at 10,000 chunks by database path');
  const bench = await createBenchDatabase();
  try {
    const { embedder, queries } = await loadSyntheticBase(bench.embedded);
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
