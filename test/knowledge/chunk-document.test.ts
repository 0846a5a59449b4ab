import { describe, expect, it } from 'vitest';
import { chunkDocument, chunkFaqRow } from '../../src/knowledge/chunk-document.js';
import type { Block, Chunk, ParsedDocument } from '../../src/knowledge/knowledge-types.js';

function documentOf(blocks: Block[], title?: string): ParsedDocument {
  return { metadata: title === undefined ? {} : { title }, blocks, text: blocks.map((block) => block.text).join('\n') };
}

/** The chunk text without its breadcrumb line. */
function bodyOf(chunk: Chunk): string {
  return chunk.headingPath.length === 0 ? chunk.text : chunk.text.slice(chunk.text.indexOf('\n') + 1);
}

const heading = (text: string, level: number): Block => ({ type: 'heading', text, level });
const paragraph = (text: string): Block => ({ type: 'paragraph', text });

describe('chunkDocument', () => {
  it('carries the heading path, opens each chunk with it as a breadcrumb and closes chunks at headings', () => {
    const chunks = chunkDocument(
      documentOf(
        [
          heading('信用卡费用', 1),
          paragraph('本文说明信用卡的各项费用。'),
          heading('年费', 2),
          paragraph('金卡年费200元。'),
          heading('减免', 3),
          paragraph('刷卡满6次免次年年费。'),
          heading('违约金', 2),
          paragraph('最低还款额未还部分的5%。'),
        ],
        'Ignored title',
      ),
    );
    expect(chunks).toEqual([
      { ordinal: 0, headingPath: ['信用卡费用'], text: '信用卡费用\n本文说明信用卡的各项费用。', fields: { heading: '信用卡费用', body: '本文说明信用卡的各项费用。' } },
      { ordinal: 1, headingPath: ['信用卡费用', '年费'], text: '信用卡费用 > 年费\n金卡年费200元。', fields: { heading: '信用卡费用\n年费', body: '金卡年费200元。' } },
      { ordinal: 2, headingPath: ['信用卡费用', '年费', '减免'], text: '信用卡费用 > 年费 > 减免\n刷卡满6次免次年年费。', fields: { heading: '信用卡费用\n年费\n减免', body: '刷卡满6次免次年年费。' } },
      { ordinal: 3, headingPath: ['信用卡费用', '违约金'], text: '信用卡费用 > 违约金\n最低还款额未还部分的5%。', fields: { heading: '信用卡费用\n违约金', body: '最低还款额未还部分的5%。' } },
    ]);
  });

  it('uses the document title as the path only where no heading encloses the text', () => {
    expect(chunkDocument(documentOf([paragraph('Only text.')], 'Fee Guide'))).toEqual([{ ordinal: 0, headingPath: ['Fee Guide'], text: 'Fee Guide\nOnly text.', fields: { heading: 'Fee Guide', body: 'Only text.' } }]);
    expect(chunkDocument(documentOf([paragraph('No title.')]))).toEqual([{ ordinal: 0, headingPath: [], text: 'No title.', fields: { heading: '', body: 'No title.' } }]);
  });

  it('packs consecutive blocks up to maxChars', () => {
    const blocks = Array.from({ length: 12 }, (_, index) => paragraph(`Paragraph ${index} ${'x'.repeat(80)}.`));
    const chunks = chunkDocument(documentOf([heading('Fees', 1), ...blocks]), { maxChars: 300, minChars: 50 });
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) expect(bodyOf(chunk).length).toBeLessThanOrEqual(300);
    expect(chunks.flatMap((chunk) => bodyOf(chunk).split('\n'))).toEqual(blocks.map((block) => block.text));
  });

  it('splits a long Chinese paragraph only at sentence ends', () => {
    const sentences = ['信用卡年费按年收取，金卡每年200元。', '首年免收年费！', '次年起刷卡满6次可免次年年费？', '以上规则以最新公告为准；', '如有疑问请致电客服热线咨询。'];
    const text = Array.from({ length: 30 }, (_, index) => sentences[index % sentences.length]).join('');
    const chunks = chunkDocument(documentOf([heading('年费', 1), paragraph(text)]), { maxChars: 100, minChars: 20 });
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks) {
      expect(bodyOf(chunk).length).toBeLessThanOrEqual(100);
      expect(bodyOf(chunk)).toMatch(/[。！？；]$/u);
    }
    expect(chunks.map(bodyOf).join('')).toBe(text);
  });

  it('splits long English text at sentence ends but not after abbreviations or inside numbers', () => {
    const text = 'The fee is 5.5% of the balance, e.g. on a balance of 1,000 it is 55. It is charged monthly! Is it refundable? No; never. '.repeat(6).trim();
    const chunks = chunkDocument(documentOf([paragraph(text)]), { maxChars: 130, minChars: 10 });
    const bodies = chunks.map(bodyOf);
    for (const body of bodies) {
      expect(body.length).toBeLessThanOrEqual(130);
      expect(body).toMatch(/[.!?;]$/u);
      expect(body).not.toMatch(/e\.g\.$/u);
    }
    expect(bodies.join(' ')).toBe(text);
  });

  it('cuts a single over-long sentence at commas, then hard', () => {
    const clauses = Array.from({ length: 10 }, (_, index) => `第${index}项条件需要满足`).join('，');
    const chunks = chunkDocument(documentOf([paragraph(`${clauses}。`)]), { maxChars: 40, minChars: 5 });
    expect(chunks.slice(0, -1).every((chunk) => /[，]$/u.test(bodyOf(chunk)))).toBe(true);
    expect(chunks.map(bodyOf).join('')).toBe(`${clauses}。`);

    const unbroken = '无'.repeat(95);
    const hard = chunkDocument(documentOf([paragraph(unbroken)]), { maxChars: 40, minChars: 5 }).map(bodyOf);
    expect(hard).toEqual(['无'.repeat(40), '无'.repeat(40), '无'.repeat(15)]);
  });

  it('never splits a table row and starts every chunk of rows with the header row', () => {
    const tableHeader = '卡种 | 年费 | 说明';
    const rows = Array.from({ length: 30 }, (_, index): Block => ({ type: 'table-row', text: `卡${index} | ${index * 100}元 | 说明${'字'.repeat(index % 7)}`, tableHeader }));
    const long: Block = { type: 'table-row', text: `超长卡 | 0元 | ${'很长的说明'.repeat(40)}`, tableHeader };
    const chunks = chunkDocument(documentOf([heading('费用表', 1), paragraph('下表列出年费。'), ...rows, long]), { maxChars: 150, minChars: 30 });
    const seen: string[] = [];
    for (const chunk of chunks) {
      const lines = bodyOf(chunk).split('\n');
      const firstRow = lines.findIndex((line) => line.includes('元 |'));
      expect(lines[firstRow - 1]).toBe(tableHeader);
      seen.push(...lines.filter((line) => line !== tableHeader && line !== '下表列出年费。'));
    }
    expect(seen).toEqual([...rows, long].map((row) => row.text));
  });

  it('merges a tiny trailing piece into the previous chunk of the same section only', () => {
    const blocks = [heading('A', 1), paragraph('x'.repeat(90)), paragraph('y'.repeat(90)), paragraph('tail.'), heading('B', 1), paragraph('short.')];
    const chunks = chunkDocument(documentOf(blocks), { maxChars: 100, minChars: 20 });
    expect(chunks.map(bodyOf)).toEqual(['x'.repeat(90), `${'y'.repeat(90)}\ntail.`, 'short.']);
  });

  it('marks list items and keeps numbered ones as written', () => {
    const chunks = chunkDocument(documentOf([{ type: 'list-item', text: 'bring ID' }, { type: 'list-item', text: '2. sign' }]));
    expect(chunks[0]?.text).toBe('- bring ID\n2. sign');
  });

  it('splits long code at line ends', () => {
    const code = Array.from({ length: 10 }, (_, index) => `line ${index} ${'z'.repeat(20)}`).join('\n');
    const chunks = chunkDocument(documentOf([{ type: 'code', text: code }]), { maxChars: 100, minChars: 10 });
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.map(bodyOf).join('\n')).toBe(code);
  });

  it('is deterministic and gives sequential ordinals', () => {
    const blocks = Array.from({ length: 50 }, (_, index) => (index % 7 === 0 ? heading(`H${index}`, 1 + (index % 3)) : paragraph(`句子${index}。`.repeat(index))));
    const first = chunkDocument(documentOf(blocks), { maxChars: 200 });
    expect(chunkDocument(documentOf(blocks), { maxChars: 200 })).toEqual(first);
    expect(first.map((chunk) => chunk.ordinal)).toEqual(first.map((_, index) => index));
  });

  it('indexes a document of headings only rather than nothing', () => {
    expect(chunkDocument(documentOf([heading('Only', 1), heading('Headings', 2)]))).toEqual([{ ordinal: 0, headingPath: [], text: 'Only\nHeadings', fields: { heading: 'Only\nHeadings', body: '' } }]);
  });
});

describe('chunkFaqRow', () => {
  it('keeps every question and the whole answer in one chunk, however long', () => {
    const answer = '年费规则如下。'.repeat(300);
    const chunk = chunkFaqRow({ id: 'f1', questions: ['年费多少？', '年费怎么收？'], answer, product: '金卡', line: 2 });
    expect(chunk).toEqual({ ordinal: 0, headingPath: ['金卡'], text: `金卡\nQ: 年费多少？\nQ: 年费怎么收？\nA: ${answer}`, fields: { heading: '年费多少？\n年费怎么收？', body: answer } });
  });

  it('has no breadcrumb without a product', () => {
    expect(chunkFaqRow({ id: 'f2', questions: ['Late fee?'], answer: '5%.', line: 3 }).text).toBe('Q: Late fee?\nA: 5%.');
  });
});
