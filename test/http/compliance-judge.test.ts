import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAIChatModel } from '../../src/llm/openai-chat-model.js';
import { startOpenAIMockServer } from '../support/openai-mock-server.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

// The rules flag the guarantee (CN-SALES-001); other rules marked `judge` go to the model.
const risky = '这款理财保本保收益，您放心买。';
const harmless = '您好，请问还有什么可以帮您？';

describe('POST /v1/compliance/check when the model judge fails', () => {
  const openai = startOpenAIMockServer();
  let testApp: TestApp;
  let headers: Record<string, string>;

  beforeAll(async () => {
    testApp = await createTestApp({
      // No retries here, so each failure reaches the judge as sent; the budget (SUGGESTION_BUDGET_MS) bounds the wait.
      chatModel: createOpenAIChatModel({ apiKey: 'sk-test-secret-key', baseURL: openai.baseURL, model: 'gpt-test', timeoutMs: 10_000, maxRetries: 0 }),
      environment: { SUGGESTION_BUDGET_MS: '600' },
    });
    headers = await testApp.as('agent');
  });
  afterEach(() => openai.reset());
  afterAll(async () => {
    openai.close();
    await testApp?.close();
  });

  const check = (payload: object) => testApp.app.inject({ method: 'POST', url: '/v1/compliance/check', headers, payload });
  const rulesOnly = (text: string) => testApp.runtime.services.compliance.check({ text, speaker: 'agent' });

  it('answers with the judge when it works', async () => {
    const recorder = openai.completionJson({ verdict: 'compliant', reason: 'ok' });
    const response = await check({ text: harmless });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ verdict: 'pass', judge: 'ok' });
    expect(response.json().judgeError).toBeUndefined();
    expect(recorder.requests.length).toBeGreaterThan(0);
  });

  it.each([
    ['a server error', () => openai.error(500), 'server_error'],
    ['a rate limit', () => openai.error(429, 'Rate limit reached'), 'rate_limited'],
    ['no answer within the budget', () => openai.slow(5_000, JSON.stringify({ verdict: 'compliant', reason: 'late' })), 'timeout'],
    ['an answer that is not a verdict', () => openai.malformedJson(), 'invalid_output'],
    ['a verdict of the wrong shape', () => openai.completionJson({ verdict: 'maybe', reason: 42 }), 'invalid_output'],
  ])('gives the rules\' verdict with judge "unavailable" on %s', async (_name, fail, code) => {
    const recorder = fail();
    for (const text of [risky, harmless]) {
      const response = await check({ text });
      expect(response.statusCode).toBe(200);
      const body = response.json();
      const rules = rulesOnly(text);
      expect(body.judge).toBe('unavailable');
      expect(body.judgeError.code).toBe(code);
      expect(body.judgeError.message).toMatch(/\S/);
      expect(body.verdict).toBe(rules.verdict);
      expect(body.findings.map((finding: { ruleId: string }) => finding.ruleId)).toEqual(rules.findings.map((finding) => finding.ruleId));
      expect(response.body).not.toContain('sk-test-secret-key');
      expect(response.body).not.toContain(openai.baseURL);
    }
    expect(recorder.requests.length).toBeGreaterThan(0);
  });

  it('answers 502 only when the caller requires the judge', async () => {
    openai.error(500);
    const required = await check({ text: risky, requireJudge: true });
    expect(required.statusCode).toBe(502);
    expect(required.headers['content-type']).toContain('application/problem+json');
    expect(required.json().type).toMatch(/judge_failed$/);
    expect(required.body).not.toContain('sk-test-secret-key');
    expect((await check({ text: risky, requireJudge: false })).statusCode).toBe(200);
    openai.reset();
    openai.completionJson({ verdict: 'compliant', reason: 'ok' });
    expect((await check({ text: harmless, requireJudge: true })).json()).toMatchObject({ judge: 'ok', verdict: 'pass' });
  });

  it('rejects a requireJudge that is not a boolean, naming the field', async () => {
    const response = await check({ text: risky, requireJudge: 'yes' });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors.map((error: { field: string }) => error.field).join(',')).toContain('requireJudge');
  });

  it('counts judge failures in /metrics', async () => {
    openai.error(500);
    await check({ text: risky });
    const metrics = await testApp.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/model_errors_total\{operation="compliance_judge",cause="server_error"\} [1-9]/);
  });

  it('stores an agent turn and its findings while the model is down', async () => {
    openai.error(500);
    const id = (await testApp.app.inject({ method: 'POST', url: '/v1/conversations', headers, payload: { language: 'zh' } })).json().id as string;
    const turn = await testApp.app.inject({ method: 'POST', url: `/v1/conversations/${id}/turns`, headers, payload: { turnId: 't1', speaker: 'agent', text: risky } });
    expect(turn.statusCode).toBe(201);
    expect(turn.json().findings.map((finding: { ruleId: string }) => finding.ruleId)).toContain('CN-SALES-001');
    const stored = await testApp.runtime.services.conversations.turns(id, { last: 5 });
    expect(stored.map((entry) => entry.text)).toEqual([risky]);
  });
});
