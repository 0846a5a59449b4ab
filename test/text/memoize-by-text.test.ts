import { describe, expect, it } from 'vitest';
import { memoizeByText } from '../../src/text/memoize-by-text.js';

describe('memoizeByText', () => {
  it('computes each text once while it is remembered, and again once it was forgotten (least recently used first)', () => {
    const computed: string[] = [];
    const length = memoizeByText((text) => {
      computed.push(text);
      return text.length;
    }, 2);
    expect([length('年费'), length('年费'), length('abc')]).toEqual([2, 2, 3]);
    expect(computed).toEqual(['年费', 'abc']);
    // '年费' is used again, so 'abc' is the least recently used and goes when a third text comes.
    length('年费');
    length('挂失');
    length('年费');
    length('abc');
    expect(computed).toEqual(['年费', 'abc', '挂失', 'abc']);
  });

  it('remembers an undefined result too', () => {
    let calls = 0;
    const nothing = memoizeByText(() => {
      calls += 1;
      return undefined;
    }, 4);
    nothing('x');
    nothing('x');
    expect(calls).toBe(1);
  });
});
