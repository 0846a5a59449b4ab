import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChatModel } from '../../src/llm/chat-model.js';
import { createOpenAIChatModel } from '../../src/llm/openai-chat-model.js';
import {
  createSuggestionPipeline,
  type GeneratedSuggestion,
  type PipelineTurn,
  type StreamObserver,
} from '../../src/suggestions/suggestion-pipeline.js';
import { startOpenAIMockServer, type OpenAIMockServer } from '../support/openai-mock-server.js';
import { createKnowledgeFixture, prompts, ruleEngine, type KnowledgeFixture } from './suggestion-fixtures.js';

let fixture: KnowledgeFixture;
let server: OpenAIMockServer;

beforeAll(async () => {
  fixture = await createKnowledgeFixture();
  server = startOpenAIMockServer();
});
afterEach(() => server.reset());
afterAll(async () => {
  server?.close();
  await fixture?.close();
});

/** Everything the desktop would have been sent, in order. */
class Desktop implements StreamObserver {
  readonly events: ({ type: 'token'; index: number; text: string } | { type: 'suggestion'; index: number; suggestion: GeneratedSuggestion })[] = [];

  onToken(event: { index: number; text: string }): void {
    this.events.push({ type: 'token', ...event });
  }

  onSuggestion(event: { index: number; suggestion: GeneratedSuggestion }): void {
    this.events.push({ type: 'suggestion', ...event });
  }

  tokens(index: number): string[] {
    return this.events.flatMap((event) => (event.type === 'token' && event.index === index ? [event.text] : []));
  }

  final(index: number): GeneratedSuggestion | undefined {
    const last = this.events.findLast((event) => event.type === 'suggestion' && event.index === index);
    return last?.type === 'suggestion' ? last.suggestion : undefined;
  }
}

function pipeline(options: { model?: boolean; budgetMs?: number } = {}) {
  const degraded: string[] = [];
  const instance = createSuggestionPipeline({
    search: fixture.search,
    compliance: ruleEngine(),
    ...(options.model
      ? { chatModel: createOpenAIChatModel({ apiKey: 'test-key', baseURL: server.baseURL, model: 'mock-model', timeoutMs: 5_000, maxRetries: 0 }) }
      : {}),
    prompts,
    budgetMs: options.budgetMs ?? 3_000,
    onDegraded: (cause) => degraded.push(cause),
  });
  return { instance, degraded };
}

const turn = (text: string, speaker: PipelineTurn['speaker'] = 'customer'): PipelineTurn => ({ id: 't1', speaker, text });

function expectCompliant(suggestions: readonly GeneratedSuggestion[], language: 'zh' | 'en', turns: PipelineTurn[]) {
  for (const suggestion of suggestions) {
    expect(suggestion.compliance.verdict).not.toBe('fail');
    expect(ruleEngine().check({ text: suggestion.text, speaker: 'agent', context: turns, language }).verdict).not.toBe('fail');
  }
}

describe('guarded streaming with a model', () => {
  it('releases whole sentences, parses inline citations and ends with each suggestion', async () => {
    const recorder = server.stream([
      '### S1\n',
      '白金信用卡年费',
      '为每年600元[P1]。当年刷卡满十二次',
      '，可免次年年费[P1]。\n',
      '### S2\n',
      '年费减免可以在账单日前',
      '通过手机银行申请[P2]。',
    ]);
    const desktop = new Desktop();
    const { instance } = pipeline({ model: true });
    const turns = [turn('白金信用卡的年费是多少？能免吗？')];
    const batch = await instance.suggest({ conversation: { id: 'c1', language: 'zh' }, turns, n: 2, stream: desktop });
    expect(recorder.requests[0]?.body.stream).toBe(true);
    expect(recorder.messages()[0]?.content).toContain('### S1');
    expect(desktop.tokens(0)).toEqual(['白金信用卡年费为每年600元。', '当年刷卡满十二次，可免次年年费。']);
    expect(desktop.tokens(1)).toEqual(['年费减免可以在账单日前通过手机银行申请。']);
    expect(batch).toMatchObject({ provider: 'openai', promptName: 'suggestions+suggestions-stream', degraded: false });
    expect(batch.suggestions.map((suggestion) => suggestion.text)).toEqual([desktop.tokens(0).join(''), desktop.tokens(1).join('')]);
    expect(desktop.final(0)?.citations.map((citation) => citation.chunkId)).toEqual([batch.knowledge[0]?.chunkId]);
    expect(desktop.final(1)?.citations.map((citation) => citation.chunkId)).toEqual([batch.knowledge[1]?.chunkId]);
    // Each suggestion's event comes after its own tokens.
    const firstFinal = desktop.events.findIndex((event) => event.type === 'suggestion' && event.index === 0);
    const lastToken = desktop.events.findLastIndex((event) => event.type === 'token' && event.index === 0);
    expect(firstFinal).toBeGreaterThan(lastToken);
    expect(batch.usage).toBeDefined();
  });

  it('waits for the space after an English full stop, so decimals are not cut', async () => {
    server.stream(['### S1\n', 'A cash advance costs 1', '.', '5% at least[P1]', '.', ' Interest runs from the day it posts[P1].']);
    const desktop = new Desktop();
    const { instance } = pipeline({ model: true });
    await instance.suggest({ conversation: { id: 'c1', language: 'en' }, turns: [turn('How much is a cash advance fee?')], n: 1, stream: desktop });
    // The customer asks what credit costs: the APR wording due for that topic follows the model's sentences.
    expect(desktop.tokens(0).slice(0, 2)).toEqual(['A cash advance costs 1.5% at least.', ' Interest runs from the day it posts.']);
    expect(desktop.tokens(0).slice(2).join('')).toContain('APR');
  });

  it('never shows a non-compliant sentence: the first is released, the second stops the suggestion, which is replaced', async () => {
    server.stream([
      '### S1\n',
      '理财产品不保本，净值可能下跌[P1]。',
      '不过这款我可以保证您',
      '每年赚8%[P2]。',
      '到期连本带利一分不少。\n',
      '### S2\n',
      '您可以先看一下产品说明书里的风险揭示[P1]。',
    ]);
    const desktop = new Desktop();
    const { instance } = pipeline({ model: true });
    const turns = [turn('稳盈90天这个理财会不会亏？')];
    const batch = await instance.suggest({ conversation: { id: 'c1', language: 'zh' }, turns, n: 2, stream: desktop });
    expect(desktop.tokens(0)).toEqual(['理财产品不保本，净值可能下跌。']);
    const shown = desktop.events.flatMap((event) => (event.type === 'token' ? [event.text] : []));
    expect(shown.join('')).not.toMatch(/保证|8%|一分不少/);
    const replaced = desktop.final(0);
    expect(replaced?.origin).toBe('extractive');
    expect(desktop.final(1)?.origin).toBe('model');
    expect(batch.suggestions).toHaveLength(2);
    expectCompliant(batch.suggestions, 'zh', turns);
  });

  it('stops reading the stream (and cancels the request) when the last suggestion is blocked', async () => {
    const rest = Array.from({ length: 40 }, (_value, index) => `第${index}句话。`);
    server.stream(['### S1\n', '这款理财保本保息[P1]。', ...rest], { delayMs: 20 });
    // The real adapter, watched from outside: how much of its stream was read, and whether its request was aborted.
    const adapter = createOpenAIChatModel({ apiKey: 'test-key', baseURL: server.baseURL, model: 'mock-model', timeoutMs: 5_000, maxRetries: 0 });
    const watched = { parts: 0, signal: undefined as AbortSignal | undefined };
    const chatModel: ChatModel = {
      provider: adapter.provider,
      model: adapter.model,
      generate: (request) => adapter.generate(request),
      async *stream(request) {
        watched.signal = request.signal;
        for await (const part of adapter.stream(request)) {
          watched.parts += 1;
          yield part;
        }
      },
    };
    const instance = createSuggestionPipeline({ search: fixture.search, compliance: ruleEngine(), chatModel, prompts, budgetMs: 5_000 });
    const desktop = new Desktop();
    const turns = [turn('稳盈90天保本吗？')];
    const batch = await instance.suggest({ conversation: { id: 'c1', language: 'zh' }, turns, n: 1, stream: desktop });
    expect(desktop.tokens(0)).toEqual([]);
    expect(desktop.final(0)?.origin).toBe('extractive');
    expect(watched.signal?.aborted).toBe(true);
    expect(watched.parts).toBeLessThan(10);
    expect(batch.suggestions).toHaveLength(1);
    expectCompliant(batch.suggestions, 'zh', turns);
  });

  it('keeps finished suggestions and replaces the one cut off when the budget runs out mid-stream', async () => {
    const slowTail = Array.from({ length: 30 }, () => '补卡');
    // The finished reply cites nothing, so the lost-card answer (the only passage that answers) is free to replace the
    // cut-off one: a passage already cited is never offered twice, and a hand-over never sits next to an answer.
    const recorder = server.stream(['### S1\n', '我先帮您办理临时挂失。', '\n### S2\n', ...slowTail, '。'], { delayMs: 100 });
    const desktop = new Desktop();
    const { instance, degraded } = pipeline({ model: true, budgetMs: 1_200 });
    const turns = [turn('我的借记卡丢了怎么办？')];
    const batch = await instance.suggest({ conversation: { id: 'c1', language: 'zh' }, turns, n: 2, stream: desktop });
    expect(batch).toMatchObject({ degraded: true, degradedCause: 'budget_exceeded' });
    expect(degraded).toEqual(['budget_exceeded']);
    expect(recorder.requests[0]?.signal.aborted).toBe(true);
    expect(desktop.final(0)?.origin).toBe('model');
    expect(desktop.final(1)?.origin).toBe('extractive');
    expect(batch.suggestions.map((suggestion) => suggestion.origin)).toEqual(['model', 'extractive']);
    expectCompliant(batch.suggestions, 'zh', turns);
  });
});

describe('offline streaming', () => {
  it('streams the extractive replies sentence by sentence through the same gate', async () => {
    const { instance } = pipeline();
    const turns = [turn('我想用手机银行转账，一天能转多少，多久到账？')];
    const desktop = new Desktop();
    const streamed = await instance.suggest({ conversation: { id: 'c1', language: 'zh' }, turns, n: 2, stream: desktop });
    const plain = await instance.suggest({ conversation: { id: 'c1', language: 'zh' }, turns, n: 2 });
    expect(streamed.provider).toBe('offline');
    expect(streamed.suggestions.map((suggestion) => suggestion.text)).toEqual(plain.suggestions.map((suggestion) => suggestion.text));
    streamed.suggestions.forEach((suggestion, index) => {
      expect(desktop.tokens(index).join('')).toBe(suggestion.text);
      expect(desktop.final(index)).toEqual(suggestion);
    });
    expect(desktop.tokens(0).length).toBeGreaterThan(1);
    expectCompliant(streamed.suggestions, 'zh', turns);
  });
});
