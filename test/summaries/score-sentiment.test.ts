import { describe, expect, it } from 'vitest';
import { sentimentOf, sentimentScore } from '../../src/summaries/score-sentiment.js';

describe('sentiment lexicon', () => {
  it('scores Chinese with negation handling', () => {
    expect(sentimentScore('谢谢，太好了')).toBeGreaterThan(0);
    expect(sentimentScore('我很不满意')).toBeLessThan(0);
    expect(sentimentScore('我不是很满意')).toBeLessThan(0);
    expect(sentimentScore('我不担心')).toBeGreaterThan(0);
  });

  it('scores English with negation handling and ignores greetings', () => {
    expect(sentimentScore('thanks, that was really helpful')).toBeGreaterThan(0);
    expect(sentimentScore('this is not good at all')).toBeLessThan(0);
    expect(sentimentScore("i'm not angry, just confused")).toBe(0);
    expect(sentimentScore('good morning, i lost my card')).toBe(0);
  });

  it('labels a set of turns', () => {
    expect(sentimentOf(['太差了', '谢谢'])).toBe('neutral');
    expect(sentimentOf(['太差了', '气死我了'])).toBe('negative');
    expect(sentimentOf([])).toBe('neutral');
  });
});
