/**
 * Fits the retrieval model (src/retrieval/retrieval-model.json) on jining_bank_faq_dev: BM25F parameters, the
 * fusion of the lexical and vector legs for the configured embedder, and the logistic confidence, on one half of
 * the dev queries; prints the fit and the figures on the other half. Re-run after the embedder or the analyser
 * changes: `npx tsx bench/fit-retrieval.ts` (add `--dry-run` to print without writing).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chunkFaqRow } from '../src/knowledge/chunk-document.js';
import { embeddingText } from '../src/knowledge/embedding-index.js';
import { embedQueries, type Embedder } from '../src/llm/embedder.js';
import { createOfflineEmbedder } from '../src/llm/offline-embedder.js';
import { Bm25Index, type Bm25Parameters, type IndexFilter } from '../src/retrieval/bm25-index.js';
import { confidenceFeaturesOf, fuseLegs, rerankFeaturesOf, type LegCandidate } from '../src/retrieval/fuse-legs.js';
import { matchFeaturesOf, namingLines } from '../src/retrieval/rerank-features.js';
import { confidenceFeatureNames, confidenceOf, rerankFeatureNames, retrievalModelFile, type ConfidenceModel, type FusionModel, type RerankModel, type RetrievalModel } from '../src/retrieval/retrieval-model.js';
import { analyzeSearchFields } from '../src/text/search-fields.js';
import { searchTokens } from '../src/text/segment-text.js';
import { formatFigures, loadJiningFaq, rankingFigures, splitQueries, type FaqQuery } from './jining-faq.js';

const topK = 5;
/** As HybridSearch: each leg hands fusion max(topK * 4, 30) candidates. */
const depth = Math.max(topK * 4, 30);
const filter: IndexFilter = { asOf: Date.now() };

export interface FitCorpus {
  index: Bm25Index;
  ids: string[];
  vectors: Float64Array[];
  queryTerms: Map<string, string[]>;
  queryVectors: Map<string, Float64Array>;
  /** Each FAQ's naming lines as the service reads them from its chunk (for the re-ranking's match features). */
  lines: Map<string, string[]>;
}

function normalised(vector: readonly number[]): Float64Array {
  const norm = Math.hypot(...vector) || 1;
  return Float64Array.from(vector, (value) => value / norm);
}

/** The FAQ base analysed and embedded exactly as the ingest path does, in memory. */
export async function buildFitCorpus(embedder: Embedder): Promise<{ corpus: FitCorpus; queries: FaqQuery[] } | undefined> {
  const data = loadJiningFaq();
  if (!data) return undefined;
  const index = new Bm25Index();
  const texts: string[] = [];
  const ids: string[] = [];
  const lines = new Map<string, string[]>();
  for (const item of data.kb) {
    const chunk = chunkFaqRow({ id: item.faq_id, questions: item.standard_questions, answer: item.answer, line: 0 });
    const title = item.standard_questions[0] ?? item.faq_id;
    const fields = analyzeSearchFields({ title, kind: 'faq', heading: chunk.fields?.heading ?? '', body: chunk.fields?.body ?? '' });
    index.replaceDocument(item.faq_id, [{ id: item.faq_id, documentId: item.faq_id, version: 1, kind: 'faq', product: null, language: 'zh', status: 'approved', effectiveFrom: null, effectiveUntil: null, retired: false, ...fields }], [{ version: 1, status: 'approved', effectiveFrom: null, effectiveUntil: null }]);
    lines.set(item.faq_id, namingLines({ kind: 'faq', text: chunk.text, title, headingPath: chunk.headingPath }));
    texts.push(embeddingText(title, chunk.text));
    ids.push(item.faq_id);
  }
  // An embedder fitted on the base (the offline one) weighs queries by the base's statistics, as the service does
  // once it has fitted them at start-up.
  if (embedder.corpus) embedder.corpus.use(embedder.corpus.fit(texts));
  const vectors: Float64Array[] = [];
  for (let start = 0; start < texts.length; start += 256) vectors.push(...(await embedder.embed(texts.slice(start, start + 256))).map(normalised));
  const queryTerms = new Map(data.queries.map((query) => [query.qid, [...new Set(searchTokens(query.query))]]));
  const queryVectors = new Map<string, Float64Array>();
  for (let start = 0; start < data.queries.length; start += 256) {
    const batch = data.queries.slice(start, start + 256);
    (await embedQueries(embedder, batch.map((query) => query.query))).forEach((vector, offset) => queryVectors.set(batch[offset]!.qid, normalised(vector)));
  }
  return { corpus: { index, ids, vectors, queryTerms, queryVectors, lines }, queries: data.queries };
}

function lexicalRank(corpus: FitCorpus, query: FaqQuery, parameters: Bm25Parameters): number {
  const hits = corpus.index.search(corpus.queryTerms.get(query.qid) ?? [], filter, parameters);
  return hits.findIndex((hit) => hit.chunkId === query.gold_faq_id) + 1;
}

/** Both legs' candidates for a query, as HybridSearch builds them. */
export function candidatesOf(corpus: FitCorpus, query: FaqQuery, parameters: Bm25Parameters): { candidates: LegCandidate[]; lexicalTop: number } {
  const hits = corpus.index.search(corpus.queryTerms.get(query.qid) ?? [], filter, parameters);
  const queryVector = corpus.queryVectors.get(query.qid)!;
  const similarity = corpus.vectors.map((vector) => {
    let dot = 0;
    for (let index = 0; index < vector.length; index += 1) dot += vector[index]! * queryVector[index]!;
    return dot;
  });
  const nearest = similarity
    .map((value, index) => ({ id: corpus.ids[index]!, value }))
    .sort((left, right) => right.value - left.value || (left.id < right.id ? -1 : 1))
    .slice(0, depth);
  const vectorRank = new Map(nearest.map((entry, index) => [entry.id, index + 1]));
  const lexical = new Map(hits.map((hit, index) => [hit.chunkId, { rank: index + 1, hit }]));
  const position = new Map(corpus.ids.map((id, index) => [id, index]));
  const ids = new Set([...nearest.map((entry) => entry.id), ...hits.slice(0, depth).map((hit) => hit.chunkId)]);
  const candidates = [...ids].map((id): LegCandidate => {
    const lexicalEntry = lexical.get(id);
    const rank = vectorRank.get(id);
    const match = matchFeaturesOf(corpus.index, id, corpus.queryTerms.get(query.qid) ?? [], query.query, corpus.lines.get(id) ?? []);
    return { id, ...(lexicalEntry ? { lexical: lexicalEntry } : {}), ...(rank !== undefined ? { vectorRank: rank } : {}), similarity: similarity[position.get(id)!]!, match };
  });
  return { candidates, lexicalTop: hits[0]?.score ?? 0 };
}

const neutralConfidence: ConfidenceModel = { intercept: 0, weights: Object.fromEntries(confidenceFeatureNames.map((name) => [name, 0])) as ConfidenceModel['weights'] };

function hybridRanks(prepared: ReadonlyMap<string, { candidates: LegCandidate[]; lexicalTop: number }>, queries: readonly FaqQuery[], fusion: FusionModel, mode: 'hybrid' | 'lexical' | 'vector' = 'hybrid', rerank?: RerankModel): number[] {
  return queries.map((query) => {
    const { candidates, lexicalTop } = prepared.get(query.qid)!;
    const ranked = fuseLegs(candidates, { mode, fusion, confidence: neutralConfidence, lexicalTop, depth, topK: depth, ...(rerank ? { rerank } : {}) });
    return ranked.findIndex((entry) => entry.id === query.gold_faq_id) + 1;
  });
}

/** Mean reciprocal rank first, recall@5 to break ties: the cards show the first few, the first one most. */
function objective(ranks: readonly number[]): number {
  const figures = rankingFigures(ranks);
  return figures.mrr + 0.1 * figures.recallAt5;
}

function fitBm25(corpus: FitCorpus, queries: readonly FaqQuery[], start: Bm25Parameters): { parameters: Bm25Parameters; value: number } {
  const grid: Record<keyof Bm25Parameters, number[]> = {
    k1: [0.3, 0.6, 0.9, 1.2, 1.6, 2.2, 3, 4, 6],
    headingWeight: [0.5, 1, 1.5, 2, 3, 4, 6, 9],
    bodyWeight: [0, 0.25, 0.5, 1],
    headingB: [0, 0.25, 0.5, 0.75, 1],
    bodyB: [0, 0.25, 0.5, 0.75, 1],
  };
  let best = { ...start };
  let bestValue = objective(queries.map((query) => lexicalRank(corpus, query, best)));
  // Coordinate ascent: one parameter at a time over its grid, until a full round changes nothing.
  for (let round = 0; round < 4; round += 1) {
    let changed = false;
    for (const name of Object.keys(grid) as (keyof Bm25Parameters)[]) {
      for (const value of grid[name]) {
        const trial = { ...best, [name]: value };
        const trialValue = objective(queries.map((query) => lexicalRank(corpus, query, trial)));
        if (trialValue > bestValue + 1e-9) {
          best = trial;
          bestValue = trialValue;
          changed = true;
        }
      }
    }
    if (!changed) break;
  }
  return { parameters: best, value: bestValue };
}

export function fitFusion(prepared: ReadonlyMap<string, { candidates: LegCandidate[]; lexicalTop: number }>, queries: readonly FaqQuery[]): { fusion: FusionModel; value: number; tried: number } {
  const options: FusionModel[] = [];
  for (const k of [5, 10, 20, 40, 60, 100]) for (const vectorWeight of [0, 0.1, 0.2, 0.35, 0.5, 0.75, 1, 1.5, 2]) options.push({ method: 'rrf', k, lexicalWeight: 1, vectorWeight });
  for (const vectorWeight of [0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3]) options.push({ method: 'score', lexicalWeight: 1, vectorWeight });
  let best = options[0]!;
  let bestValue = Number.NEGATIVE_INFINITY;
  for (const fusion of options) {
    const value = objective(hybridRanks(prepared, queries, fusion));
    if (value > bestValue + 1e-9) {
      best = fusion;
      bestValue = value;
    }
  }
  return { fusion: best, value: bestValue, tried: options.length };
}

/** Each query's candidates as re-ranking features (in rerankFeatureNames order) and which one is the answer. */
function rerankGroups(prepared: ReadonlyMap<string, { candidates: LegCandidate[]; lexicalTop: number }>, queries: readonly FaqQuery[]): { features: number[][]; gold: number }[] {
  return queries.flatMap((query) => {
    const { candidates, lexicalTop } = prepared.get(query.qid)!;
    const gold = candidates.findIndex((candidate) => candidate.id === query.gold_faq_id);
    // A query whose answer neither leg proposed teaches the order nothing.
    if (gold < 0) return [];
    const features = candidates.map((candidate) => {
      const values = rerankFeaturesOf({ ...candidate, lexicalRatio: candidate.lexical && lexicalTop > 0 ? candidate.lexical.hit.score / lexicalTop : 0 }, depth);
      return rerankFeatureNames.map((name) => values[name]);
    });
    return [{ features, gold }];
  });
}

/**
 * Listwise logistic (softmax over each query's candidates, maximising the answer's log-probability) by full-batch
 * gradient descent on standardised features, with L2 `penalty`.
 */
function trainRerank(groups: readonly { features: number[][]; gold: number }[], mean: number[], scale: number[], penalty: number): number[] {
  const size = rerankFeatureNames.length;
  const standardised = groups.map((group) => group.features.map((row) => row.map((value, index) => (value - mean[index]!) / scale[index]!)));
  const weights = new Array<number>(size).fill(0);
  const rate = 0.5;
  for (let step = 0; step < 1500; step += 1) {
    const gradient = new Array<number>(size).fill(0);
    standardised.forEach((rows, groupIndex) => {
      const scores = rows.map((row) => row.reduce((sum, value, index) => sum + weights[index]! * value, 0));
      const highest = Math.max(...scores);
      const exponentials = scores.map((score) => Math.exp(score - highest));
      const total = exponentials.reduce((sum, value) => sum + value, 0);
      rows.forEach((row, rowIndex) => {
        const error = exponentials[rowIndex]! / total - (rowIndex === groups[groupIndex]!.gold ? 1 : 0);
        for (let index = 0; index < size; index += 1) gradient[index]! += error * row[index]!;
      });
    });
    for (let index = 0; index < size; index += 1) weights[index] = weights[index]! - rate * (gradient[index]! / Math.max(groups.length, 1) + penalty * weights[index]!);
  }
  return weights;
}

function rerankModelOf(mean: number[], scale: number[], weights: number[], fit?: Record<string, unknown>): RerankModel {
  const record = (values: number[]) => Object.fromEntries(rerankFeatureNames.map((name, index) => [name, round4(values[index]!)])) as RerankModel['weights'];
  return { mean: record(mean), scale: record(scale), weights: record(weights), ...(fit ? { fit } : {}) };
}

/**
 * Fits the re-ranking on the fit half. The L2 penalty is chosen by two-fold cross-validation inside the fit half
 * (never by the held-out half), then the weights are refitted on the whole fit half with it.
 */
export function fitRerank(prepared: ReadonlyMap<string, { candidates: LegCandidate[]; lexicalTop: number }>, queries: readonly FaqQuery[], fusion: FusionModel): { model: RerankModel; penalty: number; folds: Record<string, number> } {
  const groups = rerankGroups(prepared, queries);
  const rows = groups.flatMap((group) => group.features);
  const mean = rerankFeatureNames.map((_, index) => rows.reduce((sum, row) => sum + row[index]!, 0) / Math.max(rows.length, 1));
  const scale = rerankFeatureNames.map((_, index) => Math.sqrt(rows.reduce((sum, row) => sum + (row[index]! - mean[index]!) ** 2, 0) / Math.max(rows.length, 1)) || 1);
  const folds = [queries.filter((_, index) => index % 2 === 0), queries.filter((_, index) => index % 2 === 1)];
  const scores: Record<string, number> = {};
  let best = { penalty: 0, value: Number.NEGATIVE_INFINITY };
  for (const penalty of [0, 0.001, 0.01, 0.03, 0.1]) {
    let value = 0;
    for (const [trainIndex, testIndex] of [[0, 1], [1, 0]] as const) {
      const weights = trainRerank(rerankGroups(prepared, folds[trainIndex]!), mean, scale, penalty);
      value += objective(hybridRanks(prepared, folds[testIndex]!, fusion, 'hybrid', rerankModelOf(mean, scale, weights))) / 2;
    }
    scores[String(penalty)] = round4(value);
    if (value > best.value + 1e-9) best = { penalty, value };
  }
  const weights = trainRerank(groups, mean, scale, best.penalty);
  return { model: rerankModelOf(mean, scale, weights, { on: 'jining_bank_faq_dev (fit half)', queries: queries.length, penalty: best.penalty, by: 'bench/fit-retrieval.ts' }), penalty: best.penalty, folds: scores };
}

interface Example {
  features: number[];
  label: number;
}

/**
 * The same query as if its answer were not in the base: the gold FAQ left out and the others re-ranked. Every
 * dev query has an answer, so without these the confidence would learn that a first place is an answer, and a
 * question the base cannot answer (which a live call asks often) would get a confident, unrelated top result.
 */
function withoutAnswer(entry: { candidates: LegCandidate[]; lexicalTop: number }, gold: string): { candidates: LegCandidate[]; lexicalTop: number } {
  const rest = entry.candidates.filter((candidate) => candidate.id !== gold);
  const lexicalOrder = rest.filter((candidate) => candidate.lexical).sort((left, right) => left.lexical!.rank - right.lexical!.rank);
  const vectorOrder = rest.filter((candidate) => candidate.vectorRank !== undefined).sort((left, right) => left.vectorRank! - right.vectorRank!);
  const lexicalRank = new Map(lexicalOrder.map((candidate, index) => [candidate.id, index + 1]));
  const vectorRank = new Map(vectorOrder.map((candidate, index) => [candidate.id, index + 1]));
  const candidates = rest.map((candidate): LegCandidate => ({
    ...candidate,
    ...(candidate.lexical ? { lexical: { ...candidate.lexical, rank: lexicalRank.get(candidate.id)! } } : {}),
    ...(candidate.vectorRank !== undefined ? { vectorRank: vectorRank.get(candidate.id)! } : {}),
  }));
  return { candidates, lexicalTop: lexicalOrder[0]?.lexical?.hit.score ?? 0 };
}

function examplesOf(prepared: ReadonlyMap<string, { candidates: LegCandidate[]; lexicalTop: number }>, queries: readonly FaqQuery[], fusion: FusionModel, rerank?: RerankModel): Example[] {
  return queries.flatMap((query) => {
    const entry = prepared.get(query.qid)!;
    return [entry, withoutAnswer(entry, query.gold_faq_id)].flatMap(({ candidates, lexicalTop }) => {
      const ranked = fuseLegs(candidates, { mode: 'hybrid', fusion, confidence: neutralConfidence, lexicalTop, depth, topK, ...(rerank ? { rerank } : {}) });
      return ranked.map((ranking, index) => {
        const features = confidenceFeaturesOf(ranked, index);
        return { features: confidenceFeatureNames.map((name) => features[name]), label: ranking.id === query.gold_faq_id ? 1 : 0 };
      });
    });
  });
}

/** Logistic regression by full-batch gradient descent with a little L2 (no library needed for five features). */
function fitLogistic(examples: readonly Example[]): ConfidenceModel {
  const size = confidenceFeatureNames.length;
  const weights = new Array<number>(size).fill(0);
  let intercept = 0;
  const rate = 0.5;
  const l2 = 1e-4;
  for (let step = 0; step < 4000; step += 1) {
    const gradient = new Array<number>(size).fill(0);
    let gradientIntercept = 0;
    for (const example of examples) {
      let sum = intercept;
      for (let index = 0; index < size; index += 1) sum += weights[index]! * example.features[index]!;
      const error = 1 / (1 + Math.exp(-sum)) - example.label;
      gradientIntercept += error;
      for (let index = 0; index < size; index += 1) gradient[index]! += error * example.features[index]!;
    }
    intercept -= (rate * gradientIntercept) / examples.length;
    for (let index = 0; index < size; index += 1) weights[index] = weights[index]! - rate * (gradient[index]! / examples.length + l2 * weights[index]!);
  }
  const round = (value: number) => Math.round(value * 10_000) / 10_000;
  return { intercept: round(intercept), weights: Object.fromEntries(confidenceFeatureNames.map((name, index) => [name, round(weights[index]!)])) as ConfidenceModel['weights'] };
}

export interface CalibrationFigures {
  brier: number;
  expectedCalibrationError: number;
  bins: { from: number; count: number; meanConfidence: number; accuracy: number }[];
}

export function calibration(pairs: readonly { confidence: number; label: number }[]): CalibrationFigures {
  const bins = Array.from({ length: 10 }, (_, index) => ({ from: index / 10, count: 0, confidenceSum: 0, hits: 0 }));
  let brier = 0;
  for (const pair of pairs) {
    brier += (pair.confidence - pair.label) ** 2;
    const bin = bins[Math.min(9, Math.floor(pair.confidence * 10))]!;
    bin.count += 1;
    bin.confidenceSum += pair.confidence;
    bin.hits += pair.label;
  }
  const total = Math.max(pairs.length, 1);
  const expectedCalibrationError = bins.reduce((sum, bin) => sum + (bin.count === 0 ? 0 : (bin.count / total) * Math.abs(bin.confidenceSum / bin.count - bin.hits / bin.count)), 0);
  return {
    brier: brier / total,
    expectedCalibrationError,
    bins: bins.filter((bin) => bin.count > 0).map((bin) => ({ from: bin.from, count: bin.count, meanConfidence: bin.confidenceSum / bin.count, accuracy: bin.hits / bin.count })),
  };
}

/** The cut-off on confidence with the best balanced accuracy (answers kept vs non-answers dropped), to 0.01. */
export function fitCutOff(pairs: readonly { confidence: number; label: number }[]): { threshold: number; balancedAccuracy: number; truePositiveRate: number; trueNegativeRate: number } {
  const positives = pairs.filter((pair) => pair.label === 1);
  const negatives = pairs.filter((pair) => pair.label !== 1);
  let best = { threshold: 0.5, balancedAccuracy: 0, truePositiveRate: 0, trueNegativeRate: 0 };
  for (let step = 1; step < 100; step += 1) {
    const threshold = step / 100;
    const truePositiveRate = positives.filter((pair) => pair.confidence >= threshold).length / Math.max(positives.length, 1);
    const trueNegativeRate = negatives.filter((pair) => pair.confidence < threshold).length / Math.max(negatives.length, 1);
    const balancedAccuracy = (truePositiveRate + trueNegativeRate) / 2;
    if (balancedAccuracy > best.balancedAccuracy) best = { threshold, balancedAccuracy, truePositiveRate, trueNegativeRate };
  }
  return best;
}

function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

export async function main(): Promise<void> {
  const dryRun = process.argv.includes('--dry-run');
  const embedder = createOfflineEmbedder();
  console.log(`== fit retrieval model (jining_bank_faq_dev, embedder ${embedder.id})`);
  const built = await buildFitCorpus(embedder);
  if (!built) {
    console.log('jining_bank_faq_dev not found beside the repository: nothing fitted');
    return;
  }
  const { corpus, queries } = built;
  const { fit, heldOut } = splitQueries(queries);
  console.log(`${corpus.ids.length} FAQs; ${fit.length} queries to fit on, ${heldOut.length} held out`);
  const file = fileURLToPath(retrievalModelFile);
  const current = JSON.parse(readFileSync(file, 'utf8')) as RetrievalModel;

  const started = performance.now();
  // --keep-bm25: the BM25F parameters as they are (the grid takes minutes on a loaded machine), the rest refitted.
  const bm25 = process.argv.includes('--keep-bm25') ? { parameters: current.bm25, value: 0 } : fitBm25(corpus, fit, current.bm25);
  console.log(`BM25F fitted in ${((performance.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(bm25.parameters)}`);
  const textbook: Bm25Parameters = { k1: 1.2, headingWeight: 1, bodyWeight: 1, headingB: 0.75, bodyB: 0.75 };
  for (const [name, parameters] of [['textbook (k1 1.2, b 0.75, equal fields)', textbook], ['fitted', bm25.parameters]] as const) {
    console.log(`  lexical ${name.padEnd(40)} fit half ${formatFigures(rankingFigures(fit.map((query) => lexicalRank(corpus, query, parameters))))}`);
    console.log(`  lexical ${name.padEnd(40)} held out ${formatFigures(rankingFigures(heldOut.map((query) => lexicalRank(corpus, query, parameters))))}`);
  }

  const prepared = new Map(queries.map((query) => [query.qid, candidatesOf(corpus, query, bm25.parameters)]));
  const fusion = fitFusion(prepared, fit);
  console.log(`fusion fitted over ${fusion.tried} settings: ${JSON.stringify(fusion.fusion)}`);
  const equalRrf: FusionModel = { method: 'rrf', k: 60, lexicalWeight: 1, vectorWeight: 1 };
  for (const [name, setting, mode] of [
    ['vector only', fusion.fusion, 'vector'],
    ['lexical only', fusion.fusion, 'lexical'],
    ['hybrid, unweighted RRF k 60', equalRrf, 'hybrid'],
    ['hybrid, fitted', fusion.fusion, 'hybrid'],
  ] as const) {
    console.log(`  ${name.padEnd(30)} held out ${formatFigures(rankingFigures(hybridRanks(prepared, heldOut, setting, mode)))}`);
  }
  const rerank = fitRerank(prepared, fit, fusion.fusion);
  console.log(`re-ranking (listwise logistic over ${rerankFeatureNames.length} features; L2 ${rerank.penalty} by two-fold CV on the fit half ${JSON.stringify(rerank.folds)}): ${JSON.stringify(rerank.model.weights)}`);
  console.log(`  ${'hybrid, fitted + re-ranked'.padEnd(30)} fit half ${formatFigures(rankingFigures(hybridRanks(prepared, fit, fusion.fusion, 'hybrid', rerank.model)))}`);
  console.log(`  ${'hybrid, fitted + re-ranked'.padEnd(30)} held out ${formatFigures(rankingFigures(hybridRanks(prepared, heldOut, fusion.fusion, 'hybrid', rerank.model)))}`);

  const confidence = fitLogistic(examplesOf(prepared, fit, fusion.fusion, rerank.model));
  console.log(`confidence (logistic regression on the fit half's top ${topK}): ${JSON.stringify(confidence)}`);
  const heldOutPairs = examplesOf(prepared, heldOut, fusion.fusion, rerank.model).map((example) => ({
    confidence: confidenceOf(confidence, Object.fromEntries(confidenceFeatureNames.map((name, index) => [name, example.features[index]!])) as Parameters<typeof confidenceOf>[1]),
    label: example.label,
  }));
  const figures = calibration(heldOutPairs);
  console.log(`  held out calibration over ${heldOutPairs.length} results: Brier ${figures.brier.toFixed(4)}  ECE ${figures.expectedCalibrationError.toFixed(4)}`);
  for (const bin of figures.bins) console.log(`    confidence ${bin.from.toFixed(1)}-${(bin.from + 0.1).toFixed(1)}: ${String(bin.count).padStart(4)} results, mean confidence ${bin.meanConfidence.toFixed(3)}, answered ${bin.accuracy.toFixed(3)}`);

  // The suggestion path answers from a passage only when its confidence reaches a cut-off, else it hands over. The
  // cut-off is fitted here, on the held-out half's results, because it depends on the confidence model just fitted:
  // the value that best separates passages that answer the question from those that do not (balanced accuracy).
  const cutOff = fitCutOff(heldOutPairs);
  console.log(`answer cut-off (held out, balanced accuracy): ${cutOff.threshold} -> ${cutOff.balancedAccuracy.toFixed(3)} (answers kept ${cutOff.truePositiveRate.toFixed(3)}, non-answers dropped ${cutOff.trueNegativeRate.toFixed(3)})`);

  const key = embedder.id.replace(/:\d+$/u, '');
  const fitNote = { on: 'jining_bank_faq_dev (fit half by FNV-1a of qid)', queries: fit.length, embedder: embedder.id, by: 'bench/fit-retrieval.ts', heldOutBrier: round4(figures.brier), heldOutEce: round4(figures.expectedCalibrationError) };
  const entry = { fusion: fusion.fusion, confidence: confidence, rerank: rerank.model, fit: fitNote };
  const next: RetrievalModel = {
    bm25: bm25.parameters,
    fit: { on: fitNote.on, queries: fit.length, by: fitNote.by, objective: 'MRR + 0.1 recall@5 of the lexical leg' },
    // An embedder never fitted gets the offline embedder's fit until someone fits it (run this with it configured).
    embedders: { ...current.embedders, [key]: entry, default: { ...entry, fit: { ...fitNote, note: `fitted with ${embedder.id}; fit your embedder to replace it` } } },
  };
  if (dryRun) console.log('dry run: retrieval-model.json left as it was');
  else {
    writeFileSync(file, `${JSON.stringify(next, null, 2)}\n`);
    console.log(`written: ${file}`);
    const relevanceFile = fileURLToPath(new URL('../src/suggestions/answer-relevance.json', import.meta.url));
    const relevance = {
      threshold: cutOff.threshold,
      fittedOn: `jining_bank_faq_dev held-out half (${heldOutPairs.length} top-${topK} results of ${heldOut.length} queries), embedder ${embedder.id}`,
      measure: `retrieval confidence; balanced accuracy ${cutOff.balancedAccuracy.toFixed(3)} (by bench/fit-retrieval.ts)`,
    };
    writeFileSync(relevanceFile, `${JSON.stringify(relevance, null, 2)}\n`);
    console.log(`written: ${relevanceFile}`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
