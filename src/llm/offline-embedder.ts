import type { Embedder } from './embedder.js';
import { foldText, words } from '../text/segment-text.js';

export interface OfflineEmbedderOptions {
  /** Vector length; 384 keeps the pgvector index small while collisions stay rare for short passages. */
  dimensions?: number;
}

const cjkRun = /[\u3400-\u9fff\uf900-\ufaff]+/gu;

// Words carry the meaning; bigrams let texts meet when jieba cut them differently; single characters only
// help a little (many are shared by unrelated words), so they weigh less.
const wordWeight = 1;
const bigramWeight = 1;
const characterWeight = 0.3;

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

const weightOfKind: Record<string, number> = { w: wordWeight, b: bigramWeight, c: characterWeight };

/** Occurrences of each feature; the kind prefix keeps a word and an identical bigram apart so each keeps its weight. */
function features(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (feature: string) => counts.set(feature, (counts.get(feature) ?? 0) + 1);
  for (const word of words(text)) add(`w:${word}`);
  for (const match of foldText(text).matchAll(cjkRun)) {
    const run = match[0];
    for (let index = 0; index < run.length; index += 1) {
      add(`c:${run[index]}`);
      if (index + 1 < run.length) add(`b:${run.slice(index, index + 2)}`);
    }
  }
  return counts;
}

/**
 * The offline embedder: a deterministic hashed bag of words, CJK bigrams and CJK characters (the hashing
 * trick with a sign bit, sublinear term frequency, L2-normalised). No vocabulary, no synonyms, no network.
 */
export function createOfflineEmbedder(options: OfflineEmbedderOptions = {}): Embedder {
  const dimensions = options.dimensions ?? 384;
  if (!Number.isInteger(dimensions) || dimensions < 2) throw new RangeError(`offline embedder dimensions must be an integer >= 2, got ${dimensions}`);

  function embedOne(text: string): number[] {
    const vector = new Float64Array(dimensions);
    for (const [feature, occurrences] of features(text)) {
      const hash = fnv1a(feature);
      // Sublinear term frequency: a word said five times is not five times the topic.
      const weight = weightOfKind[feature[0]!]! * (1 + Math.log(occurrences));
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

  return {
    id: `offline-hash-v1:${dimensions}`,
    dimensions,
    async embed(texts: string[]): Promise<number[][]> {
      return texts.map(embedOne);
    },
  };
}
