import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureEmbeddingIndex } from '../../src/knowledge/embedding-index.js';
import { KnowledgeService } from '../../src/knowledge/knowledge-service.js';
import { createOfflineEmbedder } from '../../src/llm/offline-embedder.js';
import { HybridSearch } from '../../src/retrieval/hybrid-search.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const document = (fee: string) => `---\nexternalId: hs-fee\ntitle: 跨行转账手续费\nkind: product\n---\n# 跨行转账手续费\n\n柜台跨行转账每笔收取${fee}元手续费，手机银行免费。\n`;

describe('HybridSearch', () => {
  let testDatabase: TestDatabase;
  let knowledge: KnowledgeService;
  const embedder = createOfflineEmbedder();
  beforeAll(async () => {
    testDatabase = await createTestDatabase('pglite');
    await ensureEmbeddingIndex(testDatabase.database, embedder);
    knowledge = new KnowledgeService(testDatabase.database, embedder);
    await knowledge.ingest({ format: 'markdown', body: document('5') }, { id: 'test' });
    for (let index = 0; index < 60; index += 1) {
      await knowledge.ingest({ format: 'text', body: `蓝海银行网点第${index}号营业时间为工作日九点到五点。`, externalId: `hs-branch-${index}`, title: `网点${index}` }, { id: 'test' });
    }
  });
  afterAll(async () => {
    await testDatabase?.close();
  });

  it('serves a cached "now" search until a knowledge write is committed, and never caches an asOf search', async () => {
    const search = new HybridSearch(testDatabase.database, embedder, { cacheMilliseconds: 60_000 });
    const first = await search.search({ query: '跨行转账手续费多少' });
    expect(first.results[0]?.text).toContain('5元');
    expect((await search.search({ query: '跨行转账手续费多少' })).tookMs).toBe(0);
    // Nobody calls invalidateStatistics: the change id the cached answer was computed at is behind the write.
    await knowledge.ingest({ format: 'markdown', body: document('8') }, { id: 'test' });
    const after = await search.search({ query: '跨行转账手续费多少' });
    expect(after.tookMs).toBeGreaterThan(0);
    expect(after.results[0]?.text).toContain('8元');
    expect((await search.search({ query: '跨行转账手续费多少' })).tookMs).toBe(0);
    const asOf = await search.search({ query: '跨行转账手续费多少', asOf: new Date() });
    expect(asOf.results[0]?.text).toContain('8元');
    expect(asOf.tookMs).toBeGreaterThan(0);
    expect((await search.search({ query: '跨行转账手续费多少', asOf: new Date() })).tookMs).toBeGreaterThan(0);
  });

  it('reads candidates from what the index holds with the same results, every field, as from the database', async () => {
    const fromIndex = new HybridSearch(testDatabase.database, embedder);
    const fromDatabase = new HybridSearch(testDatabase.database, embedder, { candidatesFrom: 'database' });
    const queries = [
      { query: '跨行转账手续费多少', topK: 10, explain: true },
      { query: '网点营业时间', topK: 10, kinds: ['product' as const], explain: true },
      { query: '第12号网点几点开门', topK: 5, mode: 'vector' as const },
      { query: '第12号网点几点开门', topK: 5, mode: 'lexical' as const },
    ];
    for (const query of queries) {
      const [held, read] = [await fromIndex.search(query), await fromDatabase.search(query)];
      expect(held.results.length).toBeGreaterThan(0);
      expect(held.results).toEqual(read.results);
    }
  });

  it('gives the same results with the vector leg run here exactly as with the database scanning every chunk, and uses the index search past the budget', async () => {
    const statements: string[] = [];
    const database = testDatabase.database;
    const counted = { ...database, query: <Row>(sql: string, parameters?: readonly unknown[]) => (statements.push(sql), database.query<Row>(sql, parameters)) };
    const queries = [
      { query: '跨行转账手续费多少', topK: 10, explain: true },
      { query: '网点营业时间', topK: 10, kinds: ['product' as const] },
      { query: '第12号网点几点开门', topK: 5, mode: 'vector' as const },
    ];
    const exactHere = new HybridSearch(counted, embedder, { exactVectorWork: Number.POSITIVE_INFINITY });
    const exactByDatabase = new HybridSearch(database, embedder, { exactVectorWork: Number.POSITIVE_INFINITY, candidatesFrom: 'database' });
    const byIndexSearch = new HybridSearch(counted, embedder, { exactVectorWork: 0 });
    await exactHere.refreshStatistics();
    await byIndexSearch.refreshStatistics();
    for (const query of queries) {
      statements.length = 0;
      const here = await exactHere.search(query);
      // One statement per search, the change id: no vector leg sent to the database.
      expect(statements).toEqual(['select coalesce(max(id), 0) as change_id from search_index_changes']);
      expect(here.results.length).toBeGreaterThan(0);
      expect(here.results).toEqual((await exactByDatabase.search(query)).results);
      statements.length = 0;
      await byIndexSearch.search(query);
      expect(statements).toHaveLength(1);
      expect(statements[0]).toContain('order by c.embedding <=> $1::vector');
    }
  });

  it('ranks chunks stored before migration 024 (fields as text[]) exactly as chunks stored now', async () => {
    // The lexical leg alone: rewriting rows also moves them in the HNSW graph, which may change the vector leg's ties.
    const queries = [{ query: '跨行转账手续费多少', topK: 10, explain: true, mode: 'lexical' as const }, { query: '第12号网点几点开门', topK: 20, explain: true, mode: 'lexical' as const }];
    const now = [];
    for (const query of queries) now.push((await new HybridSearch(testDatabase.database, embedder).search(query)).results);
    // About half the chunks as migration 006 wrote them (text[] fields), the new columns emptied.
    await testDatabase.database.exec(`
      update chunks set heading_terms = coalesce(string_to_array(nullif(heading_tokens, ''), ' '), '{}'),
                        body_terms = coalesce(string_to_array(nullif(body_tokens, ''), ' '), '{}'),
                        heading_tokens = null, body_tokens = null
       where id::text < '8';`);
    const old = await testDatabase.database.query<{ rows: string }>('select count(*) as rows from chunks where heading_tokens is null');
    expect(Number(old.rows[0]?.rows)).toBeGreaterThan(10);
    for (const [index, query] of queries.entries()) {
      const before = await new HybridSearch(testDatabase.database, embedder).search(query);
      expect(before.results.length).toBeGreaterThan(0);
      expect(before.results).toEqual(now[index]);
    }
  });

  it('leaves tokens most chunks contain out of the lexical query and reports them', async () => {
    const search = new HybridSearch(testDatabase.database, embedder);
    await search.refreshStatistics();
    const response = await search.search({ query: '蓝海银行跨行转账手续费' });
    expect(response.commonTokens).toContain('蓝海');
    expect(response.results[0]?.externalId).toBe('hs-fee');
  });
});
