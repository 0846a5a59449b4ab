/**
 * Every chunk's embedding held in process (per replica, beside the BM25 index), so a search computes the cosine
 * distance of its few dozen candidates here instead of asking the database for it: the database had to detoast a
 * stored vector (4 KB at 1,024 dimensions, kept out of line) for each candidate, most of a search's SQL time.
 *
 * The distance is computed exactly as pgvector's `<=>` does (single-precision sums in dimension order, then
 * 1 - dot / sqrt(|a|² |b|²) in double precision, clamped), so it is the same number bit for bit as the SQL
 * operator on the embedded database, and the ranking it feeds does not move.
 *
 * The vectors are stored by dimension (column by column, one slot per chunk), so the exact nearest chunks to a
 * sparse query (the offline embedder's have a few dozen non-zero dimensions) are found by streaming through those
 * few columns: a row per chunk would cost a cache miss per chunk and dimension (see `nearest`).
 */
export class ChunkVectors {
  /** The dimension of the stored columns; 0 until the first vector. */
  #dimensions = 0;
  #capacity = 0;
  /** Column-major: dimension d of the chunk in slot s at d * capacity + s. */
  #columns = new Float32Array(0);
  /** Per slot, the squared norm (NaN for a free slot). */
  #norms = new Float64Array(0);
  #ids: (string | undefined)[] = [];
  readonly #free: number[] = [];
  /** By chunk id: its slot, or null for a chunk stored without an embedding (known, so its distance is not asked of the database). */
  readonly #slots = new Map<string, number | null>();
  /**
   * Vectors of another dimension than the columns' (a reindex being caught up), held row by row; once no vector of the
   * columns' dimension is left, the columns are rebuilt from these.
   */
  readonly #otherDimension = new Map<string, { values: Float32Array; squaredNorm: number }>();
  readonly #byDocument = new Map<string, string[]>();
  /** Scratch per slot for `nearest`: the single-precision dot products. */
  #dots = new Float32Array(0);

  get size(): number {
    return this.#slots.size + this.#otherDimension.size;
  }

  /** Replaces the vectors of one document's chunks (all versions). */
  replaceDocument(documentId: string, chunks: readonly { id: string; embedding: Float32Array | null }[]): void {
    for (const chunkId of this.#byDocument.get(documentId) ?? []) this.#remove(chunkId);
    this.#byDocument.delete(documentId);
    const kept: string[] = [];
    for (const chunk of chunks) {
      this.#remove(chunk.id);
      this.#add(chunk.id, chunk.embedding);
      kept.push(chunk.id);
    }
    if (kept.length > 0) this.#byDocument.set(documentId, kept);
  }

  clear(): void {
    this.#reset(0);
    this.#slots.clear();
    this.#otherDimension.clear();
    this.#byDocument.clear();
  }

  /** Slots holding a vector of the columns' dimension. */
  get #live(): number {
    return this.#ids.length - this.#free.length;
  }

  #add(chunkId: string, embedding: Float32Array | null): void {
    if (embedding === null) {
      this.#slots.set(chunkId, null);
      return;
    }
    if (this.#live === 0 && embedding.length !== this.#dimensions) this.#reset(embedding.length);
    if (embedding.length !== this.#dimensions) {
      this.#otherDimension.set(chunkId, { values: embedding, squaredNorm: squaredNormOf(embedding) });
      return;
    }
    const slot = this.#free.pop() ?? this.#ids.length;
    if (slot >= this.#capacity) this.#grow(Math.max(64, this.#capacity * 2));
    const capacity = this.#capacity;
    for (let dimension = 0; dimension < this.#dimensions; dimension += 1) this.#columns[dimension * capacity + slot] = embedding[dimension]!;
    this.#norms[slot] = squaredNormOf(embedding);
    this.#ids[slot] = chunkId;
    this.#slots.set(chunkId, slot);
  }

  #remove(chunkId: string): void {
    if (this.#otherDimension.delete(chunkId)) return;
    const slot = this.#slots.get(chunkId);
    this.#slots.delete(chunkId);
    if (slot === undefined || slot === null) return;
    this.#norms[slot] = Number.NaN;
    this.#ids[slot] = undefined;
    this.#free.push(slot);
    if (this.#live > 0 || this.#otherDimension.size === 0) return;
    // The last vector of the old dimension is gone: the new dimension's vectors move into the columns.
    const others = [...this.#otherDimension];
    this.#otherDimension.clear();
    this.#reset(others[0]![1].values.length);
    for (const [id, vector] of others) this.#add(id, vector.values);
  }

  /** Empty columns of a dimension (no slot in use). */
  #reset(dimensions: number): void {
    this.#dimensions = dimensions;
    this.#capacity = 0;
    this.#columns = new Float32Array(0);
    this.#norms = new Float64Array(0);
    this.#ids = [];
    this.#free.length = 0;
  }

  #grow(capacity: number): void {
    const columns = new Float32Array(this.#dimensions * capacity);
    for (let dimension = 0; dimension < this.#dimensions; dimension += 1) {
      columns.set(this.#columns.subarray(dimension * this.#capacity, dimension * this.#capacity + this.#ids.length), dimension * capacity);
    }
    const norms = new Float64Array(capacity).fill(Number.NaN);
    norms.set(this.#norms.subarray(0, this.#ids.length));
    this.#columns = columns;
    this.#norms = norms;
    this.#capacity = capacity;
  }

  /**
   * Cosine distance between the query and each chunk (pgvector's `<=>`). A chunk stored without an embedding has
   * none (as in SQL); a chunk not held, or held with another dimension (a reindex being caught up), is `unknown`
   * and the caller asks the database.
   */
  distances(query: QueryVector, chunkIds: Iterable<string>): { distances: Map<string, number>; unknown: string[] } {
    const distances = new Map<string, number>();
    const unknown: string[] = [];
    const comparable = query.values.length === this.#dimensions;
    for (const chunkId of chunkIds) {
      const slot = this.#slots.get(chunkId);
      if (slot === null) continue;
      const other = slot === undefined ? this.#otherDimension.get(chunkId) : undefined;
      if (other && other.values.length === query.values.length) distances.set(chunkId, distanceOf(query, dotOfRow(query, other.values), other.squaredNorm));
      else if (slot === undefined || !comparable) unknown.push(chunkId);
      else distances.set(chunkId, distanceOf(query, this.#dotOf(query, slot), this.#norms[slot]!));
    }
    return { distances, unknown };
  }

  /**
   * The multiply-adds `nearest` does for this query (every slot times the query's non-zero dimensions), or undefined
   * when the held vectors cannot answer it exactly (some are of another dimension than the query).
   */
  exactWork(query: QueryVector): number | undefined {
    if (this.#otherDimension.size > 0 || (this.#live > 0 && query.values.length !== this.#dimensions)) return undefined;
    return this.#ids.length * query.nonZero.length;
  }

  /**
   * The `depth` chunks nearest to the query among those `retrievable` accepts, exactly (every held vector compared,
   * ordered by distance, then chunk id), with their distances; undefined when the held vectors cannot answer (some are
   * of another dimension than the query). A zero query, or a chunk whose vector is zero, has no cosine distance: such a
   * query finds nothing and such a chunk is never found, as pgvector's HNSW index does. `retrievable` is asked only of
   * chunks near enough to enter the result.
   */
  nearest(query: QueryVector, depth: number, retrievable: (chunkId: string) => boolean): { chunkId: string; distance: number }[] | undefined {
    if (this.exactWork(query) === undefined) return undefined;
    const slots = this.#ids.length;
    if (slots === 0 || depth <= 0 || query.squaredNorm === 0) return [];
    if (this.#dots.length < slots) this.#dots = new Float32Array(this.#capacity);
    const dots = this.#dots;
    dots.fill(0, 0, slots);
    accumulateDots(dots, slots, query, this.#columns, this.#capacity);
    const heap = new NearestHeap(depth);
    const norms = this.#norms;
    const ids = this.#ids;
    for (let slot = 0; slot < slots; slot += 1) {
      const norm = norms[slot]!;
      // A free slot (NaN) or a zero vector has no distance.
      if (!(norm > 0)) continue;
      const distance = distanceOf(query, dots[slot]!, norm);
      const chunkId = ids[slot]!;
      if (heap.full && !heap.improves(distance, chunkId)) continue;
      if (retrievable(chunkId)) heap.offer(distance, chunkId);
    }
    return heap.sorted();
  }

  #dotOf(query: QueryVector, slot: number): number {
    const { values, nonZero } = query;
    const columns = this.#columns;
    const capacity = this.#capacity;
    let dot = 0;
    for (let position = 0; position < nonZero.length; position += 1) {
      const dimension = nonZero[position]!;
      dot = Math.fround(dot + Math.fround(values[dimension]! * columns[dimension * capacity + slot]!));
    }
    return dot;
  }
}

/**
 * Each slot's dot product with the query, into `dots`: dimension by dimension in ascending order, so each chunk's sum
 * gets the same single-precision additions in the same order as pgvector's loop (a Float32Array store rounds as
 * Math.fround does). Four columns per pass over the slots: each slot's running sum is read and stored once per four
 * dimensions instead of once per dimension, half the time of one column per pass.
 */
function accumulateDots(dots: Float32Array, slots: number, query: QueryVector, columns: Float32Array, capacity: number): void {
  const { values, nonZero } = query;
  const column = (position: number) => columns.subarray(nonZero[position]! * capacity, nonZero[position]! * capacity + slots);
  let position = 0;
  for (; position + 4 <= nonZero.length; position += 4) {
    const [first, second, third, fourth] = [column(position), column(position + 1), column(position + 2), column(position + 3)];
    const [firstWeight, secondWeight, thirdWeight, fourthWeight] = [values[nonZero[position]!]!, values[nonZero[position + 1]!]!, values[nonZero[position + 2]!]!, values[nonZero[position + 3]!]!];
    for (let slot = 0; slot < slots; slot += 1) {
      let dot = dots[slot]!;
      dot = Math.fround(dot + Math.fround(firstWeight * first[slot]!));
      dot = Math.fround(dot + Math.fround(secondWeight * second[slot]!));
      dot = Math.fround(dot + Math.fround(thirdWeight * third[slot]!));
      dots[slot] = dot + Math.fround(fourthWeight * fourth[slot]!);
    }
  }
  for (; position < nonZero.length; position += 1) {
    const only = column(position);
    const weight = values[nonZero[position]!]!;
    for (let slot = 0; slot < slots; slot += 1) dots[slot] = dots[slot]! + Math.fround(weight * only[slot]!);
  }
}

/** The best `depth` (distance, chunk id) pairs offered: a bounded max-heap whose root is the worst kept. */
class NearestHeap {
  readonly #depth: number;
  readonly #distances: number[] = [];
  readonly #ids: string[] = [];

  constructor(depth: number) {
    this.#depth = depth;
  }

  get full(): boolean {
    return this.#ids.length >= this.#depth;
  }

  /** True when this pair is nearer than the worst kept (ties by chunk id, as the ranking orders them). */
  improves(distance: number, chunkId: string): boolean {
    const worst = this.#distances[0]!;
    return distance < worst || (distance === worst && chunkId < this.#ids[0]!);
  }

  offer(distance: number, chunkId: string): void {
    const distances = this.#distances;
    const ids = this.#ids;
    if (!this.full) {
      distances.push(distance);
      ids.push(chunkId);
      let child = ids.length - 1;
      while (child > 0) {
        const parent = (child - 1) >> 1;
        if (!this.#worse(child, parent)) break;
        this.#swap(child, parent);
        child = parent;
      }
      return;
    }
    if (!this.improves(distance, chunkId)) return;
    distances[0] = distance;
    ids[0] = chunkId;
    let parent = 0;
    for (;;) {
      const left = parent * 2 + 1;
      const right = left + 1;
      let worst = parent;
      if (left < ids.length && this.#worse(left, worst)) worst = left;
      if (right < ids.length && this.#worse(right, worst)) worst = right;
      if (worst === parent) return;
      this.#swap(parent, worst);
      parent = worst;
    }
  }

  sorted(): { chunkId: string; distance: number }[] {
    return this.#ids
      .map((chunkId, index) => ({ chunkId, distance: this.#distances[index]! }))
      .sort((left, right) => left.distance - right.distance || (left.chunkId < right.chunkId ? -1 : 1));
  }

  #worse(left: number, right: number): boolean {
    const [a, b] = [this.#distances[left]!, this.#distances[right]!];
    return a > b || (a === b && this.#ids[left]! > this.#ids[right]!);
  }

  #swap(left: number, right: number): void {
    [this.#distances[left], this.#distances[right]] = [this.#distances[right]!, this.#distances[left]!];
    [this.#ids[left], this.#ids[right]] = [this.#ids[right]!, this.#ids[left]!];
  }
}

/** A query vector as pgvector holds it (single precision), with its squared norm and the dimensions that are not zero. */
export interface QueryVector {
  values: Float32Array;
  squaredNorm: number;
  /** The dimensions where the query is not zero: a zero term adds nothing to a single-precision sum, so only these are summed. */
  nonZero: Int32Array;
}

export function queryVectorOf(values: readonly number[]): QueryVector {
  const single = Float32Array.from(values);
  const nonZero: number[] = [];
  single.forEach((value, index) => {
    if (value !== 0) nonZero.push(index);
  });
  return { values: single, squaredNorm: squaredNormOf(single), nonZero: Int32Array.from(nonZero) };
}

/** The dot product of a query and a vector held as a row, summed as `ChunkVectors.#dotOf` sums it. */
function dotOfRow(query: QueryVector, stored: Float32Array): number {
  const { values, nonZero } = query;
  let dot = 0;
  for (let position = 0; position < nonZero.length; position += 1) {
    const dimension = nonZero[position]!;
    dot = Math.fround(dot + Math.fround(values[dimension]! * stored[dimension]!));
  }
  return dot;
}

/** Σ v² summed in single precision in dimension order, as pgvector sums it. */
function squaredNormOf(values: Float32Array): number {
  let sum = 0;
  for (let index = 0; index < values.length; index += 1) sum = Math.fround(sum + Math.fround(values[index]! * values[index]!));
  return sum;
}

/**
 * pgvector's cosine_distance from the dot product summed in single precision in dimension order (zero query terms
 * skipped: adding a zero product leaves a single-precision sum as it is): then in double precision, clamped.
 */
function distanceOf(query: QueryVector, dot: number, storedSquaredNorm: number): number {
  let similarity = dot / Math.sqrt(query.squaredNorm * storedSquaredNorm);
  if (similarity > 1) similarity = 1;
  else if (similarity < -1) similarity = -1;
  return 1 - similarity;
}

/**
 * A vector from pgvector's binary form (`vector_send`: dimension and an unused field as 16-bit integers, then the
 * values as big-endian single-precision floats), as both database adapters return a bytea.
 */
export function vectorFromBinary(bytes: Uint8Array): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dimensions = view.getInt16(0);
  const values = new Float32Array(dimensions);
  for (let index = 0; index < dimensions; index += 1) values[index] = view.getFloat32(4 + index * 4);
  return values;
}
