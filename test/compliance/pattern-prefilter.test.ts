import { describe, expect, it } from 'vitest';
import { PatternPrefilter } from '../../src/compliance/pattern-prefilter.js';

describe('pattern prefilter', () => {
  const fee = /late fee|penalty/i;
  const guarantee = /保本|稳赚/i;
  const anything = /.{0,3}/i;
  const caseSensitive = /Fee/;
  const prefilter = new PatternPrefilter([fee, guarantee, anything, caseSensitive]);

  it('says a pattern cannot match only when none of its literals is in the text, whatever the case', () => {
    const presence = prefilter.presence('there is a LATE Fee on this');
    expect(presence.mayMatch(fee)).toBe(true);
    expect(presence.mayMatch(guarantee)).toBe(false);
    expect(prefilter.presence('这款理财稳赚不赔').mayMatch(guarantee)).toBe(true);
    expect(prefilter.presence('这款理财有风险').mayMatch(guarantee)).toBe(false);
  });

  it('finds literals that overlap or end inside one another (the automaton follows its failure links)', () => {
    const overlapping = /abcd|bc/i;
    const other = /xbcq/i;
    const filter = new PatternPrefilter([overlapping, other]);
    expect(filter.presence('zabcz').mayMatch(overlapping)).toBe(true);
    expect(filter.presence('xbcz').mayMatch(overlapping)).toBe(true);
    expect(filter.presence('xbcz').mayMatch(other)).toBe(false);
    expect(filter.presence('axbcq').mayMatch(other)).toBe(true);
  });

  it('always lets through a pattern without literals, a case-sensitive one and one it was not given', () => {
    const presence = prefilter.presence('nothing');
    expect(presence.mayMatch(anything)).toBe(true);
    expect(presence.mayMatch(caseSensitive)).toBe(true);
    expect(presence.mayMatch(/unknown/i)).toBe(true);
  });

  it('merges the presences of several texts (a window of turns)', () => {
    const window = prefilter.union([prefilter.presence('hello'), prefilter.presence('保本吗'), prefilter.presence('')]);
    expect(window.mayMatch(guarantee)).toBe(true);
    expect(window.mayMatch(fee)).toBe(false);
    expect(prefilter.union([]).mayMatch(fee)).toBe(false);
  });
});
