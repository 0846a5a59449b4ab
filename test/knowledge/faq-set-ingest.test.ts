import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, Queryable } from '../../src/db/database.js';
import { ensureEmbeddingIndex } from '../../src/knowledge/embedding-index.js';
import { KnowledgeService } from '../../src/knowledge/knowledge-service.js';
import { inspectSearchIndexes } from '../../src/knowledge/search-indexes.js';
import type { Embedder } from '../../src/llm/embedder.js';
import { createOfflineEmbedder } from '../../src/llm/offline-embedder.js';
import { HybridSearch } from '../../src/retrieval/hybrid-search.js';
import { adapterKinds, createTestDatabase, type TestDatabase } from '../support/test-database.js';

const actor = { id: 'test' };
/**
 * Above the bulk threshold (200), so the embedded path drops and rebuilds the HNSW index inside the set's
 * transaction, and above one embedder batch (256), so the embedder is called twice.
 */
const rows = 300;

const faqSet = (edition: string) =>
  [
    'id,question,answer',
    ...Array.from({ length: rows }, (_, index) => `set-${index},第${index}号业务怎么办理？,"${edition}：第${index}号业务请在手机银行办理，办理时效为${edition}规定的一个工作日。"`),
  ].join('\n');

/** The offline embedder, failing from its `failAt`-th call on: an embeddings endpoint going down midway. */
function failingEmbedder(failAt: number): Embedder & { calls: number } {
  const inner = createOfflineEmbedder();
  const wrapper = {
    id: inner.id,
    dimensions: inner.dimensions,
    calls: 0,
    async embed(texts: string[]) {
      wrapper.calls += 1;
      if (wrapper.calls >= failAt) throw new Error('embeddings endpoint unavailable');
      return inner.embed(texts);
    },
  };
  return wrapper;
}

/** The database, with its transactions losing their connection after `statements` statements. */
function failingTransactions(database: Database, statements: number): Database {
  return {
    ...database,
    kind: database.kind,
    query: (sql, parameters) => database.query(sql, parameters),
    exec: (sql) => database.exec(sql),
    listen: (channel, handler) => database.listen(channel, handler),
    close: () => database.close(),
    transaction: (work) =>
      database.transaction((transaction) => {
        let count = 0;
        const tick = () => {
          count += 1;
          if (count > statements) throw new Error('connection lost mid-transaction');
        };
        const wrapped: Queryable = {
          query: (sql, parameters) => (tick(), transaction.query(sql, parameters)),
          exec: (sql) => (tick(), transaction.exec(sql)),
        };
        return work(wrapped);
      }),
  };
}

describe.each(adapterKinds)('FAQ set ingest is all or nothing on %s', (kind) => {
  let testDatabase: TestDatabase;
  let database: Database;
  const embedder = createOfflineEmbedder();

  const versions = async () => {
    const result = await database.query<{ version: number; n: string }>(
      `select current_version as version, count(*) as n from documents where external_id like 'set-%' group by 1 order by 1`,
    );
    return result.rows.map((row) => ({ version: Number(row.version), documents: Number(row.n) }));
  };
  const vectorIndexState = async () => (await inspectSearchIndexes(database)).find((index) => index.name === 'chunks_embedding_idx')?.state;
  const topAnswer = async () => {
    const response = await new HybridSearch(database, embedder).search({ query: '第17号业务怎么办理', topK: 1, kinds: ['faq'] });
    return response.results[0]?.text ?? '';
  };

  beforeAll(async () => {
    testDatabase = await createTestDatabase(kind);
    database = testDatabase.database;
    await ensureEmbeddingIndex(database, embedder);
    const first = await new KnowledgeService(database, embedder).ingestFaqSet({ format: 'csv', body: faqSet('旧版') }, actor);
    expect(first.created).toBe(rows);
  });
  afterAll(async () => {
    await testDatabase?.close();
  });

  it('leaves the previous set current when the embedder fails midway', async () => {
    const embedderDown = failingEmbedder(2);
    const knowledge = new KnowledgeService(database, embedderDown);
    await expect(knowledge.ingestFaqSet({ format: 'csv', body: faqSet('新版') }, actor)).rejects.toThrow('embeddings endpoint unavailable');
    expect(embedderDown.calls).toBe(2);
    expect(await versions()).toEqual([{ version: 1, documents: rows }]);
    expect(await vectorIndexState()).toBe('present');
    expect(await topAnswer()).toContain('旧版');
  });

  it('leaves the previous set current and the index intact when the write fails midway', async () => {
    // Three statements in: new versions written (and the index dropped on PGlite), the set not yet switched.
    const knowledge = new KnowledgeService(failingTransactions(database, 3), embedder);
    await expect(knowledge.ingestFaqSet({ format: 'csv', body: faqSet('新版') }, actor)).rejects.toThrow('connection lost mid-transaction');
    expect(await versions()).toEqual([{ version: 1, documents: rows }]);
    expect(await vectorIndexState()).toBe('present');
    expect(await topAnswer()).toContain('旧版');
  });

  it('replaces the whole set when nothing fails, with the index present', async () => {
    const knowledge = new KnowledgeService(database, embedder);
    const second = await knowledge.ingestFaqSet({ format: 'csv', body: faqSet('新版') }, actor);
    expect(second).toMatchObject({ created: 0, updated: rows, unchanged: 0 });
    expect(await versions()).toEqual([{ version: 2, documents: rows }]);
    expect(await vectorIndexState()).toBe('present');
    expect(await topAnswer()).toContain('新版');
    const again = await knowledge.ingestFaqSet({ format: 'csv', body: faqSet('新版') }, actor);
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: rows });
  });

  it('brings a retired row back, with a new version, when the set is posted again', async () => {
    const knowledge = new KnowledgeService(database, embedder);
    const ids = await knowledge.findByExternalIds(['set-17']);
    await knowledge.retire(ids.get('set-17')!);
    expect(await topAnswer()).not.toContain('第17号业务请在手机银行办理');
    const again = await knowledge.ingestFaqSet({ format: 'csv', body: faqSet('新版') }, actor);
    expect(again).toMatchObject({ updated: 1, unchanged: rows - 1 });
    expect(again.documents.find((document) => document.externalId === 'set-17')).toMatchObject({ version: 3, outcome: 'updated' });
    expect(await topAnswer()).toContain('第17号业务请在手机银行办理');
  });
});
