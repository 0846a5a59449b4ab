/**
 * Retrieval on a base the retrieval model was never fitted on (issue 10 is measured on another bank's FAQ base too):
 * the BQ corpus (WeBank customers' questions, ../shared/benchmarks/bq_corpus, read by path) ingested through the
 * FAQ-set path as it would reach us, each corpus question an FAQ row. BQ has no answers, so each row's answer repeats
 * its question: the question field carries the match, as in a bank's FAQ, and the baseline indexes the same text.
 * Hybrid, lexical only and vector only against the character-bigram BM25 baseline, same run. BQ figures are lower
 * bounds (the corpus holds unlabelled true matches); compare the rows with each other, not with jining's.
 * Run: npx tsx bench/second-base-retrieval-bench.ts
 */
import { pathToFileURL } from 'node:url';
import { CorpusStatisticsKeeper } from '../src/knowledge/corpus-statistics.js';
import { ensureEmbeddingIndex } from '../src/knowledge/embedding-index.js';
import { KnowledgeService } from '../src/knowledge/knowledge-service.js';
import { createOfflineEmbedder } from '../src/llm/offline-embedder.js';
import { HybridSearch } from '../src/retrieval/hybrid-search.js';
import { BigramBm25 } from './bigram-bm25.js';
import { loadBqCorpus } from './bq-corpus.js';
import { formatFigures } from './jining-faq.js';
import { createBenchDatabase } from './support.js';

const topK = 5;

interface Figures {
  hits1: number;
  hits5: number;
  reciprocal: number;
}

function score(figures: Figures, ids: readonly string[], gold: readonly string[]): void {
  const rank = ids.findIndex((id) => gold.includes(id)) + 1;
  if (rank === 1) figures.hits1 += 1;
  if (rank >= 1 && rank <= topK) {
    figures.hits5 += 1;
    figures.reciprocal += 1 / rank;
  }
}

function line(name: string, figures: Figures, count: number): string {
  return `${name.padEnd(22)} ${formatFigures({ recallAt1: figures.hits1 / count, recallAt5: figures.hits5 / count, mrr: figures.reciprocal / count })}`;
}

export async function main(): Promise<void> {
  console.log('== second-base retrieval bench (bq_corpus as FAQ rows; the retrieval model was fitted on jining)');
  const bq = loadBqCorpus();
  if (!bq) {
    console.log('bq_corpus not found beside the repository: skipped');
    return;
  }
  const { corpus, queries } = bq;

  const baseline = new BigramBm25(corpus.map((item) => ({ id: item.doc_id, text: `${item.text}\n${item.text}` })));
  const baselineFigures: Figures = { hits1: 0, hits5: 0, reciprocal: 0 };
  for (const query of queries) score(baselineFigures, baseline.search(query.query, topK), query.gold_doc_ids);

  const lines: string[] = [];
  const bench = await createBenchDatabase();
  try {
    const embedder = createOfflineEmbedder();
    await ensureEmbeddingIndex(bench.embedded, embedder);
    const knowledge = new KnowledgeService(bench.embedded, embedder);
    const body = corpus.map((item) => JSON.stringify({ id: item.doc_id, questions: [item.text], answer: item.text })).join('\n');
    await knowledge.ingestFaqSet({ format: 'jsonl', kind: 'faq', language: 'zh', body }, { id: 'bench' });
    await knowledge.analyze();
    // As a server does after a large write: the offline embedder's query weighting fitted on the base.
    await new CorpusStatisticsKeeper(bench.embedded, embedder, { refitShare: 0 }).refit();
    const search = new HybridSearch(bench.embedded, embedder);
    await search.refreshStatistics();
    for (const mode of ['hybrid', 'lexical', 'vector'] as const) {
      const figures: Figures = { hits1: 0, hits5: 0, reciprocal: 0 };
      for (const query of queries) {
        const response = await search.search({ query: query.query, topK, mode });
        score(figures, response.results.map((result) => result.externalId), query.gold_doc_ids);
      }
      lines.push(line(mode === 'hybrid' ? 'hybrid' : `${mode} only`, figures, queries.length));
    }
  } finally {
    await bench.close();
  }
  lines.push(line('bigram BM25 baseline', baselineFigures, queries.length));
  console.log(`${queries.length} queries, ${corpus.length} FAQ rows, top ${topK}`);
  for (const entry of lines) console.log(entry);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
