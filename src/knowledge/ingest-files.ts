import { readFile } from 'node:fs/promises';
import { basename, extname, relative } from 'node:path';
import { listFiles } from '../operations/list-files.js';
import type { Actor, DocumentInput, DocumentKind } from './document-input.js';
import { IngestError } from './ingest-error.js';
import { KnowledgeService } from './knowledge-service.js';
import { formatFromFileName } from './parse-document.js';

export interface FileIngestResult {
  path: string;
  status: 'created' | 'updated' | 'unchanged' | 'rejected';
  documents: number;
  chunks: number;
  reason?: string;
}

/** README files describe a folder for people; files starting with '.' or '_' are drafts kept out on purpose. */
function isIngestible(path: string): boolean {
  const name = basename(path);
  if (name.startsWith('.') || name.startsWith('_') || /^readme\.md$/i.test(name)) return false;
  return formatFromFileName(name) !== undefined;
}

export async function listIngestibleFiles(paths: readonly string[]): Promise<{ files: string[]; missing: string[] }> {
  return listFiles(paths, (path, explicit) => (explicit ? formatFromFileName(path) !== undefined : isIngestible(path)));
}


/** Files read and embedded together; bounded so a huge folder does not sit in memory at once. */
const filesPerBatch = 100;

/**
 * Ingests files in order; a rejected file is reported with why and the others go on. Re-ingesting
 * unchanged files is a no-op (content hash), so this is also how the sample base is kept in sync.
 */
export async function ingestFiles(
  knowledge: KnowledgeService,
  files: readonly string[],
  options: { kind?: DocumentKind; source?: string; actor: Actor; baseDirectory?: string; onFile?: (result: FileIngestResult) => void },
): Promise<FileIngestResult[]> {
  const results: FileIngestResult[] = [];
  const display = (path: string) => (options.baseDirectory ? relative(options.baseDirectory, path) : path);
  const report = (result: FileIngestResult) => {
    results.push(result);
    options.onFile?.(result);
  };
  const rejected = (path: string, error: unknown): FileIngestResult => {
    if (!(error instanceof IngestError)) throw error;
    return { path: display(path), status: 'rejected', documents: 0, chunks: 0, reason: error.message };
  };
  const run = async () => {
    for (let start = 0; start < files.length; start += filesPerBatch) {
      // Documents of a window are embedded together (one embedder call for many files); FAQ sets batch their rows.
      const window: { path: string; input: DocumentInput }[] = [];
      const flush = async () => {
        const outcomes = await knowledge.ingestMany(window.map((item) => item.input), options.actor);
        outcomes.forEach((outcome, index) => {
          const path = window[index]!.path;
          report(outcome instanceof IngestError ? rejected(path, outcome) : { path: display(path), status: outcome.outcome, documents: 1, chunks: outcome.chunkCount });
        });
        window.length = 0;
      };
      for (const path of files.slice(start, start + filesPerBatch)) {
        try {
          const format = formatFromFileName(path);
          if (!format) throw new IngestError('unsupported_format', `unsupported file type '${extname(path)}'`);
          const body = new Uint8Array(await readFile(path));
          const input: DocumentInput = {
            format,
            body,
            fileName: basename(path),
            sourceUri: `file:${display(path)}`,
            ...(options.kind ? { kind: options.kind } : {}),
            ...(options.source ? { source: options.source } : {}),
          };
          if (KnowledgeService.isFaqSet(input)) {
            // Files are reported in order: what was read before this FAQ set is stored first.
            if (window.length > 0) await flush();
            const faq = await knowledge.ingestFaqSet(input, options.actor);
            const status = faq.created > 0 ? 'created' : faq.updated > 0 ? 'updated' : 'unchanged';
            report({ path: display(path), status, documents: faq.documents.length, chunks: faq.documents.length });
          } else {
            window.push({ path, input });
          }
        } catch (error) {
          if (window.length > 0) await flush();
          report(rejected(path, error));
        }
      }
      if (window.length > 0) await flush();
    }
  };
  // Folders of many files are a bulk load: one index build at the end is much faster than per-row updates.
  if (files.length >= 50) await knowledge.bulk(run);
  else {
    await run();
    if (results.some((result) => result.status === 'created' || result.status === 'updated')) await knowledge.analyze();
  }
  return results;
}

export function summarizeIngest(results: readonly FileIngestResult[]): Record<FileIngestResult['status'], number> {
  const counts = { created: 0, updated: 0, unchanged: 0, rejected: 0 };
  for (const result of results) counts[result.status] += 1;
  return counts;
}

