import { z } from 'zod';
import type { ChatMessage } from './chat-model.js';
import { ModelError } from './model-error.js';

/** The model answered, but not with JSON matching the schema. `issues` and `output` let a caller ask for a repair. */
export class InvalidModelOutputError extends ModelError {
  readonly output: string;
  readonly issues: z.core.$ZodIssue[];

  constructor(message: string, output: string, issues: z.core.$ZodIssue[], cause?: unknown) {
    super('invalid_output', message, cause === undefined ? {} : { cause });
    this.name = 'InvalidModelOutputError';
    this.output = output;
    this.issues = issues;
  }
}

// Converting a schema walks it; schemas are module constants, so convert each once.
const jsonSchemaTexts = new WeakMap<z.ZodType, string>();

function jsonSchemaText(schema: z.ZodType): string {
  let text = jsonSchemaTexts.get(schema);
  if (text === undefined) {
    // The model writes what the schema parses, hence `input`; transforms and the like become "any" rather than failing.
    text = JSON.stringify(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }));
    jsonSchemaTexts.set(schema, text);
  }
  return text;
}

/** The instruction that makes a model answer with JSON; it also contains the word "JSON", which json_object mode requires. */
export function jsonInstruction(schema: z.ZodType, schemaName?: string): string {
  const named = schemaName ? ` named "${schemaName}"` : '';
  return [
    `Answer with a single JSON object${named} and nothing else: no prose, no code fences.`,
    `It must conform to this JSON Schema: ${jsonSchemaText(schema)}`,
  ].join('\n');
}

/**
 * Adds the JSON instruction to the first system message (or prepends one): some chat templates (llama.cpp,
 * Ollama) reject a system message that is not first, so a second system message is not portable.
 */
export function withJsonInstruction(messages: ChatMessage[], schema: z.ZodType, schemaName?: string): ChatMessage[] {
  const instruction = jsonInstruction(schema, schemaName);
  const systemIndex = messages.findIndex((message) => message.role === 'system');
  if (systemIndex === -1) return [{ role: 'system', content: instruction }, ...messages];
  return messages.map((message, index) =>
    index === systemIndex ? { role: 'system', content: `${message.content}\n\n${instruction}` } : message,
  );
}

/**
 * The JSON inside a reply: reasoning models served by vLLM or Ollama put `<think>` blocks in the content, and
 * small models wrap JSON in code fences or add a sentence around it despite json_object mode.
 */
export function extractJson(text: string): string {
  const withoutThinking = text.replace(/<think>[\s\S]*?<\/think>/gu, '').trim();
  const fenced = /```(?:json)?\s*([\s\S]*?)```/u.exec(withoutThinking);
  const candidate = (fenced?.[1] ?? withoutThinking).trim();
  if (candidate.startsWith('{') || candidate.startsWith('[')) return candidate;
  const start = candidate.indexOf('{');
  const end = candidate.lastIndexOf('}');
  return start !== -1 && end > start ? candidate.slice(start, end + 1) : candidate;
}

/** Parses and validates a reply; throws `InvalidModelOutputError` with the zod issues in its message. */
export function parseStructuredOutput<T>(text: string, schema: z.ZodType, schemaName = 'output'): T {
  let value: unknown;
  try {
    value = JSON.parse(extractJson(text));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const issue: z.core.$ZodIssue = { code: 'custom', path: [], message: `not valid JSON: ${reason}`, input: text };
    throw new InvalidModelOutputError(`Model output for "${schemaName}" is not valid JSON: ${reason}`, text, [issue], error);
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new InvalidModelOutputError(
      `Model output does not match schema "${schemaName}":\n${z.prettifyError(result.error)}`,
      text,
      result.error.issues,
      result.error,
    );
  }
  return result.data as T;
}
