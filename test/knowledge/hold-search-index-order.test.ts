import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, Queryable } from '../../src/db/database.js';
import { ensureEmbeddingIndex } from '../../src/knowledge/embedding-index.js';
import { KnowledgeService } from '../../src/knowledge/knowledge-service.js';
import { createOfflineEmbedder } from '../../src/llm/offline-embedder.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * Change notes are numbered in commit order (migration 025): a writer holds the notes' advisory lock from its first
 * note to its commit, and every knowledge write takes that lock before any row lock. PGlite runs one transaction at
 * a time, so the race itself cannot be staged here; what is checked is that the lock is held where it must be.
 */
describe('search index change notes in commit order', () => {
  let testDatabase: TestDatabase;
  let database: Database;
  const embedder = createOfflineEmbedder();
  const actor = { id: 'test' };
  /** The statements of each transaction run through the service, in order. */
  let transactions: string[][] = [];

  const recording = (queryable: Queryable, into: string[]): Queryable => ({
    query: async (sql, parameters) => {
      into.push(sql);
      return queryable.query(sql, parameters);
    },
    exec: async (sql) => {
      into.push(sql);
      return queryable.exec(sql);
    },
  });
  let recorded: Database;

  const notesLockHeld = async (queryable: Queryable) =>
    Number(
      (
        await queryable.query<{ held: string }>(
          `select count(*) as held from pg_locks
            where locktype = 'advisory' and granted and pid = pg_backend_pid() and objid = hashtext('search_index_changes')::oid`,
        )
      ).rows[0]?.held,
    );

  beforeAll(async () => {
    testDatabase = await createTestDatabase('pglite');
    database = testDatabase.database;
    await ensureEmbeddingIndex(database, embedder);
    recorded = {
      ...database,
      transaction: (work) => {
        const statements: string[] = [];
        transactions.push(statements);
        return database.transaction((transaction) => work(recording(transaction, statements)));
      },
    };
  });
  afterAll(async () => {
    await testDatabase?.close();
  });

  it('holds the lock from a chunk write to the end of its transaction, so the next note waits for the commit', async () => {
    const knowledge = new KnowledgeService(database, embedder);
    const { documentId } = await knowledge.ingest({ externalId: 'order-trigger', format: 'markdown', kind: 'faq', body: '# 挂失\n\n卡片丢失请立即挂失。\n' }, actor);
    const during = await database.transaction(async (transaction) => {
      const before = await notesLockHeld(transaction);
      await transaction.query('update chunks set retired = retired where document_id = $1', [documentId]);
      return { before, after: await notesLockHeld(transaction) };
    });
    expect(during).toEqual({ before: 0, after: 1 });
    expect(await notesLockHeld(database)).toBe(0);
  });

  it('takes the lock as the first statement of every knowledge write that touches chunks', async () => {
    transactions = [];
    const knowledge = new KnowledgeService(recorded, embedder);
    const single = await knowledge.ingest({ externalId: 'order-single', format: 'markdown', kind: 'faq', body: '# 年费\n\n金卡年费两百元。\n' }, actor);
    await knowledge.ingestMany(
      [0, 1].map((index) => ({ externalId: `order-many-${index}`, format: 'markdown' as const, kind: 'product' as const, body: `# 网点 ${index}\n\n第${index}个网点九点营业。\n` })),
      actor,
    );
    await knowledge.ingestFaqSet({ format: 'csv', body: 'id,question,answer\norder-faq-1,怎么挂失？,请在手机银行挂失。' }, actor);
    const faq = await knowledge.findByExternalIds(['order-faq-1']);
    await knowledge.addQuestions(faq.get('order-faq-1')!, ['卡丢了怎么办？'], actor);
    await knowledge.retire(single.documentId);

    const writes = transactions.filter((statements) => statements.some((sql) => /\b(insert into|update) chunks\b/.test(sql)));
    expect(writes.length).toBeGreaterThanOrEqual(5);
    for (const statements of writes) expect(statements[0]).toMatch(/pg_advisory_xact_lock\(hashtext\('search_index_changes'\)\)/);
  });
});
