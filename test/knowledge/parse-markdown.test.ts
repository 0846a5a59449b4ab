import { describe, expect, it } from 'vitest';
import { IngestError } from '../../src/knowledge/ingest-error.js';
import { parseMarkdown, stripInlineMarkdown } from '../../src/knowledge/parse-markdown.js';

const creditCardFees = `---
title: 信用卡费用说明
kind: product
product: 金卡
productAliases: [金穗卡, gold card]
riskLevel: R2
tags: 费用, 年费
effectiveFrom: 2025-01-01
effectiveUntil: 2025-12-31T23:59:59+08:00
---
# 信用卡费用

本说明适用于**金卡**持卡人，详见[官网](https://example.com/fees)。

## 年费

| 卡种 | 年费 | 减免条件 |
| --- | ---: | --- |
| 金卡 | 200元 | 刷卡满6次 |
| 白金卡 | 2000元 | 积分兑换 \\| 消费满20万 |

- 首年免年费
- 次年起按标准收取
  （可申请减免）

1. 致电客服
2. 核实身份

\`\`\`
代码 保持原样
  缩进
\`\`\`

Late fee
--------

Charged at 5% of the minimum payment.
`;

describe('parseMarkdown', () => {
  it('reads validated front matter into metadata', () => {
    const { metadata } = parseMarkdown(creditCardFees);
    expect(metadata).toEqual({
      title: '信用卡费用说明',
      kind: 'product',
      product: '金卡',
      productAliases: ['金穗卡', 'gold card'],
      riskLevel: 'R2',
      tags: ['费用', '年费'],
      effectiveFrom: '2025-01-01',
      effectiveUntil: '2025-12-31T23:59:59+08:00',
    });
  });

  it('turns headings, paragraphs, list items, code and setext headings into blocks', () => {
    const { blocks } = parseMarkdown(creditCardFees);
    expect(blocks.map((block) => block.type)).toEqual([
      'heading', 'paragraph', 'heading', 'table-row', 'table-row', 'list-item', 'list-item', 'list-item', 'list-item', 'code', 'heading', 'paragraph',
    ]);
    expect(blocks[0]).toEqual({ type: 'heading', text: '信用卡费用', level: 1 });
    expect(blocks[1]?.text).toBe('本说明适用于金卡持卡人，详见官网。');
    expect(blocks[7]?.text).toBe('1. 致电客服');
    expect(blocks[6]?.text).toBe('次年起按标准收取（可申请减免）');
    expect(blocks[9]?.text).toBe('代码 保持原样\n  缩进');
    expect(blocks[10]).toEqual({ type: 'heading', text: 'Late fee', level: 2 });
  });

  it('keeps every GFM table row as its own block with the header row', () => {
    const rows = parseMarkdown(creditCardFees).blocks.filter((block) => block.type === 'table-row');
    expect(rows).toEqual([
      { type: 'table-row', text: '金卡 | 200元 | 刷卡满6次', tableHeader: '卡种 | 年费 | 减免条件' },
      { type: 'table-row', text: '白金卡 | 2000元 | 积分兑换 | 消费满20万', tableHeader: '卡种 | 年费 | 减免条件' },
    ]);
  });

  it('falls back to the first level-1 heading for the title', () => {
    const { metadata } = parseMarkdown('Intro line.\n\n## Not this\n\n# Card Fees\n\nText.');
    expect(metadata.title).toBe('Card Fees');
  });

  it('joins hard-wrapped English lines with spaces and Chinese lines without', () => {
    const { blocks } = parseMarkdown('The annual fee\nis waived.\n\n年费首年\n免收。');
    expect(blocks.map((block) => block.text)).toEqual(['The annual fee is waived.', '年费首年免收。']);
  });

  it('puts the header before the first row in the plain text, once', () => {
    const { text } = parseMarkdown('| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |');
    expect(text).toBe('a | b\n1 | 2\n3 | 4');
  });

  it('rejects invalid front matter naming the field', () => {
    const attempt = (): unknown => parseMarkdown('---\nriskLevel: R9\n---\n# x\n\ny');
    expect(attempt).toThrow(IngestError);
    expect(attempt).toThrow(/riskLevel/);
    try {
      attempt();
    } catch (error) {
      expect(error).toMatchObject({ code: 'invalid_front_matter', field: 'riskLevel' });
    }
  });

  it('rejects a document with front matter only as empty', () => {
    expect(() => parseMarkdown('---\ntitle: x\n---\n\n')).toThrow(expect.objectContaining({ code: 'empty_document' }));
  });

  it('handles CRLF line endings and a BOM', () => {
    const { blocks, metadata } = parseMarkdown('\ufeff---\r\ntitle: T\r\n---\r\n# H\r\n\r\nBody text.\r\n');
    expect(metadata.title).toBe('T');
    expect(blocks).toEqual([{ type: 'heading', text: 'H', level: 1 }, { type: 'paragraph', text: 'Body text.' }]);
  });
});

describe('stripInlineMarkdown', () => {
  it('removes emphasis, links, images and tags but keeps code span text and snake_case', () => {
    expect(stripInlineMarkdown('**bold** _em_ ![logo](x.png) [link](http://a) `a*b*c` <br/>snake_case ~~old~~')).toBe(
      'bold em logo link a*b*c snake_case old',
    );
  });
});
