import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { extractJson, InvalidModelOutputError, jsonInstruction, parseStructuredOutput, withJsonInstruction } from '../../src/llm/structured-output.js';

const schema = z.object({ intent: z.enum(['card_lost', 'fee_query']), note: z.string().optional() });

describe('extractJson', () => {
  it('returns bare JSON unchanged', () => {
    expect(extractJson(' {"intent":"card_lost"} ')).toBe('{"intent":"card_lost"}');
  });

  it('strips code fences, <think> blocks and surrounding prose', () => {
    expect(extractJson('```json\n{"a":1}\n```')).toBe('{"a":1}');
    expect(extractJson('<think>hmm {"no":1}</think>{"a":2}')).toBe('{"a":2}');
    expect(extractJson('Here is the result: {"a":3} Hope this helps.')).toBe('{"a":3}');
  });
});

describe('parseStructuredOutput', () => {
  it('returns the validated value', () => {
    expect(parseStructuredOutput('{"intent":"fee_query"}', schema)).toEqual({ intent: 'fee_query' });
  });

  it('names the failing path and the schema in the error', () => {
    let caught: unknown;
    try {
      parseStructuredOutput('{"intent":"mortgage","note":5}', schema, 'intent_label');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidModelOutputError);
    const error = caught as InvalidModelOutputError;
    expect(error.failure).toBe('invalid_output');
    expect(error.message).toContain('intent_label');
    expect(error.message).toMatch(/intent/);
    expect(error.message).toMatch(/note/);
    expect(error.issues).toHaveLength(2);
  });

  it('reports invalid JSON as invalid_output', () => {
    expect(() => parseStructuredOutput('{"intent": "card_lost"', schema)).toThrow(/not valid JSON/);
  });
});

describe('jsonInstruction / withJsonInstruction', () => {
  it('describes the schema as JSON Schema and mentions JSON (required by json_object mode)', () => {
    const text = jsonInstruction(schema, 'intent_label');
    expect(text).toContain('JSON');
    expect(text).toContain('"card_lost"');
    expect(text).toContain('"intent_label"');
  });

  it('does not change the caller’s messages', () => {
    const original = [{ role: 'system' as const, content: 'Be brief.' }];
    const extended = withJsonInstruction(original, schema);
    expect(original[0]?.content).toBe('Be brief.');
    expect(extended[0]?.content.startsWith('Be brief.')).toBe(true);
    expect(extended[0]?.content).toContain('JSON Schema');
  });
});
