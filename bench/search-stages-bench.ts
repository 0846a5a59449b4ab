/**
 * Where a search's time goes at 10,000 chunks (issue 10's p95 <= 10 ms): each stage of HybridSearch timed on its
 * own over the same queries, embedded PGlite in process: query analysis, query embedding, the in-process BM25 leg,
 * the vector leg's HNSW statement alone, the vector leg in process (exact: what a search runs within the fitted budget,
 * every offline query) and the change-id read (then the search's only statement), the candidates' row fetch, their
 * cosine distances (in process, and by the database as before), the re-ranking's match features, and the whole search
 * (wall and CPU time). Run alone: `npx tsx bench/search-stages-bench.ts`.
 */
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { toVectorLiteral } from '../src/db/vector-literal.js';
import { embedQueries } from '../src/llm/embedder.js';
import { queryVectorOf, type QueryVector } from '../src/retrieval/chunk-vectors.js';
import { namingLines, QueryMatcher } from '../src/retrieval/rerank-features.js';
import { loadRetrievalModel } from '../src/retrieval/retrieval-model.js';
import { searchTokens } from '../src/text/segment-text.js';
import { warmedSyntheticSearch } from './knowledge-bench.js';
import { createBenchDatabase, formatMs, percentile } from './support.js';

async function timeEach(label: string, queries: readonly string[], run: (query: string) => Promise<unknown> | unknown): Promise<void> {
  const times: number[] = [];
  const cpuStart = process.cpuUsage();
  for (const query of queries) {
    const started = performance.now();
    await run(query);
    times.push(performance.now() - started);
  }
  const cpu = process.cpuUsage(cpuStart);
  const cpuPerQuery = (cpu.user + cpu.system) / 1000 / queries.length;
  console.log(`  ${label.padEnd(44)} p50 ${formatMs(percentile(times, 0.5))}  p95 ${formatMs(percentile(times, 0.95))}  cpu/query ${formatMs(cpuPerQuery)}`);
}

export async function main(): Promise<void> {
  console.log('== search stages at 10,000 chunks (embedded PGlite)');
  const bench = await createBenchDatabase();
  try {
    const { embedder, search, sync, warmup, measured } = await warmedSyntheticSearch(bench.embedded);
    const model = loadRetrievalModel();
    const asOf = new Date().toISOString();
    const vectors = new Map<string, string>();
    for (const query of measured) vectors.set(query, toVectorLiteral((await embedQueries(embedder, [query]))[0] ?? []));
    console.log(`  (${measured.length} queries after ${warmup.length} warm-up; load average ${loadavg().map((value) => value.toFixed(2)).join(' ')})`);
    await timeEach('query analysis (searchTokens)', measured, (query) => searchTokens(query));
    await timeEach('query embedding (offline)', measured, (query) => embedQueries(embedder, [query]));
    await timeEach('lexical leg (in-process BM25F, all hits)', measured, (query) => sync.index.search([...new Set(searchTokens(query))], { asOf: Date.now() }, model.bm25));
    // What a search runs: the best 30 by MaxScore pruning, and the hits of the ~30 vector candidates looked up.
    await timeEach('lexical leg as searched (top 30, MaxScore)', measured, (query) => sync.index.rank([...new Set(searchTokens(query))], { asOf: Date.now() }, model.bm25, 30));
    await timeEach('vector leg SQL alone (HNSW, 30 ids)', measured, (query) =>
      bench.embedded.query(
        `select c.id from chunks c where c.status = 'approved' and not c.retired and (c.effective_from is null or c.effective_from <= $2)
           and (c.effective_until is null or c.effective_until > $2) order by c.embedding <=> $1::vector limit 30`,
        [vectors.get(query), asOf],
      ),
    );
    // What a search runs instead within the fitted budget (every offline query): the exact nearest 30 in process.
    const queryVectors = new Map<string, QueryVector>();
    for (const query of measured) queryVectors.set(query, queryVectorOf((await embedQueries(embedder, [query]))[0] ?? []));
    await timeEach('vector leg in process (exact, 30 ids)', measured, (query) => sync.vectors.nearest(queryVectors.get(query)!, 30, sync.index.retrievableTest({ asOf: Date.now() })));
    await timeEach('change-id read (its only statement then)', measured, () => bench.embedded.query('select coalesce(max(id), 0) as change_id from search_index_changes'));
    const nearest = new Map<string, string[]>();
    for (const query of measured) nearest.set(query, (await bench.embedded.query<{ id: string }>('select id from chunks order by embedding <=> $1::vector limit 30', [vectors.get(query)])).rows.map((row) => row.id));
    await timeEach('row fetch of 30 chunks by id', measured, (query) =>
      bench.embedded.query('select c.id, c.text, c.heading_path, d.external_id from chunks c join documents d on d.id = c.document_id where c.id = any($1::uuid[])', [nearest.get(query)]),
    );
    // The ~60 candidates of a hybrid search: the lexical leg's best 30 and the vector leg's nearest 30.
    const candidates = new Map<string, string[]>();
    for (const query of measured) {
      const lexical = sync.index.rank([...new Set(searchTokens(query))], { asOf: Date.now() }, model.bm25, 30).top.map((hit) => hit.chunkId);
      candidates.set(query, [...new Set([...lexical, ...(nearest.get(query) ?? [])])]);
    }
    await timeEach('candidate distances by the database (~60)', measured, (query) =>
      bench.embedded.query('select id, embedding <=> $1::vector as distance from chunks where id = any($2::uuid[])', [vectors.get(query), candidates.get(query)]),
    );
    const queryValues = new Map<string, number[]>();
    for (const query of measured) queryValues.set(query, (await embedQueries(embedder, [query]))[0] ?? []);
    await timeEach('candidate distances in process (~60)', measured, (query) => sync.vectors.distances(queryVectorOf(queryValues.get(query)!), candidates.get(query)!));
    const rows = new Map<string, { kind: string; text: string; title: string; headingPath: string[] }>();
    const fetched = await bench.embedded.query<{ id: string; kind: string; text: string; title: string; heading_path: string[] }>(
      'select c.id, c.kind, c.text, v.title, c.heading_path from chunks c join document_versions v on v.document_id = c.document_id and v.version = c.version where c.id = any($1::uuid[])',
      [[...new Set([...candidates.values()].flat())]],
    );
    for (const row of fetched.rows) rows.set(row.id, { kind: row.kind, text: row.text, title: row.title, headingPath: row.heading_path ?? [] });
    await timeEach('re-rank match features (~60 candidates)', measured, (query) => {
      const matcher = new QueryMatcher(sync.index, [...new Set(searchTokens(query))], query);
      for (const id of candidates.get(query)!) matcher.featuresOf(id, namingLines(rows.get(id)!));
    });
    await timeEach('whole search, hybrid', measured, (query) => search.search({ query, topK: 5 }));
    await timeEach('whole search, lexical only', measured, (query) => search.search({ query, topK: 5, mode: 'lexical' }));
    await timeEach('whole search, vector only', measured, (query) => search.search({ query, topK: 5, mode: 'vector' }));
  } finally {
    await bench.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
