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
  /** Each of its terms' place in that term's posting list, for O(1) removal. */
  positions: Map<string, number>;
  /** Its heading's IDF total, for the index as it was at `mutations` (see Bm25Index.fieldCoverage). */
  headingTotal?: { mutations: number; total: number };
}

/**
 * One term's postings as parallel typed arrays (slot, frequency in the heading, in the body): a search walks tens of
 * thousands of postings, and reading numbers from arrays is several times faster than following objects.
 */
class PostingList {
  slots = new Int32Array(4);
  heading = new Int32Array(4);
  body = new Int32Array(4);
  length = 0;

  push(slot: number, heading: number, body: number): number {
    if (this.length === this.slots.length) {
      const grow = (from: Int32Array) => {
        const to = new Int32Array(from.length * 2);
        to.set(from);
        return to;
      };
      this.slots = grow(this.slots);
      this.heading = grow(this.heading);
      this.body = grow(this.body);
    }
    this.slots[this.length] = slot;
    this.heading[this.length] = heading;
    this.body[this.length] = body;
    return this.length++;
  }

  /** Swap-remove: the last posting takes this one's place; returns the slot whose posting moved (or -1). */
  removeAt(position: number): number {
    const last = --this.length;
    if (position === last) return -1;
    this.slots[position] = this.slots[last]!;
    this.heading[position] = this.heading[last]!;
    this.body[position] = this.body[last]!;
    return this.slots[position]!;
  }
}

export interface LexicalHit {
  chunkId: string;
  score: number;
  /** Sum of the IDF of the query terms this chunk holds, over the sum for every query term the base knows. */
  coverage: number;
}

/** A query's part of Bm25Index.fieldCoverage, prepared once for all of a search's candidates. */
export interface CoverageQuery {
  terms: readonly string[];
  idfs: readonly number[];
  total: number;
  set: ReadonlySet<string>;
  mutations: number;
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
  readonly #postings = new Map<string, PostingList>();
  /** Entries by slot, and per-slot scratch space for a search (typed arrays: a search visits tens of thousands of postings). */
  #slots: (Entry | undefined)[] = [];
  readonly #freeSlots: number[] = [];
  #scores = new Float64Array(0);
  #idfSums = new Float64Array(0);
  #allowedStamp = new Int32Array(0);
  #allowed = new Uint8Array(0);
  #stamp = 0;
  /** Counts every add and remove: what was computed per slot for an older count is stale. */
  #mutations = 0;
  #scaleKey = '';
  #scales: [Float64Array, Float64Array] = [new Float64Array(0), new Float64Array(0)];
  /** Filter masks by filter fields, each valid while the index is unchanged and asOf stays between two effective dates. */
  readonly #masks = new Map<string, { mutations: number; from: number; until: number; mask: Uint8Array }>();
  readonly #documentFrequency = new Map<string, number>();
  /** Per term, the largest scaled frequency among its postings (MaxScore bounds), valid for the scales of `#largestFrequencyKey`. */
  readonly #largestFrequencies = new Map<string, number>();
  #largestFrequencyKey = '';
  /** Scratch space for a ranking: partial scores to select from, and one chunk's contributions per term. */
  #selection = new Float64Array(0);
  #contributions = new Float64Array(0);
  #exactScores = new Float64Array(0);
  /** IDF by term, valid for the index as it was at `#idfMutations`. */
  readonly #idfs = new Map<string, number>();
  #idfMutations = -1;
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
    this.#mutations += 1;
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
    this.#mutations += 1;
    const slot = this.#freeSlots.pop() ?? this.#slots.length;
    const entry: Entry = { chunk, slot, heading: termFrequencies(chunk.headingTerms), body: termFrequencies(chunk.bodyTerms), positions: new Map() };
    this.#slots[slot] = entry;
    this.#entries.set(chunk.id, entry);
    for (const term of new Set([...entry.heading.keys(), ...entry.body.keys()])) {
      let list = this.#postings.get(term);
      if (!list) this.#postings.set(term, (list = new PostingList()));
      entry.positions.set(term, list.push(slot, entry.heading.get(term) ?? 0, entry.body.get(term) ?? 0));
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
    this.#mutations += 1;
    this.#entries.delete(chunkId);
    this.#slots[entry.slot] = undefined;
    this.#freeSlots.push(entry.slot);
    for (const [term, position] of entry.positions) {
      const list = this.#postings.get(term);
      if (list) {
        const moved = list.removeAt(position);
        if (moved >= 0) this.#slots[moved]!.positions.set(term, position);
        if (list.length === 0) this.#postings.delete(term);
      }
      if (!entry.chunk.retired) {
        const left = (this.#documentFrequency.get(term) ?? 1) - 1;
        if (left > 0) this.#documentFrequency.set(term, left);
        else this.#documentFrequency.delete(term);
      }
    }
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

  /**
   * `retrievable` for chunks by id, the filter resolved once (its cached mask): the vector leg asks it of the chunks
   * near enough to enter its top. False for a chunk the index does not hold. Valid while the index is unchanged.
   */
  retrievableTest(filter: IndexFilter): (chunkId: string) => boolean {
    const mask = this.#filterMask(filter);
    return (chunkId) => {
      const entry = this.#entries.get(chunkId);
      if (!entry) return false;
      return mask ? mask[entry.slot] === 1 : this.retrievable(entry.chunk, filter);
    };
  }

  #matchesFields(chunk: IndexedChunk, filter: IndexFilter): boolean {
    if (filter.kinds && filter.kinds.length > 0 && !filter.kinds.includes(chunk.kind)) return false;
    if (filter.product !== undefined && chunk.product !== filter.product) return false;
    return filter.language === undefined || chunk.language === filter.language;
  }

  /** The ids of the chunks the collection statistics count (every unretired chunk, of any version). */
  *liveChunkIds(): Generator<string> {
    for (const [id, entry] of this.#entries) if (!entry.chunk.retired) yield id;
  }

  /** A chunk's analysed fields as term counts (read only), for what is learned from the base; undefined if not held. */
  fieldTerms(chunkId: string): { heading: ReadonlyMap<string, number>; body: ReadonlyMap<string, number> } | undefined {
    const entry = this.#entries.get(chunkId);
    return entry ? { heading: entry.heading, body: entry.body } : undefined;
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
   * long question of which the query names only a part. Zero for a chunk the index does not hold. A search asks it
   * for every candidate: `coverageQuery` prepares the query's part once.
   */
  fieldCoverage(chunkId: string, queryTerms: readonly string[] | CoverageQuery): FieldCoverage {
    const entry = this.#entries.get(chunkId);
    if (!entry) return { queryInHeading: 0, queryInBody: 0, headingInQuery: 0 };
    const query = 'set' in queryTerms ? (queryTerms.mutations === this.#mutations ? queryTerms : this.coverageQuery(queryTerms.terms)) : this.coverageQuery(queryTerms);
    let inHeading = 0;
    let inBody = 0;
    for (let index = 0; index < query.terms.length; index += 1) {
      const term = query.terms[index]!;
      if (entry.heading.has(term)) inHeading += query.idfs[index]!;
      if (entry.body.has(term)) inBody += query.idfs[index]!;
    }
    const { total: headingTotal, matched: headingMatched } = this.#headingWeight(entry, query.set);
    return {
      queryInHeading: query.total > 0 ? inHeading / query.total : 0,
      queryInBody: query.total > 0 ? inBody / query.total : 0,
      headingInQuery: headingTotal > 0 ? headingMatched / headingTotal : 0,
    };
  }

  /** The query's part of `fieldCoverage`: its distinct terms in order, their IDF, and the IDF total (summed in that order). */
  coverageQuery(queryTerms: readonly string[]): CoverageQuery {
    const set = new Set(queryTerms);
    const terms = [...set];
    const idfs = terms.map((term) => this.#rememberedIdf(term));
    let total = 0;
    for (const idf of idfs) total += idf;
    return { terms, idfs, total, set, mutations: this.#mutations };
  }

  /**
   * A heading's IDF total and the part of it the query holds, summed over its terms in the order they were indexed
   * (as before: the same float sums). The total is remembered per chunk until the index changes.
   */
  #headingWeight(entry: Entry, query: ReadonlySet<string>): { total: number; matched: number } {
    const remember = entry.headingTotal?.mutations !== this.#mutations;
    let total = 0;
    let matched = 0;
    for (const term of entry.heading.keys()) {
      const inQuery = query.has(term);
      if (!remember && !inQuery) continue;
      const idf = this.#rememberedIdf(term);
      if (remember) total += idf;
      if (inQuery) matched += idf;
    }
    if (remember) entry.headingTotal = { mutations: this.#mutations, total };
    return { total: entry.headingTotal!.total, matched };
  }

  /** `idf`, remembered until the index changes (a search's candidates share most of their heading terms). */
  #rememberedIdf(term: string): number {
    if (this.#idfMutations !== this.#mutations) {
      this.#idfs.clear();
      this.#idfMutations = this.#mutations;
    }
    let idf = this.#idfs.get(term);
    if (idf === undefined) {
      idf = this.idf(term);
      this.#idfs.set(term, idf);
    }
    return idf;
  }

  /**
   * Every retrievable chunk holding at least one query term, scored with BM25F and sorted best first. Each
   * distinct query term counts once; no term is left out (IDF weighs the common ones down).
   */
  search(queryTerms: readonly string[], filter: IndexFilter, parameters: Bm25Parameters): LexicalHit[] {
    const scored = this.#score(queryTerms, filter, parameters);
    const hits: LexicalHit[] = [];
    for (let index = 0; index < scored.ids.length; index += 1) hits.push({ chunkId: scored.ids[index]!, score: scored.scores[index]!, coverage: scored.coverage[index]! });
    return hits.sort((left, right) => right.score - left.score || (left.chunkId < right.chunkId ? -1 : 1));
  }

  /**
   * The same ranking as `search`, but only its best `depth` hits are found, by MaxScore dynamic pruning (Turtle &
   * Flood): a chunk holding only common query terms cannot reach the best `depth`, so those terms' long posting lists
   * are not walked. Each hit's score is then summed exactly as `search` sums it, so the top and its scores are the
   * same to the last bit; `lookup` gives the score of any other chunk, and its rank when asked.
   */
  rank(queryTerms: readonly string[], filter: IndexFilter, parameters: Bm25Parameters, depth: number): LexicalRanking {
    const query = this.#prepareQuery(queryTerms, filter, parameters);
    const top = query ? this.#topByMaxScore(query, depth) : [];
    const mutations = this.#mutations;
    return new LexicalRanking(top, depth, {
      stale: () => this.#mutations !== mutations,
      hitOf: (chunkId) => (query ? this.#exactHit(query, chunkId) : undefined),
      allHits: () => this.#score(queryTerms, filter, parameters),
    });
  }

  /** Increases on every add and remove: a ranking taken before it changed no longer describes the index. */
  get changes(): number {
    return this.#mutations;
  }

  /** What a pruned ranking needs of one query: its terms in `search`'s order, their IDF and posting lists, the scales and the filter. */
  #prepareQuery(queryTerms: readonly string[], filter: IndexFilter, parameters: Bm25Parameters): PreparedQuery | undefined {
    const terms = [...new Set(queryTerms)].filter((term) => this.#postings.has(term));
    if (terms.length === 0 || this.#liveChunks === 0) return undefined;
    const averageHeading = Math.max(this.#headingLengthTotal / this.#liveChunks, 1e-9);
    const averageBody = Math.max(this.#bodyLengthTotal / this.#liveChunks, 1e-9);
    const [headingScale, bodyScale] = this.#fieldScales(parameters, averageHeading, averageBody);
    const idfs = terms.map((term) => this.idf(term));
    const lists = terms.map((term) => this.#postings.get(term)!);
    const { k1 } = parameters;
    // The most any posting of the term can add to a score: the saturation rises with the scaled frequency.
    const bounds = terms.map((term, position) => {
      const frequency = this.#largestFrequency(term, lists[position]!, headingScale, bodyScale);
      return frequency > 0 ? (idfs[position]! * frequency * (k1 + 1)) / (frequency + k1) : 0;
    });
    return {
      terms,
      idfs,
      lists,
      bounds,
      queryIdf: terms.reduce((total, term) => total + this.idf(term), 0),
      k1,
      headingScale,
      bodyScale,
      filter,
      mask: this.#filterMask(filter),
      mutations: this.#mutations,
    };
  }

  /**
   * The largest scaled frequency (BM25F: heading and body frequencies times their field scales) among a term's
   * postings, remembered until the index or the parameters change (the scales change with them).
   */
  #largestFrequency(term: string, list: PostingList, headingScale: Float64Array, bodyScale: Float64Array): number {
    if (this.#largestFrequencyKey !== this.#scaleKey) {
      this.#largestFrequencies.clear();
      this.#largestFrequencyKey = this.#scaleKey;
    }
    let largest = this.#largestFrequencies.get(term);
    if (largest !== undefined) return largest;
    largest = 0;
    const { slots, heading, body } = list;
    for (let position = 0; position < list.length; position += 1) {
      const slot = slots[position]!;
      const frequency = heading[position]! * headingScale[slot]! + body[position]! * bodyScale[slot]!;
      if (frequency > largest) largest = frequency;
    }
    this.#largestFrequencies.set(term, largest);
    return largest;
  }

  #allowedSlot(query: PreparedQuery, slot: number): boolean {
    return query.mask ? query.mask[slot] === 1 : this.retrievable(this.#slots[slot]!.chunk, query.filter);
  }

  /**
   * The best `depth` hits by MaxScore, term at a time. First the terms are walked from the largest bound down,
   * summing each chunk's partial score; before each term, the `depth`-th best partial so far is a floor the final
   * `depth`-th score cannot fall below, and once the bounds of the terms left add up to less than it, a chunk not
   * met yet cannot enter the top: those (common, long) posting lists are not walked to find new chunks. Of the chunks
   * met, only those whose partial score plus those bounds can reach the floor stay candidates, and they are scored in
   * full by one walk of every term in query order, summed exactly as `#score` sums them (the same float additions,
   * in the same order), so scores and ties are the same to the last bit. Comparisons with a bound keep a margin for
   * rounding (`cannotReach`): pruning is never decided by the last bits.
   */
  #topByMaxScore(query: PreparedQuery, depth: number): LexicalHit[] {
    if (depth <= 0) return [];
    const { bounds, lists, idfs, k1, headingScale, bodyScale } = query;
    const count = bounds.length;
    const order = bounds.map((_, position) => position).sort((left, right) => bounds[right]! - bounds[left]! || left - right);
    // remaining[step]: the most the terms from `step` on (in walking order) can add together.
    const remaining = new Float64Array(count + 1);
    for (let step = count - 1; step >= 0; step -= 1) remaining[step] = remaining[step + 1]! + bounds[order[step]!]!;
    this.#prepareScratch();
    const stamp = ++this.#stamp;
    const seen = this.#allowedStamp;
    const state = this.#allowed;
    const partial = this.#scores;
    const touched: number[] = [];
    let floor = Number.NEGATIVE_INFINITY;
    let highest = 0;
    let walked = count;
    for (let step = 0; step < count; step += 1) {
      if (touched.length >= depth && remaining[step]! < highest) {
        floor = Math.max(floor, this.#depthBest(touched, depth));
        if (cannotReach(remaining[step]!, floor)) {
          walked = step;
          break;
        }
      }
      const term = order[step]!;
      const idf = idfs[term]!;
      const list = lists[term]!;
      const { slots, heading, body } = list;
      for (let position = 0; position < list.length; position += 1) {
        const slot = slots[position]!;
        if (seen[slot] !== stamp) {
          seen[slot] = stamp;
          state[slot] = this.#allowedSlot(query, slot) ? allowedSlot : refusedSlot;
          partial[slot] = 0;
          if (state[slot] === allowedSlot) touched.push(slot);
        }
        if (state[slot] === refusedSlot) continue;
        const frequency = heading[position]! * headingScale[slot]! + body[position]! * bodyScale[slot]!;
        if (frequency <= 0) continue;
        const score = partial[slot]! + (idf * frequency * (k1 + 1)) / (frequency + k1);
        partial[slot] = score;
        if (score > highest) highest = score;
      }
    }
    if (touched.length >= depth) floor = Math.max(floor, this.#depthBest(touched, depth));
    const left = remaining[walked]!;
    const candidates: number[] = [];
    const exact = this.#exactScores;
    const idfSums = this.#idfSums;
    for (const slot of touched) {
      if (cannotReach(partial[slot]! + left, floor)) continue;
      state[slot] = candidateSlot;
      exact[slot] = 0;
      idfSums[slot] = 0;
      candidates.push(slot);
    }
    for (let term = 0; term < count; term += 1) {
      const idf = idfs[term]!;
      const list = lists[term]!;
      const { slots, heading, body } = list;
      for (let position = 0; position < list.length; position += 1) {
        const slot = slots[position]!;
        if (seen[slot] !== stamp || state[slot] !== candidateSlot) continue;
        const frequency = heading[position]! * headingScale[slot]! + body[position]! * bodyScale[slot]!;
        if (frequency <= 0) continue;
        exact[slot] = exact[slot]! + (idf * frequency * (k1 + 1)) / (frequency + k1);
        idfSums[slot] = idfSums[slot]! + idf;
      }
    }
    const heap = new TopHeap(depth);
    for (const slot of candidates) {
      if (exact[slot]! <= 0) continue;
      heap.offer({ chunkId: this.#slots[slot]!.chunk.id, score: exact[slot]!, coverage: query.queryIdf > 0 ? idfSums[slot]! / query.queryIdf : 0 });
    }
    return heap.sorted();
  }

  /** The `depth`-th largest partial score among these slots (quickselect over a copy). */
  #depthBest(touched: readonly number[], depth: number): number {
    if (this.#selection.length < touched.length) this.#selection = new Float64Array(Math.max(touched.length, this.#selection.length * 2));
    const values = this.#selection;
    for (let index = 0; index < touched.length; index += 1) values[index] = this.#scores[touched[index]!]!;
    return selectLargest(values, touched.length, depth);
  }

  /** One term's BM25F contribution for the posting at `at` in its list (0 when the weighted frequency is 0), as `#score` computes it. */
  #contribution(query: PreparedQuery, term: number, at: number, slot: number): number {
    const list = query.lists[term]!;
    const frequency = list.heading[at]! * query.headingScale[slot]! + list.body[at]! * query.bodyScale[slot]!;
    if (frequency <= 0) return -1;
    const idf = query.idfs[term]!;
    return (idf * frequency * (query.k1 + 1)) / (frequency + query.k1);
  }

  /**
   * Sums the contributions in query order, as `#score` does (a term the chunk lacks or whose weighted frequency is 0
   * adds nothing: -1 marks the latter, 0 the former); undefined when the chunk scores nothing.
   */
  #hitOf(query: PreparedQuery, chunkId: string, contributions: Float64Array, count: number): LexicalHit | undefined {
    let score = 0;
    let idfSum = 0;
    let held = false;
    for (let term = 0; term < count; term += 1) {
      const contribution = contributions[term]!;
      if (contribution <= 0) continue;
      score = score + contribution;
      idfSum = idfSum + query.idfs[term]!;
      held = true;
    }
    if (!held || score <= 0) return undefined;
    return { chunkId, score, coverage: query.queryIdf > 0 ? idfSum / query.queryIdf : 0 };
  }

  /** Any chunk's hit for a prepared query (score and coverage exactly as `search` gives them), or undefined. */
  #exactHit(query: PreparedQuery, chunkId: string): LexicalHit | undefined {
    if (this.#mutations !== query.mutations) throw new Error('the index changed since this ranking was taken: rank again');
    const entry = this.#entries.get(chunkId);
    if (!entry || !this.#allowedSlot(query, entry.slot)) return undefined;
    return this.#exactHitOfSlot(query, entry.slot);
  }

  /** A retrievable slot's hit, its terms' frequencies read by position: the same sum, in the same order, as `#score`. */
  #exactHitOfSlot(query: PreparedQuery, slot: number): LexicalHit | undefined {
    const entry = this.#slots[slot]!;
    const contributions = this.#contributions.length >= query.terms.length ? this.#contributions : (this.#contributions = new Float64Array(query.terms.length * 2));
    for (let term = 0; term < query.terms.length; term += 1) {
      const at = entry.positions.get(query.terms[term]!);
      contributions[term] = at === undefined ? 0 : this.#contribution(query, term, at, slot);
    }
    return this.#hitOf(query, entry.chunk.id, contributions, query.terms.length);
  }

  #score(queryTerms: readonly string[], filter: IndexFilter, parameters: Bm25Parameters): ScoredHits {
    const terms = [...new Set(queryTerms)].filter((term) => this.#postings.has(term));
    if (terms.length === 0 || this.#liveChunks === 0) return { ids: [], scores: new Float64Array(0), coverage: new Float64Array(0) };
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
    const { k1 } = parameters;
    const [headingScale, bodyScale] = this.#fieldScales(parameters, averageHeading, averageBody);
    const mask = this.#filterMask(filter);
    for (const term of terms) {
      const idf = this.idf(term);
      const list = this.#postings.get(term)!;
      const { slots: postingSlots, heading, body } = list;
      for (let position = 0; position < list.length; position += 1) {
        const slot = postingSlots[position]!;
        if (allowedStamp[slot] !== stamp) {
          allowedStamp[slot] = stamp;
          allowed[slot] = mask ? mask[slot]! : this.retrievable(this.#slots[slot]!.chunk, filter) ? 1 : 0;
          scores[slot] = 0;
          idfSums[slot] = 0;
          if (allowed[slot] === 1) touched.push(slot);
        }
        if (allowed[slot] === 0) continue;
        const frequency = heading[position]! * headingScale[slot]! + body[position]! * bodyScale[slot]!;
        if (frequency <= 0) continue;
        scores[slot] = scores[slot]! + (idf * frequency * (k1 + 1)) / (frequency + k1);
        idfSums[slot] = idfSums[slot]! + idf;
      }
    }
    // Copied out of the scratch arrays: the next search reuses them while this one waits for its SQL.
    const ids: string[] = [];
    const hitScores = new Float64Array(touched.length);
    const coverage = new Float64Array(touched.length);
    for (const slot of touched) {
      if (scores[slot]! <= 0) continue;
      hitScores[ids.length] = scores[slot]!;
      coverage[ids.length] = queryIdf > 0 ? idfSums[slot]! / queryIdf : 0;
      ids.push(this.#slots[slot]!.chunk.id);
    }
    return { ids, scores: hitScores.subarray(0, ids.length), coverage: coverage.subarray(0, ids.length) };
  }

  /**
   * Per slot, what a term frequency in each field is multiplied by: the field weight over its length normalisation
   * (BM25F). Computed once per change of the index or of the parameters, not once per posting.
   */
  #fieldScales(parameters: Bm25Parameters, averageHeading: number, averageBody: number): [Float64Array, Float64Array] {
    const { headingWeight, bodyWeight, headingB, bodyB } = parameters;
    const key = [this.#slots.length, this.#mutations, headingWeight, bodyWeight, headingB, bodyB, averageHeading, averageBody].join(' ');
    if (this.#scaleKey === key) return this.#scales;
    const headingScale = new Float64Array(this.#slots.length);
    const bodyScale = new Float64Array(this.#slots.length);
    this.#slots.forEach((entry, slot) => {
      if (!entry) return;
      headingScale[slot] = headingWeight / (1 - headingB + (headingB * entry.chunk.headingTerms.length) / averageHeading);
      bodyScale[slot] = bodyWeight / (1 - bodyB + (bodyB * entry.chunk.bodyTerms.length) / averageBody);
    });
    this.#scaleKey = key;
    this.#scales = [headingScale, bodyScale];
    return this.#scales;
  }

  /**
   * Which slots pass the filter, computed once and reused: a search touches most chunks, and evaluating the
   * `retrievable` condition for each of them was a third of the lexical leg. The condition depends on asOf only
   * through comparisons with effective dates, so a mask holds for every asOf between the nearest date at or before
   * it and the nearest after it. Not for the publish gate's overlay (rare, and one document differs).
   */
  #filterMask(filter: IndexFilter): Uint8Array | undefined {
    if (filter.overlay) return undefined;
    const key = JSON.stringify([filter.kinds ?? null, filter.product ?? null, filter.language ?? null]);
    const cached = this.#masks.get(key);
    if (cached && cached.mutations === this.#mutations && cached.from <= filter.asOf && filter.asOf < cached.until) return cached.mask;
    let from = Number.NEGATIVE_INFINITY;
    let until = Number.POSITIVE_INFINITY;
    const bound = (time: number | null) => {
      if (time === null) return;
      if (time <= filter.asOf) from = Math.max(from, time);
      else until = Math.min(until, time);
    };
    const mask = new Uint8Array(this.#slots.length);
    this.#slots.forEach((entry, slot) => {
      if (!entry) return;
      bound(entry.chunk.effectiveFrom);
      bound(entry.chunk.effectiveUntil);
      mask[slot] = this.retrievable(entry.chunk, filter) ? 1 : 0;
    });
    for (const versions of this.#versions.values()) {
      for (const version of versions) {
        bound(version.effectiveFrom);
        bound(version.effectiveUntil);
      }
    }
    // A handful of filters are in use at a time (kinds, product, language); an unusual one does not pile up.
    if (this.#masks.size >= 32) this.#masks.clear();
    this.#masks.set(key, { mutations: this.#mutations, from, until, mask });
    return mask;
  }

  /** Grows the per-slot scratch arrays to the number of slots. */
  #prepareScratch(): void {
    const size = this.#slots.length;
    if (this.#scores.length >= size) return;
    const capacity = Math.max(size, this.#scores.length * 2, 64);
    this.#scores = new Float64Array(capacity);
    this.#exactScores = new Float64Array(capacity);
    this.#idfSums = new Float64Array(capacity);
    const stamps = new Int32Array(capacity);
    stamps.set(this.#allowedStamp);
    this.#allowedStamp = stamps;
    const allowed = new Uint8Array(capacity);
    allowed.set(this.#allowed);
    this.#allowed = allowed;
  }
}

/** Every hit of one lexical search, unordered: chunk ids with their scores and coverage at the same index. */
interface ScoredHits {
  ids: string[];
  scores: Float64Array;
  coverage: Float64Array;
}

/** A prepared query of Bm25Index.rank. */
interface PreparedQuery {
  /** Distinct query terms the index knows, in query order: the order `search` sums them in. */
  terms: string[];
  idfs: number[];
  lists: PostingList[];
  /** Per term, the most it can add to any chunk's score. */
  bounds: number[];
  queryIdf: number;
  k1: number;
  headingScale: Float64Array;
  bodyScale: Float64Array;
  filter: IndexFilter;
  mask: Uint8Array | undefined;
  mutations: number;
}

/**
 * Pruning margin: a bound is trusted to cap a score only when it is below it by more than rounding could explain
 * (the bound and the exact score are summed in different orders).
 */
function cannotReach(bound: number, worst: number): boolean {
  return bound * (1 + 1e-9) + 1e-12 < worst;
}

/** What a ranking knows of a slot it met (in Bm25Index's per-slot scratch): filtered out, retrievable, still a candidate for the top. */
const refusedSlot = 0;
const allowedSlot = 1;
const candidateSlot = 2;

/** The `rank`-th largest (1-based) of the first `length` values; reorders them (Hoare's quickselect). */
function selectLargest(values: Float64Array, length: number, rank: number): number {
  let low = 0;
  let high = length - 1;
  const target = rank - 1;
  while (low < high) {
    const pivot = values[(low + high) >> 1]!;
    let left = low;
    let right = high;
    while (left <= right) {
      while (values[left]! > pivot) left += 1;
      while (values[right]! < pivot) right -= 1;
      if (left <= right) {
        const swap = values[left]!;
        values[left] = values[right]!;
        values[right] = swap;
        left += 1;
        right -= 1;
      }
    }
    if (target <= right) high = right;
    else if (target >= left) low = left;
    else return values[target]!;
  }
  return values[target]!;
}

/** The best `depth` hits seen so far: a bounded heap whose root is the worst kept (score, then chunk id, as `search` orders). */
class TopHeap {
  readonly #depth: number;
  readonly #heap: LexicalHit[] = [];

  constructor(depth: number) {
    this.#depth = depth;
  }

  get full(): boolean {
    return this.#heap.length >= this.#depth;
  }

  get worstScore(): number {
    return this.#heap[0]!.score;
  }

  offer(hit: LexicalHit): void {
    const heap = this.#heap;
    if (heap.length < this.#depth) {
      heap.push(hit);
      let child = heap.length - 1;
      while (child > 0) {
        const parent = (child - 1) >> 1;
        if (!better(heap[parent]!, heap[child]!)) break;
        [heap[parent], heap[child]] = [heap[child]!, heap[parent]!];
        child = parent;
      }
      return;
    }
    if (!better(hit, heap[0]!)) return;
    heap[0] = hit;
    let parent = 0;
    for (;;) {
      const left = parent * 2 + 1;
      const right = left + 1;
      let worst = parent;
      if (left < heap.length && better(heap[worst]!, heap[left]!)) worst = left;
      if (right < heap.length && better(heap[worst]!, heap[right]!)) worst = right;
      if (worst === parent) return;
      [heap[parent], heap[worst]] = [heap[worst]!, heap[parent]!];
      parent = worst;
    }
  }

  sorted(): LexicalHit[] {
    return [...this.#heap].sort((left, right) => (better(left, right) ? -1 : 1));
  }
}

function better(left: LexicalHit, right: LexicalHit): boolean {
  return left.score > right.score || (left.score === right.score && left.chunkId < right.chunkId);
}

/** How a ranking reads the index it was taken from. */
interface RankingSource {
  stale(): boolean;
  hitOf(chunkId: string): LexicalHit | undefined;
  /** Every hit, unordered, scored exhaustively: only to count a rank below the top. */
  allHits(): ScoredHits;
}

/**
 * One lexical search: the best `depth` hits in order (`top`, as Bm25Index.search orders them), and the hit of any
 * other chunk (its exact score and coverage) read from the index on demand, with its rank in the full ranking when
 * asked for (counted by scoring every hit, so only hit testing asks). Valid while the index is unchanged (`stale`).
 */
export class LexicalRanking {
  readonly top: LexicalHit[];
  readonly #depth: number;
  readonly #source: RankingSource;
  #all: ScoredHits | undefined;

  constructor(top: LexicalHit[], depth: number, source: RankingSource) {
    this.top = top;
    this.#depth = depth;
    this.#source = source;
  }

  /** True once the index changed after this ranking was taken: `lookup` then throws, and the caller ranks again. */
  get stale(): boolean {
    return this.#source.stale();
  }

  /** How many chunks the search matched (scores every hit: for tests and benches). */
  get size(): number {
    return this.#allHits().ids.length;
  }

  #allHits(): ScoredHits {
    this.#all ??= this.#source.allHits();
    return this.#all;
  }

  /**
   * The rank (1-based, in the full ranking) and the hit of each of these chunks that the search matched. With
   * `exactRanks: false`, a hit below the top gets rank depth + 1, "beyond the top": fusion and the re-ranking read
   * a lexical rank only as within the top `depth` or not (src/retrieval/fuse-legs.ts), and counting it exactly
   * costs a full scoring of every hit, the cost the pruning saves. Scores and coverage are exact either way.
   */
  lookup(chunkIds: Iterable<string>, options: { exactRanks?: boolean } = {}): Map<string, { rank: number; hit: LexicalHit }> {
    const exactRanks = options.exactRanks ?? true;
    const asked = new Set(chunkIds);
    const found = new Map<string, { rank: number; hit: LexicalHit }>();
    this.top.forEach((hit, index) => {
      if (asked.has(hit.chunkId)) found.set(hit.chunkId, { rank: index + 1, hit });
    });
    if (found.size === asked.size) return found;
    if (this.stale) throw new Error('the index changed since this ranking was taken: rank again');
    for (const id of asked) {
      if (found.has(id)) continue;
      const hit = this.#source.hitOf(id);
      if (!hit) continue;
      found.set(id, { rank: exactRanks ? this.#countedRank(hit) : this.#depth + 1, hit });
    }
    return found;
  }

  /** A hit's rank in the full ranking: one more than the hits ahead of it (score, then chunk id). */
  #countedRank(hit: LexicalHit): number {
    const { ids, scores } = this.#allHits();
    let ahead = 0;
    for (let other = 0; other < ids.length; other += 1) {
      if (scores[other]! > hit.score || (scores[other] === hit.score && ids[other]! < hit.chunkId)) ahead += 1;
    }
    return ahead + 1;
  }
}
