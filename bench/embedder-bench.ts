/**
 * The offline embedder (issue 10 point 4), through the real service: each base ingested into PGlite, searched
 * vector only, lexical only and hybrid (HybridSearch, HNSW), for the previous embedder (v1: unweighted hashed
 * words and bigrams, 384 dimensions) and the current one (IDF-weighted queries fitted on the base).
 * "hybrid gain": queries whose gold is in the vector leg's top 5 but not in the lexical leg's top 5.
 * jining_bank_faq_dev figures are on the held-out half of the queries (odd numbers; the even half fitted the
 * weights, see bench/fit-offline-embedder.ts); bq_corpus was not used for fitting (all queries).
 *   npx tsx bench/embedder-bench.ts
 */
import { pathToFileURL } from 'node:url';
import { CorpusStatisticsKeeper } from '../src/knowledge/corpus-statistics.js';
import { embeddingText, ensureEmbeddingIndex } from '../src/knowledge/embedding-index.js';
import { KnowledgeService } from '../src/knowledge/knowledge-service.js';
import { createOfflineEmbedder, type OfflineEmbedder } from '../src/llm/offline-embedder.js';
import { HybridSearch } from '../src/retrieval/hybrid-search.js';
import { lexicalTokens } from '../src/text/segment-text.js';
import { isFittingQuery, recallFigures, type RecallFigures } from './fit-offline-embedder.js';
import { benchmarkFile, createBenchDatabase, percentile, readJsonl } from './support.js';

const actor = { id: 'bench' };

interface Base {
  name: string;
  /** FAQ rows as the service ingests them (`kind: faq, format: jsonl`). */
  rows: Array<{ id: string; questions: string[]; answer: string }>;
  queries: Array<{ query: string; gold: ReadonlySet<string> }>;
}

function loadBases(): Base[] {
  const bases: Base[] = [];
  const kb = benchmarkFile('jining_bank_faq_dev', 'kb.jsonl');
  const jiningQueries = benchmarkFile('jining_bank_faq_dev', 'queries_dev_1000.jsonl');
  if (kb && jiningQueries) {
    bases.push({
      name: 'jining_bank_faq_dev (held-out half)',
      rows: readJsonl<{ faq_id: string; standard_questions: string[]; answer: string }>(kb).map((row) => ({ id: row.faq_id, questions: row.standard_questions, answer: row.answer })),
      queries: readJsonl<{ qid: string; query: string; gold_faq_id: string }>(jiningQueries)
        .filter((row) => !isFittingQuery(row.qid))
        .map((row) => ({ query: row.query, gold: new Set([row.gold_faq_id]) })),
    });
  }
  const corpus = benchmarkFile('bq_corpus', 'retrieval_corpus.jsonl');
  const bqQueries = benchmarkFile('bq_corpus', 'retrieval_queries.jsonl');
  if (corpus && bqQueries) {
    bases.push({
      name: 'bq_corpus',
      // Each corpus text is a customer question with no answer: the question is its own answer.
      rows: readJsonl<{ doc_id: string; text: string }>(corpus).map((row) => ({ id: row.doc_id, questions: [row.text], answer: row.text })),
      queries: readJsonl<{ query: string; gold_doc_ids: string[] }>(bqQueries).map((row) => ({ query: row.query, gold: new Set(row.gold_doc_ids) })),
    });
  }
  return bases;
}

// The current embedder first: jieba's memo (segment-text.ts) is cold for it, so its timings are what a server
// sees; v1's timings come after it with the memo warm and are not comparable.
const embedders: Array<[string, () => OfflineEmbedder]> = [
  ['v2 (fitted, default)', () => createOfflineEmbedder()],
  // The same features, hashes and weights as the previous offline-hash-v1:384, with no IDF: its vectors exactly.
  ['v1 (unweighted, 384; timings warm)', () => createOfflineEmbedder({ dimensions: 384, weights: { word: 1, character: 0.3, bigram: 1, trigram: 0, idfExponent: 0 } })],
];

/** Okapi BM25 (k1 1.2, b 0.75) over question + answer, top 10 ids per query. */
function bm25Rankings(base: Base, tokenise: (text: string) => string[]): string[][] {
  const documents = base.rows.map((row) => tokenise(`${row.questions.join('\n')}\n${row.answer}`));
  const frequencies = new Map<string, number>();
  const termCounts = documents.map((tokens) => {
    const counts = new Map<string, number>();
    for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
    for (const token of counts.keys()) frequencies.set(token, (frequencies.get(token) ?? 0) + 1);
    return counts;
  });
  const averageLength = documents.reduce((total, tokens) => total + tokens.length, 0) / Math.max(1, documents.length);
  const count = documents.length;
  return base.queries.map((query) => {
    const terms = new Set(tokenise(query.query));
    const scored = termCounts.map((counts, index) => {
      let score = 0;
      for (const term of terms) {
        const occurrences = counts.get(term);
        if (!occurrences) continue;
        const frequency = frequencies.get(term)!;
        const idf = Math.log(1 + (count - frequency + 0.5) / (frequency + 0.5));
        score += (idf * occurrences * 2.2) / (occurrences + 1.2 * (0.25 + (0.75 * documents[index]!.length) / averageLength));
      }
      return [score, index] as const;
    });
    return scored.filter(([score]) => score > 0).sort((left, right) => right[0] - left[0]).slice(0, 10).map(([, index]) => base.rows[index]!.id);
  });
}

function weightedFusion(lexical: readonly (readonly string[])[], vector: readonly (readonly string[])[], vectorWeight: number): string[][] {
  return lexical.map((lexicalRanked, index) => {
    const scores = new Map<string, number>();
    lexicalRanked.forEach((id, rank) => scores.set(id, (scores.get(id) ?? 0) + 1 / (60 + rank)));
    vector[index]!.forEach((id, rank) => scores.set(id, (scores.get(id) ?? 0) + vectorWeight / (60 + rank)));
    return [...scores].sort((left, right) => right[1] - left[1]).map(([id]) => id);
  });
}

const format = (figures: RecallFigures) => `r@1 ${figures.recallAt1.toFixed(3)}  r@5 ${figures.recallAt5.toFixed(3)}  MRR ${figures.mrr.toFixed(3)}`;

async function measure(base: Base, label: string, embedder: OfflineEmbedder): Promise<void> {
  const bench = await createBenchDatabase();
  try {
    await ensureEmbeddingIndex(bench.embedded, embedder);
    const knowledge = new KnowledgeService(bench.embedded, embedder);
    const body = base.rows.map((row) => JSON.stringify(row)).join('\n');
    // The embedder alone, passages as stored (title + FAQ chunk text): its share of the ingest's time.
    const passages = base.rows.map((row) => embeddingText(row.questions[0] ?? row.id, [...row.questions.map((question) => `Q: ${question}`), `A: ${row.answer}`].join('\n')));
    // jieba's dictionary loads on the first segmentation (once per process): not part of the throughput.
    await embedder.embed(['词典加载']);
    let started = performance.now();
    await embedder.embed(passages);
    const embedSeconds = (performance.now() - started) / 1000;
    started = performance.now();
    // As the CLI and a sync load a set: one bulk load, the vector index built once.
    await knowledge.bulk(() => knowledge.ingestFaqSet({ format: 'jsonl', body, kind: 'faq', language: 'zh' }, actor));
    const ingestSeconds = (performance.now() - started) / 1000;
    started = performance.now();
    const statistics = await new CorpusStatisticsKeeper(bench.embedded, embedder, { refitShare: 0 }).refit();
    const fitMilliseconds = performance.now() - started;
    const chunks = base.rows.length;

    // Query embedding alone, each query once (jieba's memo is cold for them): what the vector leg adds per search.
    const embedTimes: number[] = [];
    for (const query of base.queries) {
      const start = performance.now();
      await embedder.embedQueries([query.query]);
      embedTimes.push((performance.now() - start) * 1000);
    }

    const search = new HybridSearch(bench.embedded, embedder);
    await search.refreshStatistics();
    const rankings: Record<'vector' | 'lexical' | 'hybrid', string[][]> = { vector: [], lexical: [], hybrid: [] };
    for (const mode of ['vector', 'lexical', 'hybrid'] as const) {
      for (const query of base.queries) {
        const response = await search.search({ query: query.query, topK: 10, mode });
        rankings[mode].push(response.results.map((result) => result.externalId));
      }
    }
    const golds = base.queries.map((query) => query.gold);
    const inTop5 = (ranked: readonly string[], gold: ReadonlySet<string>) => ranked.slice(0, 5).some((id) => gold.has(id));
    const gainOver = (lexical: readonly (readonly string[])[]) => base.queries.filter((query, index) => inTop5(rankings.vector[index]!, query.gold) && !inTop5(lexical[index]!, query.gold)).length;
    const gain = gainOver(rankings.lexical);
    // The lexical leg is being rewritten as BM25 (issue 10 point 1): what the vector leg adds to a BM25 over the
    // same analysed tokens (jieba search mode + CJK bigrams), in memory, fused by weighted reciprocal rank.
    const bm25 = bm25Rankings(base, (text) => lexicalTokens(text));
    console.log(`${base.name}, ${label} = ${embedder.id}: ${chunks} rows ingested in ${ingestSeconds.toFixed(1)} s = ${Math.round(chunks / ingestSeconds)} rows/s; statistics fitted in ${Math.round(fitMilliseconds)} ms (${Object.keys(statistics?.frequencies ?? {}).length} features)`);
    console.log(`  query embedding: p50 ${Math.round(percentile(embedTimes, 0.5))} µs  p95 ${Math.round(percentile(embedTimes, 0.95))} µs`);
    for (const mode of ['vector', 'lexical', 'hybrid'] as const) console.log(`  ${mode.padEnd(7)} ${format(recallFigures(rankings[mode], golds))}`);
    console.log(`  hybrid gain: ${gain}/${base.queries.length} queries have their gold in the vector top 5 and not in the lexical top 5`);
    console.log(`  BM25 (jieba + bigrams, in memory) ${format(recallFigures(bm25, golds))}; gain over it: ${gainOver(bm25)}/${base.queries.length}`);
    const fused = [0.25, 0.5, 1].map((weight) => `vector weight ${weight}: ${format(recallFigures(weightedFusion(bm25, rankings.vector, weight), golds))}`);
    console.log(`  BM25 + vector, weighted RRF (k 60; not fitted, the fusion is point 5's): ${fused.join(' | ')}`);
    console.log(`  embedding alone: ${Math.round(chunks / embedSeconds)} passages/s`);
  } finally {
    await bench.close();
  }
}

export async function main(): Promise<void> {
  console.log('== embedder bench (offline embedder; vector leg vs lexical leg, same run)');
  const bases = loadBases();
  if (bases.length === 0) {
    console.log('../shared/benchmarks not found: embedder bench skipped');
    return;
  }
  for (const base of bases) for (const [label, create] of embedders) await measure(base, label, create());
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
