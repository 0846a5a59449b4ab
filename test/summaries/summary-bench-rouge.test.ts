import { describe, expect, it } from 'vitest';
import { longestCommonSubsequence, rougeL, rougeN, rougeScores, rougeTokens } from '../../bench/rouge.js';

// The summary bench reports these numbers; a wrong ROUGE would mislead, so it is checked by hand-worked cases.
describe('bench ROUGE', () => {
  it('tokenises Chinese by character and English by lower-cased word', () => {
    expect(rougeTokens('客户：挂失，A卡！', 'zh')).toEqual(['客', '户', '挂', '失', 'a', '卡']);
    expect(rougeTokens("The card's LOST, isn't it?", 'en')).toEqual(['the', "card's", 'lost', "isn't", 'it']);
  });

  it('computes ROUGE-N with clipped counts', () => {
    const candidate = ['the', 'the', 'cat'];
    const reference = ['the', 'cat', 'sat'];
    // Unigram overlap: min(2,1) + 1 = 2; P = 2/3, R = 2/3.
    expect(rougeN(candidate, reference, 1)).toBeCloseTo(2 / 3);
    // Bigrams: {the the, the cat} vs {the cat, cat sat}: overlap 1; P = 1/2, R = 1/2.
    expect(rougeN(candidate, reference, 2)).toBeCloseTo(0.5);
    expect(rougeN([], reference, 1)).toBe(0);
  });

  it('computes ROUGE-L from the longest common subsequence', () => {
    expect(longestCommonSubsequence(['a', 'b', 'c', 'd'], ['a', 'c', 'd', 'b'])).toBe(3);
    // LCS 3 of 4 and 4: P = R = 0.75.
    expect(rougeL(['a', 'b', 'c', 'd'], ['a', 'c', 'd', 'b'])).toBeCloseTo(0.75);
  });

  it('takes the best reference for each measure', () => {
    const scores = rougeScores('card lost', ['my card was lost', 'card lost today'], 'en');
    expect(scores.rouge2).toBeCloseTo((2 * 1 * 0.5) / 1.5);
    expect(scores.rouge1).toBeCloseTo((2 * 1 * (2 / 3)) / (1 + 2 / 3));
  });
});
