import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureEmbeddingIndex } from '../../src/knowledge/embedding-index.js';
import { KnowledgeService } from '../../src/knowledge/knowledge-service.js';
import { createOfflineEmbedder } from '../../src/llm/offline-embedder.js';
import { HybridSearch } from '../../src/retrieval/hybrid-search.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

// Our own text: a remittance fee sheet whose draft changes the fee, among branch notices.
const feeSheet = (fee: string, status: 'approved' | 'draft') =>
  `---\nexternalId: ov-remit-fee\ntitle: 境外汇款手续费\nkind: product\nstatus: ${status}\n---\n# 境外汇款手续费\n\n境外汇款每笔收取${fee}元手续费，另收电报费。\n`;

describe('search overlay (the publish gate shadow view)', () => {
  let testDatabase: TestDatabase;
  let knowledge: KnowledgeService;
  let search: HybridSearch;
  let documentId: string;
  const embedder = createOfflineEmbedder();

  beforeAll(async () => {
    testDatabase = await createTestDatabase('pglite');
    await ensureEmbeddingIndex(testDatabase.database, embedder);
    knowledge = new KnowledgeService(testDatabase.database, embedder);
    documentId = (await knowledge.ingest({ format: 'markdown', body: feeSheet('150', 'approved') }, { id: 'test' })).documentId;
    await knowledge.ingest({ format: 'markdown', body: feeSheet('200', 'draft') }, { id: 'test' });
    for (let index = 0; index < 20; index += 1) {
      await knowledge.ingest({ format: 'text', body: `第${index}号网点办理境内转账，工作日九点至五点。`, externalId: `ov-branch-${index}`, title: `网点${index}` }, { id: 'test' });
    }
    search = new HybridSearch(testDatabase.database, embedder, { cacheMilliseconds: 60_000 });
  });
  afterAll(async () => {
    await testDatabase?.close();
  });

  const fees = (results: { externalId: string; version: number; text: string }[]) =>
    results.filter((result) => result.externalId === 'ov-remit-fee').map((result) => [result.version, /(\d+)元/.exec(result.text)?.[1]]);

  it('serves the draft in place of the live version only when asked, in each leg and fused', async () => {
    for (const mode of ['hybrid', 'lexical', 'vector'] as const) {
      const live = await search.search({ query: '境外汇款手续费多少', mode, topK: 5 });
      expect(fees(live.results), mode).toEqual([[1, '150']]);
      const shadow = await search.search({ query: '境外汇款手续费多少', mode, topK: 5, overlay: { documentId, version: 2 } });
      expect(fees(shadow.results), mode).toEqual([[2, '200']]);
      // Other documents are read as usual.
      expect(shadow.results.filter((result) => result.externalId !== 'ov-remit-fee').map((result) => result.externalId)).toEqual(
        live.results.filter((result) => result.externalId !== 'ov-remit-fee').map((result) => result.externalId),
      );
    }
    // A cached live answer is never handed to a shadow search, nor the reverse.
    expect(fees((await search.search({ query: '境外汇款手续费多少' })).results)).toEqual([[1, '150']]);
  });

  it('can show the base without the document, by overlaying a version it does not have', async () => {
    const shadow = await search.search({ query: '境外汇款手续费多少', topK: 5, overlay: { documentId, version: 99 } });
    expect(fees(shadow.results)).toEqual([]);
  });
});
