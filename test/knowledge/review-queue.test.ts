import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureEmbeddingIndex } from '../../src/knowledge/embedding-index.js';
import { KnowledgeService } from '../../src/knowledge/knowledge-service.js';
import { cardFeedbackSources, ReviewQueueService, type ReviewQueueSources } from '../../src/knowledge/review-queue.js';
import { createOfflineEmbedder } from '../../src/llm/offline-embedder.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

// Our own documents: two FAQ rows owned by different teams, with card feedback from agents.
const rows = [
  { id: 'rq-points', question: '积分怎么兑换', answer: '登录手机银行积分商城兑换礼品。' },
  { id: 'rq-statement', question: '账单日可以改吗', answer: '每年可修改一次账单日。' },
];

describe('review queue: often-dismissed documents from card feedback', () => {
  let testDatabase: TestDatabase;
  let knowledge: KnowledgeService;
  const ids = new Map<string, string>();
  const emptyGate = { start: () => Promise.reject(new Error('not used')), checks: () => Promise.resolve([]) };

  beforeAll(async () => {
    testDatabase = await createTestDatabase('pglite');
    const embedder = createOfflineEmbedder();
    await ensureEmbeddingIndex(testDatabase.database, embedder);
    knowledge = new KnowledgeService(testDatabase.database, embedder);
    for (const [index, row] of rows.entries()) {
      const stored = await knowledge.ingestFaqSet({ format: 'jsonl', kind: 'faq', body: JSON.stringify(row), owner: index === 0 ? 'team-cards' : 'team-billing' }, { id: 'test' });
      ids.set(row.id, stored.documents[0]!.documentId);
    }
    const conversationId = randomUUID();
    await testDatabase.database.query(`insert into conversations (id, channel, language) values ($1, 'chat', 'zh')`, [conversationId]);
    const feedback = async (externalId: string, action: 'helpful' | 'not_helpful', reason: string | null, daysAgo = 0) =>
      testDatabase.database.query(
        `insert into card_feedback (id, conversation_id, document_id, action, reason, created_at) values ($1, $2, $3, $4, $5, now() - make_interval(days => $6))`,
        [randomUUID(), conversationId, ids.get(externalId), action, reason, daysAgo],
      );
    // Points: dismissed three times (twice as outdated), helpful once. Statement: helpful twice, dismissed once.
    await feedback('rq-points', 'not_helpful', 'outdated');
    await feedback('rq-points', 'not_helpful', 'outdated');
    await feedback('rq-points', 'not_helpful', 'wrong_product');
    await feedback('rq-points', 'helpful', null);
    await feedback('rq-statement', 'helpful', null);
    await feedback('rq-statement', 'helpful', null);
    await feedback('rq-statement', 'not_helpful', 'outdated');
    // Old verdicts fall out of the window.
    for (let index = 0; index < 5; index += 1) await feedback('rq-statement', 'not_helpful', 'outdated', 90);
  });
  afterAll(async () => {
    await testDatabase?.close();
  });

  it('lists documents dismissed more often than found helpful over the period, with their reasons, by owner', async () => {
    const queue = new ReviewQueueService({ database: testDatabase.database, gate: emptyGate });
    const listed = await queue.list({ limit: 10 });
    expect(listed.oftenDismissed).toEqual([
      {
        documentId: ids.get('rq-points'),
        externalId: 'rq-points',
        title: '积分怎么兑换',
        owner: 'team-cards',
        dismissed: 3,
        helpful: 1,
        reasons: [
          { reason: 'outdated', count: 2 },
          { reason: 'wrong_product', count: 1 },
        ],
      },
    ]);
    expect((await queue.list({ limit: 10, owner: 'team-billing' })).oftenDismissed).toEqual([]);
    expect(listed.gaps).toBeNull();
  });

  it('reads gaps and dismissals from the sources it is given', async () => {
    const sources: ReviewQueueSources = {
      listGaps: () => Promise.resolve([{ gapId: 'g1', label: '外币兑换', count: 4, examples: ['美元怎么换'] }]),
      listOftenDismissed: (filter) => cardFeedbackSources(testDatabase.database).listOftenDismissed(filter),
    };
    const queue = new ReviewQueueService({ database: testDatabase.database, gate: emptyGate, sources });
    const listed = await queue.list({ limit: 10 });
    expect(listed.gaps).toEqual([{ gapId: 'g1', label: '外币兑换', count: 4, examples: ['美元怎么换'] }]);
    expect(listed.oftenDismissed.map((item) => item.externalId)).toEqual(['rq-points']);
  });
});
