import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { ChatStreamPart } from '../../src/llm/chat-model.js';
import { ModelError } from '../../src/llm/model-error.js';
import { createOpenAIChatModel, type OpenAIChatModelOptions } from '../../src/llm/openai-chat-model.js';
import { InvalidModelOutputError } from '../../src/llm/structured-output.js';
import { startOpenAIMockServer, type RecordedRequest } from '../support/openai-mock-server.js';

const server = startOpenAIMockServer();
afterEach(() => server.reset());
afterAll(() => server.close());

function model(overrides: Partial<OpenAIChatModelOptions> = {}) {
  return createOpenAIChatModel({ apiKey: 'test-key', baseURL: server.baseURL, model: 'gpt-4o-mini', timeoutMs: 2_000, maxRetries: 0, ...overrides });
}

const cardAnswer = z.object({ reply: z.string(), sources: z.array(z.string()), confidence: z.number().min(0).max(1) });
const messages = [
  { role: 'system' as const, content: 'You assist bank agents.' },
  { role: 'user' as const, content: '<customer>My card was swallowed by the ATM</customer>' },
];

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

/** The client's abort reaches the mock server a few ticks later. */
async function expectRequestEnded(request: RecordedRequest | undefined): Promise<void> {
  await vi.waitFor(() => expect(request?.ended).toBe(true), { timeout: 1_000, interval: 10 });
}

async function collect(parts: AsyncIterable<ChatStreamPart>): Promise<ChatStreamPart[]> {
  const seen: ChatStreamPart[] = [];
  for await (const part of parts) seen.push(part);
  return seen;
}

describe('createOpenAIChatModel: generate', () => {
  it('asks for JSON, validates it with the schema and returns usage', async () => {
    const answer = { reply: 'I can order a replacement card.', sources: ['kb-12'], confidence: 0.8 };
    const calls = server.completionJson(answer, { usage: { prompt_tokens: 40, completion_tokens: 15 } });

    const result = await model().generate({ messages, schema: cardAnswer, schemaName: 'card_answer' });

    expect(result.parsed).toEqual(answer);
    expect(JSON.parse(result.text)).toEqual(answer);
    expect(result.usage).toEqual({ inputTokens: 40, outputTokens: 15 });
    const body = calls.requests[0]?.body;
    expect(body.model).toBe('gpt-4o-mini');
    expect(body.stream).toBe(false);
    expect(body.response_format).toEqual({ type: 'json_object' });
    // The instruction joins the existing system message (some chat templates allow one system message only).
    expect(body.messages).toHaveLength(2);
    expect(body.messages[0].role).toBe('system');
    expect(body.messages[0].content).toContain('You assist bank agents.');
    expect(body.messages[0].content).toContain('"card_answer"');
    expect(body.messages[0].content).toContain('"confidence"');
    expect(body.messages[1]).toEqual({ role: 'user', content: messages[1]!.content });
  });

  it('prepends a system message with the JSON instruction when there is none', async () => {
    const calls = server.completionJson({ reply: 'ok', sources: [], confidence: 1 });
    await model().generate({ messages: [{ role: 'user', content: 'hello' }], schema: cardAnswer });
    expect(calls.messages().map((message) => message.role)).toEqual(['system', 'user']);
    expect(calls.messages()[0]?.content).toMatch(/JSON/);
  });

  it('accepts JSON wrapped in a code fence or after a <think> block', async () => {
    server.completion('<think>The customer needs a card.</think>\n```json\n{"reply":"ok","sources":[],"confidence":0.5}\n```');
    const result = await model().generate({ messages, schema: cardAnswer });
    expect(result.parsed).toEqual({ reply: 'ok', sources: [], confidence: 0.5 });
  });

  it('throws invalid_output carrying the zod issues when the JSON does not match the schema', async () => {
    server.completionJson({ reply: 42, sources: ['kb-1'], confidence: 3 });
    const error = await rejection(model().generate({ messages, schema: cardAnswer, schemaName: 'card_answer' }));
    expect(error).toBeInstanceOf(ModelError);
    expect(error).toBeInstanceOf(InvalidModelOutputError);
    const invalid = error as InvalidModelOutputError;
    expect(invalid.failure).toBe('invalid_output');
    expect(invalid.message).toContain('card_answer');
    expect(invalid.message).toContain('reply');
    expect(invalid.message).toContain('confidence');
    expect(invalid.issues.map((issue) => issue.path.join('.')).sort()).toEqual(['confidence', 'reply']);
    expect(invalid.output).toContain('"reply":42');
  });

  it('throws invalid_output on malformed JSON', async () => {
    server.malformedJson();
    const error = await rejection(model().generate({ messages, schema: cardAnswer }));
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).failure).toBe('invalid_output');
    expect((error as ModelError).message).toMatch(/not valid JSON/);
  });

  it('returns plain text without a schema and sends temperature and max tokens', async () => {
    const calls = server.completion('Please hold while I check.');
    const result = await model().generate({ messages, temperature: 0.2, maxTokens: 64 });
    expect(result.text).toBe('Please hold while I check.');
    expect(result.parsed).toBeUndefined();
    const body = calls.requests[0]?.body;
    expect(body.response_format).toBeUndefined();
    expect(body.temperature).toBe(0.2);
    expect(body.max_tokens).toBe(64);
    expect(body.messages).toEqual(messages);
  });

  it('sends requests to a custom base URL with the API key', async () => {
    const gateway = 'http://vllm.internal:8000/v1';
    const calls = server.completion('from the gateway', { baseURL: gateway });
    const elsewhere = server.completion('from the default server');
    const chat = createOpenAIChatModel({ apiKey: 'gateway-key', baseURL: gateway, model: 'qwen2.5-7b-instruct', timeoutMs: 2_000, provider: 'vllm' });

    const result = await chat.generate({ messages });

    expect(result.text).toBe('from the gateway');
    expect(chat.provider).toBe('vllm');
    expect(chat.model).toBe('qwen2.5-7b-instruct');
    expect(calls.requests[0]?.url).toBe(`${gateway}/chat/completions`);
    expect(calls.requests[0]?.headers.authorization).toBe('Bearer gateway-key');
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('labels the provider "openai" by default', () => {
    expect(model().provider).toBe('openai');
  });
});

describe('createOpenAIChatModel: stream', () => {
  it('yields each delta and finally the whole text with usage', async () => {
    const calls = server.stream(['您好，', '您的卡', '已挂失。'], { usage: { prompt_tokens: 30, completion_tokens: 9 } });
    const parts = await collect(model().stream({ messages }));
    const deltas = parts.filter((part) => part.type === 'delta').map((part) => part.text);
    expect(deltas).toEqual(['您好，', '您的卡', '已挂失。']);
    expect(parts.at(-1)).toEqual({ type: 'done', text: '您好，您的卡已挂失。', usage: { inputTokens: 30, outputTokens: 9 } });
    expect(parts.filter((part) => part.type === 'done')).toHaveLength(1);
    expect(calls.requests[0]?.body.stream).toBe(true);
    expect(calls.requests[0]?.body.messages).toEqual(messages);
  });

  it('stops with timeout when the next chunk does not come within timeoutMs', async () => {
    const calls = server.stream(['slow', 'er'], { delayMs: 800 });
    const started = Date.now();
    const error = await rejection(collect(model({ timeoutMs: 200 }).stream({ messages })));
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).failure).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(700);
    // msw ignores an abort once a response has started, so the cancelled body shows only when the next chunk
    // comes (800 ms); over a real socket the abort ends it at once. Without the abort the body is never cancelled.
    await expectRequestEnded(calls.requests[0]);
  });

  it('does not count the consumer’s own pace against the idle timeout', async () => {
    server.stream(['a', 'b', 'c']);
    const deltas: string[] = [];
    for await (const part of model({ timeoutMs: 100 }).stream({ messages })) {
      if (part.type === 'delta') deltas.push(part.text);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    expect(deltas).toEqual(['a', 'b', 'c']);
  });

  it('stops when the caller aborts mid-stream', async () => {
    const calls = server.stream(['one ', 'two ', 'three ', 'four'], { delayMs: 50 });
    const controller = new AbortController();
    const seen: string[] = [];
    const error = await rejection(
      (async () => {
        for await (const part of model().stream({ messages, signal: controller.signal })) {
          if (part.type === 'delta') seen.push(part.text);
          if (seen.length === 1) controller.abort();
        }
      })(),
    );
    expect((error as Error).name).toBe('AbortError');
    expect(seen).toEqual(['one ']);
    await expectRequestEnded(calls.requests[0]);
  });

  it('ends the HTTP request when the consumer stops reading early', async () => {
    const calls = server.stream(['one ', 'two ', 'three ', 'four'], { delayMs: 50 });
    const seen: string[] = [];
    for await (const part of model().stream({ messages })) {
      if (part.type === 'delta') seen.push(part.text);
      break;
    }
    expect(seen).toEqual(['one ']);
    await expectRequestEnded(calls.requests[0]);
  });
});

describe('createOpenAIChatModel: failures', () => {
  it('retries a 429 through the SDK and then succeeds', async () => {
    const calls = server.rateLimitedThen('after the wait', { failures: 1 });
    const result = await model({ maxRetries: 2, timeoutMs: 10_000 }).generate({ messages });
    expect(result.text).toBe('after the wait');
    expect(calls.requests).toHaveLength(2);
  });

  it('maps a 429 that outlasts the retries to rate_limited', async () => {
    const calls = server.rateLimitedThen('never', { failures: 10 });
    const error = await rejection(model({ maxRetries: 1, timeoutMs: 10_000 }).generate({ messages }));
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).failure).toBe('rate_limited');
    expect((error as ModelError).status).toBe(429);
    expect(calls.requests).toHaveLength(2);
  });

  it('maps 500 to server_error', async () => {
    const calls = server.error(500);
    const error = await rejection(model({ maxRetries: 0 }).generate({ messages }));
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).failure).toBe('server_error');
    expect((error as ModelError).status).toBe(500);
    expect(calls.requests).toHaveLength(1);
  });

  it('maps 500 on a stream to server_error', async () => {
    server.error(503, 'overloaded');
    const error = await rejection(collect(model({ maxRetries: 0 }).stream({ messages })));
    expect((error as ModelError).failure).toBe('server_error');
  });

  it('maps other 4xx to refused without retrying', async () => {
    const calls = server.error(400, 'Invalid value for messages');
    const error = await rejection(model({ maxRetries: 2 }).generate({ messages }));
    expect((error as ModelError).failure).toBe('refused');
    expect((error as ModelError).status).toBe(400);
    expect(calls.requests).toHaveLength(1);
  });

  it('maps a connection failure to network', async () => {
    server.networkError();
    const error = await rejection(model({ maxRetries: 0 }).generate({ messages }));
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).failure).toBe('network');
  });

  it('maps a slow server to timeout after about timeoutMs, retries included', async () => {
    const calls = server.slow(5_000);
    const started = Date.now();
    const error = await rejection(model({ timeoutMs: 300, maxRetries: 2 }).generate({ messages }));
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).failure).toBe('timeout');
    // The server would answer after 5 s: giving up well before shows the deadline, not the server, ended the call.
    expect(Date.now() - started).toBeLessThan(3_000);
    for (const request of calls.requests) await expectRequestEnded(request);
  });

  it('stops the HTTP request when the caller aborts, rethrowing the abort reason', async () => {
    const calls = server.slow(5_000);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await rejection(model().generate({ messages, signal: controller.signal }));
    expect(error).not.toBeInstanceOf(ModelError);
    expect((error as Error).name).toBe('AbortError');
    await expectRequestEnded(calls.requests[0]);
  });

  it('sends nothing when the signal is already aborted', async () => {
    const calls = server.completion('unused');
    const error = await rejection(model().generate({ messages, signal: AbortSignal.abort() }));
    expect((error as Error).name).toBe('AbortError');
    expect(calls.requests).toHaveLength(0);
  });
});
