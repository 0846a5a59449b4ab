/**
 * Where the tail of search latency comes from at 10,000 chunks (embedded PGlite): every measured query's whole search
 * timed in CPU and wall time, beside its own stages timed alone (the HNSW vector leg statement, the exact vector leg
 * in process, the lexical leg, the re-ranking's features), its length, token count, the postings it walks, its
 * non-zero query dimensions and the garbage collections that ran meanwhile. Prints percentiles of each, the slowest
 * 5 % by CPU, and how each correlates with the whole search's CPU. Run alone: `npx tsx bench/search-tail-diagnosis.ts`.
 */
import { loadavg } from 'node:os';
import { PerformanceObserver } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { toVectorLiteral } from '../src/db/vector-literal.js';
import { embedQueries } from '../src/llm/embedder.js';
import { queryVectorOf } from '../src/retrieval/chunk-vectors.js';
import { hnswVectorLegSql } from '../src/retrieval/hybrid-search.js';
import { namingLines, QueryMatcher } from '../src/retrieval/rerank-features.js';
import { loadRetrievalModel } from '../src/retrieval/retrieval-model.js';
import { searchTokens } from '../src/text/segment-text.js';
import { warmedSyntheticSearch } from './knowledge-bench.js';
import { createBenchDatabase, percentile } from './support.js';

function cpuMs(run: () => void): number {
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

async function cpuMsAsync(run: () => Promise<unknown>): Promise<{ cpu: number; wall: number }> {
  const start = process.cpuUsage();
  const started = performance.now();
  await run();
  const wall = performance.now() - started;
  const used = process.cpuUsage(start);
  return { cpu: (used.user + used.system) / 1000, wall };
}

export async function main(): Promise<void> {
  const bench = await createBenchDatabase();
  try {
    const { embedder, search, sync, warmup, measured } = await warmedSyntheticSearch(bench.embedded);
    const model = loadRetrievalModel();
    let gcMs = 0;
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) gcMs += entry.duration;
    });
    observer.observe({ entryTypes: ['gc'] });
    const asOf = new Date().toISOString();
    const rows: Record<string, number | string>[] = [];
    for (let round = 0; round < 3; round += 1) {
      for (const [index, query] of measured.entries()) {
        const tokens = [...new Set(searchTokens(query))];
        const values = (await embedQueries(embedder, [query]))[0] ?? [];
        const literal = toVectorLiteral(values);
        gcMs = 0;
        const whole = await cpuMsAsync(() => search.search({ query, topK: 5 }));
        await new Promise((resolve) => setImmediate(resolve));
        const gc = gcMs;
        const sql = await cpuMsAsync(() => bench.embedded.query(hnswVectorLegSql, [literal, asOf, null, null, null, 30]));
        const exact = cpuMs(() => sync.vectors.nearest(queryVectorOf(values), 30, sync.index.retrievableTest({ asOf: Date.now() })));
        let lexicalIds: string[] = [];
        const lexical = cpuMs(() => {
          lexicalIds = sync.index.rank(tokens, { asOf: Date.now() }, model.bm25, 30).top.map((hit) => hit.chunkId);
        });
        const features = cpuMs(() => {
          const matcher = new QueryMatcher(sync.index, tokens, query);
          for (const id of lexicalIds) matcher.featuresOf(id, namingLines(sync.rows.get(id)!));
        });
        const postings = tokens.reduce((sum, token) => sum + sync.index.documentFrequency(token), 0);
        const nonZero = values.filter((value) => value !== 0).length;
        if (round === 2) rows.push({ index, length: query.length, tokens: tokens.length, postings, nonZero, wall: whole.wall, cpu: whole.cpu, hnsw: sql.cpu, exact, lexical, features, gc });
      }
    }
    observer.disconnect();
    const column = (name: string) => rows.map((row) => Number(row[name]));
    console.log(`${rows.length} queries (the third of three rounds) after ${warmup.length} warm-up; milliseconds, counts; load average ${loadavg().map((value) => value.toFixed(2)).join(' ')}`);
    for (const name of ['wall', 'cpu', 'hnsw', 'exact', 'lexical', 'features', 'gc', 'length', 'tokens', 'postings', 'nonZero']) {
      const values = column(name);
      console.log(`${name.padEnd(10)} p50 ${percentile(values, 0.5).toFixed(2)}  p95 ${percentile(values, 0.95).toFixed(2)}  max ${Math.max(...values).toFixed(2)}  mean ${(values.reduce((a, b) => a + b, 0) / values.length).toFixed(2)}`);
    }
    const slow = [...rows].sort((a, b) => Number(b.cpu) - Number(a.cpu)).slice(0, Math.ceil(rows.length * 0.05));
    console.log('slowest 5 % by CPU:');
    for (const row of slow) console.log(JSON.stringify(Object.fromEntries(Object.entries(row).map(([key, value]) => [key, typeof value === 'number' ? Math.round(value * 100) / 100 : value]))));
    // Correlation of whole-search CPU with each stage and shape.
    const cpu = column('cpu');
    const correlation = (other: number[]) => {
      const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
      const [mx, my] = [mean(cpu), mean(other)];
      let sxy = 0, sxx = 0, syy = 0;
      cpu.forEach((x, i) => {
        sxy += (x - mx) * (other[i]! - my);
        sxx += (x - mx) ** 2;
        syy += (other[i]! - my) ** 2;
      });
      return sxy / Math.sqrt(sxx * syy);
    };
    console.log('correlation with whole-search CPU: ' + ['hnsw', 'exact', 'lexical', 'features', 'gc', 'length', 'tokens', 'postings', 'nonZero'].map((name) => `${name} ${correlation(column(name)).toFixed(2)}`).join(', '));
  } finally {
    await bench.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
