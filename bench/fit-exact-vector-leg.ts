/**
 * Fits when the vector leg runs in process, exactly, instead of as pgvector's HNSW search (exact-vector-leg.json):
 * on the synthetic 10,000-chunk base (embedded PGlite, the service's session settings), the CPU time of the
 * service's HNSW statement per query, against the CPU time of the exact leg in process (the change-id read it still
 * sends, plus ChunkVectors.nearest) for queries of 1 to all dimensions non-zero (the offline embedder's own queries,
 * chunk vectors cut to their largest k values, and random ones up to dense, as a provider's). The exact leg's cost is fitted as
 * a + b × work (work: held chunks × the query's non-zero dimensions, by least squares over the per-size medians), and
 * the budget is the work at which it reaches the HNSW statement's median. Prints the curve and the fit; `--write`
 * stores the budget. Run alone: `npx tsx bench/fit-exact-vector-leg.ts [--write]`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { toVectorLiteral } from '../src/db/vector-literal.js';
import { embedQueries } from '../src/llm/embedder.js';
import { queryVectorOf, vectorFromBinary, type QueryVector } from '../src/retrieval/chunk-vectors.js';
import { hnswVectorLegSql } from '../src/retrieval/hybrid-search.js';
import { SearchIndexSync } from '../src/retrieval/search-index-sync.js';
import { loadSyntheticBase } from './knowledge-bench.js';
import { createBenchDatabase, percentile, seededRandom } from './support.js';

const budgetFile = new URL('../src/retrieval/exact-vector-leg.json', import.meta.url);
const depth = 30;

async function cpuOf(run: () => Promise<unknown> | unknown): Promise<number> {
  const start = process.cpuUsage();
  await run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** A vector cut to its `keep` largest values by magnitude (the rest zero): a query with that many non-zero dimensions. */
function cut(values: Float32Array, keep: number): number[] {
  const order = [...values.keys()].sort((left, right) => Math.abs(values[right]!) - Math.abs(values[left]!));
  const kept = new Set(order.slice(0, keep));
  return [...values].map((value, index) => (kept.has(index) ? value : 0));
}

export async function main(write: boolean): Promise<void> {
  const bench = await createBenchDatabase();
  try {
    const { embedder, queries } = await loadSyntheticBase(bench.embedded);
    const sync = new SearchIndexSync(bench.embedded);
    await sync.catchUp();
    const asOf = new Date().toISOString();
    const offline = await Promise.all(queries.map(async (query) => (await embedQueries(embedder, [query]))[0] ?? []));
    const sample = (await bench.embedded.query<{ embedding: Uint8Array }>('select vector_send(embedding) as embedding from chunks order by id limit 40')).rows.map((row) => vectorFromBinary(row.embedding));
    const dimensions = sample[0]!.length;
    // Query sets by size: the offline queries as they are, then chunk vectors cut to k non-zero values.
    const sets: { label: string; vectors: number[][] }[] = [{ label: 'offline queries', vectors: offline }];
    // Chunk vectors hold a hundred-odd non-zero values: denser queries (a provider's are dense) are drawn at random.
    for (const keep of [16, 64]) sets.push({ label: `${keep} non-zero`, vectors: sample.map((values) => cut(values, keep)) });
    const random = seededRandom(7);
    for (const keep of [dimensions / 4, dimensions]) {
      sets.push({ label: `${keep} non-zero`, vectors: sample.map(() => Array.from({ length: dimensions }, () => (random() < keep / dimensions ? random() - 0.5 : 0))) });
    }

    // Warm both paths (buffer cache, JIT).
    for (const values of offline.slice(0, 100)) {
      await bench.embedded.query(hnswVectorLegSql, [toVectorLiteral(values), asOf, null, null, null, depth]);
      sync.vectors.nearest(queryVectorOf(values), depth, sync.index.retrievableTest({ asOf: Date.now() }));
    }
    const hnsw: number[] = [];
    for (const values of offline.slice(100)) hnsw.push(await cpuOf(() => bench.embedded.query(hnswVectorLegSql, [toVectorLiteral(values), asOf, null, null, null, depth])));
    const changeRead: number[] = [];
    for (let index = 0; index < 200; index += 1) changeRead.push(await cpuOf(() => bench.embedded.query('select coalesce(max(id), 0) as change_id from search_index_changes')));
    const hnswMedian = percentile(hnsw, 0.5);
    const changeMedian = percentile(changeRead, 0.5);
    console.log(`load average ${loadavg().map((value) => value.toFixed(2)).join(' ')}; ${sync.vectors.size} chunks held, ${dimensions} dimensions`);
    console.log(`HNSW vector leg statement (the service's, ${offline.length - 100} offline queries): CPU p50 ${hnswMedian.toFixed(3)} ms  p95 ${percentile(hnsw, 0.95).toFixed(3)} ms`);
    console.log(`change-id read (the exact leg's only statement): CPU p50 ${changeMedian.toFixed(3)} ms`);
    const points: { work: number; cpu: number }[] = [];
    for (const set of sets) {
      const works: number[] = [];
      const times: number[] = [];
      for (let round = 0; round < 3; round += 1) {
        for (const values of set.vectors) {
          const query: QueryVector = queryVectorOf(values);
          const work = sync.vectors.exactWork(query)!;
          const time = await cpuOf(() => sync.vectors.nearest(query, depth, sync.index.retrievableTest({ asOf: Date.now() })));
          if (round > 0) {
            works.push(work);
            times.push(time);
          }
        }
      }
      const work = percentile(works, 0.5);
      const cpu = percentile(times, 0.5) + changeMedian;
      points.push({ work, cpu });
      console.log(`exact leg, ${set.label.padEnd(16)} work p50 ${String(Math.round(work)).padStart(9)}: CPU p50 ${cpu.toFixed(3)} ms (with the change-id read), p95 ${(percentile(times, 0.95) + changeMedian).toFixed(3)} ms`);
    }
    // Least squares of cpu = a + b × work over the per-size medians.
    const meanWork = points.reduce((sum, point) => sum + point.work, 0) / points.length;
    const meanCpu = points.reduce((sum, point) => sum + point.cpu, 0) / points.length;
    const slope = points.reduce((sum, point) => sum + (point.work - meanWork) * (point.cpu - meanCpu), 0) / points.reduce((sum, point) => sum + (point.work - meanWork) ** 2, 0);
    const intercept = meanCpu - slope * meanWork;
    const maximumWork = Math.max(0, Math.floor((hnswMedian - intercept) / slope));
    const fit = `${new Date().toISOString().slice(0, 10)}, synthetic 10,000-chunk base, ${dimensions} dimensions, embedded PGlite, load average ${loadavg()[0]!.toFixed(2)} on 2 cores: exact leg CPU = ${intercept.toFixed(3)} ms + ${(slope * 1e6).toFixed(3)} ms per million multiply-adds (change-id read included; ${points.map((point) => `${Math.round(point.work)}: ${point.cpu.toFixed(2)} ms`).join(', ')}); HNSW statement CPU p50 ${hnswMedian.toFixed(2)} ms; budget = the work where the two meet. The offline queries (work p50 ${Math.round(points[0]!.work)}) run exact; a dense ${dimensions}-dimension query at 10,000 chunks (${Math.round(points.at(-1)!.work)}) ${points.at(-1)!.work <= maximumWork ? 'too' : 'uses the index'}.`;
    console.log(`fit: ${fit}`);
    console.log(`maximumWork ${maximumWork}`);
    if (write) {
      const stored = JSON.parse(readFileSync(budgetFile, 'utf8')) as Record<string, unknown>;
      writeFileSync(budgetFile, `${JSON.stringify({ ...stored, maximumWork, fit }, null, 2)}\n`);
      console.log(`written to ${budgetFile.pathname}`);
    }
  } finally {
    await bench.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main(process.argv.includes('--write'));
