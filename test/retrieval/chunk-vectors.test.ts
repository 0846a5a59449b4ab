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

  it('finds the exact nearest chunks as the database orders them (distance, then id), among those the filter accepts', async () => {
    const random = seeded(29);
    const stored = vectors(300, random);
    await testDatabase.database.exec('delete from stored_vectors');
    for (const [index, values] of stored.entries()) {
      await testDatabase.database.query('insert into stored_vectors values ($1, $2::vector)', [`chunk-${String(index).padStart(3, '0')}`, toVectorLiteral(values)]);
    }
    const rows = await testDatabase.database.query<{ id: string; embedding: Uint8Array }>('select id, vector_send(embedding) as embedding from stored_vectors');
    const held = new ChunkVectors();
    // Several documents, so slots are freed and reused and the columns grow past their first capacity.
    const byDocument = new Map<string, { id: string; embedding: Float32Array }[]>();
    for (const row of rows.rows) {
      const document = `document-${Number(row.id.slice(6)) % 7}`;
      byDocument.set(document, [...(byDocument.get(document) ?? []), { id: row.id, embedding: vectorFromBinary(row.embedding) }]);
    }
    for (const [document, chunks] of byDocument) held.replaceDocument(document, chunks.slice(0, 5));
    for (const [document, chunks] of byDocument) held.replaceDocument(document, chunks);
    // Every third chunk is not retrievable (filtered out, as the BM25 index's retrievable test would).
    const retrievable = (chunkId: string) => Number(chunkId.slice(6)) % 3 !== 0;
    for (const query of vectors(12, random)) {
      const expected = await testDatabase.database.query<{ id: string; distance: number }>(
        `select id, distance from (select id, embedding <=> $1::vector as distance from stored_vectors where right(id, 3)::int % 3 <> 0 offset 0) scored
          order by distance, id limit 30`,
        [toVectorLiteral(query)],
      );
      const found = held.nearest(queryVectorOf(query), 30, retrievable);
      expect(found).toEqual(expected.rows.map((row) => ({ chunkId: row.id, distance: Number(row.distance) })));
    }
  });

  it('finds nothing for a zero query, and leaves a query of another dimension to the database', () => {
    const held = new ChunkVectors();
    const [first, second] = vectors(2, seeded(5)).map((values) => Float32Array.from(values));
    held.replaceDocument('document', [
      { id: 'first', embedding: first! },
      { id: 'zero', embedding: new Float32Array(dimensions) },
      { id: 'unembedded', embedding: null },
    ]);
    const query = queryVectorOf([...second!]);
    expect(held.nearest(query, 5, () => true)?.map((hit) => hit.chunkId)).toEqual(['first']);
    expect(held.nearest(queryVectorOf(new Array<number>(dimensions).fill(0)), 5, () => true)).toEqual([]);
    expect(held.nearest(queryVectorOf([1, 0, 0]), 5, () => true)).toBeUndefined();
    expect(held.exactWork(query)).toBe(2 * query.nonZero.length);
  });

  it('holds a reindex of another dimension apart until the old vectors are gone, then searches the new ones', () => {
    const held = new ChunkVectors();
    const [old] = vectors(1, seeded(8)).map((values) => Float32Array.from(values));
    held.replaceDocument('a', [{ id: 'a-1', embedding: old! }]);
    held.replaceDocument('b', [{ id: 'b-1', embedding: Float32Array.from([0, 1, 0]) }]);
    const small = queryVectorOf([0, 1, 0]);
    // Mixed dimensions: no exact search; the new chunk's distance is still known.
    expect(held.exactWork(small)).toBeUndefined();
    expect(held.nearest(small, 5, () => true)).toBeUndefined();
    expect(held.distances(small, ['b-1', 'a-1'])).toEqual({ distances: new Map([['b-1', 0]]), unknown: ['a-1'] });
    held.replaceDocument('a', [{ id: 'a-1', embedding: Float32Array.from([1, 0, 0]) }]);
    expect(held.nearest(small, 5, () => true)).toEqual([
      { chunkId: 'b-1', distance: 0 },
      { chunkId: 'a-1', distance: 1 },
    ]);
  });
});
