import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureEmbeddingIndex } from '../../src/knowledge/embedding-index.js';
import { KnowledgeService } from '../../src/knowledge/knowledge-service.js';
import { createOfflineEmbedder } from '../../src/llm/offline-embedder.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

// Our own rate sheet: effective for the calendar year 2027, written as days.
const rateSheet = (externalId: string) => `---
externalId: ${externalId}
title: 年度利率表
kind: product
effectiveFrom: 2027-01-01
effectiveUntil: 2027-12-31
---
一年期定期存款年利率1.5%。
`;

describe('effective dates kept as given (a business zone east of UTC)', () => {
  let testDatabase: TestDatabase;
  let beijing: KnowledgeService;

  beforeAll(async () => {
    testDatabase = await createTestDatabase('pglite');
    const embedder = createOfflineEmbedder();
    await ensureEmbeddingIndex(testDatabase.database, embedder);
    beijing = new KnowledgeService(testDatabase.database, embedder, { utcOffset: '+08:00' });
  });
  afterAll(async () => {
    await testDatabase?.close();
  });

  it('stores a date as the start of that day in the zone and returns the date, never the day before', async () => {
    const created = await beijing.ingest({ format: 'markdown', body: rateSheet('dates-east') }, { id: 'test' });
    const stored = await testDatabase.database.query<{ effective_from: Date; effective_until: Date }>('select effective_from, effective_until from document_versions where document_id = $1', [created.documentId]);
    expect(new Date(stored.rows[0]!.effective_from).toISOString()).toBe('2026-12-31T16:00:00.000Z');
    expect(new Date(stored.rows[0]!.effective_until).toISOString()).toBe('2027-12-31T16:00:00.000Z');
    const document = await beijing.get(created.documentId);
    expect(document).toMatchObject({ effectiveFrom: '2027-01-01', effectiveUntil: '2027-12-31', effectiveFromAt: '2027-01-01T00:00:00+08:00', effectiveUntilAt: '2028-01-01T00:00:00+08:00' });
  });

  it('reads versions stored before the days were recorded back as dates when they sit at midnight in the zone', async () => {
    const created = await beijing.ingest({ format: 'markdown', body: rateSheet('dates-legacy') }, { id: 'test' });
    // As migration 014 leaves rows written before it: instants only.
    await testDatabase.database.query('update document_versions set effective_from_day = null, effective_until_day = null, effective_days_recorded = false where document_id = $1', [created.documentId]);
    expect(await beijing.getVersion(created.documentId, 1)).toMatchObject({ effectiveFrom: '2027-01-01', effectiveUntil: '2027-12-31' });
    // A full timestamp that is not a midnight in the zone stays an instant.
    await testDatabase.database.query(`update document_versions set effective_from = '2027-01-01T09:30:00+08:00' where document_id = $1`, [created.documentId]);
    expect((await beijing.getVersion(created.documentId, 1)).effectiveFrom).toBe('2027-01-01T01:30:00.000Z');
  });

  it('keeps a date a date when a phrasing edit makes a new version of a FAQ row', async () => {
    const set = await beijing.ingestFaqSet(
      { kind: 'faq', format: 'jsonl', body: JSON.stringify({ id: 'dates-faq', question: '年费怎么收', answer: '首年免年费。' }), effectiveFrom: '2027-01-01' },
      { id: 'test' },
    );
    const documentId = set.documents[0]!.documentId;
    const edited = await beijing.addQuestions(documentId, ['年费收多少'], { id: 'test' });
    expect(edited.version).toBe(2);
    expect((await beijing.getVersion(documentId, 2)).effectiveFrom).toBe('2027-01-01');
  });
});
