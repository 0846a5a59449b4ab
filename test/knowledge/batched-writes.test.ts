import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, Queryable } from '../../src/db/database.js';
import type { DocumentInput } from '../../src/knowledge/document-input.js';
import { ensureEmbeddingIndex } from '../../src/knowledge/embedding-index.js';
import { IngestError } from '../../src/knowledge/ingest-error.js';
import { KnowledgeService } from '../../src/knowledge/knowledge-service.js';
import { inspectSearchIndexes } from '../../src/knowledge/search-indexes.js';
import { createOfflineEmbedder } from '../../src/llm/offline-embedder.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * A folder or a sync is written one window per transaction, in multi-row statements, with one generation bump:
 * what is stored must be what storing the documents one by one stores, and a failed window stores nothing.
 */
describe('batched writes of many documents', () => {
  let testDatabase: TestDatabase;
  let database: Database;
  const embedder = createOfflineEmbedder();
  const actor = { id: 'test' };
  /** SQL run through the service, and a statement to fail inside transactions (set per test). */
  const statements: string[] = [];
  let failOn: RegExp | undefined;

  const recording = (queryable: Queryable): Queryable => ({
    query: async (sql, parameters) => {
      statements.push(sql);
      if (failOn?.test(sql)) throw new Error('simulated crash in the middle of the write');
      return queryable.query(sql, parameters);
    },
    exec: async (sql) => {
      statements.push(sql);
      return queryable.exec(sql);
    },
  });
  let recorded: Database;

  beforeAll(async () => {
    testDatabase = await createTestDatabase('pglite');
    database = testDatabase.database;
    await ensureEmbeddingIndex(database, embedder);
    recorded = { ...database, ...recording(database), transaction: (work) => database.transaction((transaction) => work(recording(transaction))) };
  });
  afterAll(async () => {
    await testDatabase?.close();
  });

  const generation = async () => Number((await database.query<{ value: string }>(`select value from settings where key = 'knowledge_generation'`)).rows[0]?.value ?? 0);

  const documents = (prefix: string, count: number): DocumentInput[] =>
    Array.from({ length: count }, (_, index) => ({
      externalId: `${prefix}-${index}`,
      format: 'markdown' as const,
      kind: index % 2 === 0 ? ('product' as const) : ('faq' as const),
      ...(index % 3 === 0 ? { effectiveFrom: '2027-01-01', effectiveUntil: '2027-12-31' } : {}),
      ...(index % 4 === 0 ? { product: `产品${index}`, productAliases: [`别名${index}`] } : {}),
      body: `# 网点服务 ${index}\n\n## 营业时间\n\n第${index}个网点工作日九点至五点营业。\n\n## 业务范围\n\n办理开户、转账与挂失，编号 ${index}。\n`,
    }));

  /** A version as stored, without what differs between two stores of the same content (ids, times). */
  const stored = async (knowledge: KnowledgeService, externalId: string) => {
    const ids = await knowledge.findByExternalIds([externalId]);
    const documentId = ids.get(externalId)!;
    const view = await knowledge.get(documentId);
    const version = await knowledge.getVersion(documentId, view.currentVersion);
    const chunks = await database.query<{ ordinal: number; text: string; heading_path: string[]; lexical: string; embedding: string; heading_tokens: string; body_tokens: string; kind: string; status: string; effective_from: unknown; effective_until: unknown; retired: boolean }>(
      `select ordinal, text, heading_path, lexical::text as lexical, embedding::text as embedding, heading_tokens, body_tokens, kind, status, effective_from, effective_until, retired
         from chunks where document_id = $1 and version = $2 order by ordinal`,
      [documentId, view.currentVersion],
    );
    const { createdAt, updatedAt, documentId: _id, externalId: _external, chunks: versionChunks, ...rest } = { ...view, ...version, versions: undefined };
    return { ...rest, chunks: versionChunks.map(({ chunkId: _chunk, ...chunk }) => chunk), rows: chunks.rows, created: Boolean(createdAt && updatedAt) };
  };

  it('stores a window of documents as storing them one by one does, with one generation bump', async () => {
    const knowledge = new KnowledgeService(recorded, embedder, { utcOffset: '+08:00' });
    const batch = documents('batch', 12);
    for (const input of documents('single', 12)) await knowledge.ingest(input, actor);
    const before = await generation();
    statements.length = 0;
    const results = await knowledge.ingestMany(batch, actor);
    expect(await generation()).toBe(before + 1);
    expect(statements.filter((sql) => /insert into chunks/.test(sql))).toHaveLength(1);
    expect(results.map((result) => (result instanceof IngestError ? result.code : result.outcome))).toEqual(Array(12).fill('created'));
    for (let index = 0; index < 12; index += 1) {
      const single = await stored(knowledge, `single-${index}`);
      const batched = await stored(knowledge, `batch-${index}`);
      expect(batched).toEqual(single);
    }
  });

  it('bumps the generation of a one-document write inside its transaction: one commit per document, none after it', async () => {
    const knowledge = new KnowledgeService(recorded, embedder);
    let transactions = 0;
    const inTransaction: string[] = [];
    const counted: Database = {
      ...recorded,
      transaction: (work) =>
        recorded.transaction((transaction) => {
          transactions += 1;
          return work({ query: (sql, parameters) => (inTransaction.push(sql), transaction.query(sql, parameters)), exec: (sql) => (inTransaction.push(sql), transaction.exec(sql)) });
        }),
    };
    const service = new KnowledgeService(counted, embedder);
    const [input] = documents('one-commit', 1);
    const before = await generation();
    statements.length = 0;
    expect((await service.ingest(input!, actor)).outcome).toBe('created');
    expect(await generation()).toBe(before + 1);
    expect(transactions).toBe(1);
    expect(inTransaction.at(-1)).toMatch(/insert into settings/);
    // Outside the transaction only reads: the bump is not a statement (and a commit) of its own any more.
    expect(statements.filter((sql) => !inTransaction.includes(sql)).every((sql) => /^\s*select/i.test(sql))).toBe(true);
    // Unchanged content writes nothing and bumps nothing.
    expect((await knowledge.ingest(input!, actor)).outcome).toBe('unchanged');
    expect(await generation()).toBe(before + 1);
  });

  it('reports unchanged documents with their stored version and re-versions only what changed', async () => {
    const knowledge = new KnowledgeService(recorded, embedder);
    const inputs = documents('again', 6);
    const first = await knowledge.ingestMany(inputs, actor);
    const before = await generation();
    const changed = inputs.map((input, index) => (index === 2 ? { ...input, body: `${String(input.body)}\n新增说明。\n` } : input));
    const second = await knowledge.ingestMany(changed, actor);
    expect(await generation()).toBe(before + 1);
    second.forEach((result, index) => {
      const previous = first[index]!;
      if (result instanceof IngestError || previous instanceof IngestError) throw new Error('unexpected rejection');
      expect(result.documentId).toBe(previous.documentId);
      expect(result.outcome).toBe(index === 2 ? 'updated' : 'unchanged');
      expect(result.version).toBe(index === 2 ? 2 : 1);
      if (index !== 2) expect({ chunkCount: result.chunkCount, contentHash: result.contentHash }).toEqual({ chunkCount: previous.chunkCount, contentHash: previous.contentHash });
    });
    const untouched = await knowledge.ingestMany(changed, actor);
    expect(untouched.every((result) => !(result instanceof IngestError) && result.outcome === 'unchanged')).toBe(true);
    expect(await generation()).toBe(before + 1);
  });

  it('stores nothing of a window whose transaction fails, and leaves the previous versions current', async () => {
    const knowledge = new KnowledgeService(recorded, embedder);
    const inputs = documents('crash', 5);
    await knowledge.ingestMany(inputs.slice(0, 2), actor);
    const before = await generation();
    failOn = /insert into chunks/;
    try {
      await expect(knowledge.ingestMany(inputs.map((input) => ({ ...input, body: `${String(input.body)}\n第二版。\n` })), actor)).rejects.toThrow(/simulated crash/);
    } finally {
      failOn = undefined;
    }
    expect(await generation()).toBe(before);
    const found = await knowledge.findByExternalIds(inputs.map((input) => input.externalId!));
    expect([...found.keys()].sort()).toEqual(['crash-0', 'crash-1']);
    for (const documentId of found.values()) expect((await knowledge.get(documentId)).currentVersion).toBe(1);
  });

  it('keeps the HNSW index through a bulk load too small a share of the table to pay for a rebuild, and rebuilds it for a large one', async () => {
    const knowledge = new KnowledgeService(recorded, embedder);
    await knowledge.ingestMany(documents('base', 20), actor);
    statements.length = 0;
    await knowledge.bulk(() => knowledge.ingestMany(documents('small-bulk', 1), actor));
    expect(statements.some((sql) => /drop index/.test(sql))).toBe(false);
    statements.length = 0;
    await knowledge.bulk(() => knowledge.ingestMany(documents('large-bulk', 60), actor));
    expect(statements.some((sql) => /drop index if exists chunks_embedding_idx/.test(sql))).toBe(true);
    expect((await inspectSearchIndexes(database)).map((index) => index.state)).toEqual(['present']);
  });
});
