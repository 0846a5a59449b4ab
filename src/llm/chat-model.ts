import type { z } from 'zod';

/** One message of a chat request. Customer and knowledge text go in as delimited data inside `user` messages. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface TokenUsage {
  inputTokens?: number;
  outputTokens?: number;
}

export interface ChatRequest {
  messages: ChatMessage[];
  /** When set, the model is asked for JSON matching this schema and `parsed` holds the validated value. */
  schema?: z.ZodType;
  /** A short name for the schema, sent to providers that support named JSON schemas. */
  schemaName?: string;
  temperature?: number;
  maxTokens?: number;
  signal?: AbortSignal;
}

export interface ChatResult<T = unknown> {
  text: string;
  parsed?: T;
  usage?: TokenUsage;
}

export type ChatStreamPart =
  | { type: 'delta'; text: string }
  | { type: 'done'; text: string; usage?: TokenUsage };

/**
 * The model port: two methods, as in vercel/ai. Adapters throw `ModelError` (see model-error.ts)
 * for anything that went wrong on the model side, so callers can degrade instead of failing the turn.
 */
export interface ChatModel {
  readonly provider: string;
  readonly model: string;
  generate<T = unknown>(request: ChatRequest): Promise<ChatResult<T>>;
  stream(request: ChatRequest): AsyncIterable<ChatStreamPart>;
}
