import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';

// Our own small FAQ base, written for this test: two rows about deposits and cards.
const faqSet = [
  { id: 'usage-deposit-rate', questions: ['定期存款利率是多少', '存定期利息怎么算'], answer: '三年期定期存款年利率为2.0%，以网点公告为准。' },
  { id: 'usage-card-fee', questions: ['信用卡年费怎么收', '信用卡年费能免吗'], answer: '普卡刷卡满六次免次年年费，金卡需满十二次。' },
]
  .map((row) => JSON.stringify(row))
  .join('\n');

describe('knowledge usage and gaps', () => {
  let testApp: TestApp;
  let owner: Record<string, string>;
  let agent: Record<string, string>;
  let compliance: Record<string, string>;
  const ids = new Map<string, string>();

  const inject = (method: 'GET' | 'POST', url: string, headers: Record<string, string>, payload?: unknown) =>
    testApp.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  const customerSays = async (conversationId: string, text: string) => {
    const response = await inject('POST', `/v1/conversations/${conversationId}/turns`, agent, { speaker: 'customer', text });
    expect(response.statusCode).toBe(201);
    await testApp.runtime.services.usage.settled();
    return response.json() as { turn: { id: string }; knowledge?: Array<{ documentId: string; chunkId: string; confidence: number }> };
  };
  const newConversation = async () => (await inject('POST', '/v1/conversations', agent, { language: 'zh' })).json().id as string;

  beforeAll(async () => {
    testApp = await createTestApp({ environment: { BUSINESS_UTC_OFFSET: '+08:00' } });
    owner = await testApp.as('knowledge_owner');
    agent = await testApp.as('agent');
    compliance = await testApp.as('compliance');
    const created = await inject('POST', '/v1/knowledge/documents', owner, { kind: 'faq', format: 'jsonl', body: faqSet });
    expect(created.statusCode).toBe(201);
    for (const document of created.json().documents) ids.set(document.externalId, document.documentId);
  });
  afterAll(async () => {
    await testApp?.close();
  });

  it('counts cards shown, citations, accepted and dismissed suggestions and card feedback per document and chunk', async () => {
    const conversationId = await newConversation();
    const turn = await customerSays(conversationId, '请问信用卡年费怎么收？');
    const feeId = ids.get('usage-card-fee')!;
    const feeCard = turn.knowledge?.find((card) => card.documentId === feeId);
    expect(feeCard).toBeDefined();
    const suggested = await inject('POST', `/v1/conversations/${conversationId}/suggestions`, agent, { n: 2 });
    expect(suggested.statusCode).toBe(200);
    const suggestions = suggested.json().suggestions as Array<{ id: string; citations: Array<{ documentId: string }> }>;
    const citing = suggestions.filter((suggestion) => suggestion.citations.some((citation) => citation.documentId === feeId));
    expect(citing.length).toBeGreaterThan(0);
    expect((await inject('POST', `/v1/suggestions/${citing[0]!.id}/feedback`, agent, { action: 'dismissed', reason: ' Out of date ' })).statusCode).toBe(204);
    expect((await inject('POST', `/v1/conversations/${conversationId}/cards/feedback`, agent, { documentId: feeId, chunkId: feeCard!.chunkId, action: 'not_helpful', reason: 'wrong product' })).statusCode).toBe(204);

    const usage = await inject('GET', `/v1/knowledge/usage?documentId=${feeId}`, owner);
    expect(usage.statusCode).toBe(200);
    const [document] = usage.json().items;
    expect(document.documentId).toBe(feeId);
    expect(document.externalId).toBe('usage-card-fee');
    expect(document.counts).toMatchObject({ shown: 1, cited: citing.length, dismissed: 1, not_helpful: 1, accepted: 0 });
    expect(document.reasons).toEqual(expect.arrayContaining([{ kind: 'dismissed', reason: 'out of date', count: 1 }, { kind: 'not_helpful', reason: 'wrong product', count: 1 }]));
    expect(document.chunks.find((chunk: { chunkId: string }) => chunk.chunkId === feeCard!.chunkId).counts).toMatchObject({ shown: 1, not_helpful: 1 });

    const dismissedOnly = await inject('GET', '/v1/knowledge/usage?kind=dismissed', compliance);
    expect(dismissedOnly.json().items.map((item: { documentId: string }) => item.documentId)).toEqual([feeId]);
    const often = await testApp.runtime.services.usage.listOftenDismissed({ minimumDismissals: 2 });
    expect(often).toEqual([expect.objectContaining({ documentId: feeId, dismissals: 2, shown: 1 })]);
    expect(await testApp.runtime.services.usage.listOftenDismissed({ minimumDismissals: 3 })).toEqual([]);
  });

  it('groups questions no card answers into one gap, masked, and leaves answered questions out', async () => {
    const first = await newConversation();
    await customerSays(first, '我的手机号13812345678，外汇牌价在哪里可以查到？');
    const second = await newConversation();
    await customerSays(second, '请问外汇牌价在哪里查？');
    await customerSays(second, '信用卡年费怎么收');
    const gaps = await inject('GET', '/v1/knowledge/gaps', owner);
    expect(gaps.statusCode).toBe(200);
    const items = gaps.json().items as Array<{ id: string; count: number; examples: string[]; label: string; status: string }>;
    const exchange = items.find((gap) => gap.label.includes('外汇牌价'));
    expect(exchange).toMatchObject({ count: 2, status: 'open' });
    expect(JSON.stringify(items)).not.toContain('13812345678');
    expect(items.some((gap) => gap.examples.some((example) => example.includes('年费')))).toBe(false);
  });

  it('turns a gap into a draft FAQ that is never retrieved, and refuses to draft it twice', async () => {
    const gaps = (await inject('GET', '/v1/knowledge/gaps', owner)).json().items as Array<{ id: string; label: string }>;
    const gap = gaps.find((item) => item.label.includes('外汇牌价'))!;
    const drafted = await inject('POST', `/v1/knowledge/gaps/${gap.id}/draft`, owner, { answer: '外汇牌价可在手机银行“外汇”栏目查询，以成交时价格为准。' });
    expect(drafted.statusCode).toBe(201);
    const body = drafted.json();
    expect(body.gap).toMatchObject({ status: 'drafted', documentId: body.documentId });
    const document = await inject('GET', `/v1/knowledge/documents/${body.documentId}`, owner);
    expect(document.json()).toMatchObject({ status: 'draft', kind: 'faq' });
    const search = await inject('POST', '/v1/knowledge/search', agent, { query: '外汇牌价在哪里查', topK: 5 });
    expect(search.json().results.map((result: { documentId: string }) => result.documentId)).not.toContain(body.documentId);
    const again = await inject('POST', `/v1/knowledge/gaps/${gap.id}/draft`, owner, { answer: '另一个答案' });
    expect(again.statusCode).toBe(409);
  });

  it('turns a gap into a similar-question proposal on an existing FAQ row', async () => {
    const conversationId = await newConversation();
    await customerSays(conversationId, '大额存单起存金额要多少钱？');
    const gap = ((await inject('GET', '/v1/knowledge/gaps?status=open', owner)).json().items as Array<{ id: string; label: string }>).find((item) => item.label.includes('大额存单'))!;
    expect(gap).toBeDefined();
    const notFaq = await inject('POST', `/v1/knowledge/gaps/${gap.id}/propose`, owner, { documentId: '00000000-0000-4000-8000-000000000000' });
    expect(notFaq.statusCode).toBe(409);
    expect(notFaq.json().errors[0].field).toBe('documentId');
    const proposed = await inject('POST', `/v1/knowledge/gaps/${gap.id}/propose`, owner, { documentId: ids.get('usage-deposit-rate') });
    expect(proposed.statusCode).toBe(201);
    expect(proposed.json().gap.status).toBe('proposed');
    const proposals = (await inject('GET', `/v1/knowledge/proposals?documentId=${ids.get('usage-deposit-rate')}`, owner)).json().items;
    expect(proposals).toEqual([expect.objectContaining({ origin: 'gap', question: gap.label })]);
  });

  it('is for knowledge owners, compliance staff and admins, and names a bad period or kind', async () => {
    expect((await inject('GET', '/v1/knowledge/usage', agent)).statusCode).toBe(403);
    expect((await inject('GET', '/v1/knowledge/gaps', agent)).statusCode).toBe(403);
    expect((await inject('POST', `/v1/knowledge/gaps/00000000-0000-4000-8000-000000000000/draft`, compliance, { answer: 'x' })).statusCode).toBe(403);
    const backwards = await inject('GET', '/v1/knowledge/usage?from=2027-02-01&to=2027-01-01', owner);
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().errors[0].field).toBe('query.to');
    const badKind = await inject('GET', '/v1/knowledge/usage?kind=liked', owner);
    expect(badKind.statusCode).toBe(400);
    expect(badKind.json().errors[0].field).toBe('query.kind');
    expect((await inject('GET', '/v1/knowledge/gaps/00000000-0000-4000-8000-000000000000', owner)).statusCode).toBe(404);
  });
});
