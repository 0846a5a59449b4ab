import { extractTextItems, getDocumentProxy } from 'unpdf';
import { IngestError } from './ingest-error.js';
import type { Block, ParsedDocument } from './knowledge-types.js';
import { headingClass, isStrongHeadingClass } from './parse-text.js';
import { blocksToText, joinLines } from './parse-text-lines.js';

interface TextItem {
  str: string;
  x: number;
  y: number;
  width: number;
  fontSize: number;
  hasEOL: boolean;
}

interface Line {
  text: string;
  x: number;
  y: number;
  right: number;
  fontSize: number;
  page: number;
}

const cjk = /[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]/u;
const sentenceEnd = /[。！？；.!?;:：」”"')）]$/u;
const bullet = /^(?:[•●▪◦·\-–*]\s*|\d{1,3}[.)]\s+|[（(]\d{1,3}[）)]\s*)/u;
const pageNumber = /^(?:[-–—]?\s*\d{1,4}\s*[-–—]?|page\s+\d+(?:\s+of\s+\d+)?|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d{1,4}\s*\/\s*\d{1,4})$/iu;

function hasPdfHeader(bytes: Uint8Array): boolean {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 1024));
  return head.includes('%PDF-');
}

function hasEndOfFile(bytes: Uint8Array): boolean {
  return new TextDecoder('latin1').decode(bytes.subarray(Math.max(0, bytes.length - 2048))).includes('%%EOF');
}

function readFailure(error: unknown): IngestError {
  const name = error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'PasswordException') {
    return new IngestError('invalid_pdf', 'the PDF is encrypted (password protected); upload an unprotected copy', { cause: error });
  }
  if (name === 'InvalidPDFException') {
    return new IngestError('invalid_pdf', `the PDF is corrupt: ${message}`, { cause: error });
  }
  return new IngestError('invalid_pdf', `the PDF could not be read: ${message}`, { cause: error });
}

function linesOfPage(items: readonly TextItem[], page: number): Line[] {
  const lines: Line[] = [];
  let pieces: TextItem[] = [];
  const close = (): void => {
    if (pieces.length === 0) return;
    pieces.sort((left, right) => left.x - right.x);
    let text = '';
    let end = Number.NEGATIVE_INFINITY;
    for (const piece of pieces) {
      const gap = piece.x - end;
      const needsSpace =
        text !== '' && gap > piece.fontSize * 0.15 && !/\s$/u.test(text) && !/^\s/u.test(piece.str) && !(cjk.test(text.at(-1) ?? '') && cjk.test(piece.str[0] ?? ''));
      text += (needsSpace ? ' ' : '') + piece.str;
      end = piece.x + piece.width;
    }
    const first = pieces[0] as TextItem;
    const trimmed = text.replace(/\s+/gu, ' ').trim();
    if (trimmed !== '') {
      const fontSize = Math.max(...pieces.map((piece) => piece.fontSize));
      lines.push({ text: trimmed, x: first.x, y: first.y, right: end, fontSize, page });
    }
    pieces = [];
  };
  for (const item of items) {
    const current = pieces[0];
    if (current && Math.abs(item.y - current.y) > Math.max(current.fontSize, item.fontSize) * 0.5) close();
    if (item.str !== '') pieces.push(item);
    if (item.hasEOL) close();
  }
  close();
  return lines;
}

/** Running headers and footers repeat on most pages; digits are masked so "Page 3" matches "Page 4". */
function dropPageFurniture(pages: Line[][]): Line[][] {
  const mask = (text: string): string => text.replace(/\d+/gu, '#');
  const counts = new Map<string, number>();
  if (pages.length >= 3) {
    for (const lines of pages) {
      const edges = new Set([lines[0], lines[1], lines.at(-1), lines.at(-2)].filter((line) => line !== undefined).map((line) => mask(line.text)));
      for (const edge of edges) counts.set(edge, (counts.get(edge) ?? 0) + 1);
    }
  }
  const repeated = (text: string): boolean => (counts.get(mask(text)) ?? 0) >= Math.max(3, pages.length * 0.6);
  return pages.map((lines) =>
    lines.filter((line, index) => {
      const atEdge = index < 2 || index >= lines.length - 2;
      return !(atEdge && (pageNumber.test(line.text) || repeated(line.text)));
    }),
  );
}

function roundedSize(size: number): number {
  return Math.round(size * 2) / 2;
}

function bodyFontSize(lines: readonly Line[]): number {
  const weight = new Map<number, number>();
  for (const line of lines) weight.set(roundedSize(line.fontSize), (weight.get(roundedSize(line.fontSize)) ?? 0) + line.text.length);
  return [...weight.entries()].sort((left, right) => right[1] - left[1] || left[0] - right[0])[0]?.[0] ?? 0;
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function toBlocks(lines: readonly Line[]): Block[] {
  const bodySize = bodyFontSize(lines);
  const isLarge = (line: Line): boolean =>
    roundedSize(line.fontSize) >= bodySize * 1.15 && line.text.length <= 120 && !/[。.;；]$/u.test(line.text);
  const headingSizes = [...new Set(lines.filter(isLarge).map((line) => roundedSize(line.fontSize)))].sort((left, right) => right - left);
  const gaps: number[] = [];
  lines.forEach((line, index) => {
    const previous = lines[index - 1];
    if (previous && previous.page === line.page && previous.y > line.y && roundedSize(line.fontSize) === bodySize) gaps.push(previous.y - line.y);
  });
  const lineGap = median(gaps) || bodySize * 1.2;
  const pageRight = new Map<number, number>();
  for (const line of lines) pageRight.set(line.page, Math.max(pageRight.get(line.page) ?? 0, line.right));

  const blocks: Block[] = [];
  const patternLevels = new Map<string, number>();
  let current: { type: 'paragraph' | 'list-item'; lines: string[] } | undefined;
  const flush = (): void => {
    if (current) blocks.push({ type: current.type, text: joinLines(current.lines) });
    current = undefined;
  };

  lines.forEach((line, index) => {
    const previous = lines[index - 1];
    const samePage = previous?.page === line.page;
    const gap = previous && samePage ? previous.y - line.y : 0;
    const pattern = headingClass(line.text);
    const sizeLevel = isLarge(line) ? headingSizes.indexOf(roundedSize(line.fontSize)) + 1 : 0;
    if (sizeLevel > 0 || (pattern !== undefined && isStrongHeadingClass(pattern))) {
      flush();
      const last = blocks.at(-1);
      // A long heading wraps: consecutive large lines of one size are one heading.
      if (sizeLevel > 0 && last?.type === 'heading' && last.level === sizeLevel && samePage && gap <= line.fontSize * 1.6) {
        last.text = joinLines([last.text, line.text]);
        return;
      }
      let level = sizeLevel;
      if (level === 0 && pattern !== undefined) {
        if (!patternLevels.has(pattern)) patternLevels.set(pattern, headingSizes.length + patternLevels.size + 1);
        level = patternLevels.get(pattern) ?? 1;
      }
      blocks.push({ type: 'heading', text: line.text, level: Math.min(level, 6) });
      return;
    }
    const previousText = current?.lines.at(-1) ?? '';
    const endedSentence = sentenceEnd.test(previousText);
    const startsItem = bullet.test(line.text);
    const newBlock =
      current === undefined ||
      startsItem ||
      (previous !== undefined && Math.abs(previous.fontSize - line.fontSize) > 1) ||
      (samePage && gap > lineGap * 1.45) ||
      (!samePage && endedSentence) ||
      (endedSentence && previous !== undefined && previous.right < (pageRight.get(previous.page) ?? 0) * 0.8);
    if (newBlock) {
      flush();
      current = { type: startsItem ? 'list-item' : 'paragraph', lines: [] };
    }
    current?.lines.push(startsItem ? line.text.replace(/^[•●▪◦·\-–*]\s*/u, '') : line.text);
  });
  flush();
  return blocks.filter((block) => block.text !== '');
}

/**
 * PDF text layer -> blocks. Lines are rebuilt from positioned text items, paragraphs from vertical gaps and
 * ragged line ends, headings from font size (and Chinese chapter numbering). Scanned PDFs have no text
 * layer and are rejected: OCR is out of scope here.
 */
export async function parsePdf(bytes: Uint8Array): Promise<ParsedDocument> {
  if (!hasPdfHeader(bytes)) throw new IngestError('invalid_pdf', 'the file is not a PDF (no %PDF- header)');
  if (!hasEndOfFile(bytes)) throw new IngestError('invalid_pdf', 'the PDF is truncated (no %%EOF marker at the end)');
  let proxy: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    // pdf.js may transfer the buffer it is given; the caller's bytes stay intact.
    proxy = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0, isEvalSupported: false });
  } catch (error) {
    throw readFailure(error);
  }
  try {
    const { items } = await extractTextItems(proxy);
    let metadataTitle: string | undefined;
    try {
      const { info } = (await proxy.getMetadata()) as { info?: { Title?: unknown } };
      if (typeof info?.Title === 'string' && info.Title.trim() !== '') metadataTitle = info.Title.trim();
    } catch {
      // A broken info dictionary costs only the title.
    }
    const pages = items.map((pageItems, index) => linesOfPage(pageItems as TextItem[], index + 1));
    const blocks = toBlocks(dropPageFurniture(pages).flat());
    if (blocks.length === 0) {
      throw new IngestError('empty_document', 'the PDF has no text layer (a scanned image?); run OCR on it first');
    }
    const title = metadataTitle ?? blocks.find((block) => block.type === 'heading')?.text;
    return { metadata: title === undefined ? {} : { title }, blocks, text: blocksToText(blocks) };
  } catch (error) {
    throw error instanceof IngestError ? error : readFailure(error);
  } finally {
    await proxy.destroy().catch(() => undefined);
  }
}
