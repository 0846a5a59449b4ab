import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';
import { listFiles } from '../operations/list-files.js';
import { parseTranscript, TranscriptError } from '../summaries/parse-transcript.js';
import type { ImportEntry } from './imported-call.js';

export type ImportFormat = 'jsonl' | 'csv' | 'transcript';

/** The metadata a transcript file cannot carry, given by the caller (the file name is the external id by default). */
export interface TranscriptDefaults {
  externalId?: string;
  startedAt?: string;
  agent?: string;
  team?: string;
  channel?: 'voice' | 'chat';
  language?: 'zh' | 'en';
}

export function formatOf(path: string): ImportFormat {
  const extension = extname(path).toLowerCase();
  if (extension === '.csv') return 'csv';
  if (extension === '.jsonl' || extension === '.ndjson') return 'jsonl';
  return 'transcript';
}

/**
 * JSONL of calls, one per line (`{externalId, agent, team, channel, startedAt, turns: [...]}`). A JSONL file of
 * turns (the `summarize` format) is one call: it is read whole as a transcript. Lines are streamed, so a
 * 100,000-call file never sits in memory.
 */
async function* readJsonLines(input: Readable, name: string, defaults: TranscriptDefaults): AsyncGenerator<ImportEntry> {
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let lineNumber = 0;
  let transcript: string[] | undefined;
  // Only the first non-blank line decides whether a JSONL file is a transcript of turns.
  let sawContent = false;
  for await (const line of lines) {
    lineNumber += 1;
    if (transcript) {
      transcript.push(line);
      continue;
    }
    const text = lineNumber === 1 ? line.replace(/^\uFEFF/u, '') : line;
    if (text.trim().length === 0) continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      yield { position: `${name} line ${lineNumber}`, problem: 'not valid JSON' };
      continue;
    }
    const record = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
    const first = !sawContent;
    sawContent = true;
    if (first && record && !('turns' in record) && 'speaker' in record) {
      transcript = [text];
      continue;
    }
    const externalId = record && typeof record.externalId === 'string' ? record.externalId : undefined;
    yield { position: `${name} line ${lineNumber}`, ...(externalId ? { externalId } : {}), call: value };
  }
  if (transcript) yield transcriptEntry(transcript.join('\n'), name, defaults);
}

function transcriptEntry(content: string, name: string, defaults: TranscriptDefaults): ImportEntry {
  const externalId = defaults.externalId ?? basename(name, extname(name));
  try {
    const { turns } = parseTranscript(content);
    return {
      position: name,
      externalId,
      call: {
        externalId,
        startedAt: defaults.startedAt,
        ...(defaults.agent ? { agent: defaults.agent } : {}),
        ...(defaults.team ? { team: defaults.team } : {}),
        ...(defaults.channel ? { channel: defaults.channel } : {}),
        ...(defaults.language ? { language: defaults.language } : {}),
        turns: turns.map((turn) => ({ id: turn.id, speaker: turn.speaker, text: turn.text, ...(turn.at ? { at: turn.at } : {}) })),
      },
    };
  } catch (error) {
    return { position: name, externalId, problem: error instanceof TranscriptError ? error.problems.join('; ') : String(error) };
  }
}

const csvColumns: Record<string, string> = {
  external_id: 'externalId', externalid: 'externalId', call_id: 'externalId',
  agent: 'agent', team: 'team', channel: 'channel', language: 'language',
  started_at: 'startedAt', startedat: 'startedAt',
  speaker: 'speaker', text: 'text', at: 'at', turn_id: 'turnId', turnid: 'turnId',
  customer_age: 'customerAge', customerage: 'customerAge', vulnerable: 'vulnerable',
};
const requiredCsvColumns = ['externalId', 'startedAt', 'speaker', 'text'];

/**
 * CSV with one row per turn; consecutive rows with the same external id are one call. A call whose rows are
 * split apart by another call's is reported as a duplicate rather than merged.
 */
async function* readCsv(input: Readable, name: string): AsyncGenerator<ImportEntry> {
  const parser = input.pipe(parseCsv({ bom: true, skip_empty_lines: true, relax_column_count: true, info: true, max_record_size: 32 * 1024 * 1024 }));
  let header: string[] | undefined;
  let current: { externalId: string; line: number; call: Record<string, unknown>; turns: unknown[] } | undefined;
  const finished = new Set<string>();
  const flush = (): ImportEntry | undefined => {
    if (!current) return undefined;
    const entry: ImportEntry = { position: `${name} line ${current.line}`, externalId: current.externalId, call: { ...current.call, turns: current.turns } };
    finished.add(current.externalId);
    current = undefined;
    return entry;
  };
  try {
    for await (const output of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const { record, info } = output;
      if (!header) {
        header = record.map((column) => csvColumns[column.trim().toLowerCase()] ?? column.trim());
        const missing = requiredCsvColumns.filter((column) => !header?.includes(column));
        if (missing.length > 0) {
          yield { position: `${name} line ${info.lines}`, problem: `missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (a header row with external_id, started_at, speaker, text is required)` };
          return;
        }
        continue;
      }
      const row: Record<string, string> = {};
      header.forEach((column, index) => {
        const value = record[index];
        if (value !== undefined && value !== '') row[column] = value;
      });
      const externalId = row.externalId ?? '';
      if (!externalId) {
        yield { position: `${name} line ${info.lines}`, problem: 'external_id is empty' };
        continue;
      }
      if (current && current.externalId !== externalId) {
        const entry = flush();
        if (entry) yield entry;
      }
      if (!current) {
        if (finished.has(externalId)) {
          yield { position: `${name} line ${info.lines}`, externalId, problem: `duplicate external id '${externalId}': its rows are not together` };
          continue;
        }
        const age = row.customerAge ? Number(row.customerAge) : undefined;
        const vulnerable = row.vulnerable ? ['true', '1', 'yes', 'y', '是'].includes(row.vulnerable.toLowerCase()) : undefined;
        current = {
          externalId,
          line: info.lines,
          call: {
            externalId,
            startedAt: row.startedAt,
            ...(row.agent ? { agent: row.agent } : {}),
            ...(row.team ? { team: row.team } : {}),
            ...(row.channel ? { channel: row.channel } : {}),
            ...(row.language ? { language: row.language } : {}),
            ...(age !== undefined || vulnerable !== undefined ? { customer: { ...(age !== undefined ? { age } : {}), ...(vulnerable !== undefined ? { vulnerable } : {}) } } : {}),
          },
          turns: [],
        };
      }
      current.turns.push({ ...(row.turnId ? { id: row.turnId } : {}), speaker: row.speaker, text: row.text ?? '', ...(row.at ? { at: row.at } : {}) });
    }
  } catch (error) {
    // A broken quote makes the rest of the file unreadable: the calls before it stand, the rest is named.
    const entry = flush();
    if (entry) yield entry;
    yield { position: name, problem: `CSV cannot be read further: ${error instanceof Error ? error.message : String(error)}` };
    return;
  }
  const entry = flush();
  if (entry) yield entry;
}

/** Entries of one source in any import format, streamed. */
export async function* readCallEntries(input: Readable, format: ImportFormat, name: string, defaults: TranscriptDefaults = {}): AsyncGenerator<ImportEntry> {
  if (format === 'csv') yield* readCsv(input, name);
  else if (format === 'jsonl') yield* readJsonLines(input, name, defaults);
  else {
    const chunks: string[] = [];
    input.setEncoding('utf8');
    for await (const chunk of input) chunks.push(chunk as string);
    yield transcriptEntry(chunks.join(''), name, defaults);
  }
}

/** Entries of files on disk; a transcript file without a start time takes its modification time. */
export async function* readCallFiles(paths: readonly string[], options: { relativeTo?: (path: string) => string; onBytes?: (bytes: number) => void } = {}): AsyncGenerator<ImportEntry> {
  for (const path of paths) {
    const format = formatOf(path);
    const name = options.relativeTo?.(path) ?? path;
    const defaults: TranscriptDefaults = format === 'csv' ? {} : { startedAt: (await stat(path)).mtime.toISOString() };
    const stream = createReadStream(path);
    if (options.onBytes) {
      const report = options.onBytes;
      stream.on('data', (chunk) => report(chunk.length));
    }
    yield* readCallEntries(stream, format, name, defaults);
  }
}

const importableExtensions = new Set(['.jsonl', '.ndjson', '.csv', '.txt']);

/** The files to import: given files as they are, folders walked for .jsonl, .ndjson, .csv and .txt (sorted, hidden skipped). */
export async function listCallFiles(paths: readonly string[]): Promise<{ files: string[]; missing: string[] }> {
  return listFiles(paths, (path, explicit) => explicit || importableExtensions.has(extname(path).toLowerCase()));
}

export function readableOf(text: string): Readable {
  return Readable.from([text]);
}
