import { http, HttpResponse, type HttpHandler } from 'msw';
import { setupServer, type SetupServer } from 'msw/node';

/** msw playing the OpenAI HTTP API (chat completions and embeddings). Nothing here touches the network. */

export const mockOpenAIBaseURL = 'http://openai.mock/v1';

/** What a helper received: parsed JSON body, headers, and the URL called. */
export interface RecordedRequest {
  url: string;
  headers: Record<string, string>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test bodies are inspected freely
  body: any;
  /** Aborted when the client gave up on the request before the response began. */
  signal: AbortSignal;
  /** True once the client gave up: aborted the request, or cancelled a streamed body before its end. */
  readonly ended: boolean;
}

export interface Recorder {
  readonly requests: RecordedRequest[];
  /** The chat messages of the n-th request (default: the last). */
  messages(index?: number): Array<{ role: string; content: string }>;
}

export interface MockUsage {
  prompt_tokens: number;
  completion_tokens: number;
}

export interface HelperOptions {
  /** Serve this base URL instead of the server's (to check that a custom baseURL is used). */
  baseURL?: string;
}

export interface CompletionOptions extends HelperOptions {
  usage?: MockUsage;
  model?: string;
}

export interface StreamOptions extends CompletionOptions {
  /** Pause before each chunk (to test idle timeouts and aborts mid-stream). */
  delayMs?: number;
}

export interface EmbeddingsOptions extends HelperOptions {
  /** Vector length when the request has no `dimensions` (default 1536). */
  defaultDimensions?: number;
  /** Always answer with this length, whatever was asked (to test the dimension check). */
  forceDimensions?: number;
}

export interface OpenAIMockServer {
  readonly baseURL: string;
  /** The msw server, for one-off handlers (`server.msw.use(...)`). */
  readonly msw: SetupServer;
  /** Answer every chat completion with this assistant text (non-streamed JSON). */
  completion(content: string, options?: CompletionOptions): Recorder;
  /** Answer with `JSON.stringify(value)` as the assistant text. */
  completionJson(value: unknown, options?: CompletionOptions): Recorder;
  /** Answer with assistant text that is not valid JSON. */
  malformedJson(options?: CompletionOptions): Recorder;
  /** Answer `stream: true` requests with SSE chunks, one per delta, then a usage chunk and `data: [DONE]`. */
  stream(deltas: string[], options?: StreamOptions): Recorder;
  /** Fail the first `failures` requests with 429 (Retry-After: 0, so LangChain retries), then answer with `content`. */
  rateLimitedThen(content: string, options?: CompletionOptions & { failures?: number; retryAfterSeconds?: number }): Recorder;
  /** Answer with an OpenAI-shaped error body and this status (default 500), on chat completions unless `endpoint` says otherwise. */
  error(status?: number, message?: string, options?: HelperOptions & { endpoint?: 'chat/completions' | 'embeddings' }): Recorder;
  /** Fail at the network level (connection refused / reset). */
  networkError(options?: HelperOptions): Recorder;
  /** Answer with `content` after `delayMs` (or when the client gives up). */
  slow(delayMs: number, content?: string, options?: CompletionOptions): Recorder;
  /** Embeddings: deterministic vectors (from the text and position) of the requested dimension. */
  embeddings(options?: EmbeddingsOptions): Recorder;
  /** Remove the helpers' handlers (call in afterEach). */
  reset(): void;
  close(): void;
}

function recorder(): Recorder & { requests: RecordedRequest[] } {
  const requests: RecordedRequest[] = [];
  return {
    requests,
    messages(index = requests.length - 1) {
      return requests[index]?.body?.messages ?? [];
    },
  };
}

type MutableRecordedRequest = RecordedRequest & { bodyCancelled: boolean };

async function record(target: RecordedRequest[], request: Request): Promise<MutableRecordedRequest> {
  const text = await request.clone().text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Kept as text: a test may assert on a non-JSON body.
  }
  const entry = {
    url: request.url,
    headers: Object.fromEntries(request.headers.entries()),
    body,
    signal: request.signal,
    bodyCancelled: false,
    get ended() {
      return this.signal.aborted || this.bodyCancelled;
    },
  };
  target.push(entry);
  return entry;
}

/** A chat.completion body with one choice. */
export function chatCompletionBody(content: string, options: CompletionOptions = {}) {
  const usage = options.usage ?? { prompt_tokens: 12, completion_tokens: 7 };
  return {
    id: 'chatcmpl-mock',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: options.model ?? 'mock-model',
    choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, logprobs: null, finish_reason: 'stop' }],
    usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
  };
}

/** The SSE text of a streamed completion: `data: {chunk}\n\n` per delta, a usage chunk, `data: [DONE]\n\n`. */
export function chatCompletionChunks(deltas: string[], options: CompletionOptions = {}): string[] {
  const usage = options.usage ?? { prompt_tokens: 12, completion_tokens: deltas.length };
  const base = { id: 'chatcmpl-mock', object: 'chat.completion.chunk', created: 1_700_000_000, model: options.model ?? 'mock-model' };
  const events: unknown[] = [{ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] }];
  for (const delta of deltas) events.push({ ...base, choices: [{ index: 0, delta: { content: delta }, finish_reason: null }] });
  events.push({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
  events.push({ ...base, choices: [], usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } });
  return [...events.map((event) => `data: ${JSON.stringify(event)}\n\n`), 'data: [DONE]\n\n'];
}

/** Waits, but stops early when the client aborts, so no timer outlives a test. */
function wait(milliseconds: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, milliseconds);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

function sseResponse(events: string[], delayMs: number, signal: AbortSignal, entry: { bodyCancelled: boolean }): Response {
  const encoder = new TextEncoder();
  let next = 0;
  // Once the response has started, a client abort shows up as a cancelled body, not always as request.signal.
  const cancelled = new AbortController();
  const stop = AbortSignal.any([signal, cancelled.signal]);
  const stream = new ReadableStream<Uint8Array>({
    cancel() {
      entry.bodyCancelled = true;
      cancelled.abort();
    },
    async pull(controller) {
      if (delayMs > 0) await wait(delayMs, stop);
      const event = events[next];
      next += 1;
      if (event === undefined || stop.aborted) {
        controller.close();
        return;
      }
      controller.enqueue(encoder.encode(event));
    },
  });
  return new HttpResponse(stream, { headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' } });
}

function errorBody(status: number, message: string) {
  const type = status === 429 ? 'rate_limit_exceeded' : status >= 500 ? 'server_error' : 'invalid_request_error';
  return { error: { message, type, param: null, code: type } };
}

/** Deterministic pseudo-random numbers from a seed (mulberry32). */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value ^= value + Math.imul(value ^ (value >>> 7), 61 | value);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** The vector the embeddings helper returns for a text: tests can compare against it. */
export function mockEmbedding(text: string, dimensions: number): number[] {
  let seed = 2166136261;
  for (let index = 0; index < text.length; index += 1) seed = Math.imul(seed ^ text.charCodeAt(index), 16777619);
  const random = seeded(seed);
  return Array.from({ length: dimensions }, () => random() * 2 - 1);
}

/** Starts msw with `onUnhandledRequest: 'error'`: a request no helper answers fails the call instead of leaving the machine. */
export function startOpenAIMockServer(baseURL = mockOpenAIBaseURL): OpenAIMockServer {
  const server = setupServer();
  server.listen({ onUnhandledRequest: 'error' });

  function onChat(
    options: HelperOptions,
    respond: (request: Request, entry: MutableRecordedRequest, count: number) => Promise<Response> | Response,
    endpoint = 'chat/completions',
  ): Recorder {
    const calls = recorder();
    const handler: HttpHandler = http.post(`${options.baseURL ?? baseURL}/${endpoint}`, async ({ request }) => {
      const entry = await record(calls.requests, request);
      return respond(request, entry, calls.requests.length);
    });
    server.use(handler);
    return calls;
  }

  function answer(content: string, options: CompletionOptions, request: Request, entry: MutableRecordedRequest): Response {
    if (entry.body?.stream === true) {
      return sseResponse(chatCompletionChunks([content], options), 0, request.signal, entry);
    }
    return HttpResponse.json(chatCompletionBody(content, options));
  }

  const api: OpenAIMockServer = {
    baseURL,
    msw: server,
    completion(content, options = {}) {
      return onChat(options, (request, entry) => answer(content, options, request, entry));
    },
    completionJson(value, options = {}) {
      return api.completion(JSON.stringify(value), options);
    },
    malformedJson(options = {}) {
      return api.completion('{"reply": "Your card is blocked", "confidence": 0.9', options);
    },
    stream(deltas, options = {}) {
      return onChat(options, (request, entry) => sseResponse(chatCompletionChunks(deltas, options), options.delayMs ?? 0, request.signal, entry));
    },
    rateLimitedThen(content, options = {}) {
      const failures = options.failures ?? 1;
      return onChat(options, (request, entry, count) => {
        if (count <= failures) {
          return HttpResponse.json(errorBody(429, 'Rate limit reached, slow down'), {
            status: 429,
            headers: { 'retry-after': String(options.retryAfterSeconds ?? 0) },
          });
        }
        return answer(content, options, request, entry);
      });
    },
    error(status = 500, message = 'The server had an error while processing your request.', options = {}) {
      return onChat(options, () => HttpResponse.json(errorBody(status, message), { status }), options.endpoint);
    },
    networkError(options = {}) {
      return onChat(options, () => HttpResponse.error());
    },
    slow(delayMs, content = 'late answer', options = {}) {
      return onChat(options, async (request, entry) => {
        await wait(delayMs, request.signal);
        return answer(content, options, request, entry);
      });
    },
    embeddings(options = {}) {
      const calls = recorder();
      server.use(
        http.post(`${options.baseURL ?? baseURL}/embeddings`, async ({ request }) => {
          const entry = await record(calls.requests, request);
          const inputs: string[] = Array.isArray(entry.body.input) ? entry.body.input : [entry.body.input];
          const dimensions: number = options.forceDimensions ?? entry.body.dimensions ?? options.defaultDimensions ?? 1536;
          const base64 = entry.body.encoding_format === 'base64';
          const data = inputs.map((input, index) => {
            const vector = mockEmbedding(input, dimensions);
            const embedding = base64 ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
            return { object: 'embedding', index, embedding };
          });
          const tokens = inputs.reduce((sum, input) => sum + input.length, 0);
          return HttpResponse.json({ object: 'list', data, model: entry.body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } });
        }),
      );
      return calls;
    },
    reset() {
      server.resetHandlers();
    },
    close() {
      server.close();
    },
  };
  return api;
}
