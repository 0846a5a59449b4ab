import { describe, expect, it } from 'vitest';
import { Bm25Index, type IndexedChunk } from '../../src/retrieval/bm25-index.js';
import { matchFeaturesOf, namingLines, QueryMatcher } from '../../src/retrieval/rerank-features.js';

function chunk(id: string, headingTerms: string[], bodyTerms: string[]): IndexedChunk {
  return { id, documentId: id, version: 1, kind: 'faq', product: null, language: 'zh', status: 'approved', effectiveFrom: null, effectiveUntil: null, retired: false, headingTerms, bodyTerms };
}

function indexOf(chunks: IndexedChunk[]): Bm25Index {
  const index = new Bm25Index();
  for (const item of chunks) index.replaceDocument(item.id, [item], [{ version: 1, status: 'approved', effectiveFrom: null, effectiveUntil: null }]);
  return index;
}

describe('Bm25Index.fieldCoverage', () => {
  const filler = Array.from({ length: 10 }, (_, number) => chunk(`f${number}`, ['怎么', `话题${number}`], ['内容']));
  const index = indexOf([...filler, chunk('card', ['怎么', '挂失', '信用卡'], ['致电', '客服']), chunk('short', ['挂失'], ['柜台'])]);

  it('measures the query in each field and the heading in the query, by IDF weight', () => {
    const coverage = index.fieldCoverage('card', ['怎么', '挂失', '客服']);
    const total = index.idf('怎么') + index.idf('挂失') + index.idf('客服');
    expect(coverage.queryInHeading).toBeCloseTo((index.idf('怎么') + index.idf('挂失')) / total, 9);
    expect(coverage.queryInBody).toBeCloseTo(index.idf('客服') / total, 9);
    // The heading's rare word 信用卡 is missing from the query, its common 怎么 is not: most of its weight is missing.
    expect(coverage.headingInQuery).toBeGreaterThan(0);
    expect(coverage.headingInQuery).toBeLessThan(0.7);
    // A one-word question fully inside a longer query is fully covered, though it covers little of the query.
    const short = index.fieldCoverage('short', ['怎么', '挂失', '客服']);
    expect(short.headingInQuery).toBe(1);
    expect(short.queryInHeading).toBeLessThan(1);
  });

  it('is zero for a chunk it does not hold', () => {
    expect(index.fieldCoverage('missing', ['挂失'])).toEqual({ queryInHeading: 0, queryInBody: 0, headingInQuery: 0 });
  });
});

describe('namingLines', () => {
  it("reads a FAQ chunk's questions, every similar one included, and a document's title and headings", () => {
    expect(namingLines({ kind: 'faq', text: '产品甲\nQ: 第一问\nQ: 另一问\nA: 回答', title: '第一问', headingPath: ['产品甲'] })).toEqual(['第一问', '另一问']);
    expect(namingLines({ kind: 'policy', text: '正文', title: '手册', headingPath: ['第一章', '费用'] })).toEqual(['手册', '第一章', '费用']);
  });
});

describe('matchFeaturesOf', () => {
  const index = indexOf([chunk('a', ['卡片', '挂失'], ['内容']), chunk('b', ['挂失', '卡片'], ['内容'])]);

  it('sees word order the bag of terms does not: the same characters in the same order score higher', () => {
    const inOrder = matchFeaturesOf(index, 'a', ['卡片', '挂失'], '卡片挂失', ['卡片挂失']);
    const swapped = matchFeaturesOf(index, 'b', ['卡片', '挂失'], '卡片挂失', ['挂失卡片']);
    expect(inOrder.orderedInQuestion).toBe(1);
    expect(inOrder.sharedRun).toBe(1);
    expect(swapped.orderedInQuestion).toBe(0.5);
    expect(swapped.sharedRun).toBe(0.5);
    // The bag-of-terms coverage cannot tell them apart.
    expect(swapped.headingInQuery).toBe(inOrder.headingInQuery);
  });

  it('takes the best of several naming lines, and ignores punctuation, width and case', () => {
    const features = matchFeaturesOf(index, 'a', ['卡片'], 'ＡＢ卡片，挂失？', ['无关的问题', 'ab卡片挂失']);
    expect(features.orderedInQuestion).toBe(1);
    expect(features.orderedInQuery).toBe(1);
  });

  it('measures how close the lengths of query and best naming line are', () => {
    expect(matchFeaturesOf(index, 'a', ['卡片'], '卡片挂失', ['卡片挂失']).lengthRatio).toBe(1);
    expect(matchFeaturesOf(index, 'a', ['卡片'], '卡片', ['卡片挂失']).lengthRatio).toBe(0.5);
  });

  it('stays bounded on a very long query and is zero without naming lines', () => {
    const features = matchFeaturesOf(index, 'a', ['卡片'], '卡片挂失'.repeat(2_000), ['卡片挂失']);
    expect(features.orderedInQuestion).toBe(1);
    expect(features.orderedInQuery).toBeLessThan(0.1);
    expect(matchFeaturesOf(index, 'a', ['卡片'], '卡片', [])).toMatchObject({ orderedInQuestion: 0, orderedInQuery: 0, sharedRun: 0 });
  });
});

describe('QueryMatcher', () => {
  it("gives each candidate what matchFeaturesOf gives, and a coverage prepared before a write follows the index's new statistics", () => {
    const index = indexOf([chunk('a', ['卡片', '挂失'], ['内容', '卡片']), chunk('b', ['挂失', '年费'], ['内容']), chunk('c', ['其他'], ['挂失'])]);
    const matcher = new QueryMatcher(index, ['卡片', '挂失', '客服'], '卡片怎么挂失');
    for (const [id, lines] of [['a', ['卡片挂失']], ['b', ['挂失年费', '年费怎么算']], ['c', []], ['missing', ['卡片']]] as const) {
      expect(matcher.featuresOf(id, lines)).toEqual(matchFeaturesOf(index, id, ['卡片', '挂失', '客服'], '卡片怎么挂失', lines));
    }
    const prepared = index.coverageQuery(['卡片', '挂失']);
    const before = index.fieldCoverage('a', prepared);
    index.replaceDocument('d', [chunk('d', ['卡片'], ['卡片'])], [{ version: 1, status: 'approved', effectiveFrom: null, effectiveUntil: null }]);
    expect(index.fieldCoverage('a', prepared)).toEqual(index.fieldCoverage('a', ['卡片', '挂失']));
    expect(index.fieldCoverage('a', prepared)).not.toEqual(before);
  });
});
