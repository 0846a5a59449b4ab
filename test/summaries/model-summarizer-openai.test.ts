import { resolve } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createOpenAIChatModel } from '../../src/llm/openai-chat-model.js';
import { PromptLibrary } from '../../src/llm/prompt-library.js';
import { loadDispositionTaxonomy } from '../../src/summaries/disposition-taxonomy.js';
import { summarizeWithModel } from '../../src/summaries/model-summarizer.js';
import { startOpenAIMockServer } from '../support/openai-mock-server.js';

// The model path of summaries through the real OpenAI-compatible adapter, with msw playing the API.
const server = startOpenAIMockServer();
afterEach(() => server.reset());
afterAll(() => server.close());

const turns = [
  { id: 't1', speaker: 'customer' as const, text: '你好，我的信用卡丢了，想挂失。' },
  { id: 't2', speaker: 'agent' as const, text: '已为您办理临时挂失，新卡将在三个工作日内寄出。' },
  { id: 't3', speaker: 'customer' as const, text: '好的，谢谢。' },
];

const valid = {
  reason: '客户信用卡丢失，要求挂失',
  customerIntent: '挂失',
  productsDiscussed: [],
  actionsTaken: [{ text: '办理临时挂失', turnIds: ['t2'] }],
  resolution: 'resolved',
  followUps: [],
  commitments: [{ text: '新卡三个工作日内寄出', turnIds: ['t2', 't99'] }],
  complaint: { raised: false },
  sentiment: { start: 'neutral', end: 'positive' },
  evidence: { reason: ['t1'], customerIntent: ['t1'], resolution: ['t3'], complaint: [] },
  dispositionCode: 'CARD-LOSS',
};

function context() {
  return {
    language: 'zh' as const,
    callEndedAt: new Date('2026-11-20T10:00:00+08:00'),
    products: [],
    taxonomy: loadDispositionTaxonomy(resolve('knowledge/dispositions.yaml')),
    model: createOpenAIChatModel({ apiKey: 'test', baseURL: server.baseURL, model: 'gpt-test', timeoutMs: 2_000, maxRetries: 0 }),
    prompts: new PromptLibrary(resolve('prompts')),
  };
}

describe('summaries through the OpenAI-compatible adapter (msw)', () => {
  it('accepts valid structured output, drops unknown turn ids and records the prompt version', async () => {
    const recorder = server.completionJson(valid);
    const summary = await summarizeWithModel(turns, context());
    expect(summary.provider).toBe('openai');
    expect(summary.model).toBe('gpt-test');
    expect(summary.promptVersion).toMatch(/^summary@[0-9a-f]{12}$/);
    expect(summary.degraded).toBeFalsy();
    expect(summary.reason).toBe(valid.reason);
    expect(summary.commitments[0]?.turnIds).toEqual(['t2']);
    expect(summary.commitments[0]?.due).toBe('2026-11-25');
    // The transcript goes to the model as delimited data.
    expect(JSON.stringify(recorder.messages())).toContain('<transcript');
  });

  it('repairs invalid output once with the validation errors', async () => {
    let calls = 0;
    const { http, HttpResponse } = await import('msw');
    const { chatCompletionBody } = await import('../support/openai-mock-server.js');
    server.msw.use(
      http.post(`${server.baseURL}/chat/completions`, async () => {
        calls += 1;
        const content = calls === 1 ? JSON.stringify({ ...valid, resolution: 'maybe' }) : JSON.stringify(valid);
        return HttpResponse.json(chatCompletionBody(content));
      }),
    );
    const summary = await summarizeWithModel(turns, context());
    expect(calls).toBe(2);
    expect(summary.degraded).toBeFalsy();
    expect(summary.resolution).toBe('resolved');
  });

  it('falls back to the offline summary, marked degraded, on garbage twice and on server errors', async () => {
    server.malformedJson();
    const garbage = await summarizeWithModel(turns, context());
    expect(garbage.degraded).toBe(true);
    expect(garbage.provider).toBe('offline');
    expect(garbage.actionsTaken.length).toBeGreaterThan(0);
    server.reset();
    server.error(500);
    const failed = await summarizeWithModel(turns, context());
    expect(failed.degraded).toBe(true);
  });

  it('keeps the model\'s narrative, outcome and reason category, and maps products to catalogue ids', async () => {
    server.completionJson({
      ...valid,
      productsDiscussed: [{ name: '白金卡', turnIds: ['t1'] }],
      reasonCategory: 'card_lost_or_fraud',
      outcome: 'resolved',
      narrative: '客户来电挂失信用卡。坐席办理了临时挂失，新卡三个工作日内寄出。',
    });
    const summary = await summarizeWithModel(turns, { ...context(), products: [{ id: 'kb-card', name: '星河白金信用卡', aliases: ['白金卡'] }] });
    expect(summary.degraded).toBeFalsy();
    expect(summary.reasonCategory).toBe('card_lost_or_fraud');
    expect(summary.outcome).toBe('resolved');
    expect(summary.narrative).toBe('客户来电挂失信用卡。坐席办理了临时挂失，新卡三个工作日内寄出。');
    expect(summary.productsDiscussed).toEqual([{ name: '星河白金信用卡', productId: 'kb-card', turnIds: ['t1'] }]);
  });

  it('completes what the model left out or got wrong: unknown category, no narrative, a call-back called resolved', async () => {
    const callback = [
      { id: 'u1', speaker: 'customer' as const, text: 'I was charged twice for the annual fee on my card.' },
      { id: 'u2', speaker: 'agent' as const, text: "I've logged it; our card team will call you back within 2 business days." },
    ];
    server.completionJson({
      ...valid,
      reason: 'Charged the annual fee twice',
      customerIntent: 'fee dispute',
      actionsTaken: [{ text: 'Logged the double charge', turnIds: ['u2'] }],
      commitments: [],
      evidence: { reason: ['u1'], customerIntent: ['u1'], resolution: ['u2'], complaint: [] },
      reasonCategory: 'fees_and_things',
      outcome: 'callback_promised',
    });
    const summary = await summarizeWithModel(callback, { ...context(), language: 'en' as const });
    expect(summary.degraded).toBeFalsy();
    expect(summary.reasonCategory).toBe('card_fees');
    expect(summary.outcome).toBe('callback_promised');
    // A promised call-back is never "resolved", whatever the model said.
    expect(summary.resolution).toBe('follow_up');
    expect(summary.narrative).toMatch(/^The customer called to ask about card fees: "Charged the annual fee twice"\./u);
  });

  it('falls back to the offline narrative and outcome on malformed output and on a server error', async () => {
    server.malformedJson();
    const garbage = await summarizeWithModel(turns, context());
    expect(garbage.degraded).toBe(true);
    expect(garbage.narrative).toMatch(/^客户来电/u);
    expect(garbage.outcome).toBe('resolved');
    expect(garbage.reasonCategory).toBe('card_lost_or_fraud');
    server.reset();
    server.error(503);
    const failed = await summarizeWithModel(turns, context());
    expect(failed.degraded).toBe(true);
    expect(failed.narrative).toBe(garbage.narrative);
  });

  it('rejects a narrative that is not a short account (repair, then the offline summary)', async () => {
    const recorder = server.completionJson({ ...valid, narrative: '客户来电。'.repeat(200) });
    const summary = await summarizeWithModel(turns, context());
    expect(recorder.requests).toHaveLength(2);
    expect(summary.degraded).toBe(true);
    expect((summary.narrative ?? '').length).toBeLessThan(600);
  });
});

