import { AIMessage, HumanMessage, SystemMessage, type BaseMessage, type UsageMetadata } from '@langchain/core/messages';
import { ChatOpenAI } from '@langchain/openai';
import type { ChatMessage, ChatModel, ChatRequest, ChatResult, ChatStreamPart, TokenUsage } from './chat-model.js';
import { ModelError, modelErrorFrom } from './model-error.js';
import { parseStructuredOutput, withJsonInstruction } from './structured-output.js';

export interface OpenAIChatModelOptions {
  apiKey: string;
  /** Any OpenAI-compatible endpoint: Azure-compatible gateways, DashScope compatible mode, DeepSeek, vLLM, Ollama, llama.cpp. */
  baseURL?: string;
  model: string;
  /** generate: deadline for the whole call, retries included. stream: the longest wait for the next chunk. */
  timeoutMs: number;
  /** Retries done by LangChain's caller (429 with a short Retry-After, 5xx, connection errors). */
  maxRetries?: number;
  /** Label recorded with responses ("openai", "qwen", "vllm" ...). */
  provider?: string;
}

export const openAIDefaultBaseURL = 'https://api.openai.com/v1';

// One client per (temperature, max tokens): both are constructor fields in ChatOpenAI, not call options.
const maxCachedClients = 16;

/**
 * A timer behind an AbortSignal that also follows the caller's signal, so the HTTP request stops on either.
 * Knowing which one fired tells a timeout (ModelError) from the caller's own abort (its reason is rethrown).
 */
class Deadline {
  readonly signal: AbortSignal;
  readonly #controller = new AbortController();
  readonly #released = new AbortController();
  readonly #milliseconds: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(milliseconds: number, callerSignal: AbortSignal | undefined) {
    this.#milliseconds = milliseconds;
    const signals = [this.#controller.signal, this.#released.signal];
    this.signal = AbortSignal.any(callerSignal ? [callerSignal, ...signals] : signals);
    this.restart();
  }

  /** Ends the HTTP request if it is still running: a consumer that stops reading a stream early must not leave it open. */
  release(): void {
    this.pause();
    this.#released.abort();
  }

  get expired(): boolean {
    return this.#controller.signal.aborted;
  }

  restart(): void {
    this.pause();
    if (!this.expired) this.#timer = setTimeout(() => this.#controller.abort(), this.#milliseconds);
  }

  pause(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

function toLangChainMessages(messages: ChatMessage[]): BaseMessage[] {
  return messages.map((message) => {
    if (message.role === 'system') return new SystemMessage(message.content);
    if (message.role === 'assistant') return new AIMessage(message.content);
    return new HumanMessage(message.content);
  });
}

function toTokenUsage(usage: UsageMetadata | undefined): TokenUsage | undefined {
  if (!usage || (typeof usage.input_tokens !== 'number' && typeof usage.output_tokens !== 'number')) return undefined;
  const result: TokenUsage = {};
  if (typeof usage.input_tokens === 'number') result.inputTokens = usage.input_tokens;
  if (typeof usage.output_tokens === 'number') result.outputTokens = usage.output_tokens;
  return result;
}

export function createOpenAIChatModel(options: OpenAIChatModelOptions): ChatModel {
  const provider = options.provider ?? 'openai';
  const clients = new Map<string, ChatOpenAI>();

  function client(request: ChatRequest): ChatOpenAI {
    const key = `${request.temperature ?? ''}|${request.maxTokens ?? ''}`;
    let chat = clients.get(key);
    if (chat === undefined) {
      if (clients.size >= maxCachedClients) clients.clear();
      // `streaming` stays unset: `streaming: false` would make .stream() fall back to invoke(), and `streaming: true`
      // makes invoke() count tokens with tiktoken, which downloads its tables.
      chat = new ChatOpenAI({
        model: options.model,
        apiKey: options.apiKey,
        // Always explicit, so neither LangChain nor the SDK falls back to OPENAI_BASE_URL or a LangSmith gateway from the environment.
        configuration: { baseURL: options.baseURL ?? openAIDefaultBaseURL },
        timeout: options.timeoutMs,
        maxRetries: options.maxRetries ?? 2,
        ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
        ...(request.maxTokens === undefined ? {} : { maxTokens: request.maxTokens }),
      });
      clients.set(key, chat);
    }
    return chat;
  }

  function callOptions(request: ChatRequest, signal: AbortSignal) {
    // json_object rather than json_schema: every OpenAI-compatible server we target supports it, strict
    // json_schema rejects optional fields, and the schema is enforced here with zod either way.
    return request.schema ? { signal, response_format: { type: 'json_object' as const } } : { signal };
  }

  function messagesFor(request: ChatRequest): BaseMessage[] {
    const messages = request.schema ? withJsonInstruction(request.messages, request.schema, request.schemaName) : request.messages;
    return toLangChainMessages(messages);
  }

  function failure(error: unknown, request: ChatRequest, deadline: Deadline, what: string): unknown {
    if (request.signal?.aborted) return request.signal.reason;
    if (deadline.expired) {
      return new ModelError('timeout', `${what} to ${provider} (${options.model}) timed out after ${options.timeoutMs} ms`, { cause: error });
    }
    return modelErrorFrom(error, `${what} to ${provider} (${options.model})`);
  }

  return {
    provider,
    model: options.model,

    async generate<T = unknown>(request: ChatRequest): Promise<ChatResult<T>> {
      request.signal?.throwIfAborted();
      const deadline = new Deadline(options.timeoutMs, request.signal);
      let message: AIMessage;
      try {
        message = await client(request).invoke(messagesFor(request), callOptions(request, deadline.signal));
      } catch (error) {
        throw failure(error, request, deadline, 'chat completion');
      } finally {
        deadline.pause();
      }
      const text = message.text;
      const usage = toTokenUsage(message.usage_metadata);
      const result: ChatResult<T> = { text };
      if (usage) result.usage = usage;
      if (request.schema) result.parsed = parseStructuredOutput<T>(text, request.schema, request.schemaName);
      return result;
    },

    async *stream(request: ChatRequest): AsyncIterable<ChatStreamPart> {
      request.signal?.throwIfAborted();
      const deadline = new Deadline(options.timeoutMs, request.signal);
      let text = '';
      let usage: TokenUsage | undefined;
      try {
        const chunks = await client(request).stream(messagesFor(request), callOptions(request, deadline.signal));
        // Iterated by hand: `for await` would call LangChain's return() when the consumer stops early, and that
        // return() waits on a read that never finishes. Aborting the request (release, below) ends it instead.
        const iterator = chunks[Symbol.asyncIterator]();
        for (;;) {
          const next = await iterator.next();
          if (next.done) break;
          const chunk = next.value;
          usage = toTokenUsage(chunk.usage_metadata) ?? usage;
          const delta = chunk.text;
          if (!delta) continue;
          text += delta;
          // The caller's pace is not the model's: the idle timer only runs while waiting on the model.
          deadline.pause();
          yield { type: 'delta', text: delta };
          deadline.restart();
        }
        // LangChain ends a stream quietly when its signal fires between chunks.
        if (deadline.signal.aborted) throw deadline.signal.reason;
      } catch (error) {
        throw failure(error, request, deadline, 'streamed chat completion');
      } finally {
        deadline.release();
      }
      yield usage ? { type: 'done', text, usage } : { type: 'done', text };
    },
  };
}
