import { describe, expect, it } from 'vitest';
import { baseWordOf } from '../../src/text/base-word.js';

// A small base's word counts: what the base writes, and nothing else.
const counts = new Map([
  ['扣回', 1],
  ['退回', 2],
  ['网点', 9],
  ['网上', 4],
  ['风险', 30],
  ['承担', 5],
  ['退', 20],
  ['能', 40],
]);
const frequency = (word: string): number => counts.get(word) ?? 0;

describe('baseWordOf', () => {
  it('cuts a spoken complement the base never writes down to the word it does', () => {
    expect(baseWordOf('扣回来', frequency, 2)).toBe('扣回');
    expect(baseWordOf('退回来', frequency, 2)).toBe('退回');
  });

  it('keeps a word the base uses as it is, whatever its parts', () => {
    expect(baseWordOf('网点', frequency, 1)).toBe('网点');
  });

  it('never reads a word as another: only contiguous parts, so 网点上 is 网点 and never 网上', () => {
    counts.set('点上', 0);
    expect(baseWordOf('网点上', frequency, 2)).toBe('网点');
  });

  it('takes the rarest of the longest parts the base uses', () => {
    expect(baseWordOf('承担风险了', frequency, 2)).toBe('承担');
  });

  it('goes no shorter than the shortest part allowed, and keeps a word with no used part unknown', () => {
    expect(baseWordOf('能退', frequency, 2)).toBe('能退');
    expect(baseWordOf('能退', frequency, 1)).toBe('退');
    expect(baseWordOf('比特币', frequency, 2)).toBe('比特币');
  });

  it('leaves Latin words and figures to their own matching', () => {
    expect(baseWordOf('bitcoin', frequency, 1)).toBe('bitcoin');
    expect(baseWordOf('8600', frequency, 1)).toBe('8600');
  });
});
