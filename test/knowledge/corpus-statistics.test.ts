import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorpusStatisticsKeeper } from '../../src/knowledge/corpus-statistics.js';
import { EmbedderMismatchError, ensureEmbeddingIndex } from '../../src/knowledge/embedding-index.js';
import { KnowledgeService } from '../../src/knowledge/knowledge-service.js';
import { createOfflineEmbedder, offlineEmbedderDefaultDimensions } from '../../src/llm/offline-embedder.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const actor = { id: 'test' };

/** Our own FAQ rows: "卡" is in every question, the topic words are not. */
function faqSet(rows: Array<[string, string, string]>): string {
  return rows.map(([id, question, answer]) => JSON.stringify({ id, questions: [question], answer })).join('\n');
}

describe('CorpusStatisticsKeeper', () => {
  let testDatabase: TestDatabase;
  const embedder = createOfflineEmbedder({ dimensions: 64 });
  let knowledge: KnowledgeService;

  beforeAll(async () => {
    testDatabase = await createTestDatabase('pglite');
    await ensureEmbeddingIndex(testDatabase.database, embedder);
    knowledge = new KnowledgeService(testDatabase.database, embedder);
  });
  afterAll(async () => {
    await testDatabase.close();
  });

  it('fits nothing on an empty base, then fits after the first write', async () => {
    const keeper = new CorpusStatisticsKeeper(testDatabase.database, embedder, { refitShare: 0.5 });
    await keeper.start();
    await keeper.settled();
    expect(keeper.fit).toBeUndefined();
    expect(embedder.corpus.statistics).toBeUndefined();

    await knowledge.ingestFaqSet(
      {
        format: 'jsonl',
        body: faqSet([
          ['card-1', '信用卡怎么办理', '携带身份证到网点办理。'],
          ['card-2', '借记卡怎么办理', '携带身份证到网点办理借记卡。'],
          ['card-3', '储蓄卡挂失怎么办', '拨打客服电话挂失。'],
          ['card-4', '信用卡额度怎么调整', '在手机银行申请调整额度。'],
        ]),
      },
      actor,
    );
    await keeper.changed();
    expect(keeper.fit?.documents).toBe(4);
    expect(embedder.corpus.statistics?.documents).toBe(4);
    expect(embedder.corpus.statistics?.frequencies['c:卡']).toBe(4);
  });

  it('loads the stored fit on another replica instead of refitting', async () => {
    const replica = createOfflineEmbedder({ dimensions: 64 });
    const keeper = new CorpusStatisticsKeeper(testDatabase.database, replica, { refitShare: 0.5 });
    const stored = await testDatabase.database.query<{ count: string }>('select count(*) as count from embedder_statistics');
    await keeper.start();
    await keeper.settled();
    expect(replica.corpus.statistics).toEqual(embedder.corpus.statistics);
    const after = await testDatabase.database.query<{ count: string }>('select count(*) as count from embedder_statistics');
    expect(after.rows[0]?.count).toEqual(stored.rows[0]?.count);
  });

  it('refits only when the share of passages written since the fit reaches refitShare', async () => {
    let fitted = 0;
    const keeper = new CorpusStatisticsKeeper(testDatabase.database, embedder, { refitShare: 0.5, onFitted: () => (fitted += 1) });
    await keeper.start();
    await keeper.settled();
    const version = keeper.fit!.version;
    fitted = 0;

    // One new passage out of four fitted: 25% < 50%, the fit stays.
    await knowledge.ingestFaqSet({ format: 'jsonl', body: faqSet([['card-5', '借记卡密码怎么修改', '在柜台或手机银行修改密码。']]) }, actor);
    await keeper.changed();
    expect(keeper.fit?.version).toBe(version);
    expect(fitted).toBe(0);

    // One more: 2 of 4 = 50%, refit on all six current passages.
    await knowledge.ingestFaqSet({ format: 'jsonl', body: faqSet([['card-6', '信用卡年费怎么收', '首年免年费。']]) }, actor);
    await keeper.changed();
    expect(keeper.fit?.version).toBeGreaterThan(version);
    expect(keeper.fit?.documents).toBe(6);
    expect(fitted).toBe(1);
    // Older fits are deleted.
    const rows = await testDatabase.database.query<{ count: string }>('select count(*) as count from embedder_statistics where embedder = $1', [embedder.id]);
    expect(Number(rows.rows[0]?.count)).toBe(1);
  });

  it('checks again only after checkIntervalMilliseconds: writes within it share one check, which settled() runs at once', async () => {
    let fitted = 0;
    const keeper = new CorpusStatisticsKeeper(testDatabase.database, embedder, { refitShare: 0.5, checkIntervalMilliseconds: 60_000, onFitted: () => (fitted += 1) });
    await keeper.start();
    await keeper.settled();
    const version = keeper.fit!.version;
    fitted = 0;

    // Four new passages on six fitted: past the share, but the last check was just now.
    await knowledge.ingestFaqSet(
      {
        format: 'jsonl',
        body: faqSet([
          ['card-7', '信用卡账单日怎么改', '在手机银行修改账单日。'],
          ['card-8', '借记卡转账限额多少', '以柜台设置为准。'],
          ['card-9', '存折丢了怎么办', '携带身份证到网点挂失。'],
          ['card-10', '信用卡分期怎么申请', '在手机银行申请分期。'],
        ]),
      },
      actor,
    );
    const first = keeper.changed();
    const second = keeper.changed();
    // Long enough for an immediate check and refit of ten passages to have finished, were one started.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(keeper.fit?.version).toBe(version);
    expect(fitted).toBe(0);

    await keeper.settled();
    await Promise.all([first, second]);
    expect(keeper.fit?.version).toBeGreaterThan(version);
    expect(keeper.fit?.documents).toBe(10);
    expect(fitted).toBe(1);
  });

  it('does nothing for an embedder without corpus statistics', async () => {
    const plain = { id: embedder.id, dimensions: 64, embed: embedder.embed };
    const keeper = new CorpusStatisticsKeeper(testDatabase.database, plain, { refitShare: 0 });
    await keeper.start();
    expect(await keeper.refit()).toBeUndefined();
    expect(keeper.fit).toBeUndefined();
  });
});

describe('EmbedderMismatchError after the offline embedder changed', () => {
  it('asks for a reindex without suggesting a setting that cannot bring the old embedder back', () => {
    const upgrade = new EmbedderMismatchError('offline-hash-v1:384', createOfflineEmbedder().id);
    expect(upgrade.message).toContain('agent-assist reindex');
    expect(upgrade.message).toContain('new offline embedder');
    expect(upgrade.message).not.toContain('restore the previous');
    const api = new EmbedderMismatchError('text-embedding-3-small:1536', createOfflineEmbedder().id);
    expect(api.message).toContain('restore the previous');
  });

  it('names the stored vector length when only the offline dimension count changed (a new fitted default)', () => {
    const other = offlineEmbedderDefaultDimensions * 2;
    const changed = new EmbedderMismatchError(createOfflineEmbedder({ dimensions: other }).id, createOfflineEmbedder().id);
    expect(changed.message).toContain('agent-assist reindex');
    expect(changed.message).toContain(`EMBEDDING_DIMENSIONS=${other}`);
    expect(changed.message).not.toContain('new offline embedder');
  });
});
