import { describe, expect, it } from 'vitest';
import { chunkDocument, chunkFaqRow } from '../../src/knowledge/chunk-document.js';
import { analyzeSearchFields, joinSearchTokens, searchFieldsFromText, splitSearchTokens } from '../../src/text/search-fields.js';
import { searchTokens } from '../../src/text/segment-text.js';

describe('search fields', () => {
  it('stores a field as one space-separated string and reads back the same tokens', () => {
    const tokens = searchTokens('Ａnnual fee 年费怎么收？ 3.5% e-banking 卡');
    expect(tokens.length).toBeGreaterThan(5);
    expect(splitSearchTokens(joinSearchTokens(tokens))).toEqual(tokens);
    expect(splitSearchTokens(joinSearchTokens([]))).toEqual([]);
    // A token holding white space (searchTokens makes none) stays one token rather than becoming two.
    expect(splitSearchTokens(joinSearchTokens(['a b', 'c']))).toEqual(['a_b', 'c']);
  });

  it('indexes every question of a FAQ row, similar ones included, in the heading field and the answer in the body', () => {
    const chunk = chunkFaqRow({ id: 'f1', questions: ['信用卡怎么挂失', '卡丢了怎么办'], answer: '请致电客服热线办理挂失。', line: 1 });
    const fields = analyzeSearchFields({ title: '信用卡怎么挂失', kind: 'faq', heading: chunk.fields!.heading, body: chunk.fields!.body });
    expect(fields.headingTerms).toEqual(expect.arrayContaining(['信用卡', '挂失', '卡丢', '丢了']));
    expect(fields.bodyTerms).toEqual(expect.arrayContaining(['客服', '热线']));
    expect(fields.bodyTerms).not.toContain('卡丢');
    // The title of a FAQ row is its first question: not counted twice.
    expect(fields.headingTerms.filter((term) => term === '信用卡')).toHaveLength(1);
  });

  it("puts a document's title and heading path in the heading field", () => {
    const [chunk] = chunkDocument({ metadata: { title: '储蓄卡' }, blocks: [{ type: 'heading', level: 1, text: '年费标准' }, { type: 'paragraph', text: '每年收取十元。' }], text: '' });
    const fields = analyzeSearchFields({ title: '储蓄卡', kind: 'product', heading: chunk!.fields!.heading, body: chunk!.fields!.body });
    expect(fields.headingTerms).toEqual(expect.arrayContaining(['储蓄', '年费', '标准']));
    expect(fields.bodyTerms).not.toContain('年费');
  });

  it('rebuilds the fields of a chunk stored before they existed from its text', () => {
    const fields = searchFieldsFromText({ title: '信用卡怎么挂失', kind: 'faq', text: '金卡\nQ: 信用卡怎么挂失\nQ: 卡丢了怎么办\nA: 请致电客服热线。', headingPath: ['金卡'] });
    expect(fields.headingTerms).toEqual(expect.arrayContaining(['挂失', '丢了']));
    expect(fields.bodyTerms).toEqual(expect.arrayContaining(['客服']));
    expect(fields.bodyTerms).not.toContain('金卡');
  });

  it('keeps English function words (IDF weighs them), stems plurals and folds full-width text', () => {
    expect(searchTokens('How do I pay the FEES')).toEqual(['how', 'do', 'i', 'pay', 'the', 'fee']);
    expect(searchTokens('ＡＰＲ　年费')).toEqual(expect.arrayContaining(['apr', '年费']));
    expect(searchTokens('！！？？…… 😀😀')).toEqual([]);
  });
});
