import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readEventsAfter } from '../../src/conversations/event-log.js';
import { createOpenAIChatModel } from '../../src/llm/openai-chat-model.js';
import { startOpenAIMockServer } from '../support/openai-mock-server.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

// Written for these tests, not taken from any data set.
const pitch = 'You could move twenty thousand from savings into our growth fund today.';
const riskyZh = '这款理财稳稳的，您就放心吧。';

describe('compliance profiles over HTTP, and the judge pass on agent turns', () => {
  const openai = startOpenAIMockServer();
  let testApp: TestApp;
  let agent: Record<string, string>;

  beforeAll(async () => {
    testApp = await createTestApp({
      chatModel: createOpenAIChatModel({ apiKey: 'sk-test-secret-key', baseURL: openai.baseURL, model: 'gpt-test', timeoutMs: 10_000, maxRetries: 0 }),
      environment: { COMPLIANCE_PROFILE: 'CN', LLM_TIMEOUT_MS: '3000' },
    });
    agent = await testApp.as('agent');
  });
  afterEach(() => openai.reset());
  afterAll(async () => {
    openai.close();
    await testApp?.close();
  });

  const post = (url: string, payload: object) => testApp.app.inject({ method: 'POST', url, headers: agent, payload });
  const conversation = async (body: object) => {
    const response = await post('/v1/conversations', body);
    expect(response.statusCode).toBe(201);
    return response.json() as { id: string; complianceProfile: string | null };
  };
  const events = async (id: string) => (await readEventsAfter(testApp.runtime.services.database, id, 0)).filter((event) => event.type === 'compliance').map((event) => event.data as Record<string, unknown>);

  it('GET /v1/compliance/rules shows the deployment profile and only its packs', async () => {
    const body = (await testApp.app.inject({ method: 'GET', url: '/v1/compliance/rules', headers: agent })).json();
    expect(body.profile).toMatchObject({ id: 'CN', currency: 'CNY', jurisdictions: ['CN'] });
    expect(body.packs.every((pack: { language: string }) => pack.language === 'zh')).toBe(true);
    expect(body.profiles.map((profile: { id: string }) => profile.id)).toEqual(['CN', 'US', 'UK', 'EU']);
  });

  it('POST /v1/compliance/check runs the deployment profile, or the one asked for; an unknown one is a 400 naming the field', async () => {
    openai.completionJson({ verdict: 'compliant', reason: 'ok' });
    const deployment = (await post('/v1/compliance/check', { text: pitch, language: 'en' })).json();
    expect(deployment.profile).toBe('CN');
    expect(JSON.stringify(deployment.findings)).not.toContain('US-DISC-001');
    const us = (await post('/v1/compliance/check', { text: pitch, language: 'en', profile: 'us' })).json();
    expect(us.profile).toBe('US');
    expect(us.findings.map((finding: { ruleId: string }) => finding.ruleId)).toContain('US-DISC-001');
    const unknown = await post('/v1/compliance/check', { text: pitch, profile: 'FR' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.headers['content-type']).toContain('application/problem+json');
    expect(unknown.json().errors).toEqual([expect.objectContaining({ field: 'profile' })]);
  });

  it('a conversation may choose its profile: stored in canonical form, its turns checked under it', async () => {
    openai.completionJson({ verdict: 'compliant', reason: 'ok' });
    const bad = await post('/v1/conversations', { language: 'en', complianceProfile: 'Mars' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([expect.objectContaining({ field: 'complianceProfile', message: expect.stringContaining('MARS') })]);
    const created = await conversation({ language: 'en', complianceProfile: 'us' });
    expect(created.complianceProfile).toBe('US');
    const turn = (await post(`/v1/conversations/${created.id}/turns`, { speaker: 'agent', text: pitch })).json();
    expect(turn.findings.map((finding: { ruleId: string }) => finding.ruleId)).toContain('US-DISC-001');
    const plain = await conversation({ language: 'en' });
    expect(plain.complianceProfile).toBeNull();
    const unchecked = (await post(`/v1/conversations/${plain.id}/turns`, { speaker: 'agent', text: pitch })).json();
    expect(JSON.stringify(unchecked.findings)).not.toContain('US-DISC-001');
  });

  it('pushes the judge findings of a risky agent turn as a later compliance event, labelled with the rubric', async () => {
    const recorder = openai.completionJson({ verdict: 'violation', reason: '暗示无风险', evidence: '稳稳的' });
    const created = await conversation({ language: 'zh' });
    const response = await post(`/v1/conversations/${created.id}/turns`, { speaker: 'agent', text: riskyZh });
    expect(response.statusCode).toBe(201);
    expect(response.json().findings.every((finding: { detectedBy: string }) => finding.detectedBy === 'rule')).toBe(true);
    await testApp.runtime.services.conversations.judgementsSettled();
    const judged = (await events(created.id)).filter((event) => event.detectedBy === 'judge');
    expect(judged).toHaveLength(1);
    expect(judged[0]).toMatchObject({ judge: 'ok', verdict: 'fail', profile: 'CN', rubricVersion: expect.stringMatching(/^compliance-judge-zh@[0-9a-f]{12}$/), contexts: ['non_deposit_sales'] });
    const findings = judged[0]!.findings as { ruleId: string; detectedBy: string; evidence: { text: string } }[];
    expect(findings.map((finding) => finding.ruleId)).toContain('CN-SALES-002');
    expect(findings.every((finding) => finding.detectedBy === 'judge' && finding.evidence.text === '稳稳的')).toBe(true);
    // The Chinese call was judged with the Chinese rubric.
    expect(recorder.messages()[0]?.content).toContain('消保质检');
  });

  it('answers the turn before the judge does, and reports a failed judge as unavailable, never as a pass', async () => {
    const recorder = openai.error(500);
    const created = await conversation({ language: 'zh' });
    await post(`/v1/conversations/${created.id}/turns`, { speaker: 'agent', text: riskyZh });
    await testApp.runtime.services.conversations.judgementsSettled();
    expect(recorder.requests.length).toBeGreaterThan(0);
    const judged = (await events(created.id)).filter((event) => event.detectedBy === 'judge');
    expect(judged).toEqual([expect.objectContaining({ judge: 'unavailable', judgeError: expect.objectContaining({ code: 'server_error' }), findings: [], verdict: 'pass' })]);
    expect(JSON.stringify(judged)).not.toContain('sk-test-secret-key');

    openai.reset();
    openai.slow(1_500, JSON.stringify({ verdict: 'compliant', reason: 'ok' }));
    const slow = await conversation({ language: 'zh' });
    const answered = await post(`/v1/conversations/${slow.id}/turns`, { speaker: 'agent', text: riskyZh });
    expect(answered.statusCode).toBe(201);
    // The judge is still out when the turn has been answered: nothing from it yet.
    expect((await events(slow.id)).filter((event) => event.detectedBy === 'judge')).toEqual([]);
    await testApp.runtime.services.conversations.judgementsSettled();
    // A judge that found nothing adds no event.
    expect((await events(slow.id)).filter((event) => event.detectedBy === 'judge')).toEqual([]);
  });

  it('sends a harmless turn to no judge', async () => {
    const recorder = openai.completionJson({ verdict: 'violation', reason: 'x' });
    const created = await conversation({ language: 'zh' });
    await post(`/v1/conversations/${created.id}/turns`, { speaker: 'agent', text: '您好，请问还有什么可以帮您？' });
    await testApp.runtime.services.conversations.judgementsSettled();
    expect(recorder.requests).toHaveLength(0);
    expect((await events(created.id)).filter((event) => event.detectedBy === 'judge')).toEqual([]);
  });
});
