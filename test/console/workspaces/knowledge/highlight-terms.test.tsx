import { describe, expect, it } from 'vitest';
import { highlightTerms } from '../../../../console/src/workspaces/knowledge/highlight-terms';

const marked = (text: string, terms: string[]) => highlightTerms(text, terms).filter((piece) => piece.matched).map((piece) => piece.text);

describe('highlightTerms', () => {
  it('marks every occurrence, ignoring case, and keeps the text whole', () => {
    const pieces = highlightTerms('Annual fee: the annual FEE is waived', ['annual', 'fee']);
    expect(pieces.map((piece) => piece.text).join('')).toBe('Annual fee: the annual FEE is waived');
    expect(marked('Annual fee: the annual FEE is waived', ['annual', 'fee'])).toEqual(['Annual', 'fee', 'annual', 'FEE']);
  });

  it('merges overlapping matches (CJK n-grams) into one span', () => {
    expect(marked('信用卡年费怎么收', ['信用', '用卡', '年费'])).toEqual(['信用卡年费']);
  });

  it('marks nothing for no or blank terms', () => {
    expect(highlightTerms('abc', [])).toEqual([{ text: 'abc', matched: false }]);
    expect(highlightTerms('abc', ['  '])).toEqual([{ text: 'abc', matched: false }]);
    expect(highlightTerms('', ['a'])).toEqual([]);
  });
});
