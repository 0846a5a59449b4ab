import { describe, expect, it } from 'vitest';
import { jsonDepth } from '../../src/http/json-body-parser.js';

describe('jsonDepth', () => {
  it('counts nesting of arrays and objects', () => {
    expect(jsonDepth('1')).toBe(0);
    expect(jsonDepth('{"a":[1,{"b":[]}]}')).toBe(4);
    expect(jsonDepth('[]')).toBe(1);
  });

  it('ignores brackets inside strings, including after escaped quotes and backslashes', () => {
    expect(jsonDepth('{"a":"[[[{{{"}')).toBe(1);
    expect(jsonDepth('{"a":"\\"[[[","b":"\\\\"}')).toBe(1);
    expect(jsonDepth('["\\\\",[["x"]]]')).toBe(3);
  });

  it('stops counting past the limit', () => {
    const deep = '['.repeat(5_000) + ']'.repeat(5_000);
    expect(jsonDepth(deep)).toBe(5_000);
    expect(jsonDepth(deep, 64)).toBe(65);
  });
});
