import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';

describe('compliance routes', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await createTestApp();
    await testApp.runtime.services.knowledge.ingest(
      { format: 'markdown', body: '---\nexternalId: route-r4\ntitle: 进取成长基金\nkind: product\nproduct: 测试进取成长基金\nriskLevel: R4\n---\n# 进取成长基金\n\n产品风险等级R4，不保本。\n' },
      { id: 'test' },
    );
    // The rule engine reads product levels from a cache refreshed after writes.
    await new Promise((resolve) => setTimeout(resolve, 200));
  });
  afterAll(async () => {
    await testApp?.close();
  });

  it('fails a guaranteed-return promise with evidence offsets into the original text', async () => {
    const text = '您放心，这款理财保本保收益。';
    const response = await testApp.app.inject({ method: 'POST', url: '/v1/compliance/check', headers: await testApp.as('agent'), payload: { text } });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.verdict).toBe('fail');
    expect(body.rulesVersion).toBeTruthy();
    const finding = body.findings[0];
    expect(text.slice(finding.evidence.start, finding.evidence.end)).toBe(finding.evidence.text);
    expect(finding).toHaveProperty('source');
    expect(finding).toHaveProperty('explanation');
  });

  it('passes a negated disclosure and an English compliant sentence', async () => {
    const headers = await testApp.as('compliance');
    const zh = await testApp.app.inject({ method: 'POST', url: '/v1/compliance/check', headers, payload: { text: '理财产品不保本，我不能向您承诺收益。' } });
    expect(zh.json().verdict).toBe('pass');
    const en = await testApp.app.inject({ method: 'POST', url: '/v1/compliance/check', headers, payload: { text: "We can't guarantee returns; the fund may lose value.", language: 'en' } });
    expect(en.json().verdict).toBe('pass');
  });

  it('uses the customer risk level and the product level from the knowledge base for suitability', async () => {
    const headers = await testApp.as('agent');
    const text = '我推荐您买测试进取成长基金，很适合您。';
    const cautious = await testApp.app.inject({ method: 'POST', url: '/v1/compliance/check', headers, payload: { text, customer: { riskLevel: 'C2' } } });
    expect(cautious.json().findings.map((finding: { kind: string }) => finding.kind)).toContain('suitability');
    const aggressive = await testApp.app.inject({ method: 'POST', url: '/v1/compliance/check', headers, payload: { text, customer: { riskLevel: 'C5' } } });
    expect(aggressive.json().findings.map((finding: { kind: string }) => finding.kind)).not.toContain('suitability');
  });

  it('explains which meaning frame fired on which words when asked with explain: true', async () => {
    const headers = await testApp.as('agent');
    const payload = { text: '您就当是存了个定期，收益还高一点。', context: [{ speaker: 'customer', text: '这个理财靠谱吗？' }] };
    const plain = await testApp.app.inject({ method: 'POST', url: '/v1/compliance/check', headers, payload });
    expect(plain.json().findings.length).toBeGreaterThan(0);
    expect(plain.json().findings[0]).not.toHaveProperty('explain');
    const explained = await testApp.app.inject({ method: 'POST', url: '/v1/compliance/check', headers, payload: { ...payload, explain: true } });
    const frames = explained.json().findings.map((finding: { explain?: { detector: string; frame?: string; matches: { slot: string; text: string }[] } }) => finding.explain);
    const frame = frames.find((entry: { detector: string } | undefined) => entry?.detector === 'frame');
    expect(frame?.frame).toBeTruthy();
    expect(frame?.matches.find((match: { slot: string }) => match.slot === 'claim')?.text).toContain('当是存了个定期');
    const bad = await testApp.app.inject({ method: 'POST', url: '/v1/compliance/check', headers, payload: { ...payload, explain: 'yes' } });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json())).toContain('explain');
  });

  it('lists each rule as active or advisory', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: '/v1/compliance/rules', headers: await testApp.as('agent') });
    const rules = response.json().packs.flatMap((entry: { rules: { detection: string }[] }) => entry.rules);
    expect(rules.length).toBeGreaterThan(40);
    expect(rules.every((rule: { detection: string }) => rule.detection === 'active' || rule.detection === 'advisory')).toBe(true);
  });

  it('says the judge is disabled without a model, and refuses requireJudge', async () => {
    const headers = await testApp.as('agent');
    const plain = await testApp.app.inject({ method: 'POST', url: '/v1/compliance/check', headers, payload: { text: '您好' } });
    expect(plain.json()).toMatchObject({ verdict: 'pass', judge: 'disabled', languages: ['zh'] });
    const required = await testApp.app.inject({ method: 'POST', url: '/v1/compliance/check', headers, payload: { text: '您好', requireJudge: true } });
    expect(required.statusCode).toBe(422);
    expect(required.json().errors).toEqual([{ field: 'requireJudge', message: 'no judge is configured' }]);
    expect(required.json().type).toMatch(/judge_not_configured$/);
  });

  it('checks each language the text holds, the given language being the primary one', async () => {
    const headers = await testApp.as('agent');
    const check = async (text: string, language: 'zh' | 'en') =>
      (await testApp.app.inject({ method: 'POST', url: '/v1/compliance/check', headers, payload: { text, language } })).json();
    const english = await check('Please tell me the SMS code we just sent and your password.', 'zh');
    expect(english.verdict).toBe('fail');
    expect(english.languages).toEqual(['zh', 'en']);
    expect(english.findings.map((finding: { ruleId: string }) => finding.ruleId)).toContain('EN-FRAUD-001');
    const chinese = await check('这款理财保本保收益，稳赚不赔。', 'en');
    expect(chinese.verdict).toBe('fail');
    expect(chinese.findings.map((finding: { ruleId: string }) => finding.ruleId)).toContain('CN-SALES-001');
    expect((await check('请在手机银行App里设置PIN码，OK吗？', 'zh')).verdict).toBe('pass');
  });

  it('lists the rule packs', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: '/v1/compliance/rules', headers: await testApp.as('knowledge_owner') });
    const body = response.json();
    const rules = body.packs.flatMap((pack: { rules: unknown[] }) => pack.rules);
    expect(rules.length).toBeGreaterThanOrEqual(50);
    expect(body.packs.some((pack: { language: string }) => pack.language === 'zh')).toBe(true);
    expect(body.packs.some((pack: { language: string }) => pack.language === 'en')).toBe(true);
  });

  it('rejects bad input with 400 naming the field', async () => {
    const headers = await testApp.as('agent');
    const cases: [object, string][] = [
      [{ text: '' }, 'text'],
      [{ text: 'x'.repeat(20_001) }, 'text'],
      [{ text: 'hello\u0000world' }, 'text'],
      [{ text: 'ok', language: 'fr' }, 'language'],
      [{ text: 'ok', speaker: 'robot' }, 'speaker'],
      [{ text: 'ok', context: [{ speaker: 'agent' }] }, 'context'],
    ];
    for (const [payload, field] of cases) {
      const response = await testApp.app.inject({ method: 'POST', url: '/v1/compliance/check', headers, payload });
      expect(response.statusCode, JSON.stringify(payload).slice(0, 60)).toBe(400);
      expect(response.json().errors.map((error: { field: string }) => error.field).join(',')).toContain(field);
    }
    const huge = await testApp.app.inject({ method: 'POST', url: '/v1/compliance/check', headers, payload: { text: '好的', context: Array.from({ length: 10_000 }, () => ({ speaker: 'customer', text: '我想买理财' })) } });
    expect(huge.statusCode).toBe(200);
  });
});
