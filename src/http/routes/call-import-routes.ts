import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ImportEntry } from '../../calls/imported-call.js';
import { readableOf, readCallEntries, type ImportFormat } from '../../calls/read-call-entries.js';
import type { AppServices } from '../app-services.js';
import { requireRole } from '../auth.js';
import { HttpProblem } from '../problem.js';
import { validate } from '../validate.js';

export const callImportQuery = z
  .object({
    format: z.enum(['jsonl', 'csv', 'transcript']).optional().meta({ description: 'Overrides the format read from the content type.' }),
    externalId: z.string().min(1).max(200).optional().meta({ description: 'Transcript format: the call\'s external id.' }),
    startedAt: z.iso.datetime({ offset: true, error: 'must be an ISO timestamp with offset' }).optional().meta({ description: 'Transcript format: when the call started (default: now).' }),
    agent: z.string().min(1).max(200).optional(),
    team: z.string().min(1).max(200).optional(),
    channel: z.enum(['voice', 'chat']).optional(),
    language: z.enum(['zh', 'en']).optional(),
  })
  .strict();

export const callImportJsonBody = z.object({ calls: z.array(z.unknown()).min(1, 'must hold at least one call').max(10_000, 'at most 10,000 calls per request') }).strict();

const textTypes = ['text/csv', 'application/x-ndjson', 'application/jsonl', 'application/ndjson', 'text/plain'];

function formatOfRequest(request: FastifyRequest, query: z.infer<typeof callImportQuery>): ImportFormat | 'json' {
  if (query.format) return query.format;
  const type = String(request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'text/csv') return 'csv';
  if (type === 'text/plain') return 'transcript';
  if (type === 'application/json') return 'json';
  return 'jsonl';
}

async function* jsonEntries(calls: readonly unknown[]): AsyncGenerator<ImportEntry> {
  for (const [index, call] of calls.entries()) {
    const externalId = call && typeof call === 'object' && typeof (call as { externalId?: unknown }).externalId === 'string' ? (call as { externalId: string }).externalId : undefined;
    yield { position: `calls.${index}`, ...(externalId ? { externalId } : {}), call };
  }
}

export async function callImportRoutes(app: FastifyInstance, services: AppServices): Promise<void> {
  const compliance = requireRole(services.apiKeys, 'compliance');
  // Text bodies (CSV, JSONL, transcripts) are taken as they come, only for this route.
  await app.register(async (scope) => {
    scope.addContentTypeParser(textTypes, { parseAs: 'string' }, (_request, body, done) => done(null, body));
    scope.post('/v1/calls/import', { preHandler: compliance, schema: { tags: ['inspections'] } }, async (request) => {
      const query = validate(callImportQuery, request.query ?? {}, 'query');
      const format = formatOfRequest(request, query);
      let entries: AsyncIterable<ImportEntry>;
      if (format === 'json') {
        entries = jsonEntries(validate(callImportJsonBody, request.body, 'body').calls);
      } else {
        if (typeof request.body !== 'string' || request.body.trim().length === 0) {
          throw HttpProblem.badRequest(`The body is empty: send ${format === 'csv' ? 'CSV (text/csv)' : format === 'jsonl' ? 'JSONL (application/x-ndjson)' : 'a transcript (text/plain)'}.`, [{ field: 'body', message: 'required' }]);
        }
        entries = readCallEntries(readableOf(request.body), format, 'body', {
          ...(query.externalId ? { externalId: query.externalId } : { externalId: `upload-${request.id}` }),
          startedAt: query.startedAt ?? new Date().toISOString(),
          ...(query.agent ? { agent: query.agent } : {}),
          ...(query.team ? { team: query.team } : {}),
          ...(query.channel ? { channel: query.channel } : {}),
          ...(query.language ? { language: query.language } : {}),
        });
      }
      return services.callImport.importEntries(entries);
    });
  });
}
