import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeRuntime } from '../../src/compose.js';
import { loadConfig } from '../../src/config.js';
import { ensureEmbeddingIndex } from '../../src/knowledge/embedding-index.js';
import { inspectSearchIndexes, repairSearchIndexes } from '../../src/knowledge/search-indexes.js';
import { createOfflineEmbedder } from '../../src/llm/offline-embedder.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

describe('search indexes', () => {
  let testDatabase: TestDatabase;
  const states = async () => Object.fromEntries((await inspectSearchIndexes(testDatabase.database)).map((index) => [index.name, index.state]));

  beforeAll(async () => {
    testDatabase = await createTestDatabase('pglite');
    await ensureEmbeddingIndex(testDatabase.database, createOfflineEmbedder());
  });
  afterAll(async () => {
    await testDatabase?.close();
  });

  it('reports the vector index present on a new base and repairs nothing; the unused GIN index is gone (migration 024)', async () => {
    expect(await states()).toEqual({ chunks_embedding_idx: 'present' });
    const gin = await testDatabase.database.query(`select 1 from pg_class where relname = 'chunks_lexical_idx'`);
    expect(gin.rows).toEqual([]);
    expect(await repairSearchIndexes(testDatabase.database)).toEqual([]);
  });

  it('rebuilds a vector index dropped by a crash during a bulk load when the service starts, and says so', async () => {
    await testDatabase.database.exec('drop index chunks_embedding_idx');
    expect((await states()).chunks_embedding_idx).toBe('missing');
    const notices: string[] = [];
    // The runtime must not close the shared test database.
    const database = { ...testDatabase.database, close: async () => undefined };
    const runtime = await composeRuntime(loadConfig({ LOG_LEVEL: 'silent', SEED_SAMPLE_KNOWLEDGE: 'false' }), {
      database,
      onNotice: (message) => notices.push(message),
    });
    await runtime.close();
    expect(await states()).toEqual({ chunks_embedding_idx: 'present' });
    expect(notices).toEqual(['search index chunks_embedding_idx was missing and has been rebuilt']);
  });

  it('rebuilds an index left invalid', async () => {
    // What an interrupted CREATE INDEX CONCURRENTLY leaves behind.
    await testDatabase.database.exec(`update pg_index set indisvalid = false where indexrelid = 'chunks_embedding_idx'::regclass;`);
    expect(await states()).toEqual({ chunks_embedding_idx: 'invalid' });
    const repaired = await repairSearchIndexes(testDatabase.database);
    expect(repaired.map(({ name, was }) => ({ name, was }))).toEqual([{ name: 'chunks_embedding_idx', was: 'invalid' }]);
    expect(await states()).toEqual({ chunks_embedding_idx: 'present' });
  });
});
