import { describe, expect, it } from 'vitest';
import { findUnsafeText, unsafeTextReason } from '../../src/text/find-unsafe-text.js';

describe('findUnsafeText', () => {
  it('accepts well-formed text in every script, including astral characters and RTL marks', () => {
    expect(unsafeTextReason('信用卡年费 annual fee 😀 \u200f مرحبا \t\n')).toBeUndefined();
    expect(findUnsafeText({ tags: ['𠮷', 'ok'], nested: { list: [{ value: 'fine' }] } })).toBeUndefined();
  });

  it('names the path of a NUL character in a nested value', () => {
    expect(findUnsafeText({ metadata: { notes: ['ok', 'bad\u0000'] } })).toEqual({ field: 'metadata.notes.1', message: expect.stringContaining('NUL') });
  });

  it('finds lone high and low surrogates but not surrogate pairs', () => {
    expect(findUnsafeText({ title: 'a\uD800b' })?.field).toBe('title');
    expect(findUnsafeText({ title: '\uDC00' })?.field).toBe('title');
    expect(findUnsafeText({ title: 'end\uD83D' })?.message).toContain('surrogate');
    expect(findUnsafeText({ title: '\uD83D\uDE00' })).toBeUndefined();
  });

  it('checks object keys, printing the bad key escaped', () => {
    const problem = findUnsafeText({ metadata: { 'a\u0000b': 1 } });
    expect(problem?.field).toBe('metadata.a\\u0000b');
    expect(problem?.message).toMatch(/^the key contains a NUL/);
  });

  it('prefixes query and path parts, and names a bare string by its prefix', () => {
    expect(findUnsafeText({ q: 'x\u0000' }, 'query')?.field).toBe('query.q');
    expect(findUnsafeText('\u0000', 'file')?.field).toBe('file');
    expect(findUnsafeText('\u0000')?.field).toBe('body');
  });
});
