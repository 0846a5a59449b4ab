/**
 * The lexical leg alone at 10,000 chunks, in process (no database): the full sorted ranking (`search`) against the
 * top-k ranking a search uses (`rank` + `lookup` of 30 other chunks), same index, same queries; checks that both
 * give the same top 30. Reports wall and CPU time per query with the load average. Run: npx tsx bench/lexical-leg-bench.ts
 */
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Bm25Index } from '../src/retrieval/bm25-index.js';
import { loadRetrievalModel } from '../src/retrieval/retrieval-model.js';
import { searchFieldsFromText } from '../src/text/search-fields.js';
import { searchTokens } from '../src/text/segment-text.js';
import { syntheticCorpus } from './knowledge-bench.js';
import { formatMs, percentile } from './support.js';

function timed(queries: readonly string[][], run: (terms: string[]) => void): { p50: number; p95: number; cpu: number } {
  const times: number[] = [];
  const cpuStart = process.cpuUsage();
  for (const terms of queries) {
    const started = performance.now();
    run(terms);
    times.push(performance.now() - started);
  }
  const cpu = process.cpuUsage(cpuStart);
  return { p50: percentile(times, 0.5), p95: percentile(times, 0.95), cpu: (cpu.user + cpu.system) / 1000 / queries.length };
}

export async function main(): Promise<void> {
  console.log('== lexical leg at 10,000 chunks (in process)');
  const { markdown, queries } = syntheticCorpus(1000, 10);
  const index = new Bm25Index();
  markdown.forEach((document, number) => {
    const sections = document.split('\n## ').slice(1);
    const chunks = sections.map((section, position) => {
      const [heading = '', ...body] = section.split('\n');
      const fields = searchFieldsFromText({ title: `基准文档 ${number}`, kind: 'product', text: body.join('\n'), headingPath: [`基准文档 ${number}`, heading] });
      return { id: `${number}-${position}`, documentId: `d${number}`, version: 1, kind: 'product' as const, product: null, language: 'zh', status: 'approved', effectiveFrom: null, effectiveUntil: null, retired: false, ...fields };
    });
    index.replaceDocument(`d${number}`, chunks, [{ version: 1, status: 'approved', effectiveFrom: null, effectiveUntil: null }]);
  });
  const { bm25 } = loadRetrievalModel();
  const analysed = queries.map((query) => [...new Set(searchTokens(query))]);
  const filter = { asOf: Date.now() };
  let differ = 0;
  for (const terms of analysed) {
    const full = index.search(terms, filter, bm25).slice(0, 30);
    const top = index.rank(terms, filter, bm25, 30).top;
    if (JSON.stringify(full) !== JSON.stringify(top)) differ += 1;
  }
  for (let round = 0; round < 2; round += 1) {
    const load = loadavg().map((value) => value.toFixed(2)).join(' ');
    const full = timed(analysed, (terms) => void index.search(terms, filter, bm25));
    const rankOnly = timed(analysed, (terms) => void index.rank(terms, filter, bm25, 30));
    console.log(
      `  ${index.size} chunks, ${analysed.length} queries (load average ${load}): full sort p50 ${formatMs(full.p50)} p95 ${formatMs(full.p95)} cpu/query ${formatMs(full.cpu)} | ` +
        `top 30 p50 ${formatMs(rankOnly.p50)} p95 ${formatMs(rankOnly.p95)} cpu/query ${formatMs(rankOnly.cpu)}`,
    );
  }
  console.log(`  top 30 identical to the full sort's on ${analysed.length - differ}/${analysed.length} queries`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
