import { PDFDocument, StandardFonts } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import type { IngestError } from '../../src/knowledge/ingest-error.js';
import { formatFromFileName, parseDocument } from '../../src/knowledge/parse-document.js';
import type { DocumentFormat } from '../../src/knowledge/knowledge-types.js';

async function rejection(format: DocumentFormat, body: string | Uint8Array): Promise<IngestError> {
  try {
    await parseDocument({ format, body });
  } catch (error) {
    return error as IngestError;
  }
  throw new Error('expected parseDocument to reject');
}

describe('formatFromFileName', () => {
  it.each([
    ['fees.md', 'markdown'],
    ['docs/FEES.MARKDOWN', 'markdown'],
    ['notes.txt', 'text'],
    ['page.htm', 'html'],
    ['page.html', 'html'],
    ['faq.csv', 'csv'],
    ['faq.jsonl', 'jsonl'],
    ['terms.v2.PDF', 'pdf'],
  ])('%s -> %s', (name, format) => {
    expect(formatFromFileName(name)).toBe(format);
  });

  it.each(['README', 'image.png', 'archive.tar.gz', '.md/', 'data.json'])('%s -> undefined', (name) => {
    expect(formatFromFileName(name)).toBeUndefined();
  });
});

describe('parseDocument', () => {
  it('decodes UTF-8 bytes with a BOM and dispatches markdown', async () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('# 年费\n\n金卡200元。')]);
    const parsed = await parseDocument({ format: 'markdown', body: bytes });
    expect(parsed.blocks).toEqual([{ type: 'heading', text: '年费', level: 1 }, { type: 'paragraph', text: '金卡200元。' }]);
    expect(parsed.metadata.title).toBe('年费');
  });

  it('dispatches text and html', async () => {
    expect((await parseDocument({ format: 'text', body: 'Plain words.' })).blocks).toEqual([{ type: 'paragraph', text: 'Plain words.' }]);
    expect((await parseDocument({ format: 'html', body: '<p>Hello <b>there</b>.</p>' })).text).toBe('Hello there.');
  });

  it('rejects bytes that are not UTF-8 (GBK) as invalid_encoding', async () => {
    const gbk = new Uint8Array([0xd0, 0xc5, 0xd3, 0xc3, 0xbf, 0xa8, 0xc4, 0xea, 0xb7, 0xd1]); // 信用卡年费 in GBK
    const error = await rejection('text', gbk);
    expect(error.code).toBe('invalid_encoding');
    expect(error.message).toMatch(/UTF-8/);
  });

  it('rejects text with NUL characters as invalid_encoding', async () => {
    expect((await rejection('markdown', 'abc\u0000def')).code).toBe('invalid_encoding');
  });

  it.each<DocumentFormat>(['markdown', 'text', 'html', 'csv', 'jsonl'])('rejects an empty %s body as empty_document', async (format) => {
    expect((await rejection(format, '  \n\n ')).code).toBe('empty_document');
    expect((await rejection(format, new Uint8Array())).code).toBe('empty_document');
  });

  it('reads a single CSV document as table rows under its header', async () => {
    const parsed = await parseDocument({ format: 'csv', body: '卡种,年费\n金卡,200元\n"白金卡","2000\n元"\n' });
    expect(parsed.blocks).toEqual([
      { type: 'table-row', text: '金卡 | 200元', tableHeader: '卡种 | 年费' },
      { type: 'table-row', text: '白金卡 | 2000 元', tableHeader: '卡种 | 年费' },
    ]);
  });

  it('reads a single JSONL document line by line and names a broken line', async () => {
    const parsed = await parseDocument({ format: 'jsonl', body: '{"card":"金卡","fee":200}\n\n"free text"\n' });
    expect(parsed.blocks).toEqual([
      { type: 'paragraph', text: 'card: 金卡; fee: 200' },
      { type: 'paragraph', text: 'free text' },
    ]);
    expect(await rejection('jsonl', '{"a":1}\n{"a":\n')).toMatchObject({ code: 'invalid_json', line: 2 });
  });

  it('parses PDF bytes and refuses a PDF sent as text', async () => {
    const document = await PDFDocument.create();
    document.addPage().drawText('Annual fee is 200.', { x: 50, y: 700, size: 12, font: await document.embedFont(StandardFonts.Helvetica) });
    const parsed = await parseDocument({ format: 'pdf', body: await document.save() });
    expect(parsed.text).toBe('Annual fee is 200.');
    expect((await rejection('pdf', '%PDF-1.7 ...')).code).toBe('invalid_pdf');
  });

  it('refuses NUL characters and lone surrogates that only appear after parsing (JSONL and front-matter escapes)', async () => {
    expect((await rejection('jsonl', '{"note":"a\\u0000b"}')).code).toBe('invalid_encoding');
    expect((await rejection('markdown', '---\ntitle: "x\\0y"\n---\n# t\n\nbody')).code).toBe('invalid_encoding');
    expect((await rejection('jsonl', '{"note":"\\udc00"}')).message).toContain('surrogate');
  });
});
