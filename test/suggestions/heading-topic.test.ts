import { describe, expect, it } from 'vitest';
import type { SearchResult } from '../../src/retrieval/hybrid-search.js';
import { composeExtractiveReplies } from '../../src/suggestions/extractive-replies.js';
import { headingTopic } from '../../src/suggestions/heading-topic.js';

function passage(overrides: Partial<SearchResult> & Pick<SearchResult, 'chunkId' | 'text'>): SearchResult {
  return { documentId: `d-${overrides.chunkId}`, externalId: `e-${overrides.chunkId}`, version: 1, title: 'T', kind: 'script', score: 0.1, confidence: 0.5, headingPath: [], language: 'zh', ...overrides };
}

describe('headingTopic', () => {
  it('blanks the question words a heading quotes, keeping its topic words in place (zh, en)', () => {
    expect(headingTopic('客户追问“能不能退”').replace(/\s+/gu, '')).toBe('客户追问“退”');
    expect(headingTopic('客户问“利息是多少”').replace(/\s+/gu, '')).toBe('客户问“利息是”');
    expect(headingTopic('When can I close the account?').trim().replace(/\s+/gu, ' ')).toBe('close the account?');
    expect(headingTopic('年费减免')).toBe('年费减免');
  });
});

describe('a heading that quotes a question', () => {
  it('does not make its section answer a question asked with the same question words', () => {
    const unrelated = passage({
      chunkId: 'refund',
      title: '话术：保险退保',
      headingPath: ['话术：保险退保', '客户追问“会不会退钱”'],
      text: '话术：保险退保 > 客户追问“会不会退钱”\n“犹豫期过后退保只退现金价值，可能低于已交保费。”',
    });
    const replies = composeExtractiveReplies({ query: '明年会不会扣我钱', passages: [unrelated], language: 'zh', plain: false });
    expect(replies.some((reply) => reply.passage?.chunkId === 'refund')).toBe(false);
  });
});
