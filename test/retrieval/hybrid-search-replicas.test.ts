import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { createPostgresDatabase } from '../../src/db/postgres-database.js';
import { ensureEmbeddingIndex } from '../../src/knowledge/embedding-index.js';
import { KnowledgeService } from '../../src/knowledge/knowledge-service.js';
import { createOfflineEmbedder } from '../../src/llm/offline-embedder.js';
import { HybridSearch } from '../../src/retrieval/hybrid-search.js';
import { adapterKinds, createTestDatabase, type TestDatabase } from '../support/test-database.js';

const actor = { id: 'test' };
const faqSet = (rows: { id: string; questions: string[]; answer: string }[]) => rows.map((row) => JSON.stringify(row)).join('\n');

describe.each(adapterKinds)('HybridSearch over %s: BM25 leg, filters, replicas, explain', (kind) => {
  let testDatabase: TestDatabase;
  let other: Database;
  let knowledge: KnowledgeService;
  let replicaA: HybridSearch;
  let replicaB: HybridSearch;
  const embedder = createOfflineEmbedder();

  beforeAll(async () => {
    testDatabase = await createTestDatabase(kind);
    await ensureEmbeddingIndex(testDatabase.database, embedder);
    // A second replica has its own connection (pg) and its own in-process index either way.
    other = testDatabase.connectionString ? await createPostgresDatabase({ connectionString: testDatabase.connectionString, maxConnections: 2 }) : testDatabase.database;
    knowledge = new KnowledgeService(testDatabase.database, embedder);
    const rows = Array.from({ length: 30 }, (_, number) => ({ id: `card-${number}`, questions: [`第${number}号信用卡年费怎么收取`], answer: `第${number}号信用卡年费每年${number}元，年费可减免。` }));
    rows.push({ id: 'loss', questions: ['银行卡丢了怎么办', '借记卡怎么挂失'], answer: '请立即致电客服热线办理口头挂失，再到网点办理正式挂失。' });
    await knowledge.ingestFaqSet({ format: 'jsonl', kind: 'faq', language: 'zh', body: faqSet(rows) }, actor);
    await knowledge.ingest({ format: 'markdown', body: '---\nexternalId: annual-fee-script\ntitle: 年费话术\nkind: script\n---\n# 年费\n\n年费问题请先说明减免条件。\n' }, actor);
    replicaA = new HybridSearch(testDatabase.database, embedder);
    replicaB = new HybridSearch(other, embedder);
    await replicaA.refreshStatistics();
    await replicaB.refreshStatistics();
  });
  afterAll(async () => {
    if (other !== testDatabase?.database) await other?.close();
    await testDatabase?.close();
  });

  it('finds a FAQ by any of its questions, similar questions included', async () => {
    const response = await replicaA.search({ query: '借记卡挂失', topK: 3 });
    expect(response.results[0]?.externalId).toBe('loss');
    expect(response.results[0]?.confidence).toBeGreaterThanOrEqual(0);
    expect(response.results[0]?.confidence).toBeLessThanOrEqual(1);
  });

  it('filters by kind before ranking: one weak script match is found under thirty stronger FAQ matches', async () => {
    const all = await replicaA.search({ query: '信用卡年费减免', topK: 5 });
    expect(all.results.map((result) => result.kind)).not.toContain('script');
    const scripts = await replicaA.search({ query: '信用卡年费减免', topK: 5, kinds: ['script'] });
    expect(scripts.results.map((result) => result.externalId)).toEqual(['annual-fee-script']);
    const lexicalOnly = await replicaA.search({ query: '信用卡年费减免', topK: 5, kinds: ['script'], mode: 'lexical' });
    expect(lexicalOnly.results.map((result) => result.externalId)).toEqual(['annual-fee-script']);
  });

  it('answers an asOf before any version, and a query of punctuation and emoji, with nothing', async () => {
    await knowledge.ingest({ format: 'text', body: '大额存单利率为年化百分之二。', externalId: 'deposit-2030', title: '大额存单利率', kind: 'product', effectiveFrom: '2030-01-01' }, actor);
    expect((await replicaA.search({ query: '大额存单利率', kinds: ['product'], asOf: new Date('2029-06-01T00:00:00Z') })).results).toEqual([]);
    expect((await replicaA.search({ query: '大额存单利率', kinds: ['product'], asOf: new Date('2030-06-01T00:00:00Z') })).results[0]?.externalId).toBe('deposit-2030');
    expect((await replicaA.search({ query: '？？！！……😀😀' })).results).toEqual([]);
  });

  it('sees a write made through another replica at its next search, and a retirement too', async () => {
    const before = await replicaB.search({ query: '外币兑换营业时间', topK: 3 });
    expect(before.results.map((result) => result.externalId)).not.toContain('fx-hours');
    const stored = await knowledge.ingest({ format: 'text', body: '外币兑换业务营业时间为工作日九点至十六点。', externalId: 'fx-hours', title: '外币兑换营业时间', kind: 'faq' }, actor);
    // replicaB was never told: the change id in its search statement makes it catch up.
    const after = await replicaB.search({ query: '外币兑换营业时间', topK: 3 });
    expect(after.results[0]?.externalId).toBe('fx-hours');
    await knowledge.retire(stored.documentId);
    const retired = await replicaB.search({ query: '外币兑换营业时间', topK: 3 });
    expect(retired.results.map((result) => result.externalId)).not.toContain('fx-hours');
  });

  it('does not answer from its cache once another replica has committed a write, told or not', async () => {
    // A long-lived cache and no NOTIFY or poll: only the change id read at each cached search can reveal the write.
    const cached = new HybridSearch(other, embedder, { cacheMilliseconds: 60_000 });
    await cached.refreshStatistics();
    const before = await cached.search({ query: '保险箱租用手续', topK: 3 });
    expect(before.results.map((result) => result.externalId)).not.toContain('safe-box');
    expect((await cached.search({ query: '保险箱租用手续', topK: 3 })).tookMs).toBe(0);
    await knowledge.ingest({ format: 'text', body: '保险箱租用需本人携带身份证到网点办理。', externalId: 'safe-box', title: '保险箱租用手续', kind: 'faq' }, actor);
    const after = await cached.search({ query: '保险箱租用手续', topK: 3 });
    expect(after.results[0]?.externalId).toBe('safe-box');
    // Unchanged since: the cache answers again.
    expect((await cached.search({ query: '保险箱租用手续', topK: 3 })).tookMs).toBe(0);
  });

  it('reads the change id once for cached searches sent together, and again for a search called after a write', async () => {
    let changeReads = 0;
    const counted: Database = {
      kind: other.kind,
      query: (sql, parameters) => {
        if (sql.trim().startsWith('select coalesce(max(id), 0) as change_id')) changeReads += 1;
        return other.query(sql, parameters);
      },
      exec: (sql) => other.exec(sql),
      transaction: (work) => other.transaction(work),
      listen: (channel, handler) => other.listen(channel, handler),
      close: async () => undefined,
    };
    const cached = new HybridSearch(counted, embedder, { cacheMilliseconds: 60_000 });
    await cached.refreshStatistics();
    const together = () => Promise.all([cached.search({ query: '夜间金库存放流程', topK: 3 }), cached.search({ query: '第7号信用卡年费', topK: 3 })]);
    await together();
    changeReads = 0;
    const hits = await together();
    expect(hits.map((response) => response.tookMs)).toEqual([0, 0]);
    expect(changeReads).toBe(1);
    await knowledge.ingest({ format: 'text', body: '夜间金库存放需提前签约并领取专用钱袋。', externalId: 'night-vault', title: '夜间金库存放流程', kind: 'faq' }, actor);
    const after = await cached.search({ query: '夜间金库存放流程', topK: 3 });
    expect(after.results[0]?.externalId).toBe('night-vault');
    expect(changeReads).toBe(2);
  });

  it('explains each result: both legs, their ranks and scores, and the query tokens it matched', async () => {
    const response = await replicaA.search({ query: '银行卡丢了怎么办', topK: 3, explain: true });
    expect(response.queryTokens).toEqual(expect.arrayContaining(['银行卡', '丢了']));
    const first = response.results[0]!;
    expect(first.externalId).toBe('loss');
    expect(first.explain?.lexical?.rank).toBe(1);
    expect(first.explain?.lexical?.matchedTokens).toEqual(expect.arrayContaining(['银行卡', '丢了']));
    for (const token of first.explain?.lexical?.matchedTokens ?? []) expect(response.queryTokens).toContain(token);
    expect(first.explain?.vector?.rank).toBeGreaterThanOrEqual(1);
    expect(typeof first.explain?.fusedScore).toBe('number');
    expect((await replicaA.search({ query: '银行卡丢了怎么办', topK: 3 })).results[0]?.explain).toBeUndefined();
  });
});
