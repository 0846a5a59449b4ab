/**
 * Fits the offline embedder's weights (feature kinds, the query's IDF exponent) on the fitting half of the
 * jining_bank_faq_dev queries (even query numbers) by vector-only MRR, and prints the held-out half's figures.
 * In memory, exact cosine over every FAQ: this measures the embedder, not the index.
 *   npx tsx bench/fit-offline-embedder.ts            prints the fit
 *   npx tsx bench/fit-offline-embedder.ts --write    also stores it in src/llm/offline-embedder-weights.json
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { embeddingText } from '../src/knowledge/embedding-index.js';
import { createOfflineEmbedder, offlineEmbedderDefaultDimensions, type OfflineEmbedderWeights } from '../src/llm/offline-embedder.js';
import { benchmarkFile, readJsonl, repositoryRoot, seededRandom } from './support.js';

export interface RetrievalSet {
  passages: Array<{ id: string; text: string }>;
  queries: Array<{ id: string; query: string; gold: ReadonlySet<string> }>;
}

/** The FAQ base as the service embeds it: title (first question) + "Q: ..." lines + "A: answer" (chunkFaqRow). */
export function loadJiningFaq(): RetrievalSet | undefined {
  const kbPath = benchmarkFile('jining_bank_faq_dev', 'kb.jsonl');
  const queryPath = benchmarkFile('jining_bank_faq_dev', 'queries_dev_1000.jsonl');
  if (!kbPath || !queryPath) return undefined;
  const kb = readJsonl<{ faq_id: string; standard_questions: string[]; answer: string }>(kbPath);
  const passages = kb.map((row) => ({
    id: row.faq_id,
    text: embeddingText(row.standard_questions[0] ?? row.faq_id, [...row.standard_questions.map((question) => `Q: ${question}`), `A: ${row.answer}`].join('\n')),
  }));
  const queries = readJsonl<{ qid: string; query: string; gold_faq_id: string }>(queryPath).map((row) => ({ id: row.qid, query: row.query, gold: new Set([row.gold_faq_id]) }));
  return { passages, queries };
}

/** Fitting half: even query numbers; the odd half is only ever reported on. */
export function isFittingQuery(id: string): boolean {
  return Number.parseInt(id.replace(/\D/g, ''), 10) % 2 === 0;
}

export interface RecallFigures {
  recallAt1: number;
  recallAt5: number;
  mrr: number;
}

/** Exact-cosine rankings (top 20 passage ids) of every query, with statistics fitted on the passages. */
export async function rankInMemory(set: RetrievalSet, weights: OfflineEmbedderWeights, dimensions: number, fitOn?: readonly string[]): Promise<string[][]> {
  const embedder = createOfflineEmbedder({ dimensions, weights });
  embedder.corpus.use(embedder.corpus.fit(fitOn ?? set.passages.map((passage) => passage.text)));
  const passageVectors = (await embedder.embed(set.passages.map((passage) => passage.text))).map((vector) => Float32Array.from(vector));
  const queryVectors = await embedder.embedQueries(set.queries.map((query) => query.query));
  return queryVectors.map((query) => {
    const scores = passageVectors.map((passage, index) => {
      let dot = 0;
      for (let dimension = 0; dimension < dimensions; dimension += 1) dot += passage[dimension]! * query[dimension]!;
      return [dot, index] as const;
    });
    scores.sort((left, right) => right[0] - left[0]);
    return scores.slice(0, 20).map(([, index]) => set.passages[index]!.id);
  });
}

export function recallFigures(rankings: readonly (readonly string[])[], golds: readonly ReadonlySet<string>[]): RecallFigures {
  let recallAt1 = 0;
  let recallAt5 = 0;
  let mrr = 0;
  rankings.forEach((ranked, index) => {
    const position = ranked.findIndex((id) => golds[index]!.has(id));
    if (position === 0) recallAt1 += 1;
    if (position >= 0 && position < 5) recallAt5 += 1;
    if (position >= 0) mrr += 1 / (position + 1);
  });
  const count = Math.max(1, rankings.length);
  return { recallAt1: recallAt1 / count, recallAt5: recallAt5 / count, mrr: mrr / count };
}

function figuresOn(rankings: string[][], set: RetrievalSet, fitting: boolean): RecallFigures {
  const picked = set.queries.map((query, index) => [query, index] as const).filter(([query]) => isFittingQuery(query.id) === fitting);
  return recallFigures(picked.map(([, index]) => rankings[index]!), picked.map(([query]) => query.gold));
}

const format = (figures: RecallFigures) => `r@1 ${figures.recallAt1.toFixed(3)} r@5 ${figures.recallAt5.toFixed(3)} MRR ${figures.mrr.toFixed(3)}`;

export async function main(): Promise<void> {
  const set = loadJiningFaq();
  if (!set) {
    console.log('fit-offline-embedder: ../shared/benchmarks/jining_bank_faq_dev not found, nothing fitted');
    return;
  }
  // The fitted default length (bench/fit-offline-embedder-dimensions.ts), which this fit keeps as it is.
  const dimensions = offlineEmbedderDefaultDimensions;
  // Bigrams are the reference weight (cosine does not change when every weight is scaled alike).
  const grid: OfflineEmbedderWeights[] = [];
  // --quick keeps the stored weighting and fits only the refit share.
  if (process.argv.includes('--quick')) {
    const { refitShare: _ignored, dimensions: _length, ...stored } = JSON.parse(readFileSync(join(repositoryRoot, 'src/llm/offline-embedder-weights.json'), 'utf8')) as OfflineEmbedderWeights & { refitShare: number; dimensions: number };
    grid.push(stored);
  } else {
    for (const word of [0, 0.5, 1]) for (const character of [0, 0.3, 0.6, 1]) for (const trigram of [0, 0.5, 1]) for (const idfExponent of [1, 1.5, 2]) grid.push({ word, character, bigram: 1, trigram, idfExponent });
  }
  let best: { weights: OfflineEmbedderWeights; fit: RecallFigures } | undefined;
  for (const weights of grid) {
    const fit = figuresOn(await rankInMemory(set, weights, dimensions), set, true);
    if (!best || fit.mrr > best.fit.mrr) best = { weights, fit };
  }
  const chosen = best!;
  console.log(`fit-offline-embedder: ${grid.length} weightings tried on ${set.queries.filter((query) => isFittingQuery(query.id)).length} fitting queries (vector only, exact cosine, ${dimensions} dimensions)`);
  console.log(`  chosen ${JSON.stringify(chosen.weights)}: fitting half ${format(chosen.fit)}`);
  for (const size of [384, 768, 1024]) {
    console.log(`  held-out half at ${size} dimensions: ${format(figuresOn(await rankInMemory(set, chosen.weights, size), set, false))}`);
  }
  // When to refit: statistics fitted on a random part of the base (the rest written since the fit), scored on the
  // fitting half. The largest unfitted share that costs at most `tolerance` MRR is the refit share.
  const tolerance = 0.005;
  const full = chosen.fit.mrr;
  let refitShare = 0.05;
  const random = seededRandom(7);
  const shuffled = set.passages.map((passage) => passage.text).sort(() => random() - 0.5);
  for (const share of [0.05, 0.1, 0.2, 0.3, 0.5]) {
    const fitOn = shuffled.slice(0, Math.round(shuffled.length * (1 - share)));
    const partial = figuresOn(await rankInMemory(set, chosen.weights, dimensions, fitOn), set, true);
    console.log(`  statistics missing ${(share * 100).toFixed(0)}% of the base: fitting half MRR ${partial.mrr.toFixed(3)} (full fit ${full.toFixed(3)})`);
    if (full - partial.mrr <= tolerance) refitShare = share;
    else break;
  }
  console.log(`  refit share (MRR loss <= ${tolerance}): ${refitShare}`);
  const fitted = { ...chosen.weights, refitShare, dimensions };
  if (process.argv.includes('--write')) {
    writeFileSync(join(repositoryRoot, 'src/llm/offline-embedder-weights.json'), `${JSON.stringify(fitted)}\n`);
    console.log('  written to src/llm/offline-embedder-weights.json');
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
