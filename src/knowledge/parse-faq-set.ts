import { CsvError, parse } from 'csv-parse/sync';
import { findUnsafeText } from '../text/find-unsafe-text.js';
import { IngestError } from './ingest-error.js';
import type { FaqRow } from './knowledge-types.js';
import { normalizeNewlines } from './parse-text-lines.js';

type Column = 'id' | 'question' | 'answer' | 'product' | 'tags';

/** Header names knowledge owners actually use, English and Chinese; several question columns are allowed. */
const columnNames: ReadonlyArray<[Column, RegExp]> = [
  ['id', /^(?:id|faq[\s_-]?id|编号|序号)$/u],
  ['question', /^(?:questions?(?:[\s_-]*\d+)?|问题\d*|相似问(?:题|法)\d*|问法\d*)$/u],
  ['answer', /^(?:answer|答案|回答)$/u],
  ['product', /^(?:product|产品)$/u],
  ['tags', /^(?:tags?|标签)$/u],
];
const tagSeparator = /[,;|，；]/u;
const questionSeparator = /[|\n]/u;

function columnOf(header: string): Column | undefined {
  const name = header.trim().toLowerCase();
  return columnNames.find(([, pattern]) => pattern.test(name))?.[0];
}

function splitList(value: string, separator: RegExp): string[] {
  return [...new Set(value.split(separator).map((part) => part.trim()).filter((part) => part !== ''))];
}

function where(row: number, line: number): string {
  return `row ${row} (line ${line})`;
}

interface RawRow {
  id: string;
  questions: string[];
  answer: string;
  product?: string;
  tags?: string[];
  row: number;
  line: number;
}

function toFaqRow(raw: RawRow): FaqRow {
  const at = where(raw.row, raw.line);
  if (raw.id === '') throw new IngestError('invalid_row', `${at}: 'id' is empty`, { field: 'id', line: raw.line });
  if (raw.questions.length === 0) throw new IngestError('invalid_row', `${at}: 'question' is empty`, { field: 'question', line: raw.line });
  if (raw.answer === '') throw new IngestError('invalid_row', `${at}: 'answer' is empty`, { field: 'answer', line: raw.line });
  const row: FaqRow = { id: raw.id, questions: raw.questions, answer: raw.answer, line: raw.line };
  if (raw.product !== undefined && raw.product !== '') row.product = raw.product;
  if (raw.tags !== undefined && raw.tags.length > 0) row.tags = raw.tags;
  return row;
}

function detectDelimiter(firstLine: string): string {
  const counts = [',', '\t', ';'].map((delimiter) => [delimiter, firstLine.split(delimiter).length - 1] as const);
  return [...counts].sort((left, right) => right[1] - left[1])[0]?.[0] ?? ',';
}

function csvRows(body: string): RawRow[] {
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(body, {
      delimiter: detectDelimiter(body.slice(0, body.indexOf('\n') === -1 ? undefined : body.indexOf('\n'))),
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
    }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  } catch (error) {
    const line = error instanceof CsvError ? (error as CsvError & { lines?: number }).lines : undefined;
    const reason = error instanceof Error ? error.message : String(error);
    throw new IngestError('invalid_row', `the CSV cannot be read${line === undefined ? '' : ` (line ${line})`}: ${reason}`, {
      ...(line === undefined ? {} : { line }),
      cause: error,
    });
  }
  const [header, ...data] = records;
  if (!header) throw new IngestError('empty_document', 'the FAQ set is empty');
  const columns = header.record.map(columnOf);
  for (const required of ['id', 'question', 'answer'] as const) {
    if (!columns.includes(required)) {
      const name = required === 'question' ? "'question' (or 'questions')" : `'${required}'`;
      throw new IngestError('missing_column', `CSV is missing the required column ${name}`, { field: required, line: 1 });
    }
  }
  return data.map(({ record, info }, index) => {
    // csv-parse reports the line a record ends on; quoted cells may span several lines.
    const line = info.lines - record.reduce((sum, cell) => sum + (cell.match(/\n/gu)?.length ?? 0), 0);
    if (record.length > header.record.length) {
      throw new IngestError('invalid_row', `${where(index + 1, line)}: has ${record.length} fields but the header has ${header.record.length}`, { line });
    }
    const raw: RawRow = { id: '', questions: [], answer: '', row: index + 1, line };
    record.forEach((cell, column) => {
      const value = cell.trim();
      switch (columns[column]) {
        case 'id':
          raw.id = value;
          break;
        case 'question':
          raw.questions = [...new Set([...raw.questions, ...splitList(value, questionSeparator)])];
          break;
        case 'answer':
          raw.answer = value;
          break;
        case 'product':
          raw.product = value;
          break;
        case 'tags':
          raw.tags = splitList(value, tagSeparator);
          break;
        default:
          break;
      }
    });
    return raw;
  });
}

function textField(value: unknown, name: string, at: string, line: number): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' && name === 'id') return String(value);
  throw new IngestError('invalid_row', `${at}: '${name}' must be text`, { field: name, line });
}

function listField(value: unknown, name: string, at: string, line: number, separator: RegExp): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return splitList(value, separator);
  if (Array.isArray(value) && value.every((entry) => typeof entry === 'string')) {
    return [...new Set(value.map((entry) => entry.trim()).filter((entry) => entry !== ''))];
  }
  throw new IngestError('invalid_row', `${at}: '${name}' must be a list of text`, { field: name, line });
}

function jsonlRows(body: string): RawRow[] {
  const rows: RawRow[] = [];
  body.split('\n').forEach((text, index) => {
    const line = index + 1;
    if (text.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new IngestError('invalid_json', `line ${line} is not valid JSON: ${reason}`, { line, cause: error });
    }
    const at = where(rows.length + 1, line);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new IngestError('invalid_row', `${at}: each line must be a JSON object`, { line });
    }
    const object = value as Record<string, unknown>;
    for (const [field, present] of [['id', 'id' in object], ["question' (or 'questions", 'question' in object || 'questions' in object], ['answer', 'answer' in object]] as const) {
      if (!present) throw new IngestError('invalid_row', `${at}: '${field}' is missing`, { field: field.split("'")[0] ?? field, line });
    }
    const questions = [
      ...listField(object.questions, 'questions', at, line, questionSeparator),
      ...listField(object.question, 'question', at, line, questionSeparator),
    ];
    const raw: RawRow = {
      id: textField(object.id, 'id', at, line) ?? '',
      questions: [...new Set(questions)],
      answer: textField(object.answer, 'answer', at, line) ?? '',
      row: rows.length + 1,
      line,
    };
    const product = textField(object.product, 'product', at, line);
    if (product !== undefined) raw.product = product;
    const tags = listField(object.tags, 'tags', at, line, tagSeparator);
    if (tags.length > 0) raw.tags = tags;
    rows.push(raw);
  });
  return rows;
}

/**
 * A FAQ set (one document per row): rows need `id`, `question`/`questions` and `answer`. The first problem
 * found is thrown as an IngestError naming the row and its line in the file.
 */
export function parseFaqSet(format: 'csv' | 'jsonl', body: string): FaqRow[] {
  const text = normalizeNewlines(body);
  if (text.trim() === '') throw new IngestError('empty_document', 'the FAQ set is empty');
  const rawRows = format === 'csv' ? csvRows(text) : jsonlRows(text);
  if (rawRows.length === 0) throw new IngestError('empty_document', 'the FAQ set has no rows');
  const seen = new Map<string, RawRow>();
  return rawRows.map((raw) => {
    const row = toFaqRow(raw);
    // JSON escapes (`\u0000`, a lone `\ud800`) survive the raw-text check and cannot be stored: refused per row.
    const unsafe = findUnsafeText(row);
    if (unsafe) throw new IngestError('invalid_row', `${where(raw.row, raw.line)}: '${unsafe.field}' ${unsafe.message}`, { field: 'body', line: raw.line });
    const first = seen.get(row.id);
    if (first) {
      throw new IngestError(
        'duplicate_id',
        `id '${row.id}' is used twice: ${where(first.row, first.line)} and ${where(raw.row, raw.line)}`,
        { field: 'id', line: raw.line },
      );
    }
    seen.set(row.id, raw);
    return row;
  });
}
