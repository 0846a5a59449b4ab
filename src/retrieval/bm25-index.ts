import type { DocumentKind } from '../knowledge/document-input.js';

/** Okapi BM25F parameters (Robertson & Zaragoza): saturation k1, and per field a weight and length normalisation b. */
export interface Bm25Parameters {
  k1: number;
  headingWeight: number;
  bodyWeight: number;
  headingB: number;
  bodyB: number;
}

/** A chunk as the index holds it: its filter columns and its analysed fields. */
export interface IndexedChunk {
  id: string;
  documentId: string;
  version: number;
  kind: DocumentKind;
  product: string | null;
  language: string;
  status: string;
  effectiveFrom: number | null;
  effectiveUntil: number | null;
  retired: boolean;
  headingTerms: readonly string[];
  bodyTerms: readonly string[];
}

/** One version of a document: the "shadowed by a later effective approved version" rule needs them all. */
export interface IndexedVersion {
  version: number;
  status: string;
  effectiveFrom: number | null;
  effectiveUntil: number | null;
}

export interface IndexFilter {
  asOf: number;
  kinds?: readonly DocumentKind[];
  product?: string;
  language?: string;
  /** The publish gate's shadow view: this version alone represents its document (see SearchQuery.overlay). */
  overlay?: { documentId: string; version: number };
}

interface Entry {
  chunk: IndexedChunk;
  slot: number;
  heading: Map<string, number>;
  body: Map<string, number>;
  postings: Posting[];
}

/** One term in one chunk; `position` is its place in the term's posting array, for O(1) removal. */
interface Posting {
  entry: Entry;
  heading: number;
  body: number;
  position: number;
}

export interface LexicalHit {
  chunkId: string;
  score: number;
  /** Sum of the IDF of the query terms this chunk holds, over the sum for every query term the base knows. */
  coverage: number;
}

/** IDF-weighted shares of one text covered by another (see Bm25Index.fieldCoverage). */
export interface FieldCoverage {
  queryInHeading: number;
  queryInBody: number;
  headingInQuery: number;
}

function termFrequencies(terms: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
  return counts;
}

function effectiveAt(item: { effectiveFrom: number | null; effectiveUntil: number | null }, asOf: number): boolean {
  return (item.effectiveFrom === null || item.effectiveFrom <= asOf) && (item.effectiveUntil === null || item.effectiveUntil > asOf);
}

/**
 * An in-process BM25F index over every chunk (all versions), kept per replica. Filters are applied to each
 * candidate before it is scored, exactly as the SQL `retrievable` condition does, so a filter never removes
 * results after a cut. Collection statistics (document frequency, average field length) count unretired chunks.
 */
export class Bm25Index {
  readonly #entries = new Map<string, Entry>();
  readonly #byDocument = new Map<string, Set<string>>();
  readonly #versions = new Map<string, IndexedVersion[]>();
  readonly #postings = new Map<string, Posting[]>();
  /** Entries by slot, and per-slot scratch space for a search (typed arrays: a search visits tens of thousands of postings). */
  #slots: (Entry | undefined)[] = [];
  readonly #freeSlots: number[] = [];
  #scores = new Float64Array(0);
  #idfSums = new Float64Array(0);
  #allowedStamp = new Int32Array(0);
  #allowed = new Uint8Array(0);
  #stamp = 0;
  readonly #documentFrequency = new Map<string, number>();
  #liveChunks = 0;
  #headingLengthTotal = 0;
  #bodyLengthTotal = 0;

  get size(): number {
    return this.#liveChunks;
  }

  /** Replaces everything the index holds about one document (its chunks of every version, and its versions). */
  replaceDocument(documentId: string, chunks: readonly IndexedChunk[], versions: readonly IndexedVersion[]): void {
    for (const chunkId of this.#byDocument.get(documentId) ?? []) this.#remove(chunkId);
    this.#byDocument.delete(documentId);
    this.#versions.delete(documentId);
    if (chunks.length === 0) return;
    this.#versions.set(documentId, [...versions]);
    this.#byDocument.set(documentId, new Set(chunks.map((chunk) => chunk.id)));
    for (const chunk of chunks) this.#add(chunk);
  }

  clear(): void {
    this.#entries.clear();
    this.#byDocument.clear();
    this.#versions.clear();
    this.#postings.clear();
    this.#documentFrequency.clear();
    this.#slots = [];
    this.#freeSlots.length = 0;
    this.#liveChunks = 0;
    this.#headingLengthTotal = 0;
    this.#bodyLengthTotal = 0;
  }

  #add(chunk: IndexedChunk): void {
    const slot = this.#freeSlots.pop() ?? this.#slots.length;
    const entry: Entry = { chunk, slot, heading: termFrequencies(chunk.headingTerms), body: termFrequencies(chunk.bodyTerms), postings: [] };
    this.#slots[slot] = entry;
    this.#entries.set(chunk.id, entry);
    for (const term of new Set([...entry.heading.keys(), ...entry.body.keys()])) {
      let list = this.#postings.get(term);
      if (!list) this.#postings.set(term, (list = []));
      const posting: Posting = { entry, heading: entry.heading.get(term) ?? 0, body: entry.body.get(term) ?? 0, position: list.length };
      list.push(posting);
      entry.postings.push(posting);
      if (!chunk.retired) this.#documentFrequency.set(term, (this.#documentFrequency.get(term) ?? 0) + 1);
    }
    if (!chunk.retired) {
      this.#liveChunks += 1;
      this.#headingLengthTotal += chunk.headingTerms.length;
      this.#bodyLengthTotal += chunk.bodyTerms.length;
    }
  }

  #remove(chunkId: string): void {
    const entry = this.#entries.get(chunkId);
    if (!entry) return;
    this.#entries.delete(chunkId);
    this.#slots[entry.slot] = undefined;
    this.#freeSlots.push(entry.slot);
    // entry.postings were made in this same term order (#add).
    [...new Set([...entry.heading.keys(), ...entry.body.keys()])].forEach((term, index) => {
      const list = this.#postings.get(term);
      const posting = entry.postings[index];
      if (list && posting) {
        // Swap-remove: the last posting takes this one's place.
        const last = list.pop()!;
        if (last !== posting) {
          last.position = posting.position;
          list[posting.position] = last;
        }
        if (list.length === 0) this.#postings.delete(term);
      }
      if (!entry.chunk.retired) {
        const left = (this.#documentFrequency.get(term) ?? 1) - 1;
        if (left > 0) this.#documentFrequency.set(term, left);
        else this.#documentFrequency.delete(term);
      }
    });
    if (!entry.chunk.retired) {
      this.#liveChunks -= 1;
      this.#headingLengthTotal -= entry.chunk.headingTerms.length;
      this.#bodyLengthTotal -= entry.chunk.bodyTerms.length;
    }
  }

  /** Robertson/Sparck Jones IDF, floored at zero by the +1 inside the logarithm. */
  idf(term: string): number {
    const frequency = this.#documentFrequency.get(term) ?? 0;
    return Math.log(1 + (this.#liveChunks - frequency + 0.5) / (frequency + 0.5));
  }

  documentFrequency(term: string): number {
    return this.#documentFrequency.get(term) ?? 0;
  }

  /** The SQL `retrievable` condition (src/retrieval/hybrid-search.ts), evaluated in process. */
  retrievable(chunk: IndexedChunk, filter: IndexFilter): boolean {
    if (filter.overlay && chunk.documentId === filter.overlay.documentId) {
      return chunk.version === filter.overlay.version && !chunk.retired && this.#matchesFields(chunk, filter);
    }
    if (chunk.status !== 'approved' || chunk.retired || !effectiveAt(chunk, filter.asOf)) return false;
    if (!this.#matchesFields(chunk, filter)) return false;
    const versions = this.#versions.get(chunk.documentId) ?? [];
    return !versions.some((later) => later.version > chunk.version && later.status === 'approved' && effectiveAt(later, filter.asOf));
  }

  #matchesFields(chunk: IndexedChunk, filter: IndexFilter): boolean {
    if (filter.kinds && filter.kinds.length > 0 && !filter.kinds.includes(chunk.kind)) return false;
    if (filter.product !== undefined && chunk.product !== filter.product) return false;
    return filter.language === undefined || chunk.language === filter.language;
  }

  /** Which of the query's terms a chunk holds, in query order (for explain). */
  matchedTerms(chunkId: string, queryTerms: readonly string[]): string[] {
    const entry = this.#entries.get(chunkId);
    if (!entry) return [];
    return [...new Set(queryTerms)].filter((term) => entry.heading.has(term) || entry.body.has(term));
  }

  /**
   * How a chunk's fields and a query cover each other, weighted by IDF (features for the learned re-ranking):
   * the share of the query's weight its heading holds and its body holds, and the share of its heading's weight the
   * query holds. The last is what a query-only coverage misses: a short question fully inside a long query, or a
   * long question of which the query names only a part. Zero for a chunk the index does not hold.
   */
  fieldCoverage(chunkId: string, queryTerms: readonly string[]): FieldCoverage {
    const entry = this.#entries.get(chunkId);
    if (!entry) return { queryInHeading: 0, queryInBody: 0, headingInQuery: 0 };
    const query = new Set(queryTerms);
    let queryTotal = 0;
    let inHeading = 0;
    let inBody = 0;
    for (const term of query) {
      const idf = this.idf(term);
      queryTotal += idf;
      if (entry.heading.has(term)) inHeading += idf;
      if (entry.body.has(term)) inBody += idf;
    }
    let headingTotal = 0;
    let headingMatched = 0;
    for (const term of entry.heading.keys()) {
      const idf = this.idf(term);
      headingTotal += idf;
      if (query.has(term)) headingMatched += idf;
    }
    return {
      queryInHeading: queryTotal > 0 ? inHeading / queryTotal : 0,
      queryInBody: queryTotal > 0 ? inBody / queryTotal : 0,
      headingInQuery: headingTotal > 0 ? headingMatched / headingTotal : 0,
    };
  }

  /**
   * Every retrievable chunk holding at least one query term, scored with BM25F and sorted best first. Each
   * distinct query term counts once; no term is left out (IDF weighs the common ones down).
   */
  search(queryTerms: readonly string[], filter: IndexFilter, parameters: Bm25Parameters): LexicalHit[] {
    const terms = [...new Set(queryTerms)].filter((term) => this.#postings.has(term));
    if (terms.length === 0 || this.#liveChunks === 0) return [];
    const averageHeading = Math.max(this.#headingLengthTotal / this.#liveChunks, 1e-9);
    const averageBody = Math.max(this.#bodyLengthTotal / this.#liveChunks, 1e-9);
    this.#prepareScratch();
    const stamp = ++this.#stamp;
    const scores = this.#scores;
    const idfSums = this.#idfSums;
    const allowedStamp = this.#allowedStamp;
    const allowed = this.#allowed;
    const touched: number[] = [];
    const queryIdf = terms.reduce((total, term) => total + this.idf(term), 0);
    const { k1, headingWeight, bodyWeight, headingB, bodyB } = parameters;
    for (const term of terms) {
      const idf = this.idf(term);
      for (const posting of this.#postings.get(term) ?? []) {
        const entry = posting.entry;
        const slot = entry.slot;
        if (allowedStamp[slot] !== stamp) {
          allowedStamp[slot] = stamp;
          allowed[slot] = this.retrievable(entry.chunk, filter) ? 1 : 0;
          scores[slot] = 0;
          idfSums[slot] = 0;
          if (allowed[slot] === 1) touched.push(slot);
        }
        if (allowed[slot] === 0) continue;
        const frequency =
          (headingWeight * posting.heading) / (1 - headingB + (headingB * entry.chunk.headingTerms.length) / averageHeading) +
          (bodyWeight * posting.body) / (1 - bodyB + (bodyB * entry.chunk.bodyTerms.length) / averageBody);
        if (frequency <= 0) continue;
        scores[slot] = scores[slot]! + (idf * frequency * (k1 + 1)) / (frequency + k1);
        idfSums[slot] = idfSums[slot]! + idf;
      }
    }
    const hits: LexicalHit[] = [];
    for (const slot of touched) {
      if (scores[slot]! <= 0) continue;
      hits.push({ chunkId: this.#slots[slot]!.chunk.id, score: scores[slot]!, coverage: queryIdf > 0 ? idfSums[slot]! / queryIdf : 0 });
    }
    return hits.sort((left, right) => right.score - left.score || (left.chunkId < right.chunkId ? -1 : 1));
  }

  /** Grows the per-slot scratch arrays to the number of slots. */
  #prepareScratch(): void {
    const size = this.#slots.length;
    if (this.#scores.length >= size) return;
    const capacity = Math.max(size, this.#scores.length * 2, 64);
    this.#scores = new Float64Array(capacity);
    this.#idfSums = new Float64Array(capacity);
    const stamps = new Int32Array(capacity);
    stamps.set(this.#allowedStamp);
    this.#allowedStamp = stamps;
    const allowed = new Uint8Array(capacity);
    allowed.set(this.#allowed);
    this.#allowed = allowed;
  }
}
