import type { CorpusFitting, CorpusStatistics, Embedder } from './embedder.js';
import { foldText, words } from '../text/segment-text.js';
import fittedWeights from './offline-embedder-weights.json' with { type: 'json' };

export interface OfflineEmbedderOptions {
  /**
   * Vector length; collisions of the hashing trick fall as it grows, and the pgvector index's build, insert and
   * scan, and the vectors held in process, grow with it. Defaults to the fitted count (offline-embedder-weights.json).
   */
  dimensions?: number;
  /** Weights per feature kind and the query's IDF exponent; defaults to the fitted offline-embedder-weights.json. */
  weights?: OfflineEmbedderWeights;
}

/** What bench/fit-offline-embedder.ts fits on half of a real FAQ base's queries (see offline-embedder-weights.json). */
export interface OfflineEmbedderWeights {
  word: number;
  character: number;
  bigram: number;
  trigram: number;
  /** The query side multiplies each feature by idf^exponent (2 gives the numerator of a TF-IDF cosine). */
  idfExponent: number;
}

/**
 * Refit the query statistics when this share of the base has been written or retired since the last fit
 * (fitted by bench/fit-offline-embedder.ts: statistics of a smaller part of the base weigh queries as well).
 */
export const offlineEmbedderRefitShare: number = (fittedWeights as { refitShare: number }).refitShare;

/** The offline embedder plus what the knowledge base fits for its query side. */
export interface OfflineEmbedder extends Embedder {
  embedQueries(texts: string[]): Promise<number[][]>;
  readonly corpus: CorpusFitting;
}

const cjkRun = /[\u3400-\u9fff\uf900-\ufaff]+/gu;

/**
 * The default vector length (offline-embedder-weights.json `dimensions`), as bench/fit-offline-embedder-dimensions.ts
 * chooses it: the smallest count whose hybrid recall on the FAQ base's fitting queries stays within a stated tolerance
 * of the best count's, 768 (2026-12-06 and again 2026-12-07). It was held at 1024 for a day because, with the vector
 * leg answered by the HNSW index, held-out recall@5 fell from 0.950 to 0.945; since the offline vector leg runs
 * exactly in process (exact-vector-leg.json), held-out hybrid recall@5 is 0.950 at both lengths, and a quarter less
 * vector makes the bulk load's index build (most of its time) a quarter cheaper.
 */
export const offlineEmbedderDefaultDimensions: number = (fittedWeights as { dimensions: number }).dimensions;

/** FNV-1a over UTF-16 code units: stable across platforms and releases, which the stored vectors depend on. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** murmur3's finaliser: spreads the FNV hash so its top bit is independent of the bucket (the low bits). */
function mix(hash: number): number {
  let mixed = hash;
  mixed ^= mixed >>> 16;
  mixed = Math.imul(mixed, 0x85ebca6b);
  mixed ^= mixed >>> 13;
  mixed = Math.imul(mixed, 0xc2b2ae35);
  mixed ^= mixed >>> 16;
  return mixed >>> 0;
}

/**
 * Occurrences of each feature: jieba words, and CJK character 1-, 2- and 3-grams. The n-grams are what the
 * lexical leg's words lack: a query and a passage that share part of a word, or that jieba cut differently,
 * still meet. The kind prefix keeps a word and an identical n-gram apart so each keeps its weight.
 */
function countFeatures(text: string, weights: OfflineEmbedderWeights): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (feature: string) => counts.set(feature, (counts.get(feature) ?? 0) + 1);
  if (weights.word > 0) for (const word of words(text)) add(`w:${word}`);
  for (const match of foldText(text).matchAll(cjkRun)) {
    const run = match[0];
    for (let index = 0; index < run.length; index += 1) {
      if (weights.character > 0) add(`c:${run[index]}`);
      if (weights.bigram > 0 && index + 1 < run.length) add(`b:${run.slice(index, index + 2)}`);
      if (weights.trigram > 0 && index + 2 < run.length) add(`t:${run.slice(index, index + 3)}`);
    }
  }
  return counts;
}

function kindWeight(feature: string, weights: OfflineEmbedderWeights): number {
  switch (feature[0]) {
    case 'w':
      return weights.word;
    case 'c':
      return weights.character;
    case 'b':
      return weights.bigram;
    default:
      return weights.trigram;
  }
}

/**
 * Inverse document frequency, smoothed so a feature in every passage keeps a small positive weight. Features
 * missing from the statistics occur in at most one passage (only features of two or more are stored).
 */
function inverseDocumentFrequency(statistics: CorpusStatistics, feature: string): number {
  const frequency = statistics.frequencies[feature] ?? 1;
  return Math.log((statistics.documents + 1) / (frequency + 0.5));
}

/**
 * The offline embedder: a deterministic hashed bag of features (the hashing trick with a sign bit, sublinear
 * term frequency, L2-normalised). No vocabulary, no synonyms, no network.
 *
 * Asymmetric on purpose: passages are embedded without any fitted statistic, so their stored vectors never go
 * stale when the knowledge base changes; queries carry the IDF weighting (fitted on the base, stored in the
 * database so every replica weighs alike), so their cosine with a passage ranks like a TF-IDF cosine would.
 */
export function createOfflineEmbedder(options: OfflineEmbedderOptions = {}): OfflineEmbedder {
  const dimensions = options.dimensions ?? offlineEmbedderDefaultDimensions;
  if (!Number.isInteger(dimensions) || dimensions < 2) throw new RangeError(`offline embedder dimensions must be an integer >= 2, got ${dimensions}`);
  const weights = options.weights ?? (fittedWeights as OfflineEmbedderWeights);
  let statistics: CorpusStatistics | undefined;

  function embedOne(text: string, query: boolean): number[] {
    const vector = new Float64Array(dimensions);
    for (const [feature, occurrences] of countFeatures(text, weights)) {
      const hash = fnv1a(feature);
      // Sublinear term frequency: a word said five times is not five times the topic.
      let weight = kindWeight(feature, weights) * (1 + Math.log(occurrences));
      if (query && statistics) weight *= inverseDocumentFrequency(statistics, feature) ** weights.idfExponent;
      vector[hash % dimensions]! += mix(hash) & 0x80000000 ? -weight : weight;
    }
    let norm = 0;
    for (const value of vector) norm += value * value;
    const result = new Array<number>(dimensions).fill(0);
    if (norm === 0) {
      // Nothing to hash (empty or punctuation only). A zero vector has no cosine distance in pgvector (NaN
      // breaks ordering), so every featureless text gets the same fixed unit vector instead.
      result[0] = 1;
      return result;
    }
    const scale = 1 / Math.sqrt(norm);
    for (let index = 0; index < dimensions; index += 1) result[index] = vector[index]! * scale;
    return result;
  }

  // The feature scheme and kind weights shape the stored vectors, so they are part of the id; the IDF statistics
  // shape only queries, so they are not (a refit never asks for a reindex).
  const scheme = `w${weights.word}c${weights.character}b${weights.bigram}t${weights.trigram}`;
  return {
    id: `offline-hash-v2-${scheme}:${dimensions}`,
    dimensions,
    async embed(texts: string[]): Promise<number[][]> {
      return texts.map((text) => embedOne(text, false));
    },
    async embedQueries(texts: string[]): Promise<number[][]> {
      return texts.map((text) => embedOne(text, true));
    },
    corpus: {
      fit: (passages) => fitCorpusStatistics(passages, (text) => [...countFeatures(text, weights).keys()]),
      use(next) {
        statistics = next;
      },
      get statistics() {
        return statistics;
      },
    },
  };
}

/**
 * Document frequencies of `passages`' features. Only features found in two or more passages are kept: the rest
 * weigh the same as an unseen feature, and a base of 10,000 passages would otherwise store every rare n-gram.
 */
export function fitCorpusStatistics(passages: Iterable<string>, features: (text: string) => string[]): CorpusStatistics {
  const counts = new Map<string, number>();
  let documents = 0;
  for (const passage of passages) {
    documents += 1;
    for (const feature of features(passage)) counts.set(feature, (counts.get(feature) ?? 0) + 1);
  }
  const frequencies: Record<string, number> = {};
  for (const [feature, count] of counts) if (count >= 2) frequencies[feature] = count;
  return { documents, frequencies };
}
