import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureEmbeddingIndex, EmbedderMismatchError, reindexEmbeddings } from '../../src/knowledge/embedding-index.js';
import { IngestError } from '../../src/knowledge/ingest-error.js';
import { KnowledgeService } from '../../src/knowledge/knowledge-service.js';
import { createOfflineEmbedder, offlineEmbedderDefaultDimensions } from '../../src/llm/offline-embedder.js';
import { HybridSearch } from '../../src/retrieval/hybrid-search.js';
import { adapterKinds, createTestDatabase, type TestDatabase } from '../support/test-database.js';

const actor = { id: 'test' };

const feeDoc = (annualFee: string) => `---
externalId: cc-fees
title: 信用卡年费说明
kind: product
product: 测试白金卡
language: zh
tags: [信用卡]
---
# 信用卡年费说明

## 年费
白金卡年费为每年${annualFee}元。当年刷卡满十二次可免次年年费。

## 取现手续费
取现手续费按取现金额的1%收取，最低10元。
`;

const loanDoc = `---
externalId: loan-rates
title: Personal loan rates
kind: product
product: Test Personal Loan
language: en
---
# Personal loan rates

## Annual percentage rate
The personal loan APR ranges from 3.6% to 12% depending on the credit assessment.

## Early repayment
Early repayment is free after six months.
`;

// The same repository tests run against both adapters: embedded PGlite and `pg` over the wire protocol.
describe.each(adapterKinds)('KnowledgeService on %s', (kind) => {
  let testDatabase: TestDatabase;
  let knowledge: KnowledgeService;
  let search: HybridSearch;
  const embedder = createOfflineEmbedder();

  beforeAll(async () => {
    testDatabase = await createTestDatabase(kind);
    await ensureEmbeddingIndex(testDatabase.database, embedder);
    knowledge = new KnowledgeService(testDatabase.database, embedder);
    search = new HybridSearch(testDatabase.database, embedder);
  });
  afterAll(async () => {
    await testDatabase?.close();
  });

  it('creates a document with chunks that carry their heading path, and finds it in Chinese', async () => {
    const created = await knowledge.ingest({ format: 'markdown', body: feeDoc('600') }, actor);
    expect(created).toMatchObject({ externalId: 'cc-fees', version: 1, outcome: 'created' });
    expect(created.chunkCount).toBeGreaterThanOrEqual(1);
    const response = await search.search({ query: '信用卡年费怎么收', topK: 3 });
    const top = response.results[0];
    expect(top?.externalId).toBe('cc-fees');
    expect(top?.text).toContain('600');
    expect(top?.headingPath.join('>')).toContain('年费');
    expect(top).toMatchObject({ documentId: created.documentId, version: 1, kind: 'product', title: '信用卡年费说明' });
  });

  it('finds English documents through both legs', async () => {
    await knowledge.ingest({ format: 'markdown', body: loanDoc }, actor);
    const response = await search.search({ query: 'what is the APR of a personal loan', topK: 2 });
    expect(response.results[0]?.externalId).toBe('loan-rates');
    expect(response.results[0]?.heading).toContain('Annual percentage rate');
  });

  it('keeps the version when content is unchanged and re-embeds nothing', async () => {
    const again = await knowledge.ingest({ format: 'markdown', body: feeDoc('600') }, actor);
    expect(again.outcome).toBe('unchanged');
    expect(again.version).toBe(1);
  });

  it('makes a new immutable version on change; only the new one is retrieved; history is readable', async () => {
    const updated = await knowledge.ingest({ format: 'markdown', body: feeDoc('800') }, actor);
    expect(updated).toMatchObject({ version: 2, outcome: 'updated' });
    const response = await search.search({ query: '白金卡年费', topK: 5 });
    const texts = response.results.filter((result) => result.externalId === 'cc-fees').map((result) => result.text).join('\n');
    expect(texts).toContain('800');
    expect(texts).not.toContain('600元');
    const document = await knowledge.get(updated.documentId);
    expect(document.versions.map((version) => version.version)).toEqual([2, 1]);
    const first = await knowledge.getVersion(updated.documentId, 1);
    expect(first.body).toContain('600');
    expect(first.chunks.length).toBeGreaterThan(0);
  });

  it('serves only what is effective at asOf, and a scheduled version replaces the old one on its date', async () => {
    const rateSheet = (rate: string, from: string, until?: string) => `---
externalId: deposit-rates
title: 定期存款利率表
kind: product
effectiveFrom: ${from}
${until ? `effectiveUntil: ${until}` : ''}
---
# 定期存款利率表

一年期定期存款年利率为${rate}%。
`;
    await knowledge.ingest({ format: 'markdown', body: rateSheet('1.50', '2026-01-01') }, actor);
    await knowledge.ingest({ format: 'markdown', body: rateSheet('1.20', '2026-07-01') }, actor);
    const before = await search.search({ query: '一年期定期存款利率', topK: 3, asOf: new Date('2026-03-01T00:00:00Z') });
    expect(before.results.find((result) => result.externalId === 'deposit-rates')?.text).toContain('1.50');
    const after = await search.search({ query: '一年期定期存款利率', topK: 3, asOf: new Date('2026-08-01T00:00:00Z') });
    expect(after.results.find((result) => result.externalId === 'deposit-rates')?.text).toContain('1.20');
    const beforeStart = await search.search({ query: '一年期定期存款利率', topK: 3, asOf: new Date('2025-06-01T00:00:00Z') });
    expect(beforeStart.results.find((result) => result.externalId === 'deposit-rates')).toBeUndefined();

    await knowledge.ingest(
      { format: 'markdown', body: rateSheet('2.00', '2024-01-01', '2025-01-01').replace('deposit-rates', 'old-promo-rates') },
      actor,
    );
    const expired = await search.search({ query: '一年期定期存款利率', topK: 5 });
    expect(expired.results.some((result) => result.externalId === 'old-promo-rates')).toBe(false);
  });

  it('never retrieves drafts, and retiring keeps history but removes the document from search', async () => {
    const draft = await knowledge.ingest(
      { format: 'markdown', body: '# 草稿\n\n尚未审批的外汇牌价说明，美元兑换手续费。', externalId: 'fx-draft', status: 'draft', title: '外汇牌价草稿' },
      actor,
    );
    expect((await search.search({ query: '外汇牌价 美元兑换手续费', topK: 5 })).results.some((result) => result.documentId === draft.documentId)).toBe(false);

    const loan = (await knowledge.list({ limit: 50, q: 'loan' })).items.find((item) => item.externalId === 'loan-rates');
    expect(loan).toBeDefined();
    await knowledge.retire(loan!.documentId);
    const response = await search.search({ query: 'personal loan APR', topK: 5 });
    expect(response.results.some((result) => result.externalId === 'loan-rates')).toBe(false);
    const retired = await knowledge.get(loan!.documentId);
    expect(retired.retired).toBe(true);
    expect(retired.versions).toHaveLength(1);
    expect((await knowledge.list({ limit: 50, status: 'retired' })).items.map((item) => item.externalId)).toContain('loan-rates');
  });

  it('turns a FAQ set into one document per row; editing one row re-versions only that row', async () => {
    const csv = (answer: string) => `id,question,answer,product,tags\nfaq-1,如何挂失信用卡？,"拨打客服热线即可办理临时挂失，挂失后请到网点补卡。",测试白金卡,挂失\nfaq-2,How do I reset my mobile banking password?,"${answer}",,mobile\n`;
    const first = await knowledge.ingestFaqSet({ format: 'csv', body: csv('Use Forgot password in the app and verify with your ID.') }, actor);
    expect(first).toMatchObject({ created: 2, updated: 0, unchanged: 0 });
    const second = await knowledge.ingestFaqSet({ format: 'csv', body: csv('Use Forgot password in the app, then verify with your ID and face scan.') }, actor);
    expect(second).toMatchObject({ created: 0, updated: 1, unchanged: 1 });
    expect(second.documents.find((document) => document.externalId === 'faq-2')?.version).toBe(2);
    const response = await search.search({ query: '信用卡丢了怎么挂失', topK: 3, kinds: ['faq'] });
    expect(response.results[0]?.externalId).toBe('faq-1');
    expect(response.results[0]?.text).toContain('补卡');
  });

  it('rejects a FAQ set with a missing column and writes nothing', async () => {
    const before = await knowledge.counts();
    await expect(knowledge.ingestFaqSet({ format: 'csv', body: 'id,question\nx,y\n' }, actor)).rejects.toBeInstanceOf(IngestError);
    expect(await knowledge.counts()).toEqual(before);
  });

  it('leaves the previous version current when an update fails', async () => {
    const current = await knowledge.ingest({ format: 'markdown', body: feeDoc('800') }, actor);
    await expect(knowledge.update(current.documentId, { format: 'pdf', body: new Uint8Array([1, 2, 3, 4]) }, actor)).rejects.toBeInstanceOf(IngestError);
    await expect(knowledge.ingest({ format: 'markdown', body: feeDoc('900').replace('kind: product', 'kind: product\neffectiveFrom: 2026-13-45') }, actor)).rejects.toBeInstanceOf(IngestError);
    const document = await knowledge.get(current.documentId);
    expect(document.currentVersion).toBe(current.version);
  });

  it('sync creates, re-versions only changed documents and retires missing ones of that source', async () => {
    const doc = (id: string, text: string) => ({ externalId: id, title: id, kind: 'faq' as const, format: 'text' as const, body: text });
    const first = await knowledge.sync('cms', [doc('cms-a', '账户冻结如何解除：携带身份证到网点办理。'), doc('cms-b', '境外汇款每人每年便利化额度五万美元。')], { deleteMissing: true }, actor);
    expect(first).toMatchObject({ created: 2, updated: 0, unchanged: 0, retired: 0 });
    const second = await knowledge.sync('cms', [doc('cms-a', '账户冻结如何解除：携带身份证和银行卡到网点办理。')], { deleteMissing: true }, actor);
    expect(second).toMatchObject({ created: 0, updated: 1, unchanged: 0, retired: 1 });
    const response = await search.search({ query: '境外汇款额度', topK: 5 });
    expect(response.results.some((result) => result.externalId === 'cms-b')).toBe(false);
    // Documents of other sources are untouched by deleteMissing.
    expect((await knowledge.list({ limit: 100 })).items.find((item) => item.externalId === 'cc-fees')?.retired).toBe(false);
  });

  it('filters by kind, product and language inside both legs', async () => {
    const onlyFaq = await search.search({ query: '信用卡 年费 挂失', topK: 10, kinds: ['faq'] });
    expect(onlyFaq.results.every((result) => result.kind === 'faq')).toBe(true);
    const english = await search.search({ query: '信用卡 password', topK: 10, language: 'en' });
    expect(english.results.every((result) => result.language === 'en')).toBe(true);
    const product = await search.search({ query: '年费', topK: 10, product: '测试白金卡' });
    expect(product.results.length).toBeGreaterThan(0);
    expect(product.results.every((result) => result.product === '测试白金卡')).toBe(true);
  });

  it('lists products with risk levels for the suitability rules', async () => {
    await knowledge.ingest({ format: 'markdown', body: '---\nexternalId: wm-r4\ntitle: 进取型理财\nkind: product\nproduct: 测试进取一号\nriskLevel: R4\n---\n# 进取型理财\n\n本产品风险等级R4，不保本。' }, actor);
    const products = await knowledge.products();
    expect(products.find((product) => product.name === '测试进取一号')?.riskLevel).toBe('R4');
  });

  it('names a product by the aliases of every document that describes it, with the risk level of the one that states it', async () => {
    await knowledge.ingest({ format: 'markdown', body: '---\nexternalId: steady-page\ntitle: 稳健理财\nkind: product\nproduct: 测试稳健二号\nproductAliases: [稳健二号]\nriskLevel: R2\n---\n# 稳健理财\n\n本产品风险等级R2，不保本。' }, actor);
    await knowledge.ingest({ format: 'markdown', body: '---\nexternalId: steady-faq\ntitle: 稳健理财常见问题\nkind: faq\nproduct: 测试稳健二号\nproductAliases: [稳二]\n---\n# 赎回\n\n赎回资金T+1到账。' }, actor);
    const steady = (await knowledge.products()).filter((product) => product.name === '测试稳健二号');
    expect(steady).toHaveLength(1);
    expect(steady[0]?.riskLevel).toBe('R2');
    expect(steady[0]?.kind).toBe('product');
    expect([...(steady[0]?.aliases ?? [])].sort()).toEqual(['稳二', '稳健二号']);
  });

  it('refuses another embedder on the same vectors, and reindex switches cleanly', async () => {
    // Any length but the default one the base was embedded with.
    const other = createOfflineEmbedder({ dimensions: offlineEmbedderDefaultDimensions + 32 });
    await expect(ensureEmbeddingIndex(testDatabase.database, other)).rejects.toBeInstanceOf(EmbedderMismatchError);
    const result = await reindexEmbeddings(testDatabase.database, other);
    expect(result.chunks).toBeGreaterThan(0);
    await ensureEmbeddingIndex(testDatabase.database, other);
    const reindexed = new HybridSearch(testDatabase.database, other);
    expect((await reindexed.search({ query: '信用卡年费', topK: 1 })).results[0]?.externalId).toBe('cc-fees');
  });
});
