import { describe, expect, it } from 'vitest';
import { createOfflineEmbedder } from '../../src/llm/offline-embedder.js';

function cosine(left: number[], right: number[]): number {
  let dot = 0;
  for (let index = 0; index < left.length; index += 1) dot += left[index]! * right[index]!;
  return dot;
}

function norm(vector: number[]): number {
  return Math.sqrt(cosine(vector, vector));
}

describe('createOfflineEmbedder', () => {
  it('names its id after the dimension (default 384)', () => {
    expect(createOfflineEmbedder().id).toBe('offline-hash-v1:384');
    expect(createOfflineEmbedder().dimensions).toBe(384);
    expect(createOfflineEmbedder({ dimensions: 128 }).id).toBe('offline-hash-v1:128');
  });

  it('is deterministic across calls and instances', async () => {
    const text = '信用卡年费怎么收取？How is the annual fee charged?';
    const [first] = await createOfflineEmbedder().embed([text]);
    const [second, third] = await createOfflineEmbedder().embed([text, text]);
    expect(second).toEqual(first);
    expect(third).toEqual(first);
  });

  it('returns unit vectors of the configured length', async () => {
    const embedder = createOfflineEmbedder({ dimensions: 128 });
    const vectors = await embedder.embed(['挂失', '我的借记卡丢了，需要挂失', 'Block my lost card please', '理财产品不保本 APR 12%']);
    for (const vector of vectors) {
      expect(vector).toHaveLength(128);
      expect(norm(vector)).toBeCloseTo(1, 10);
    }
  });

  it('puts similar Chinese texts closer than unrelated ones', async () => {
    const [question, paraphrase, unrelated] = await createOfflineEmbedder().embed([
      '信用卡年费怎么收取',
      '请问信用卡的年费是多少',
      '我想修改手机银行的登录密码',
    ]);
    expect(cosine(question!, paraphrase!)).toBeGreaterThan(cosine(question!, unrelated!) + 0.2);
  });

  it('puts similar English texts closer than unrelated ones', async () => {
    const [question, paraphrase, unrelated] = await createOfflineEmbedder().embed([
      'How do I block a lost debit card?',
      'I lost my card, please block it',
      'What is the mortgage interest rate this year?',
    ]);
    expect(cosine(question!, paraphrase!)).toBeGreaterThan(cosine(question!, unrelated!) + 0.2);
  });

  it('embeds full-width and case variants identically', async () => {
    const [fullWidth, halfWidth, upper, lower] = await createOfflineEmbedder().embed([
      'ＡＰＲ是多少？１２％',
      'apr是多少?12%',
      'Credit Card FEES',
      'credit card fees',
    ]);
    expect(fullWidth).toEqual(halfWidth);
    expect(upper).toEqual(lower);
  });

  it('gives featureless text a fixed unit vector, never zeros', async () => {
    const [empty, punctuation, word] = await createOfflineEmbedder({ dimensions: 16 }).embed(['', '……？！', '余额']);
    const expected = [1, ...Array.from({ length: 15 }, () => 0)];
    expect(empty).toEqual(expected);
    expect(punctuation).toEqual(expected);
    expect(word).not.toEqual(expected);
  });
});
