import { describe, expect, it } from 'vitest';
import { compileAlternation, patternProblem } from '../../src/compliance/safe-pattern.js';

describe('safe patterns', () => {
  it('refuses unbounded and nested quantifiers', () => {
    expect(patternProblem('a+')).toMatch(/unbounded/);
    expect(patternProblem('(a{0,3}){0,5}')).toMatch(/nested/);
    expect(patternProblem('(ab){0,5}')).toBeUndefined();
  });

  it('shares one compiled test pattern per alternation, and never a scanning one (it keeps its position)', () => {
    const first = compileAlternation(['fee', 'charge'], false);
    expect(compileAlternation(['fee', 'charge'], false)).toBe(first);
    expect(compileAlternation(['charge', 'fee'], false)).not.toBe(first);
    expect(compileAlternation(['fee', 'charge'])).not.toBe(compileAlternation(['fee', 'charge']));
    expect(first.test('A Late FEE')).toBe(true);
    expect(first.test('nothing here')).toBe(false);
  });
});
