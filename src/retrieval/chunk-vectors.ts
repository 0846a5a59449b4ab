/**
 * Every chunk's embedding held in process (per replica, beside the BM25 index), so a search computes the cosine
 * distance of its few dozen candidates here instead of asking the database for it: the database had to detoast a
 * stored vector (4 KB at 1,024 dimensions, kept out of line) for each candidate, most of a search's SQL time.
 *
 * The distance is computed exactly as pgvector's `<=>` does (single-precision sums in dimension order, then
 * 1 - dot / sqrt(|a|² |b|²) in double precision, clamped), so it is the same number bit for bit as the SQL
 * operator on the embedded database, and the ranking it feeds does not move.
 */
export class ChunkVectors {
  /** Null for a chunk stored without an embedding: known, so its (null) distance is not asked of the database. */
  readonly #vectors = new Map<string, { values: Float32Array; squaredNorm: number } | null>();
  readonly #byDocument = new Map<string, string[]>();

  get size(): number {
    return this.#vectors.size;
  }

  /** Replaces the vectors of one document's chunks (all versions). */
  replaceDocument(documentId: string, chunks: readonly { id: string; embedding: Float32Array | null }[]): void {
    for (const chunkId of this.#byDocument.get(documentId) ?? []) this.#vectors.delete(chunkId);
    this.#byDocument.delete(documentId);
    const kept: string[] = [];
    for (const chunk of chunks) {
      this.#vectors.set(chunk.id, chunk.embedding === null ? null : { values: chunk.embedding, squaredNorm: squaredNormOf(chunk.embedding) });
      kept.push(chunk.id);
    }
    if (kept.length > 0) this.#byDocument.set(documentId, kept);
  }

  clear(): void {
    this.#vectors.clear();
    this.#byDocument.clear();
  }

  /**
   * Cosine distance between the query and each chunk (pgvector's `<=>`). A chunk stored without an embedding has
   * none (as in SQL); a chunk not held, or held with another dimension (a reindex being caught up), is `unknown`
   * and the caller asks the database.
   */
  distances(query: QueryVector, chunkIds: Iterable<string>): { distances: Map<string, number>; unknown: string[] } {
    const distances = new Map<string, number>();
    const unknown: string[] = [];
    for (const chunkId of chunkIds) {
      const stored = this.#vectors.get(chunkId);
      if (stored === null) continue;
      if (stored === undefined || stored.values.length !== query.values.length) unknown.push(chunkId);
      else distances.set(chunkId, cosineDistance(query, stored.values, stored.squaredNorm));
    }
    return { distances, unknown };
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

/** Σ v² summed in single precision in dimension order, as pgvector sums it. */
function squaredNormOf(values: Float32Array): number {
  let sum = 0;
  for (let index = 0; index < values.length; index += 1) sum = Math.fround(sum + Math.fround(values[index]! * values[index]!));
  return sum;
}

/**
 * pgvector's cosine_distance: the dot product summed in single precision in dimension order (zero query terms
 * skipped: adding a zero product leaves a single-precision sum as it is), then in double precision, clamped.
 */
function cosineDistance(query: QueryVector, stored: Float32Array, storedSquaredNorm: number): number {
  const { values, nonZero } = query;
  let dot = 0;
  for (let position = 0; position < nonZero.length; position += 1) {
    const index = nonZero[position]!;
    dot = Math.fround(dot + Math.fround(values[index]! * stored[index]!));
  }
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
