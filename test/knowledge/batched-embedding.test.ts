import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { ensureEmbeddingIndex } from '../../src/knowledge/embedding-index.js';
import { ingestFiles } from '../../src/knowledge/ingest-files.js';
import { KnowledgeService } from '../../src/knowledge/knowledge-service.js';
import { createOpenAIEmbedder } from '../../src/llm/openai-embedder.js';
import { startOpenAIMockServer } from '../support/openai-mock-server.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/** Many documents in one ingest call the embeddings API once per batch of texts, not once per document. */
describe('embeddings batched across documents', () => {
  const server = startOpenAIMockServer();
  let testDatabase: TestDatabase;
  let database: Database;
  let knowledge: KnowledgeService;
  const actor = { id: 'test' };
  const embedder = createOpenAIEmbedder({ apiKey: 'k', baseURL: server.baseURL, model: 'text-embedding-3-small', dimensions: 64, batchSize: 16, timeoutMs: 5_000, maxRetries: 2 });

  beforeAll(async () => {
    testDatabase = await createTestDatabase('pglite');
    database = testDatabase.database;
    await ensureEmbeddingIndex(database, embedder);
    knowledge = new KnowledgeService(database, embedder);
  });
  afterEach(() => server.reset());
  afterAll(async () => {
    server.close();
    await testDatabase?.close();
  });

  const documents = (prefix: string, count: number) =>
    Array.from({ length: count }, (_, index) => ({
      externalId: `${prefix}-${index}`,
      title: `网点业务 ${prefix} ${index}`,
      kind: 'product' as const,
      format: 'text' as const,
      body: `第${index}个网点的营业时间为工作日九点至五点（${prefix}）。`,
    }));

  it('embeds a sync of 40 documents in batches of the provider size, each text once', async () => {
    const calls = server.embeddings();
    const result = await knowledge.sync('batch-test', documents('sync', 40), { deleteMissing: false }, actor);
    expect(result.created).toBe(40);
    expect(calls.requests.map((request) => request.body.input.length).sort((a: number, b: number) => b - a)).toEqual([16, 16, 8]);
    // Unchanged documents are not embedded again.
    const again = server.embeddings();
    await knowledge.sync('batch-test', documents('sync', 40), { deleteMissing: false }, actor);
    expect(again.requests).toHaveLength(0);
  });

  it('embeds a folder of files together, and reports a bad file in its place', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'batched-embedding-'));
    try {
      const paths = documents('file', 20).map((document, index) => {
        const path = join(directory, `doc-${String(index).padStart(2, '0')}.md`);
        writeFileSync(path, `# ${document.title}\n\n${document.body}\n`);
        return path;
      });
      const bad = join(directory, 'doc-10b.md');
      writeFileSync(bad, '---\neffectiveFrom: not-a-date\n---\n# 坏文件\n\n正文。\n');
      const files = [...paths.slice(0, 11), bad, ...paths.slice(11)];
      const calls = server.embeddings();
      const results = await ingestFiles(knowledge, files, { actor });
      expect(results.map((result) => result.status)).toEqual([...Array(11).fill('created'), 'rejected', ...Array(9).fill('created')]);
      expect(results[11]!.reason).toContain('effectiveFrom');
      expect(calls.requests).toHaveLength(2);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('embeds only the changed chunks of a changed document, and stores the others with the vectors they had', async () => {
    const section = (heading: string, sentence: string) => `## ${heading}\n\n${Array.from({ length: 8 }, (_, index) => `${sentence}（第${index + 1}条）`).join('')}\n`;
    const body = (fee: string) =>
      `---\nexternalId: reuse-vectors\n---\n# 储蓄卡服务说明\n\n${section('年费', `储蓄卡年费为${fee}元，开卡首年免收。`)}\n${section('挂失', '挂失请致电客服热线或前往任一网点办理。')}\n${section('开户', '开户请携带本人有效身份证件到网点办理。')}`;
    const sync = async (fee: string) => knowledge.sync('reuse-test', [{ format: 'markdown', body: body(fee) }], { deleteMissing: false }, actor);
    const vectorsOf = async (version: number) =>
      (
        await database.query<{ text: string; stored: Uint8Array }>(
          `select c.text, vector_send(c.embedding) as stored from chunks c join documents d on d.id = c.document_id where d.external_id = 'reuse-vectors' and c.version = $1`,
          [version],
        )
      ).rows;
    for (const [step, write] of [
      ['one document posted', (fee: string) => knowledge.ingest({ format: 'markdown', body: body(fee) }, actor)],
      ['a sync', sync],
    ] as const) {
      server.embeddings();
      const base = step === 'a sync' ? 3 : 1;
      await write(step === 'a sync' ? '30' : '10');
      const calls = server.embeddings();
      await write(step === 'a sync' ? '40' : '20');
      const before = await vectorsOf(base);
      const after = await vectorsOf(base + 1);
      expect(before.length, step).toBeGreaterThanOrEqual(3);
      expect(calls.requests.flatMap((request) => request.body.input as string[]), step).toHaveLength(1);
      const kept = after.filter((chunk) => before.some((old) => old.text === chunk.text));
      expect(kept, step).toHaveLength(after.length - 1);
      for (const chunk of kept) expect(Buffer.from(chunk.stored).equals(Buffer.from(before.find((old) => old.text === chunk.text)!.stored)), step).toBe(true);
    }
  });

  it('retries a failed batch (5xx) and stores nothing when the provider keeps failing', async () => {
    const failing = server.error(500, 'down', { endpoint: 'embeddings' });
    await expect(knowledge.sync('batch-fail', documents('fail', 5), { deleteMissing: false }, actor)).rejects.toThrow();
    expect(failing.requests.length).toBe(3);
    expect((await knowledge.findByExternalIds(['fail-0'])).size).toBe(0);
  });
});
