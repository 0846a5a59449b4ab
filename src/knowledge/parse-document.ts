import { parse } from 'csv-parse/sync';
import { findUnsafeText } from '../text/find-unsafe-text.js';
import { IngestError } from './ingest-error.js';
import type { Block, DocumentFormat, ParsedDocument } from './knowledge-types.js';
import { parseHtml } from './parse-html.js';
import { parseMarkdown } from './parse-markdown.js';
import { parsePdf } from './parse-pdf.js';
import { parseText } from './parse-text.js';
import { blocksToText, normalizeNewlines } from './parse-text-lines.js';

const formatsByExtension: Readonly<Record<string, DocumentFormat>> = {
  md: 'markdown',
  markdown: 'markdown',
  txt: 'text',
  text: 'text',
  html: 'html',
  htm: 'html',
  csv: 'csv',
  jsonl: 'jsonl',
  pdf: 'pdf',
};

/** The format implied by a file name's extension, or undefined for files the ingester does not read. */
export function formatFromFileName(name: string): DocumentFormat | undefined {
  const extension = /\.([^./\\]+)$/u.exec(name.trim())?.[1]?.toLowerCase();
  return extension === undefined ? undefined : formatsByExtension[extension];
}

function decodeUtf8(body: string | Uint8Array): string {
  let text: string;
  if (typeof body === 'string') {
    text = body;
  } else {
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(body);
    } catch (error) {
      throw new IngestError('invalid_encoding', 'the document is not valid UTF-8 (save it as UTF-8; GBK and other encodings are not accepted)', {
        cause: error,
      });
    }
  }
  if (text.includes('\u0000')) throw new IngestError('invalid_encoding', 'the document contains NUL characters: it looks like a binary file, not text');
  return normalizeNewlines(text);
}

/** A single CSV document (not a FAQ set): the first row is the header, every other row a table-row block. */
function parseCsvDocument(text: string): ParsedDocument {
  let records: string[][];
  try {
    records = parse(text, { relax_column_count: true, skip_empty_lines: true }) as string[][];
  } catch (error) {
    throw new IngestError('invalid_row', `the CSV cannot be read: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const cellsText = (record: string[]): string => record.map((cell) => cell.replace(/\s+/gu, ' ').trim()).join(' | ');
  const [header, ...rows] = records;
  const tableHeader = header === undefined ? undefined : cellsText(header);
  const blocks: Block[] = rows
    .filter((row) => row.some((cell) => cell.trim() !== ''))
    .map((row) => (tableHeader === undefined ? { type: 'table-row', text: cellsText(row) } : { type: 'table-row', text: cellsText(row), tableHeader }));
  if (blocks.length === 0 && tableHeader !== undefined && tableHeader.replace(/[|\s]/gu, '') !== '') blocks.push({ type: 'paragraph', text: tableHeader });
  return { metadata: {}, blocks, text: blocksToText(blocks) };
}

function describeJsonValue(value: unknown): string {
  if (value === null || typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return value.map(describeJsonValue).join(', ');
  return Object.entries(value)
    .map(([key, entry]) => `${key}: ${typeof entry === 'object' && entry !== null ? JSON.stringify(entry) : String(entry)}`)
    .join('; ');
}

/** A single JSONL document (not a FAQ set): each record becomes one paragraph of `key: value` pairs. */
function parseJsonlDocument(text: string): ParsedDocument {
  const blocks: Block[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new IngestError('invalid_json', `line ${index + 1} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`, {
        line: index + 1,
        cause: error,
      });
    }
    const described = describeJsonValue(value).trim();
    if (described !== '') blocks.push({ type: 'paragraph', text: described });
  });
  return { metadata: {}, blocks, text: blocksToText(blocks) };
}

/** Any supported document -> blocks. FAQ sets (csv/jsonl with id/question/answer) go through parseFaqSet instead. */
export async function parseDocument(input: { format: DocumentFormat; body: string | Uint8Array }): Promise<ParsedDocument> {
  let parsed: ParsedDocument;
  if (input.format === 'pdf') {
    if (typeof input.body === 'string') throw new IngestError('invalid_pdf', 'a PDF body must be bytes (send it base64-encoded), not text');
    parsed = await parsePdf(input.body);
  } else {
    const text = decodeUtf8(input.body);
    if (text.trim() === '') throw new IngestError('empty_document', 'the document is empty');
    switch (input.format) {
      case 'markdown':
        parsed = parseMarkdown(text);
        break;
      case 'text':
        parsed = parseText(text);
        break;
      case 'html':
        parsed = parseHtml(text);
        break;
      case 'csv':
        parsed = parseCsvDocument(text);
        break;
      case 'jsonl':
        parsed = parseJsonlDocument(text);
        break;
      default:
        throw new IngestError('unsupported_format', `format '${String(input.format)}' is not supported`);
    }
  }
  if (parsed.blocks.length === 0 || parsed.text.trim() === '') throw new IngestError('empty_document', 'the document has no text');
  // Escapes in front matter or JSONL, and a PDF's text layer, can yield NUL or lone surrogates: Postgres cannot store them.
  const unsafe = findUnsafeText({ metadata: parsed.metadata, text: parsed.text, blocks: parsed.blocks });
  if (unsafe) throw new IngestError('invalid_encoding', `${unsafe.field} ${unsafe.message}`);
  return parsed;
}
