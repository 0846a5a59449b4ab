/**
 * Search latency at 10,000 chunks on each database path (issue 10's p95 <= 10 ms embedded and over `pg`): embedded
 * PGlite in process, the `pg` adapter over the wire (to PGlite through pglite-socket, served in this process), and
 * the server's default, PGlite in a worker thread. The same 10,000 synthetic chunks as bench/knowledge-bench.ts,
 * loaded once, without its ingest figures. Prints p50/p95/p99, CPU per query (every thread) and the load average;
 * `--rounds N` repeats each path (the machine is shared: report the median round); `--compare-legs` times the vector
 * leg in process against the HNSW statement, query by query in turn. Run alone:
 * `npx tsx bench/search-latency-bench.ts [--rounds N] [--compare-legs]`.
 */
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import type { Database } from '../src/db/database.js';
import type { OfflineEmbedder } from '../src/llm/offline-embedder.js';
import { HybridSearch } from '../src/retrieval/hybrid-search.js';
import { latency, loadSyntheticBase } from './knowledge-bench.js';
import { createBenchDatabase, formatMs, percentile } from './support.js';

/**
 * The vector leg in process (the fitted budget) against the HNSW statement (budget 0, the earlier way) on the same
 * database, query by query in turn, so both see the same load on a shared machine: wall and CPU percentiles of each.
 */
async function compareLegs(database: Database, embedder: OfflineEmbedder, queries: readonly string[], warmup: readonly string[]): Promise<string> {
  const arms = [
    { name: 'exact here', search: new HybridSearch(database, embedder), wall: [] as number[], cpu: [] as number[] },
    { name: 'HNSW statement', search: new HybridSearch(database, embedder, { exactVectorWork: 0 }), wall: [] as number[], cpu: [] as number[] },
  ];
  for (const arm of arms) {
    await arm.search.refreshStatistics();
    for (const query of warmup) await arm.search.search({ query, topK: 5 });
  }
  for (const [index, query] of queries.entries()) {
    // Which arm goes first alternates, so neither always follows the other's cache misses.
    for (const arm of index % 2 === 0 ? arms : [...arms].reverse()) {
      const cpuStart = process.cpuUsage();
      const started = performance.now();
      await arm.search.search({ query, topK: 5 });
      arm.wall.push(performance.now() - started);
      const cpu = process.cpuUsage(cpuStart);
      arm.cpu.push((cpu.user + cpu.system) / 1000);
    }
  }
  return arms
    .map((arm) => `${arm.name}: p50 ${formatMs(percentile(arm.wall, 0.5))} p95 ${formatMs(percentile(arm.wall, 0.95))}, cpu p50 ${formatMs(percentile(arm.cpu, 0.5))} p95 ${formatMs(percentile(arm.cpu, 0.95))}`)
    .join(' | ') + `  (load average ${loadavg()[0]!.toFixed(2)})`;
}

async function measure(database: Database, embedder: OfflineEmbedder, queries: readonly string[], warmup: readonly string[]): Promise<string> {
  const figures = await latency(new HybridSearch(database, embedder), queries, warmup);
  return `p50 ${formatMs(figures.p50)}  p95 ${formatMs(figures.p95)}  p99 ${formatMs(figures.p99)}  cpu/query ${formatMs(figures.cpu)}  (load average ${loadavg()[0]!.toFixed(2)})`;
}

export async function main(rounds = 1, compare = false): Promise<void> {
  console.log('== search latency at 10,000 chunks by database path');
  const bench = await createBenchDatabase();
  const run = compare ? compareLegs : measure;
  try {
    const { embedder, queries } = await loadSyntheticBase(bench.embedded);
    const [warmup, measured] = [queries.slice(0, 100), queries.slice(100)];
    for (let round = 1; round <= rounds; round += 1) console.log(`  embedded in process, round ${round}: ${await run(bench.embedded, embedder, measured, warmup)}`);
    const wire = await bench.wire();
    for (let round = 1; round <= rounds; round += 1) console.log(`  pg adapter over the wire, round ${round}: ${await run(wire, embedder, measured, warmup)}`);
    const worker = await bench.inWorker();
    for (let round = 1; round <= rounds; round += 1) console.log(`  worker thread (server default), round ${round}: ${await run(worker, embedder, measured, warmup)}`);
  } finally {
    await bench.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const at = process.argv.indexOf('--rounds');
  await main(at > 0 ? Math.max(1, Number(process.argv[at + 1]) || 1) : 1, process.argv.includes('--compare-legs'));
}
