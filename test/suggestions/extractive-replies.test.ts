import { describe, expect, it } from 'vitest';
import type { SearchResult } from '../../src/retrieval/hybrid-search.js';
import { handoverReply } from '../../src/suggestions/approved-wording.js';
import { composeExtractiveReplies, passageSentences } from '../../src/suggestions/extractive-replies.js';

function result(overrides: Partial<SearchResult> & Pick<SearchResult, 'chunkId' | 'text'>): SearchResult {
  return { documentId: `d-${overrides.chunkId}`, externalId: `e-${overrides.chunkId}`, version: 1, title: 'T', kind: 'product', score: 0.1, headingPath: [], language: 'zh', ...overrides };
}

describe('extractive replies', () => {
  it('strips the breadcrumb, headings, FAQ questions and quotes', () => {
    expect(passageSentences(result({ chunkId: 'a', headingPath: ['年费', '减免'], text: '年费 > 减免\nQ: 年费能免吗？\nA: 刷卡满十二次可免次年年费。' }))).toEqual(['刷卡满十二次可免次年年费。']);
    expect(passageSentences(result({ chunkId: 'b', kind: 'script', text: '- 白金卡：“年费为每年600元。”' }))).toEqual(['年费为每年600元。']);
  });

  it('answers from distinct passages, keeps replies to three sentences, two for plain wording, and ends with the hand-over', () => {
    const passages = [
      result({ chunkId: 'a', text: '年费为每年600元。刷卡满十二次免年费。年费可以申请减免。减免每年一次。年费在账单日收取。' }),
      result({ chunkId: 'b', text: '年费减免须在账单日前申请。' }),
    ];
    const replies = composeExtractiveReplies({ query: '年费多少，能减免吗', passages, language: 'zh', plain: false });
    expect(replies.map((reply) => reply.passage?.chunkId)).toEqual(['a', 'b', undefined]);
    expect(replies[0]?.sentences.length).toBeLessThanOrEqual(3);
    const plain = composeExtractiveReplies({ query: '年费多少，能减免吗', passages, language: 'zh', plain: true });
    expect(plain[0]?.sentences.length).toBeLessThanOrEqual(2);
    expect(replies.at(-1)?.passage).toBeUndefined();
  });

  it('hands over when the passages share almost nothing with the question', () => {
    const passages = [result({ chunkId: 'a', text: '年费为每年600元。' })];
    const replies = composeExtractiveReplies({ query: '外汇牌价是多少', passages, language: 'zh', plain: false });
    expect(replies).toEqual([{ text: handoverReply('zh'), sentences: [handoverReply('zh')] }]);
  });
});
