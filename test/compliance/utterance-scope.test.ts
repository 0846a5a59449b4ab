import { describe, expect, it } from 'vitest';
import { normalizeForMatching } from '../../src/text/normalize-text.js';
import { countNegators, UtteranceScope } from '../../src/compliance/utterance-scope.js';

function asserted(text: string, cue: string, options: { includeQuestions?: boolean } = {}): boolean {
  const normalized = normalizeForMatching(text);
  const start = normalized.indexOf(cue);
  if (start < 0) throw new Error(`cue ${cue} not in ${normalized}`);
  const span = { start, end: start + cue.length };
  return new UtteranceScope(normalized).isAsserted(span, span, options);
}

describe('UtteranceScope', () => {
  it('scopes a negator to its own clause', () => {
    expect(asserted('这款不保本', '保本')).toBe(false);
    expect(asserted('虽然不保本，但是保息', '保息')).toBe(true);
    expect(asserted('不保本但保息', '保息')).toBe(true);
  });

  it('counts negators so a double negation asserts', () => {
    expect(asserted('不是不保本', '保本')).toBe(true);
    expect(asserted('不保证不会亏', '不会亏')).toBe(false);
    expect(asserted('放心，不会亏', '不会亏')).toBe(true);
  });

  it('ignores words that only look negative', () => {
    expect(asserted('不管市场怎样都保本', '保本')).toBe(true);
    expect(asserted('非常保本', '保本')).toBe(true);
    expect(countNegators('不少客户都说不错')).toBe(0);
  });

  it('treats quotations, reported speech and questions as mentions', () => {
    expect(asserted('“保本”这种说法不对', '保本')).toBe(false);
    expect(asserted('您问是不是保本', '保本')).toBe(false);
    expect(asserted('这款保本吗？', '保本')).toBe(false);
    expect(asserted('You asked whether it is guaranteed', 'guaranteed')).toBe(false);
    expect(asserted('Is it guaranteed?', 'guaranteed')).toBe(false);
    expect(asserted("It's guaranteed, right?", 'guaranteed')).toBe(true);
  });

  it('can keep questions when a request is phrased as one', () => {
    expect(asserted('验证码是多少？', '验证码', { includeQuestions: true })).toBe(true);
    expect(asserted('验证码是多少？', '验证码')).toBe(false);
  });

  it('honours a negation that follows the cue', () => {
    expect(asserted('保本保息是不可能的', '保本保息')).toBe(false);
    expect(asserted('guaranteed returns are not something we offer', 'guaranteed returns')).toBe(false);
  });

  it('reads a negation joined by 也 or 又 as repeating the one before, not cancelling it', () => {
    expect(asserted('我不建议也不能给您推荐', '推荐')).toBe(false);
    expect(asserted('这款不保本又不保收益', '保收益')).toBe(false);
    // A real double negation in the last conjunct still asserts.
    expect(asserted('风险我说了也不是不保本', '保本')).toBe(true);
  });
});
