/**
 * The lexical leg alone at 10,000 chunks, in process (no database): the full sorted ranking (`search`, every hit
 * scored) against the top-k ranking a search uses (`rank`: MaxScore pruning, then `lookup` of 30 other chunks as
 * fusion asks), same index, same queries; checks that both give the same top 30, scores and coverage to the last
 * bit, and the same score for the others. On the bench's synthetic queries, and on jining_bank_faq_dev's queries
 * over its FAQ base added to the same 10,000 chunks (when the data is beside the repository). Reports wall and CPU
 * time per query with the load average. Run: npx tsx bench/lexical-leg-bench.ts
 */
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Bm25Index } from '../src/retrieval/bm25-index.js';
import { loadRetrievalModel } from '../src/retrieval/retrieval-model.js';
import { chunkFaqRow } from '../src/knowledge/chunk-document.js';
import { analyzeSearchFields, searchFieldsFromText } from '../src/text/search-fields.js';
import { searchTokens } from '../src/text/segment-text.js';
import { syntheticCorpus } from './knowledge-bench.js';
import { loadJiningFaq } from './jining-faq.js';
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
  const filter = { asOf: Date.now() };
  compare('synthetic queries', index, queries.map((query) => [...new Set(searchTokens(query))]), filter, bm25);
  const jining = loadJiningFaq();
  if (!jining) {
    console.log('  jining_bank_faq_dev not found beside the repository: its queries skipped');
    return;
  }
  for (const item of jining.kb) {
    const chunk = chunkFaqRow({ id: item.faq_id, questions: item.standard_questions, answer: item.answer, line: 0 });
    const fields = analyzeSearchFields({ title: item.standard_questions[0] ?? item.faq_id, kind: 'faq', heading: chunk.fields?.heading ?? '', body: chunk.fields?.body ?? '' });
    index.replaceDocument(item.faq_id, [{ id: item.faq_id, documentId: item.faq_id, version: 1, kind: 'faq', product: null, language: 'zh', status: 'approved', effectiveFrom: null, effectiveUntil: null, retired: false, ...fields }], [{ version: 1, status: 'approved', effectiveFrom: null, effectiveUntil: null }]);
  }
  compare('jining_bank_faq_dev queries (its FAQs added)', index, jining.queries.map((query) => [...new Set(searchTokens(query.query))]), filter, bm25);
}

function compare(label: string, index: Bm25Index, analysed: readonly string[][], filter: { asOf: number }, bm25: ReturnType<typeof loadRetrievalModel>['bm25']): void {
  let differ = 0;
  for (const terms of analysed) {
    const full = index.search(terms, filter, bm25);
    const ranking = index.rank(terms, filter, bm25, 30);
    const others = full.slice(30, 60);
    const found = ranking.lookup(others.map((hit) => hit.chunkId), { exactRanks: false });
    const othersSame = others.every((hit) => JSON.stringify(found.get(hit.chunkId)?.hit) === JSON.stringify(hit));
    if (JSON.stringify(full.slice(0, 30)) !== JSON.stringify(ranking.top) || !othersSame) differ += 1;
  }
  for (let round = 0; round < 2; round += 1) {
    const load = loadavg().map((value) => value.toFixed(2)).join(' ');
    const full = timed(analysed, (terms) => void index.search(terms, filter, bm25));
    const pruned = timed(analysed, (terms) => void index.rank(terms, filter, bm25, 30));
    console.log(
      `  ${label}: ${index.size} chunks, ${analysed.length} queries (load average ${load}): every hit scored and sorted p50 ${formatMs(full.p50)} p95 ${formatMs(full.p95)} cpu/query ${formatMs(full.cpu)} | ` +
        `top 30 by MaxScore p50 ${formatMs(pruned.p50)} p95 ${formatMs(pruned.p95)} cpu/query ${formatMs(pruned.cpu)}`,
  );
  }
  console.log(`  ${label}: top 30 and the next 30's scores identical to the full ranking's on ${analysed.length - differ}/${analysed.length} queries`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
