import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';

// Our own FAQ rows (written for this test): a savings row and a mortgage row in different wording.
const faqSet = [
  { id: 'sq-savings-rate', questions: ['定期存款利率是多少', '整存整取利率'], answer: '三年期整存整取年利率为2.0%，以网点公告为准。' },
  { id: 'sq-mortgage-prepay', question: '房贷可以提前还款吗', answer: '个人住房贷款可以提前还款，需提前15个工作日预约。' },
]
  .map((row) => JSON.stringify(row))
  .join('\n');

const markdownWithQuestions = `---
externalId: sq-markdown-lost-card
title: 借记卡挂失
kind: product
questions:
  - 银行卡丢了怎么办
  - 卡片遗失，如何挂失
---
# 借记卡挂失

拨打客服热线或登录手机银行即可办理临时挂失，正式挂失需本人持证件到网点办理。
`;

describe('similar questions (相似问) and proposals', () => {
  let testApp: TestApp;
  let owner: Record<string, string>;
  let agent: Record<string, string>;
  const ids = new Map<string, string>();

  const inject = (method: 'GET' | 'POST' | 'DELETE', url: string, headers: Record<string, string>, payload?: unknown) =>
    testApp.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  const search = async (query: string) =>
    (await inject('POST', '/v1/knowledge/search', agent, { query, topK: 3 })).json().results as Array<{ externalId: string; version: number }>;

  beforeAll(async () => {
    testApp = await createTestApp();
    owner = await testApp.as('knowledge_owner');
    agent = await testApp.as('agent');
    const created = await inject('POST', '/v1/knowledge/documents', owner, { kind: 'faq', format: 'jsonl', body: faqSet });
    expect(created.statusCode).toBe(201);
    for (const document of created.json().documents) ids.set(document.externalId, document.documentId);
    const markdown = await inject('POST', '/v1/knowledge/documents', owner, { format: 'markdown', body: markdownWithQuestions });
    expect(markdown.statusCode).toBe(201);
    ids.set('sq-markdown-lost-card', markdown.json().documentId);
  });
  afterAll(async () => {
    await testApp?.close();
  });

  it('keeps every phrasing of a FAQ row and of a Markdown front-matter list on the version', async () => {
    const savings = await inject('GET', `/v1/knowledge/documents/${ids.get('sq-savings-rate')}`, agent);
    expect(savings.json().questions).toEqual(['定期存款利率是多少', '整存整取利率']);
    const markdown = await inject('GET', `/v1/knowledge/documents/${ids.get('sq-markdown-lost-card')}/versions/1`, agent);
    expect(markdown.json().questions).toEqual(['银行卡丢了怎么办', '卡片遗失，如何挂失']);
    // The front-matter phrasings are searchable: the body never says 丢了.
    expect((await search('银行卡丢了怎么办')).map((result) => result.externalId)).toContain('sq-markdown-lost-card');
  });

  it('adds a phrasing as a new version that search finds, and keeps it when the FAQ file is ingested again', async () => {
    const documentId = ids.get('sq-mortgage-prepay')!;
    const added = await inject('POST', `/v1/knowledge/documents/${documentId}/questions`, owner, { questions: ['住房按揭能不能早点还清'] });
    expect(added.statusCode).toBe(200);
    expect(added.json()).toMatchObject({ documentId, version: 2, outcome: 'updated', questions: ['房贷可以提前还款吗', '住房按揭能不能早点还清'] });
    const results = await search('住房按揭能不能早点还清');
    expect(results[0]).toMatchObject({ externalId: 'sq-mortgage-prepay', version: 2 });

    // The nightly re-sync of the unchanged file must not undo what the owner added.
    const again = await inject('POST', '/v1/knowledge/documents', owner, { kind: 'faq', format: 'jsonl', body: faqSet });
    expect(again.json().unchanged).toBe(2);
    const current = await inject('GET', `/v1/knowledge/documents/${documentId}`, agent);
    expect(current.json()).toMatchObject({ currentVersion: 2, questions: ['房贷可以提前还款吗', '住房按揭能不能早点还清'] });
  });

  it('removes phrasings named in the query or the body, and never the last one', async () => {
    const documentId = ids.get('sq-savings-rate')!;
    const removed = await inject('DELETE', `/v1/knowledge/documents/${documentId}/questions?question=${encodeURIComponent('整存整取利率')}`, owner);
    expect(removed.statusCode).toBe(200);
    expect(removed.json()).toMatchObject({ version: 2, questions: ['定期存款利率是多少'] });
    const last = await inject('DELETE', `/v1/knowledge/documents/${documentId}/questions`, owner, { questions: ['定期存款利率是多少'] });
    expect(last.statusCode).toBe(400);
    expect(last.json()).toMatchObject({ type: expect.stringContaining('no_questions_left'), errors: [{ field: 'questions' }] });
    // A removal outlives the re-ingest of the file that still lists the phrasing.
    await inject('POST', '/v1/knowledge/documents', owner, { kind: 'faq', format: 'jsonl', body: faqSet });
    const current = await inject('GET', `/v1/knowledge/documents/${documentId}`, agent);
    expect(current.json().questions).toEqual(['定期存款利率是多少']);
  });

  it('answers bad phrasings with a 400 naming the entry, other documents with a 409, other roles with a 403', async () => {
    const documentId = ids.get('sq-mortgage-prepay')!;
    const url = `/v1/knowledge/documents/${documentId}/questions`;
    const cases: Array<[unknown, string]> = [
      [{ questions: ['房贷可以提前还款吗？'] }, 'questions.0'],
      [{ questions: ['提前还贷要预约吗', '提前还贷，要预约吗'] }, 'questions.1'],
      [{ questions: ['短', 'x'.repeat(501)] }, 'questions.1'],
      [{ questions: ['  '] }, 'questions.0'],
      [{ questions: ['？！'] }, 'questions.0'],
      [{ questions: [] }, 'questions'],
    ];
    for (const [payload, field] of cases) {
      const response = await inject('POST', url, owner, payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json().errors.map((error: { field: string }) => error.field)).toContain(field);
    }
    const unknown = await inject('DELETE', url, owner, { questions: ['从没有过的问法'] });
    expect(unknown.json().errors[0].field).toBe('questions.0');
    const noneNamed = await inject('DELETE', url, owner);
    expect(noneNamed.statusCode).toBe(400);
    const markdown = await inject('POST', `/v1/knowledge/documents/${ids.get('sq-markdown-lost-card')}/questions`, owner, { questions: ['卡掉了'] });
    expect(markdown.statusCode).toBe(409);
    expect(markdown.json().type).toContain('not_faq_row');
    expect((await inject('POST', url, agent, { questions: ['提前还款手续'] })).statusCode).toBe(403);
    expect((await inject('POST', '/v1/knowledge/documents/00000000-0000-4000-8000-000000000000/questions', owner, { questions: ['提前还款手续'] })).statusCode).toBe(404);
  });

  it('records the phrasings of FAQ rows stored before they were kept when their unchanged file comes again', async () => {
    const legacySet = JSON.stringify({ id: 'sq-legacy-row', question: '外币汇款要多久到账', answer: '境外汇款一般2至5个工作日到账。' });
    const created = (await inject('POST', '/v1/knowledge/documents', owner, { kind: 'faq', format: 'jsonl', body: legacySet })).json();
    const documentId = created.documents[0].documentId as string;
    // As a row written before migration 007 looks.
    await testApp.runtime.services.database.query(`update document_versions set questions = '{}', answer = null where document_id = $1`, [documentId]);
    const url = `/v1/knowledge/documents/${documentId}/questions`;
    expect((await inject('POST', url, owner, { questions: ['汇到国外几天能到'] })).statusCode).toBe(409);
    const again = await inject('POST', '/v1/knowledge/documents', owner, { kind: 'faq', format: 'jsonl', body: legacySet });
    expect(again.json().unchanged).toBe(1);
    const added = await inject('POST', url, owner, { questions: ['汇到国外几天能到'] });
    expect(added.statusCode).toBe(200);
    expect(added.json()).toMatchObject({ version: 2, questions: ['外币汇款要多久到账', '汇到国外几天能到'] });
  });

  it('proposes the customer question behind a helpful card, masked and deduplicated, until an owner decides', async () => {
    const documentId = ids.get('sq-mortgage-prepay')!;
    const conversation = (await inject('POST', '/v1/conversations', agent, { channel: 'voice', language: 'zh' })).json().id as string;
    await inject('POST', `/v1/conversations/${conversation}/turns`, agent, { speaker: 'customer', text: '你好，我手机号13912345678。' });
    const turn = await inject('POST', `/v1/conversations/${conversation}/turns`, agent, { speaker: 'customer', text: '房贷想提前还一部分，可以吗？' });
    const cards = turn.json().knowledge as Array<{ documentId: string }>;
    expect(cards.map((card) => card.documentId)).toContain(documentId);

    const notShown = await inject('POST', `/v1/conversations/${conversation}/cards/feedback`, agent, { documentId: ids.get('sq-markdown-lost-card'), action: 'helpful' });
    if (!cards.some((card) => card.documentId === ids.get('sq-markdown-lost-card'))) {
      expect(notShown.statusCode).toBe(400);
      expect(notShown.json().errors[0].field).toBe('documentId');
    }
    const helpful = await inject('POST', `/v1/conversations/${conversation}/cards/feedback`, agent, { documentId, action: 'helpful' });
    expect(helpful.statusCode).toBe(204);
    // Nothing is added before approval.
    expect((await inject('GET', `/v1/knowledge/documents/${documentId}`, agent)).json().currentVersion).toBe(2);

    const listed = await inject('GET', `/v1/knowledge/proposals?documentId=${documentId}&status=proposed`, owner);
    expect(listed.statusCode).toBe(200);
    const [proposal] = listed.json().items;
    expect(proposal).toMatchObject({ documentId, externalId: 'sq-mortgage-prepay', origin: 'card_helpful', conversationId: conversation, timesProposed: 1 });
    expect(proposal.question).toContain('房贷想提前还一部分');
    expect(proposal.question).not.toContain('13912345678');
    expect((await inject('GET', '/v1/knowledge/proposals', agent)).statusCode).toBe(403);

    await inject('POST', `/v1/conversations/${conversation}/cards/feedback`, agent, { documentId, action: 'helpful' });
    const again = (await inject('GET', `/v1/knowledge/proposals?documentId=${documentId}`, owner)).json().items;
    expect(again).toHaveLength(1);
    expect(again[0].timesProposed).toBe(2);

    const approved = await inject('POST', `/v1/knowledge/proposals/${proposal.id}/approve`, owner, {});
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'approved', approvedVersion: 3, decidedBy: expect.any(String) });
    const current = (await inject('GET', `/v1/knowledge/documents/${documentId}`, agent)).json();
    expect(current.currentVersion).toBe(3);
    expect(current.questions).toContain(proposal.question);
    expect((await inject('POST', `/v1/knowledge/proposals/${proposal.id}/reject`, owner, { comment: 'too late' })).statusCode).toBe(409);
    // Approved, it is a phrasing now: helpful again proposes nothing new.
    await inject('POST', `/v1/conversations/${conversation}/cards/feedback`, agent, { documentId, action: 'helpful' });
    expect((await inject('GET', `/v1/knowledge/proposals?status=proposed`, owner)).json().items).toHaveLength(0);
  });

  it('proposes the question an accepted suggestion answered, and records a rejection with its reason', async () => {
    const conversation = (await inject('POST', '/v1/conversations', agent, { channel: 'chat', language: 'zh' })).json().id as string;
    await inject('POST', `/v1/conversations/${conversation}/turns`, agent, { speaker: 'customer', text: '房贷提前还款要预约吗？' });
    const suggested = await inject('POST', `/v1/conversations/${conversation}/suggestions`, agent, { n: 1 });
    expect(suggested.statusCode).toBe(200);
    const [suggestion] = suggested.json().suggestions as Array<{ id: string; citations: Array<{ documentId: string }> }>;
    expect(suggestion).toBeDefined();
    const cited = suggestion!.citations.map((citation) => citation.documentId);
    const documentId = ids.get('sq-mortgage-prepay')!;
    expect(cited).toContain(documentId);
    const before = (await inject('GET', '/v1/knowledge/proposals?status=proposed', owner)).json().items.length;
    const dismissed = await inject('POST', `/v1/suggestions/${suggestion!.id}/feedback`, agent, { action: 'dismissed' });
    expect(dismissed.statusCode).toBe(204);
    expect((await inject('GET', '/v1/knowledge/proposals?status=proposed', owner)).json().items).toHaveLength(before);
    await inject('POST', `/v1/suggestions/${suggestion!.id}/feedback`, agent, { action: 'accepted' });
    const items = (await inject('GET', `/v1/knowledge/proposals?documentId=${documentId}&status=proposed`, owner)).json().items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ origin: 'suggestion_accepted', suggestionId: suggestion!.id, question: '房贷提前还款要预约吗？' });

    const noReason = await inject('POST', `/v1/knowledge/proposals/${items[0].id}/reject`, owner, {});
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().errors[0].field).toBe('comment');
    const rejected = await inject('POST', `/v1/knowledge/proposals/${items[0].id}/reject`, owner, { comment: '问的是利息，已有相近问法' });
    expect(rejected.json()).toMatchObject({ status: 'rejected', comment: '问的是利息，已有相近问法' });
    expect((await inject('GET', `/v1/knowledge/documents/${documentId}`, agent)).json().questions).not.toContain('房贷提前还款要预约吗？');
    expect((await inject('POST', '/v1/knowledge/proposals/00000000-0000-4000-8000-000000000000/approve', owner, {})).statusCode).toBe(404);
  });
});
