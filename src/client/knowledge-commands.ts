import { readFile } from 'node:fs/promises';
import { basename, relative } from 'node:path';
import { Command, Option } from 'commander';
import type { DocumentInput } from '../knowledge/document-input.js';
import type { VersionDiff } from '../knowledge/diff-versions.js';
import { IngestError } from '../knowledge/ingest-error.js';
import type { DocumentVersionView, DocumentView, KnowledgeService } from '../knowledge/knowledge-service.js';
import { listIngestibleFiles } from '../knowledge/ingest-files.js';
import { formatFromFileName } from '../knowledge/parse-document.js';
import { parseFrontMatter } from '../knowledge/parse-front-matter.js';
import type { ApiClient } from './api-client.js';
import { formatDiff } from './format-diff.js';

const kinds = ['product', 'compliance', 'script', 'faq'] as const;
const statuses = ['draft', 'approved', 'retired'] as const;
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface KnowledgeCommandContext {
  output: { out: (text: string) => void; err: (text: string) => void };
  /** The running service's API when AGENT_ASSIST_URL is set, else undefined (the local data folder). */
  remote(): ApiClient | undefined;
  /** Opens the local data folder's services for the work, then closes them. */
  local<T>(work: (knowledge: KnowledgeService) => Promise<T>): Promise<T>;
  /** A usage error: exit code 2 with the message. */
  usage(message: string): Error;
  color: boolean;
}

type DocumentWithHistory = DocumentView & { versions: DocumentVersionView[] };

function requireId(context: KnowledgeCommandContext, id: string): string {
  if (!uuidPattern.test(id)) throw context.usage(`'${id}' is not a document id (UUID)\n`);
  return id;
}

function versionNumber(context: KnowledgeCommandContext, name: string) {
  return (value: string): number => {
    if (!/^\d{1,9}$/.test(value) || Number(value) < 1) throw context.usage(`${name} must be a version number (1, 2, ...)\n`);
    return Number(value);
  };
}

const dates = (item: Pick<DocumentVersionView, 'effectiveFrom' | 'effectiveUntil'>) =>
  item.effectiveFrom || item.effectiveUntil ? `  effective ${item.effectiveFrom ?? '...'} to ${item.effectiveUntil ?? '...'}` : '';

/** `agent-assist knowledge list|show|retire|sync|diff`: through the API when AGENT_ASSIST_URL is set, else on the local data folder. */
export function knowledgeCommands(context: KnowledgeCommandContext): Command {
  const { output } = context;
  const knowledge = new Command('knowledge').description('read, retire, sync and diff knowledge documents (through the API when AGENT_ASSIST_URL is set)');

  knowledge
    .command('list')
    .description('current documents, by externalId')
    .addOption(new Option('--kind <kind>', 'only this kind').choices(kinds))
    .addOption(new Option('--status <status>', 'only this status').choices(statuses))
    .option('--query <text>', 'title, externalId or product containing this')
    .option('--limit <n>', 'at most this many (1-200)', '50')
    .option('--json', "print the API's response body")
    .action(async (options: { kind?: string; status?: string; query?: string; limit: string; json?: boolean }) => {
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw context.usage('--limit must be between 1 and 200\n');
      const filter = { ...(options.kind ? { kind: options.kind } : {}), ...(options.status ? { status: options.status } : {}), ...(options.query ? { q: options.query } : {}), limit };
      const client = context.remote();
      const page = client
        ? await client.request<{ items: DocumentView[]; nextCursor?: string }>('GET', '/v1/knowledge/documents', { query: filter })
        : await context.local((service) => service.list(filter as Parameters<KnowledgeService['list']>[0]));
      if (options.json) return output.out(`${JSON.stringify(page, null, 2)}\n`);
      if (page.items.length === 0) output.out('no documents\n');
      for (const item of page.items) {
        output.out(`${item.documentId}  ${item.externalId}  v${item.currentVersion}  ${item.kind}  ${item.retired ? 'retired' : item.status}  ${item.title}${dates(item)}\n`);
      }
      if (page.nextCursor) output.out(`(more: the list is cut at ${limit})\n`);
    });

  knowledge
    .command('show')
    .description('a document with its version history, or one version with its text')
    .argument('<id>', 'document id')
    .option('--version <n>', 'one version, with its body and chunks', versionNumber(context, '--version'))
    .option('--json', "print the API's response body")
    .action(async (id: string, options: { version?: number; json?: boolean }) => {
      requireId(context, id);
      const client = context.remote();
      if (options.version !== undefined) {
        const version = options.version;
        const body = client
          ? await client.request<DocumentVersionView & { externalId: string; body: string }>('GET', `/v1/knowledge/documents/${id}/versions/${version}`)
          : await context.local((service) => service.getVersion(id, version));
        if (options.json) return output.out(`${JSON.stringify(body, null, 2)}\n`);
        output.out(`${body.externalId} v${body.version}  ${body.kind}  ${body.status}  ${body.title}${dates(body)}\n\n${body.body}\n`);
        return;
      }
      const document = client
        ? await client.request<DocumentWithHistory>('GET', `/v1/knowledge/documents/${id}`)
        : await context.local((service) => service.get(id));
      if (options.json) return output.out(`${JSON.stringify(document, null, 2)}\n`);
      output.out(`${document.title}\n  id ${document.documentId}  externalId ${document.externalId}  ${document.kind}  ${document.retired ? 'retired' : document.status}\n`);
      if (document.product) output.out(`  product ${document.product}${document.riskLevel ? `  risk ${document.riskLevel}` : ''}\n`);
      if (document.owner) output.out(`  owner ${document.owner}\n`);
      for (const version of document.versions) {
        output.out(`  v${version.version}  ${version.status}  ${version.createdAt}${version.createdBy ? ` by ${version.createdBy}` : ''}${dates(version)}\n`);
      }
    });

  knowledge
    .command('retire')
    .description('retire a document (history kept; never retrieved again)')
    .argument('<id>', 'document id')
    .action(async (id: string) => {
      requireId(context, id);
      const client = context.remote();
      if (client) await client.request('DELETE', `/v1/knowledge/documents/${id}`);
      else await context.local((service) => service.retire(id));
      output.out(`retired ${id}\n`);
    });

  knowledge
    .command('sync')
    .description("mirror files (md, txt, html, pdf) as a source's documents: create, re-version what changed, and with --delete-missing retire the rest")
    .argument('<paths...>', 'files or folders')
    .requiredOption('--source <source>', 'the source system these documents belong to')
    .addOption(new Option('--kind <kind>', 'kind for files without one in their front matter').choices(kinds))
    .option('--delete-missing', "retire the source's documents that are not among the files")
    .option('--json', "print the API's response body")
    .action(async (paths: string[], options: { source: string; kind?: (typeof kinds)[number]; deleteMissing?: boolean; json?: boolean }) => {
      const { files, missing } = await listIngestibleFiles(paths);
      if (missing.length > 0) throw context.usage(`not found or not a supported file type: ${missing.join(', ')}\n`);
      const documents = await Promise.all(files.map((path) => syncDocument(path, options.kind)));
      const faqSets = documents.filter((document) => document.format === 'csv' || document.format === 'jsonl');
      if (faqSets.length > 0) throw context.usage(`sync mirrors documents; FAQ sets (csv, jsonl) are kept current with ingest: ${faqSets.map((document) => document.fileName).join(', ')}\n`);
      const client = context.remote();
      const result = client
        ? await client.request<{ created: number; updated: number; unchanged: number; retired: number }>('POST', '/v1/knowledge/sync', {
            json: {
              source: options.source,
              deleteMissing: options.deleteMissing ?? false,
              documents: documents.map(({ fileName: _fileName, body, ...document }) =>
                typeof body === 'string' ? { ...document, body } : { ...document, body: Buffer.from(body).toString('base64'), encoding: 'base64' },
              ),
            },
          })
        : await context.local((service) =>
            service.sync(options.source, documents, { deleteMissing: options.deleteMissing ?? false }, { id: 'cli' }).then(({ documents: _documents, ...counts }) => counts),
          );
      if (options.json) return output.out(`${JSON.stringify(result, null, 2)}\n`);
      output.out(`${files.length} files: ${result.created} created, ${result.updated} updated, ${result.unchanged} unchanged, ${result.retired} retired\n`);
    });

  knowledge
    .command('diff')
    .description('what changed between two versions (default: the previous and the current one)')
    .argument('<id>', 'document id')
    .option('--from <n>', 'the older version', versionNumber(context, '--from'))
    .option('--to <n>', 'the newer version', versionNumber(context, '--to'))
    .option('--json', "print the API's response body")
    .action(async (id: string, options: { from?: number; to?: number; json?: boolean }) => {
      requireId(context, id);
      const client = context.remote();
      const references = { ...(options.from !== undefined ? { from: { version: options.from } } : {}), ...(options.to !== undefined ? { to: { version: options.to } } : {}) };
      const diff = client
        ? await client.request<VersionDiff & { externalId: string }>('GET', `/v1/knowledge/documents/${id}/diff`, { query: { from: options.from, to: options.to } })
        : await context.local((service) => service.diff(id, references));
      output.out(options.json ? `${JSON.stringify(diff, null, 2)}\n` : formatDiff(diff, { color: context.color }));
    });

  return knowledge;
}

/**
 * A file as a synced document. Its externalId is the front matter's, else its path: the same in both modes, so
 * switching between the API and the local folder never duplicates a document.
 */
async function syncDocument(path: string, kind: (typeof kinds)[number] | undefined): Promise<DocumentInput & { externalId: string; fileName: string }> {
  const format = formatFromFileName(path);
  if (!format) throw new IngestError('unsupported_format', `unsupported file type: ${path}`);
  const bytes = new Uint8Array(await readFile(path));
  const display = relative(process.cwd(), path) || basename(path);
  const text = format === 'pdf' ? undefined : new TextDecoder().decode(bytes).replace(/^\uFEFF/, '');
  const declared = format === 'markdown' && text !== undefined ? parseFrontMatter(text).metadata.externalId : undefined;
  return {
    externalId: declared ?? display,
    format,
    body: text ?? bytes,
    fileName: basename(path),
    sourceUri: `file:${display}`,
    ...(kind ? { kind } : {}),
  };
}
