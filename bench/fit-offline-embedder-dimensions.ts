/**
 * Fits the offline embedder's dimension count and the HNSW search width (`hnsw.ef_search`) on data: for each
 * dimension count, the retrieval quality on the FIT half of jining_bank_faq_dev and what pgvector pays for the
 * vectors at 10,000 chunks (index build and insert per row, the vector leg's SQL p50/p95 per search width, and how
 * much of the exact top 30 each width finds).
 *
 * The rules, fixed before the first run:
 * - Dimensions: the smallest count whose fit-half hybrid MRR and recall@5 are each within 0.005 of the best count's,
 *   and whose fit-half vector-only MRR is within 0.02 of the best count's. Hybrid is scored as the service ranks
 *   (both legs, the stored fusion and re-ranking of retrieval-model.json). The vector-only guard is there because on
 *   this base the fitted fusion gives the vector leg little weight, so hybrid alone cannot see a vector leg that has
 *   lost its recall, and another base (or another fit) may lean on it more.
 *   With REFIT=1 each count also gets fusion and re-ranking refitted by bench/fit-retrieval.ts's fitters, scored by
 *   two-fold cross-validation inside the fit half (reported; slow on a shared machine: minutes per count).
 * - Search width: at the chosen count, the smallest width whose vector leg finds on average at least 0.95 of the
 *   exact (sequential scan) top 30; when no width does, the smallest within 0.01 of the widest width's share.
 *
 *   npx tsx bench/fit-offline-embedder-dimensions.ts            prints the fit
 *   npx tsx bench/fit-offline-embedder-dimensions.ts --write    also stores it (offline-embedder-weights.json
 *                                                                `dimensions`, vector-search-width.json `efSearch`)
 *   DIMENSIONS=128,256 WIDTHS=40,100 to change the candidates. The two halves can run apart (in parallel):
 *   --quality-only (recall, writes `dimensions`), --costs-only (database costs; the search width is chosen at the
 *   dimension count stored in offline-embedder-weights.json, so run it after the quality half has written).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { toVectorLiteral } from '../src/db/vector-literal.js';
import { priceVectorDistance } from '../src/knowledge/embedding-index.js';
import { embedQueries } from '../src/llm/embedder.js';
import { createOfflineEmbedder } from '../src/llm/offline-embedder.js';
import { fuseLegs, type LegCandidate } from '../src/retrieval/fuse-legs.js';
import { confidenceFeatureNames, loadRetrievalModel, type ConfidenceModel, type FusionModel, type RerankModel } from '../src/retrieval/retrieval-model.js';
import { buildFitCorpus, candidatesOf, fitFusion, fitRerank } from './fit-retrieval.js';
import { formatFigures, rankingFigures, splitQueries, type FaqQuery, type RankingFigures } from './jining-faq.js';
import { syntheticCorpus } from './knowledge-bench.js';
import { createBenchDatabase, formatMs, percentile, repositoryRoot } from './support.js';

const dimensionTolerance = { mrr: 0.005, recallAt5: 0.005, vectorMrr: 0.02 };
const requiredShare = 0.95;
const shareTolerance = 0.01;
/** As HybridSearch: each leg hands fusion max(topK * 4, 30) candidates. */
const depth = 30;
const neutralConfidence: ConfidenceModel = { intercept: 0, weights: Object.fromEntries(confidenceFeatureNames.map((name) => [name, 0])) as ConfidenceModel['weights'] };

type Prepared = ReadonlyMap<string, { candidates: LegCandidate[]; lexicalTop: number }>;

function ranksOf(prepared: Prepared, queries: readonly FaqQuery[], fusion: FusionModel, mode: 'hybrid' | 'vector', rerank?: RerankModel): number[] {
  return queries.map((query) => {
    const { candidates, lexicalTop } = prepared.get(query.qid)!;
    const ranked = fuseLegs(candidates, { mode, fusion, confidence: neutralConfidence, lexicalTop, depth, topK: depth, ...(rerank ? { rerank } : {}) });
    return ranked.findIndex((entry) => entry.id === query.gold_faq_id) + 1;
  });
}

interface Quality {
  dimensions: number;
  vector: RankingFigures;
  /** With the stored fusion and re-ranking (fitted at the previous default count). */
  storedModel: RankingFigures;
  /** Fusion and re-ranking refitted, two-fold cross-validated inside the fit half (REFIT=1). */
  refitted?: RankingFigures;
}

async function qualityAt(dimensions: number): Promise<Quality> {
  const embedder = createOfflineEmbedder({ dimensions });
  const built = await buildFitCorpus(embedder);
  if (!built) throw new Error('jining_bank_faq_dev not found');
  const { fit } = splitQueries(built.queries);
  const model = loadRetrievalModel();
  const stored = model.embedders[embedder.id.replace(/:\d+$/u, '')] ?? model.embedders.default!;
  const prepared = new Map(fit.map((query) => [query.qid, candidatesOf(built.corpus, query, model.bm25)]));
  const vector = rankingFigures(ranksOf(prepared, fit, stored.fusion, 'vector'));
  const storedModel = rankingFigures(ranksOf(prepared, fit, stored.fusion, 'hybrid', stored.rerank));
  if (process.env.REFIT !== '1') return { dimensions, vector, storedModel };
  const even = fit.filter((_, index) => index % 2 === 0);
  const odd = fit.filter((_, index) => index % 2 === 1);
  const crossRanks: number[] = [];
  for (const [train, test] of [[even, odd], [odd, even]] as const) {
    const fusion = fitFusion(prepared, train).fusion;
    const rerank = fitRerank(prepared, train, fusion).model;
    crossRanks.push(...ranksOf(prepared, test, fusion, 'hybrid', rerank));
  }
  return { dimensions, vector, storedModel, refitted: rankingFigures(crossRanks) };
}

interface Costs {
  dimensions: number;
  rows: number;
  buildMsPerRow: number;
  insertMsPerRow: number;
  widths: { width: number; p50: number; p95: number; share: number }[];
}

/** The synthetic 10,000-chunk base of knowledge-bench (our own sample sentences): one text per section. */
function syntheticChunks(): { texts: string[]; queries: string[] } {
  const { markdown, queries } = syntheticCorpus(1000, 10);
  const texts = markdown.flatMap((document) => {
    const title = /title: (.*)/u.exec(document)?.[1] ?? '';
    return document.split('\n## ').slice(1).map((section) => `${title}\n## ${section}`);
  });
  // 150 queries keep a run of every count and width within minutes on a shared machine.
  return { texts, queries: queries.slice(0, 150) };
}

/**
 * pgvector's costs at one dimension count, on a bare table of the synthetic base's vectors: the HNSW index built
 * over 10,000 rows (the bulk path), 300 rows inserted one statement each with the index present (the API path), and
 * the vector leg's nearest-30 statement per search width, with how much of the exact top 30 it finds.
 */
async function costsAt(dimensions: number, widths: readonly number[], chunks: { texts: string[]; queries: string[] }): Promise<Costs> {
  const embedder = createOfflineEmbedder({ dimensions });
  embedder.corpus.use(embedder.corpus.fit(chunks.texts));
  const vectors = (await embedder.embed(chunks.texts)).map((vector) => toVectorLiteral(vector));
  const [base, extra] = [vectors.slice(0, vectors.length - 300), vectors.slice(vectors.length - 300)];
  const queryVectors = (await embedQueries(embedder, chunks.queries)).map((vector) => toVectorLiteral(vector));
  const bench = await createBenchDatabase();
  try {
    const database = bench.embedded;
    await priceVectorDistance(database);
    await database.exec(`create table dimension_bench (id int primary key, embedding vector(${dimensions}))`);
    for (let start = 0; start < base.length; start += 500) {
      const batch = base.slice(start, start + 500);
      await database.query('insert into dimension_bench select * from unnest($1::int[], $2::text[]::vector[])', [batch.map((_, offset) => start + offset), batch]);
    }
    let started = performance.now();
    await database.exec('create index dimension_bench_idx on dimension_bench using hnsw (embedding vector_cosine_ops)');
    const buildMsPerRow = (performance.now() - started) / base.length;
    started = performance.now();
    for (const [offset, vector] of extra.entries()) await database.query('insert into dimension_bench values ($1, $2::vector)', [base.length + offset, vector]);
    const insertMsPerRow = (performance.now() - started) / extra.length;
    await database.exec('analyze dimension_bench');
    const statement = 'select id from dimension_bench order by embedding <=> $1::vector limit 30';
    const plan = (await database.query<Record<string, string>>(`explain ${statement}`, [queryVectors[0]])).rows.map((row) => Object.values(row)[0]).join(' ');
    if (!plan.includes('dimension_bench_idx')) throw new Error(`the vector leg does not use the HNSW index at ${dimensions} dimensions: ${plan}`);
    await database.exec('set enable_indexscan = off');
    const exact: Set<number>[] = [];
    for (const vector of queryVectors) exact.push(new Set((await database.query<{ id: number }>(statement, [vector])).rows.map((row) => row.id)));
    await database.exec('set enable_indexscan = on');
    const results: Costs['widths'] = [];
    for (const width of widths) {
      await database.exec(`set hnsw.ef_search = ${width}`);
      for (const vector of queryVectors.slice(0, 30)) await database.query(statement, [vector]);
      const times: number[] = [];
      let share = 0;
      for (const [index, vector] of queryVectors.entries()) {
        started = performance.now();
        const ids = (await database.query<{ id: number }>(statement, [vector])).rows.map((row) => row.id);
        times.push(performance.now() - started);
        share += ids.filter((id) => exact[index]!.has(id)).length / Math.max(1, exact[index]!.size);
      }
      results.push({ width, p50: percentile(times, 0.5), p95: percentile(times, 0.95), share: share / queryVectors.length });
    }
    return { dimensions, rows: vectors.length, buildMsPerRow, insertMsPerRow, widths: results };
  } finally {
    await bench.close();
  }
}

/** The dimension rule (see the header). */
export function chooseDimensions(qualities: readonly { dimensions: number; vector: RankingFigures; storedModel: RankingFigures }[]): number {
  const best = (pick: (quality: (typeof qualities)[number]) => number) => Math.max(...qualities.map(pick));
  const bestMrr = best((quality) => quality.storedModel.mrr);
  const bestRecall = best((quality) => quality.storedModel.recallAt5);
  const bestVector = best((quality) => quality.vector.mrr);
  const slack = 1e-12;
  const within = qualities
    .filter((quality) => quality.storedModel.mrr >= bestMrr - dimensionTolerance.mrr - slack && quality.storedModel.recallAt5 >= bestRecall - dimensionTolerance.recallAt5 - slack)
    .filter((quality) => quality.vector.mrr >= bestVector - dimensionTolerance.vectorMrr - slack)
    .map((quality) => quality.dimensions);
  return Math.min(...within);
}

/** The search width rule (see the header). */
export function chooseWidth(widths: readonly { width: number; share: number }[]): number {
  const sorted = [...widths].sort((left, right) => left.width - right.width);
  const enough = sorted.find((entry) => entry.share >= requiredShare);
  if (enough) return enough.width;
  const widest = sorted[sorted.length - 1]!;
  return sorted.find((entry) => entry.share >= widest.share - shareTolerance)!.width;
}

const list = (value: string | undefined, fallback: number[]) => (value ? value.split(',').map(Number) : fallback);

export async function main(): Promise<void> {
  const dimensionCounts = list(process.env.DIMENSIONS, [128, 192, 256, 384, 512, 768, 1024]);
  const widths = list(process.env.WIDTHS, [30, 40, 60, 80, 100, 150, 200, 400]);
  console.log(`== fit offline embedder dimensions and HNSW search width (load average ${loadavg().map((value) => value.toFixed(2)).join(' ')})`);
  console.log(`rule: the smallest count whose fit-half hybrid MRR and recall@5 are within ${dimensionTolerance.mrr} / ${dimensionTolerance.recallAt5} of the best count's, and vector-only MRR within ${dimensionTolerance.vectorMrr}`);
  console.log(`rule: the smallest ef_search finding >= ${requiredShare} of the exact top 30 at 10,000 chunks (else within ${shareTolerance} of the widest)`);
  const weightsFile = join(repositoryRoot, 'src/llm/offline-embedder-weights.json');
  const storedWeights = JSON.parse(readFileSync(weightsFile, 'utf8')) as Record<string, unknown>;
  const costsOnly = process.argv.includes('--costs-only');
  const qualities: Quality[] = [];
  for (const dimensions of costsOnly ? [] : dimensionCounts) {
    const started = performance.now();
    const quality = await qualityAt(dimensions);
    qualities.push(quality);
    console.log(`${String(dimensions).padStart(5)} dims, fit half: vector only ${formatFigures(quality.vector)} | hybrid ${formatFigures(quality.storedModel)}${quality.refitted ? ` | hybrid, refitted (CV) ${formatFigures(quality.refitted)}` : ''}  (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  }
  if (!costsOnly) console.log(`chosen dimensions: ${chooseDimensions(qualities)}`);

  let efSearch: number | undefined;
  let widthDimensions: number | undefined;
  if (!process.argv.includes('--quality-only')) {
    const chunks = syntheticChunks();
    const costs: Costs[] = [];
    for (const count of dimensionCounts) {
      const cost = await costsAt(count, widths, chunks);
      costs.push(cost);
      console.log(`${String(count).padStart(5)} dims, ${cost.rows} rows: HNSW build ${cost.buildMsPerRow.toFixed(2)} ms/row, insert ${cost.insertMsPerRow.toFixed(2)} ms/row; held in process ${((cost.rows * count * 4) / 1e6).toFixed(1)} MB (load average ${loadavg()[0]!.toFixed(2)})`);
      for (const width of cost.widths) console.log(`        ef_search ${String(width.width).padStart(3)}: vector leg SQL p50 ${formatMs(width.p50)} p95 ${formatMs(width.p95)}, exact top-30 found ${(width.share * 100).toFixed(1)} %`);
      console.log(`        by the width rule: ef_search ${chooseWidth(cost.widths)}`);
    }
    // Read after the costs: a quality half run alongside has written its choice by now.
    const dimensions = costsOnly ? Number((JSON.parse(readFileSync(weightsFile, 'utf8')) as { dimensions?: number }).dimensions) : chooseDimensions(qualities);
    const chosen = costs.find((cost) => cost.dimensions === dimensions);
    if (chosen) {
      efSearch = chooseWidth(chosen.widths);
      widthDimensions = dimensions;
      console.log(`chosen ef_search at ${dimensions} dimensions: ${efSearch}`);
    }
  }

  if (process.argv.includes('--write')) {
    if (!costsOnly) {
      writeFileSync(weightsFile, `${JSON.stringify({ ...storedWeights, dimensions: chooseDimensions(qualities) })}\n`);
      console.log(`written: ${weightsFile}`);
    }
    if (efSearch !== undefined) {
      const widthFile = join(repositoryRoot, 'src/knowledge/vector-search-width.json');
      const fit = `${new Date().toISOString().slice(0, 10)}, shared 2-core machine, synthetic 10,000-chunk corpus from the sample sentences, ${widthDimensions}-dimension offline vectors: the smallest width finding >= ${requiredShare} of the exact top 30 (else within ${shareTolerance} of the widest of ${widths.join(', ')})`;
      writeFileSync(widthFile, `${JSON.stringify({ efSearch, fittedBy: 'npx tsx bench/fit-offline-embedder-dimensions.ts --write', fit }, null, 2)}\n`);
      console.log(`written: ${widthFile}`);
    }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
