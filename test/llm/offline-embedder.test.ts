import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createOfflineEmbedder, offlineEmbedderDefaultDimensions } from '../../src/llm/offline-embedder.js';
import type { CorpusStatistics } from '../../src/llm/embedder.js';

function cosine(left: number[], right: number[]): number {
  let dot = 0;
  for (let index = 0; index < left.length; index += 1) dot += left[index]! * right[index]!;
  return dot;
}

function norm(vector: number[]): number {
  return Math.sqrt(cosine(vector, vector));
}

describe('createOfflineEmbedder', () => {
  it('names its id after the feature weights and the dimension (default: the fitted count in offline-embedder-weights.json)', async () => {
    const fitted = (JSON.parse(readFileSync(new URL('../../src/llm/offline-embedder-weights.json', import.meta.url), 'utf8')) as { dimensions: number }).dimensions;
    expect(Number.isInteger(fitted) && fitted >= 8).toBe(true);
    expect(offlineEmbedderDefaultDimensions).toBe(fitted);
    expect(createOfflineEmbedder().id).toMatch(new RegExp(`^offline-hash-v2-w[\\d.]+c[\\d.]+b[\\d.]+t[\\d.]+:${fitted}$`, 'u'));
    expect(createOfflineEmbedder().dimensions).toBe(fitted);
    expect((await createOfflineEmbedder().embed(['余额']))[0]).toHaveLength(fitted);
    expect(createOfflineEmbedder({ dimensions: 128 }).id).toMatch(/:128$/u);
    const other = createOfflineEmbedder({ weights: { word: 1, character: 0, bigram: 1, trigram: 0, idfExponent: 2 } });
    expect(other.id).not.toBe(createOfflineEmbedder().id);
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

  describe('query weighting fitted on the knowledge base', () => {
    // Our own small base: "卡" and "办理" are in every passage, the topic words are not.
    const passages = ['信用卡怎么办理', '借记卡怎么办理', '储蓄卡挂失怎么办理', '信用卡额度怎么调整', '借记卡密码怎么修改'];

    it('counts in how many passages each feature occurs, keeping only features of two or more', () => {
      const statistics = createOfflineEmbedder().corpus.fit(passages);
      expect(statistics.documents).toBe(5);
      expect(statistics.frequencies['c:卡']).toBe(5);
      expect(statistics.frequencies['b:办理']).toBe(3);
      expect(statistics.frequencies['b:挂失']).toBeUndefined();
    });

    it('weighs queries by rarity, and passages not at all', async () => {
      const embedder = createOfflineEmbedder();
      const query = '信用卡挂失';
      const [passageBefore] = await embedder.embed([passages[2]!]);
      const [unweighted] = await embedder.embedQueries([query]);
      embedder.corpus.use(embedder.corpus.fit(passages));
      const [passageAfter] = await embedder.embed([passages[2]!]);
      const [weighted] = await embedder.embedQueries([query]);
      // Stored vectors never go stale when the statistics change.
      expect(passageAfter).toEqual(passageBefore);
      expect(weighted).not.toEqual(unweighted);
      // "挂失" (one passage) now outweighs "信用卡" (two passages): the lost-card passage wins over the credit-card ones.
      const vectors = await embedder.embed(passages);
      const scores = vectors.map((vector) => cosine(vector, weighted!));
      const unweightedScores = vectors.map((vector) => cosine(vector, unweighted!));
      expect(scores[2]).toBeGreaterThan(Math.max(scores[0]!, scores[3]!));
      expect(scores[2]! - scores[0]!).toBeGreaterThan(unweightedScores[2]! - unweightedScores[0]!);
      expect(norm(weighted!)).toBeCloseTo(1, 10);
    });

    it('weighs queries alike again without statistics, and embeds queries as passages then', async () => {
      const embedder = createOfflineEmbedder();
      embedder.corpus.use(embedder.corpus.fit(passages));
      embedder.corpus.use(undefined);
      expect(embedder.corpus.statistics).toBeUndefined();
      expect(await embedder.embedQueries(['信用卡挂失'])).toEqual(await embedder.embed(['信用卡挂失']));
    });

    it('never gives a query a zero or NaN weight, even for a feature in every passage', async () => {
      const embedder = createOfflineEmbedder({ dimensions: 64 });
      const statistics: CorpusStatistics = { documents: 3, frequencies: { 'c:卡': 3, 'w:卡': 3 } };
      embedder.corpus.use(statistics);
      const [vector] = await embedder.embedQueries(['卡']);
      expect(vector!.every(Number.isFinite)).toBe(true);
      expect(norm(vector!)).toBeCloseTo(1, 10);
    });
  });
});
