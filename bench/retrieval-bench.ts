/**
 * Retrieval on a real bank's FAQ (issue 10): jining_bank_faq_dev ingested through the FAQ-set path
 * (`kind: faq, format: jsonl`), every dev query searched through HybridSearch on embedded PGlite: hybrid,
 * lexical only and vector only, next to the character-bigram BM25 baseline (bench/bigram-bm25.ts), same run.
 * Figures for all 1,000 queries and for the half the retrieval model was not fitted on (bench/fit-retrieval.ts).
 * Run: npx tsx bench/retrieval-bench.ts
 */
import { pathToFileURL } from 'node:url';
import { ensureEmbeddingIndex } from '../src/knowledge/embedding-index.js';
import { KnowledgeService } from '../src/knowledge/knowledge-service.js';
import { createOfflineEmbedder } from '../src/llm/offline-embedder.js';
import { HybridSearch } from '../src/retrieval/hybrid-search.js';
import { BigramBm25 } from './bigram-bm25.js';
import { formatFigures, loadJiningFaq, rankingFigures, splitQueries, type FaqQuery } from './jining-faq.js';
import { createBenchDatabase, formatMs, percentile } from './support.js';

const topK = 5;

interface Run {
  name: string;
  ranks: Map<string, number>;
  times: number[];
}

function report(run: Run, queries: readonly FaqQuery[], heldOut: ReadonlySet<string>): void {
  const all = queries.map((query) => run.ranks.get(query.qid) ?? 0);
  const held = queries.filter((query) => heldOut.has(query.qid)).map((query) => run.ranks.get(query.qid) ?? 0);
  console.log(`${run.name.padEnd(22)} all ${formatFigures(rankingFigures(all))} | held-out half ${formatFigures(rankingFigures(held))} | p50 ${formatMs(percentile(run.times, 0.5))} p95 ${formatMs(percentile(run.times, 0.95))}`);
}

export async function main(): Promise<void> {
  console.log('== retrieval bench (jining_bank_faq_dev)');
  const data = loadJiningFaq();
  if (!data) {
    console.log('jining_bank_faq_dev not found beside the repository: retrieval report skipped');
    return;
  }
  const { heldOut } = splitQueries(data.queries);
  const heldOutIds = new Set(heldOut.map((query) => query.qid));
  const runs: Run[] = [];

  const baselineStarted = performance.now();
  const baseline = new BigramBm25(data.kb.map((item) => ({ id: item.faq_id, text: `${item.standard_questions.join('\n')}\n${item.answer}` })));
  const baselineBuild = performance.now() - baselineStarted;
  const baselineRun: Run = { name: 'bigram BM25 baseline', ranks: new Map(), times: [] };
  for (const query of data.queries) {
    const started = performance.now();
    const ids = baseline.search(query.query, topK);
    baselineRun.times.push(performance.now() - started);
    baselineRun.ranks.set(query.qid, ids.indexOf(query.gold_faq_id) + 1);
  }

  const bench = await createBenchDatabase();
  try {
    const embedder = createOfflineEmbedder();
    await ensureEmbeddingIndex(bench.embedded, embedder);
    const knowledge = new KnowledgeService(bench.embedded, embedder);
    const ingestStarted = performance.now();
    const ingested = await knowledge.ingestFaqSet({ format: 'jsonl', kind: 'faq', language: 'zh', body: data.jsonl }, { id: 'bench' });
    const ingestSeconds = (performance.now() - ingestStarted) / 1000;
    console.log(`ingested ${ingested.created} FAQ rows in ${ingestSeconds.toFixed(2)} s (${Math.round(ingested.created / ingestSeconds)} rows/s, embedder ${embedder.id}); baseline index built in ${formatMs(baselineBuild)}`);
    await knowledge.analyze();
    const search = new HybridSearch(bench.embedded, embedder);
    const loadStarted = performance.now();
    await search.refreshStatistics();
    console.log(`BM25 index loaded from the database in ${formatMs(performance.now() - loadStarted)}`);
    for (const query of data.queries.slice(0, 50)) await search.search({ query: query.query, topK });
    for (const mode of ['hybrid', 'lexical', 'vector'] as const) {
      const run: Run = { name: mode === 'hybrid' ? 'hybrid' : `${mode} only`, ranks: new Map(), times: [] };
      for (const query of data.queries) {
        const started = performance.now();
        const response = await search.search({ query: query.query, topK, mode });
        run.times.push(performance.now() - started);
        run.ranks.set(query.qid, response.results.findIndex((result) => result.externalId === query.gold_faq_id) + 1);
      }
      runs.push(run);
    }
  } finally {
    await bench.close();
  }
  runs.push(baselineRun);
  console.log(`${data.queries.length} queries, ${data.kb.length} FAQs, top ${topK}; the held-out half is the one bench/fit-retrieval.ts did not fit on; goal recall@5 >= 0.95, recall@1 >= 0.80, above the baseline`);
  for (const run of runs) report(run, data.queries, heldOutIds);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
