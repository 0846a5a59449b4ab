import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/knowledge/parse-text.js';

describe('parseText', () => {
  it('turns Chinese numbering into nested headings in order of appearance', () => {
    const source = [
      '信用卡章程',
      '',
      '第一章 总则',
      '',
      '第一条 为规范信用卡业务，制定本章程。',
      '',
      '一、年费',
      '金卡年费200元，首年免收。',
      '（一）减免条件',
      '刷卡满6次可免次年年费。',
      '',
      '二、违约金',
      '',
      '最低还款额未还部分的5%。',
    ].join('\n');
    const { blocks, metadata } = parseText(source);
    expect(metadata.title).toBe('信用卡章程');
    expect(blocks).toEqual([
      { type: 'heading', text: '信用卡章程', level: 1 },
      { type: 'heading', text: '第一章 总则', level: 2 },
      { type: 'paragraph', text: '第一条 为规范信用卡业务，制定本章程。' },
      { type: 'heading', text: '一、年费', level: 3 },
      { type: 'paragraph', text: '金卡年费200元，首年免收。' },
      { type: 'heading', text: '（一）减免条件', level: 4 },
      { type: 'paragraph', text: '刷卡满6次可免次年年费。' },
      { type: 'heading', text: '二、违约金', level: 3 },
      { type: 'paragraph', text: '最低还款额未还部分的5%。' },
    ]);
  });

  it('treats ALL CAPS and numbered short lines as headings, and joins wrapped English lines', () => {
    const source = 'ANNUAL FEES\n\nThe annual fee is charged\non the card anniversary.\n\n1. Waivers\n\nSpend six times a year and the fee is waived.';
    expect(parseText(source).blocks).toEqual([
      { type: 'heading', text: 'ANNUAL FEES', level: 1 },
      { type: 'paragraph', text: 'The annual fee is charged on the card anniversary.' },
      { type: 'heading', text: '1. Waivers', level: 2 },
      { type: 'paragraph', text: 'Spend six times a year and the fee is waived.' },
    ]);
  });

  it('keeps a numbered list a list, even with blank lines between the items', () => {
    const spaced = parseText('Steps to follow today\nare below.\n\n1. Verify identity\n\n2. Read the disclosure\n\n3. Confirm consent');
    expect(spaced.blocks.filter((block) => block.type === 'heading')).toEqual([]);
    expect(spaced.blocks.filter((block) => block.type === 'list-item').map((block) => block.text)).toEqual([
      '1. Verify identity',
      '2. Read the disclosure',
      '3. Confirm consent',
    ]);
    const compact = parseText('Before you start:\n- bring your ID\n- bring your card\n  and its PIN');
    expect(compact.blocks).toEqual([
      { type: 'paragraph', text: 'Before you start:' },
      { type: 'list-item', text: 'bring your ID' },
      { type: 'list-item', text: 'bring your card and its PIN' },
    ]);
  });

  it('does not take a sentence or a long line for a heading', () => {
    const { blocks } = parseText('1. The fee is waived when you spend six times.\n\nMore text here.');
    expect(blocks.every((block) => block.type !== 'heading')).toBe(true);
  });

  it('starts a new paragraph at a full-width indent after a finished sentence', () => {
    const { blocks } = parseText('　　第一段内容。\n　　第二段内容。');
    expect(blocks).toEqual([
      { type: 'paragraph', text: '第一段内容。' },
      { type: 'paragraph', text: '第二段内容。' },
    ]);
  });

  it('throws empty_document for blank input', () => {
    expect(() => parseText(' \n\n\t')).toThrow(expect.objectContaining({ code: 'empty_document' }));
  });
});
