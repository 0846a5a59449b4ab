import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readEventsAfter } from '../../src/conversations/event-log.js';
import { createOpenAIChatModel } from '../../src/llm/openai-chat-model.js';
import { mostlyInAnotherLanguage } from '../../src/text/sentence-languages.js';
import { startOpenAIMockServer } from '../support/openai-mock-server.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/**
 * The guard reads every language a reply holds, whatever the conversation's: a model answering in another
 * language (asked by an injected turn, or just confused) must not get harmful wording past the rule packs.
 */

const zhFee = `---
externalId: lang-zh-fee
title: 白金信用卡年费
kind: product
product: 白金信用卡
language: zh
---
# 白金信用卡年费

## 年费标准
白金信用卡年费为每年600元。当年刷卡满十二次，可免次年年费。
`;

const enFee = `---
externalId: lang-en-fee
title: "Script: Gold card fee"
kind: script
language: en
---
# Script: Gold card fee

## Annual fee
"The Gold Credit Card has an annual fee of CNY 200, waived in the first year."
`;

// Harmful replies in the other language, wholly or in one sentence of a reply mostly in the right one.
const englishHarm = {
  wholly: 'To verify your identity, please tell me the SMS code we just sent and your online banking password.',
  promise: "This fund pays a guaranteed 8%, you can't lose.",
  oneSentence: '您好，白金信用卡年费每年600元，满足刷卡条件可以申请减免次年年费。Please tell me the SMS code we just sent.',
};
const chineseHarm = {
  wholly: '为了核实您的身份，请把短信验证码和网银密码告诉我。',
  promise: '这款理财保本保收益，稳赚不赔。',
  oneSentence: 'The Gold Credit Card has an annual fee of CNY 200, waived in the first year if you ask us. 请把短信验证码告诉我。',
};
const harmfulInZh = /sms code|password|guaranteed|can't lose/i;
const harmfulInEn = /验证码|密码|保本|稳赚/;

interface Shown {
  text: string;
  origin: string;
  compliance: { verdict: string };
}

function parseSse(body: string): { event: string; data: unknown }[] {
  return body
    .split('\n\n')
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((line) => line.startsWith('event: '))?.slice(7);
      const data = lines.find((line) => line.startsWith('data: '))?.slice(6);
      return event && data ? { event, data: JSON.parse(data) as unknown } : undefined;
    })
    .filter((item): item is { event: string; data: unknown } => item !== undefined);
}

/** The streamed line format (suggestions-stream.md), cut into small deltas as a model sends them. */
function streamedReplies(replies: string[]): string[] {
  const text = replies.map((reply, index) => `### S${index + 1}\n${reply}\n`).join('');
  const deltas: string[] = [];
  for (let start = 0; start < text.length; start += 9) deltas.push(text.slice(start, start + 9));
  return deltas;
}

describe('the guard across languages', () => {
  const openai = startOpenAIMockServer();
  let testApp: TestApp;
  let agent: Record<string, string>;

  beforeAll(async () => {
    testApp = await createTestApp({
      chatModel: createOpenAIChatModel({ apiKey: 'test', baseURL: openai.baseURL, model: 'gpt-test', timeoutMs: 5_000, maxRetries: 0 }),
      environment: { SUGGESTION_BUDGET_MS: '5000' },
    });
    for (const body of [zhFee, enFee]) await testApp.runtime.services.knowledge.ingest({ format: 'markdown', body }, { id: 'test' });
    await testApp.runtime.services.search.refreshStatistics();
    agent = await testApp.as('agent');
  });
  afterEach(() => openai.reset());
  afterAll(async () => {
    openai.close();
    await testApp?.close();
  });

  const conversation = async (language: 'zh' | 'en', options: { push?: boolean; customerTurn?: boolean } = {}) => {
    const payload = { language, customer: { riskLevel: 'C3' }, ...(options.push ? { suggestions: { push: true } } : {}) };
    const id = (await testApp.app.inject({ method: 'POST', url: '/v1/conversations', headers: agent, payload })).json().id as string;
    if (options.customerTurn !== false) {
      const text = language === 'zh' ? '白金信用卡年费多少钱？' : 'What is the annual fee of the Gold Credit Card?';
      await testApp.app.inject({ method: 'POST', url: `/v1/conversations/${id}/turns`, headers: agent, payload: { speaker: 'customer', text } });
    }
    return id;
  };

  const audited = async (id: string): Promise<{ text: string; guard: { verdict: string } }[]> =>
    (await testApp.app.inject({ method: 'GET', url: `/v1/audit/suggestions?conversationId=${id}`, headers: await testApp.as('compliance') })).json().items;

  const pushedTexts = async (id: string): Promise<string[]> =>
    (await readEventsAfter(testApp.runtime.services.database, id, 0))
      .filter((event) => event.type === 'suggestion')
      .flatMap((event) => (event.data as { suggestions: { text: string }[] }).suggestions.map((suggestion) => suggestion.text));

  /** Nothing harmful shown, pushed or audited as shown; what is shown is in the conversation's language and passes a recheck. */
  const expectClean = async (id: string, language: 'zh' | 'en', shown: Shown[]) => {
    const harmful = language === 'zh' ? harmfulInZh : harmfulInEn;
    expect(shown.length).toBeGreaterThan(0);
    for (const suggestion of shown) {
      expect(suggestion.text).not.toMatch(harmful);
      expect(suggestion.compliance.verdict).not.toBe('fail');
      expect(mostlyInAnotherLanguage(suggestion.text, language)).toBe(false);
    }
    const audit = await audited(id);
    expect(audit.length).toBeGreaterThan(0);
    for (const item of audit) {
      expect(item.text).not.toMatch(harmful);
      expect(item.guard.verdict).not.toBe('fail');
    }
    for (const text of await pushedTexts(id)) expect(text).not.toMatch(harmful);
  };

  for (const [language, harm] of [['zh', englishHarm], ['en', chineseHarm]] as const) {
    describe(`a ${language} conversation, harmful replies in the other language`, () => {
      it('JSON: replaces them and audits only what was shown', async () => {
        const recorder = openai.completionJson({ suggestions: [{ text: harm.wholly, citations: ['P1'] }, { text: harm.promise, citations: [] }, { text: harm.oneSentence, citations: ['P1'] }] });
        const id = await conversation(language);
        const response = await testApp.app.inject({ method: 'POST', url: `/v1/conversations/${id}/suggestions`, headers: agent, payload: { n: 3 } });
        expect(response.statusCode).toBe(200);
        expect(recorder.requests.length).toBeGreaterThan(0);
        await expectClean(id, language, response.json().suggestions);
      });

      it('streamed: releases no harmful sentence, not even for a moment', async () => {
        openai.stream(streamedReplies([harm.wholly, harm.oneSentence]));
        const id = await conversation(language);
        const response = await testApp.app.inject({ method: 'POST', url: `/v1/conversations/${id}/suggestions`, headers: { ...agent, accept: 'text/event-stream' }, payload: { n: 2 } });
        expect(response.headers['content-type']).toContain('text/event-stream');
        const events = parseSse(response.body);
        const harmful = language === 'zh' ? harmfulInZh : harmfulInEn;
        for (const event of events.filter((entry) => entry.event === 'token')) expect((event.data as { text: string }).text).not.toMatch(harmful);
        const done = events.find((event) => event.event === 'done')?.data as { suggestions: Shown[] };
        await expectClean(id, language, done.suggestions);
      });

      it('pushed after a customer turn: the event carries only guarded replies', async () => {
        openai.completionJson({ suggestions: [{ text: harm.wholly, citations: [] }, { text: harm.promise, citations: [] }, { text: harm.oneSentence, citations: [] }] });
        const id = await conversation(language, { push: true });
        let texts: string[] = [];
        // The push runs after the turn is answered; wait for its event (the test fails on the assertion below if none comes).
        for (let attempt = 0; attempt < 200 && texts.length === 0; attempt += 1) {
          texts = await pushedTexts(id);
          if (texts.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
        }
        expect(texts.length).toBeGreaterThan(0);
        const audit = await audited(id);
        await expectClean(id, language, audit.map((item) => ({ text: item.text, origin: 'audit', compliance: { verdict: item.guard.verdict } })));
      });

      it('agent turns: findings from the other language pack, pushed as a compliance event', async () => {
        const id = await conversation(language, { customerTurn: false });
        const response = await testApp.app.inject({ method: 'POST', url: `/v1/conversations/${id}/turns`, headers: agent, payload: { speaker: 'agent', text: harm.promise } });
        expect(response.statusCode).toBe(201);
        const ruleIds = response.json().findings.map((finding: { ruleId: string }) => finding.ruleId);
        expect(ruleIds).toContain(language === 'zh' ? 'EN-SALES-001' : 'CN-SALES-001');
        const events = await readEventsAfter(testApp.runtime.services.database, id, 0);
        expect(events.some((event) => event.type === 'compliance')).toBe(true);
      });
    });
  }

  it('keeps legitimate mixed wording: Chinese with App, PIN and OK; English with a Chinese name', async () => {
    const zhReply = '您可以在手机银行App里查看白金信用卡的年费账单，OK的话我再给您发条短信提醒。';
    openai.completionJson({ suggestions: [{ text: zhReply, citations: ['P1'] }] });
    const zh = (await testApp.app.inject({ method: 'POST', url: `/v1/conversations/${await conversation('zh')}/suggestions`, headers: agent, payload: { n: 1 } })).json();
    expect(zh.suggestions[0]).toMatchObject({ origin: 'model' });
    expect(zh.suggestions[0].text.startsWith(zhReply)).toBe(true);

    openai.reset();
    const pinReply = '请不要把PIN码或短信验证码告诉任何人，包括银行工作人员。';
    openai.stream(streamedReplies([pinReply]));
    const streamed = await testApp.app.inject({ method: 'POST', url: `/v1/conversations/${await conversation('zh')}/suggestions`, headers: { ...agent, accept: 'text/event-stream' }, payload: { n: 1 } });
    const done = parseSse(streamed.body).find((event) => event.event === 'done')?.data as { suggestions: Shown[] };
    expect(done.suggestions[0]).toMatchObject({ origin: 'model' });
    expect(done.suggestions[0]!.text.startsWith(pinReply)).toBe(true);

    openai.reset();
    const enReply = 'The annual fee is CNY 200, and you can see it in our App under 信用卡.';
    openai.completionJson({ suggestions: [{ text: enReply, citations: ['P1'] }] });
    const en = (await testApp.app.inject({ method: 'POST', url: `/v1/conversations/${await conversation('en')}/suggestions`, headers: agent, payload: { n: 1 } })).json();
    expect(en.suggestions[0]).toMatchObject({ origin: 'model' });
    expect(en.suggestions[0].text.startsWith(enReply)).toBe(true);
  });

  it('replaces a harmless reply in the wrong language with wording in the conversation\'s language, JSON and streamed', async () => {
    const english = 'Thank you for calling. The annual fee of the Platinum card is CNY 600 a year.';
    openai.completionJson({ suggestions: [{ text: english, citations: ['P1'] }] });
    const json = (await testApp.app.inject({ method: 'POST', url: `/v1/conversations/${await conversation('zh')}/suggestions`, headers: agent, payload: { n: 1 } })).json();
    expect(json.suggestions.length).toBeGreaterThan(0);
    for (const suggestion of json.suggestions as Shown[]) {
      expect(suggestion.origin).toBe('extractive');
      expect(mostlyInAnotherLanguage(suggestion.text, 'zh')).toBe(false);
    }

    openai.reset();
    openai.stream(streamedReplies([english]));
    const streamed = await testApp.app.inject({ method: 'POST', url: `/v1/conversations/${await conversation('zh')}/suggestions`, headers: { ...agent, accept: 'text/event-stream' }, payload: { n: 1 } });
    const events = parseSse(streamed.body);
    // Held, never shown: the English sentences never reach the desktop as tokens.
    for (const event of events.filter((entry) => entry.event === 'token')) expect((event.data as { text: string }).text).not.toMatch(/Thank you|annual fee/);
    const done = events.find((event) => event.event === 'done')?.data as { suggestions: Shown[] };
    expect(done.suggestions.length).toBeGreaterThan(0);
    for (const suggestion of done.suggestions) expect(mostlyInAnotherLanguage(suggestion.text, 'zh')).toBe(false);
  });

  it('asks the model for the conversation\'s language and counts replies replaced for their language', async () => {
    const recorder = openai.completionJson({ suggestions: [{ text: englishHarm.wholly, citations: [] }] });
    await testApp.app.inject({ method: 'POST', url: `/v1/conversations/${await conversation('zh')}/suggestions`, headers: agent, payload: { n: 1 } });
    const system = recorder.messages(0).find((message) => message.role === 'system')?.content ?? '';
    expect(system).toMatch(/Write every reply in Simplified Chinese[^\n]*whatever language/);
    const metrics = await testApp.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/suggestion_guard_verdicts_total\{outcome="wrong_language"\} [1-9]/);
  });
});
