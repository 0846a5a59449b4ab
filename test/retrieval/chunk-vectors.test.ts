import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toVectorLiteral } from '../../src/db/vector-literal.js';
import { ChunkVectors, queryVectorOf, vectorFromBinary } from '../../src/retrieval/chunk-vectors.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const dimensions = 256;

/** A seeded generator: the same vectors every run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
}

/** Unit vectors, dense or sparse (the offline embedder's queries are mostly zeros), as embedders give them. */
function vectors(count: number, random: () => number): number[][] {
  return Array.from({ length: count }, (_, index) => {
    const values = new Array<number>(dimensions).fill(0);
    if (index % 2 === 0) for (let dimension = 0; dimension < dimensions; dimension += 1) values[dimension] = random() - 0.5;
    else for (let term = 0; term < 12; term += 1) values[Math.floor(random() * dimensions)]! += random() - 0.5;
    const norm = Math.sqrt(values.reduce((total, value) => total + value * value, 0));
    return values.map((value) => value / norm);
  });
}

describe('ChunkVectors', () => {
  let testDatabase: TestDatabase;
  beforeAll(async () => {
    testDatabase = await createTestDatabase('pglite');
    await testDatabase.database.exec(`create temporary table stored_vectors (id text primary key, embedding vector(${dimensions}))`);
  });
  afterAll(async () => {
    await testDatabase?.close();
  });

  it("gives the database's cosine distance bit for bit, from vectors read in pgvector's binary form", async () => {
    const random = seeded(11);
    const stored = vectors(40, random);
    for (const [index, values] of stored.entries()) {
      await testDatabase.database.query('insert into stored_vectors values ($1, $2::vector)', [`chunk-${index}`, toVectorLiteral(values)]);
    }
    const rows = await testDatabase.database.query<{ id: string; embedding: Uint8Array }>('select id, vector_send(embedding) as embedding from stored_vectors');
    const held = new ChunkVectors();
    held.replaceDocument('document', rows.rows.map((row) => ({ id: row.id, embedding: vectorFromBinary(row.embedding) })));
    let compared = 0;
    for (const query of vectors(10, random)) {
      const literal = toVectorLiteral(query);
      const expected = await testDatabase.database.query<{ id: string; distance: number }>('select id, embedding <=> $1::vector as distance from stored_vectors', [literal]);
      const { distances, unknown } = held.distances(queryVectorOf(query), expected.rows.map((row) => row.id));
      expect(unknown).toEqual([]);
      for (const row of expected.rows) {
        expect(distances.get(row.id)).toBe(Number(row.distance));
        compared += 1;
      }
    }
    expect(compared).toBe(400);
  });

  it('replaces a document’s chunks, knows a chunk without an embedding, and reports chunks it does not hold', () => {
    const held = new ChunkVectors();
    const [first, second] = vectors(2, seeded(3)).map((values) => Float32Array.from(values));
    held.replaceDocument('document', [
      { id: 'old', embedding: first! },
      { id: 'unembedded', embedding: null },
    ]);
    held.replaceDocument('document', [
      { id: 'new', embedding: second! },
      { id: 'unembedded', embedding: null },
    ]);
    const query = queryVectorOf([...first!]);
    const { distances, unknown } = held.distances(query, ['old', 'new', 'unembedded', 'elsewhere']);
    expect([...distances.keys()]).toEqual(['new']);
    expect(unknown).toEqual(['old', 'elsewhere']);
    // A query of another dimension (a reindex not yet caught up) is left to the database.
    expect(held.distances(queryVectorOf([1, 0, 0]), ['new']).unknown).toEqual(['new']);
    expect(held.distances(query, ['new']).distances.get('new')).toBeGreaterThan(0);
  });
});
