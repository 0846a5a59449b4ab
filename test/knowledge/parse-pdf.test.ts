import { PDFDocument, PDFHexString, PDFName, StandardFonts } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import type { IngestError } from '../../src/knowledge/ingest-error.js';
import { parsePdf } from '../../src/knowledge/parse-pdf.js';

interface TextLine {
  text: string;
  y: number;
  size?: number;
  bold?: boolean;
}

async function buildPdf(pages: TextLine[][], options: { title?: string } = {}): Promise<Uint8Array> {
  const document = await PDFDocument.create();
  const regular = await document.embedFont(StandardFonts.Helvetica);
  const bold = await document.embedFont(StandardFonts.HelveticaBold);
  if (options.title) document.setTitle(options.title);
  for (const lines of pages) {
    const page = document.addPage([595, 842]);
    for (const line of lines) page.drawText(line.text, { x: 56, y: line.y, size: line.size ?? 11, font: line.bold ? bold : regular });
  }
  return document.save();
}

async function rejection(bytes: Uint8Array): Promise<IngestError> {
  try {
    await parsePdf(bytes);
  } catch (error) {
    return error as IngestError;
  }
  throw new Error('expected parsePdf to reject');
}

const footer = (page: number): TextLine => ({ text: `Page ${page} of 3`, y: 30, size: 9 });
const header: TextLine = { text: 'Example Bank - Card Terms', y: 810, size: 9 };

describe('parsePdf', () => {
  it('rebuilds headings, wrapped paragraphs, list items and pages from the text layer', async () => {
    const bytes = await buildPdf([
      [
        header,
        { text: 'Credit Card Terms', y: 760, size: 20, bold: true },
        { text: 'Annual fee', y: 720, size: 14, bold: true },
        { text: 'The annual fee is waived in the first year. After that it is', y: 696 },
        { text: 'charged each year on the card anniversary.', y: 682 },
        { text: 'Spend six times in a year and the next annual fee is waived.', y: 656 },
        { text: '- Online purchases count towards the six.', y: 630 },
        { text: '- Cash withdrawals do not count.', y: 616 },
        footer(1),
      ],
      [header, { text: 'Late payment', y: 760, size: 14, bold: true }, { text: 'The late fee is 5% of the minimum payment due.', y: 736 }, footer(2)],
      [header, { text: 'Disputes', y: 760, size: 14, bold: true }, { text: 'Call us within 60 days of the statement date.', y: 736 }, footer(3)],
    ]);
    const parsed = await parsePdf(bytes);
    expect(parsed.metadata.title).toBe('Credit Card Terms');
    expect(parsed.blocks).toEqual([
      { type: 'heading', text: 'Credit Card Terms', level: 1 },
      { type: 'heading', text: 'Annual fee', level: 2 },
      { type: 'paragraph', text: 'The annual fee is waived in the first year. After that it is charged each year on the card anniversary.' },
      { type: 'paragraph', text: 'Spend six times in a year and the next annual fee is waived.' },
      { type: 'list-item', text: 'Online purchases count towards the six.' },
      { type: 'list-item', text: 'Cash withdrawals do not count.' },
      { type: 'heading', text: 'Late payment', level: 2 },
      { type: 'paragraph', text: 'The late fee is 5% of the minimum payment due.' },
      { type: 'heading', text: 'Disputes', level: 2 },
      { type: 'paragraph', text: 'Call us within 60 days of the statement date.' },
    ]);
    expect(parsed.text).not.toContain('Page 2 of 3');
    expect(parsed.text).not.toContain('Example Bank - Card Terms');
  });

  it('prefers the title in the PDF info dictionary and leaves the caller bytes usable', async () => {
    const bytes = await buildPdf([[{ text: 'Some body text for the document.', y: 700 }]], { title: 'Fee Schedule 2025' });
    const copy = bytes.slice();
    const parsed = await parsePdf(bytes);
    expect(parsed.metadata.title).toBe('Fee Schedule 2025');
    expect(bytes).toEqual(copy);
  });

  it('rejects random bytes as invalid_pdf', async () => {
    const random = Uint8Array.from({ length: 4096 }, (_, index) => (index * 7919 + 13) % 251);
    const error = await rejection(random);
    expect(error).toMatchObject({ code: 'invalid_pdf' });
    expect(error.message).toMatch(/not a PDF/);
  });

  it('rejects a truncated PDF as invalid_pdf', async () => {
    const bytes = await buildPdf([[{ text: 'Body text that will be cut off.', y: 700 }]]);
    const error = await rejection(bytes.slice(0, Math.floor(bytes.length * 0.6)));
    expect(error.code).toBe('invalid_pdf');
    expect(error.message).toMatch(/truncated/);
  });

  it('rejects a PDF whose structure is garbage behind a valid header as invalid_pdf', async () => {
    const bytes = new TextEncoder().encode(`%PDF-1.7\n${'garbage '.repeat(200)}\n%%EOF\n`);
    const error = await rejection(bytes);
    expect(error.code).toBe('invalid_pdf');
    expect(error.message).toMatch(/corrupt|could not be read/);
  });

  it('rejects an encrypted PDF as invalid_pdf with a clear message', async () => {
    const document = await PDFDocument.create();
    document.addPage().drawText('secret', { x: 50, y: 700, size: 12, font: await document.embedFont(StandardFonts.Helvetica) });
    const context = document.context;
    const encrypt = context.obj({
      Filter: PDFName.of('Standard'),
      V: 1,
      R: 2,
      O: PDFHexString.of('11'.repeat(32)),
      U: PDFHexString.of('22'.repeat(32)),
      P: -4,
    });
    context.trailerInfo.Encrypt = context.register(encrypt);
    context.trailerInfo.ID = context.obj([PDFHexString.of('ab'.repeat(16)), PDFHexString.of('ab'.repeat(16))]);
    const error = await rejection(await document.save({ useObjectStreams: false }));
    expect(error.code).toBe('invalid_pdf');
    expect(error.message).toMatch(/encrypted/);
  });

  it('rejects a PDF without a text layer as empty_document', async () => {
    const document = await PDFDocument.create();
    document.addPage().drawRectangle({ x: 10, y: 10, width: 100, height: 100 });
    const error = await rejection(await document.save());
    expect(error.code).toBe('empty_document');
    expect(error.message).toMatch(/no text layer/);
  });
});
