import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureEmbeddingIndex, priceVectorDistance } from '../../src/knowledge/embedding-index.js';
import vectorDistancePrice from '../../src/knowledge/vector-distance-cost.json' with { type: 'json' };
import { createOfflineEmbedder } from '../../src/llm/offline-embedder.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

describe('the price of a vector distance', () => {
  let testDatabase: TestDatabase;
  const embedder = createOfflineEmbedder();
  const price = async () =>
    Number((await testDatabase.database.query<{ procost: number }>(`select procost from pg_proc where oid = 'cosine_distance(vector, vector)'::regprocedure`)).rows[0]?.procost);

  beforeAll(async () => {
    testDatabase = await createTestDatabase('pglite');
    await testDatabase.database.exec(`alter function cosine_distance(vector, vector) cost 1`);
    await ensureEmbeddingIndex(testDatabase.database, embedder);
  });
  afterAll(async () => {
    await testDatabase?.close();
  });

  it('is set to the fitted price at start-up (bench/fit-vector-cost.ts shows the plan it buys), whatever it was before', async () => {
    expect(await price()).toBe(vectorDistancePrice.cost);
    await testDatabase.database.exec(`alter function cosine_distance(vector, vector) cost 1`);
    // An extension update resets the price: the next start sets it again.
    await ensureEmbeddingIndex(testDatabase.database, embedder);
    expect(await price()).toBe(vectorDistancePrice.cost);
  });

  it('is left as it is by a role that does not own the extension, without failing', async () => {
    await testDatabase.database.exec(`create role reader_without_rights; grant usage on schema public to reader_without_rights`);
    await testDatabase.database.exec('set role reader_without_rights');
    try {
      expect(await priceVectorDistance(testDatabase.database, 5)).toBe(false);
    } finally {
      await testDatabase.database.exec('reset role');
    }
    expect(await price()).toBe(vectorDistancePrice.cost);
  });

  it('refuses a price that is not a positive number', async () => {
    await expect(priceVectorDistance(testDatabase.database, 0)).rejects.toThrow(/positive/);
  });
});
