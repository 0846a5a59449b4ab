import { describe, expect, it } from 'vitest';
import type { SearchResult } from '../../src/retrieval/hybrid-search.js';
import { buildRetrievalQuery, preferApprovedWording, retrievalQueryMaxCharacters } from '../../src/suggestions/retrieval-query.js';

function result(overrides: Partial<SearchResult> & Pick<SearchResult, 'chunkId' | 'text'>): SearchResult {
  return { documentId: `d-${overrides.chunkId}`, externalId: `e-${overrides.chunkId}`, version: 1, title: 'T', kind: 'product', score: 0.1, confidence: 0.5, headingPath: [], language: 'zh', ...overrides };
}

describe('buildRetrievalQuery', () => {
  it('puts the latest customer turn first, adds earlier customer turns, leaves agent turns out', () => {
    const query = buildRetrievalQuery([
      { speaker: 'customer', text: '我想了解稳盈90天' },
      { speaker: 'agent', text: '好的，您想了解什么？' },
      { speaker: 'customer', text: '会不会亏本？' },
    ]);
    expect(query).toBe('会不会亏本？\n我想了解稳盈90天');
  });

  it('caps the length and the number of turns, and falls back to the last turn without a customer turn', () => {
    const long = buildRetrievalQuery(Array.from({ length: 10 }, (_value, index) => ({ speaker: 'customer' as const, text: `问题${index}`.repeat(40) })));
    expect(long.length).toBeLessThanOrEqual(retrievalQueryMaxCharacters + 3);
    expect(long.startsWith('问题9')).toBe(true);
    expect(buildRetrievalQuery([{ speaker: 'agent', text: 'How can I help?' }])).toBe('How can I help?');
    expect(buildRetrievalQuery([])).toBe('');
  });
});

describe('preferApprovedWording', () => {
  it('moves a fitting script ahead of products, keeps an unrelated script where it was', () => {
    const product = result({ chunkId: 'p', text: '信用卡年费为每年600元，刷卡满十二次免次年年费。' });
    const fitting = result({ chunkId: 's', kind: 'script', text: '“白金信用卡年费每年600元，刷卡满十二次可免次年年费。”' });
    const unrelated = result({ chunkId: 'u', kind: 'script', text: '“我先帮您办理临时挂失。”' });
    const ordered = preferApprovedWording([product, unrelated, fitting], '信用卡年费是多少，怎么免年费');
    expect(ordered.map((item) => item.chunkId)).toEqual(['s', 'p', 'u']);
  });
});
