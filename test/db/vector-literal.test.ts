import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toSparseVectorLiteral, toVectorLiteral } from '../../src/db/vector-literal.js';
import { createOfflineEmbedder } from '../../src/llm/offline-embedder.js';
import { adapterKinds, createTestDatabase, type TestDatabase } from '../support/test-database.js';

const dimensions = 64;

/** A seeded generator: the same vectors every run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
}

/** Unit vectors, dense and sparse, as embedders give them: doubles of full precision. */
function unitVectors(): number[][] {
  const random = seeded(7);
  return Array.from({ length: 40 }, (_, index) => {
    const values = new Array<number>(dimensions).fill(0);
    if (index % 2 === 0) for (let dimension = 0; dimension < dimensions; dimension += 1) values[dimension] = random() - 0.5;
    else for (let term = 0; term < 5; term += 1) values[Math.floor(random() * dimensions)] = random() - 0.5;
    const norm = Math.sqrt(values.reduce((total, value) => total + value * value, 0));
    return values.map((value) => value / norm);
  });
}

/** Values at the edges of single precision: subnormal, smallest and largest normal, half-way between two floats, too small. */
const edgeValues = [1e-40, -1.1754944e-38, 3.4028234e38, 1 + 2 ** -24, -(2 ** -149), 1e-50, 0.1, -1, 123456.789];

/** pgvector's binary form (vector_send): two 16-bit fields, then big-endian single-precision values. */
function singles(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: view.getInt16(0) }, (_, index) => view.getFloat32(4 + index * 4));
}

describe.each(adapterKinds)('vector literals (%s)', (kind) => {
  let testDatabase: TestDatabase;
  beforeAll(async () => {
    testDatabase = await createTestDatabase(kind);
    await testDatabase.database.exec(`create table literal_vectors (id int, form text, embedding vector(${dimensions}))`);
  });
  afterAll(async () => {
    await testDatabase?.close();
  });

  it("store, through the sparse hexadecimal form, the very vector the dense decimal form stores for an embedder's vectors", async () => {
    const embedded = await createOfflineEmbedder({ dimensions }).embed(['信用卡年费怎么收？', 'What is the APR of a personal loan?', '白金卡首年免年费。']);
    const written = [...unitVectors(), ...embedded];
    const insert = (form: string, literals: string[], cast: string) =>
      testDatabase.database.query(
        `insert into literal_vectors select data.id, $1, data.embedding${cast} from unnest($2::int[], $3::text[]) as data(id, embedding)`,
        [form, written.map((_, index) => index), literals],
      );
    await insert('dense', written.map(toVectorLiteral), '::vector');
    await insert('sparse', written.map(toSparseVectorLiteral), '::sparsevec::vector');
    // vector_send: the stored single-precision values themselves, so any last bit would show.
    const stored = await testDatabase.database.query<{ id: number; same: boolean }>(
      `select d.id, vector_send(d.embedding) = vector_send(s.embedding) as same
         from literal_vectors d join literal_vectors s on s.id = d.id and s.form = 'sparse' where d.form = 'dense' order by d.id`,
    );
    expect(stored.rows).toHaveLength(written.length);
    expect(stored.rows.filter((row) => !row.same).map((row) => row.id)).toEqual([]);
  });

  it('store each value as the nearest single-precision float, as Float32Array rounds it, at the edges too', async () => {
    const values = new Array<number>(dimensions).fill(0);
    edgeValues.forEach((value, index) => {
      values[index * 3] = value;
    });
    const result = await testDatabase.database.query<{ stored: Uint8Array }>('select vector_send($1::sparsevec::vector) as stored', [toSparseVectorLiteral(values)]);
    // Half-way between two floats the decimal form rounds by its digits, which may fall on either side; this one rounds to even.
    expect(singles(result.rows[0]!.stored)).toEqual([...Float32Array.from(values)]);
  });

  it("write the offline embedder's vectors in well under half the characters of the dense form", async () => {
    const embedder = createOfflineEmbedder();
    const [vector] = await embedder.embed(['信用卡年费怎么收？白金卡首年免年费，次年刷卡满六次免次年年费。']);
    expect(toSparseVectorLiteral(vector!).length).toBeLessThan(toVectorLiteral(vector!).length / 2);
  });

  it('are refused by the database, as the dense form is, for values that are not finite single-precision floats', async () => {
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, 1e39]) {
      const values = new Array<number>(dimensions).fill(0);
      values[3] = value;
      await expect(testDatabase.database.query('select $1::sparsevec::vector', [toSparseVectorLiteral(values)])).rejects.toThrow();
      await expect(testDatabase.database.query('select $1::vector', [toVectorLiteral(values)])).rejects.toThrow();
    }
  });

  it('write a vector of zeros as one without entries, which the dense form stores the same', async () => {
    const zeros = new Array<number>(dimensions).fill(0);
    expect(toSparseVectorLiteral(zeros)).toBe(`{}/${dimensions}`);
    const result = await testDatabase.database.query<{ same: boolean }>('select $1::sparsevec::vector = $2::vector as same', [toSparseVectorLiteral(zeros), toVectorLiteral(zeros)]);
    expect(result.rows[0]?.same).toBe(true);
  });
});
