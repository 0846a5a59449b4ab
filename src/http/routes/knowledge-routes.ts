import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { DocumentInput } from '../../knowledge/document-input.js';
import { DocumentRetiredError, KnowledgeService, NotFaqRowError } from '../../knowledge/knowledge-service.js';
import { ProposalDecidedError, ProposalNotFoundError } from '../../knowledge/question-proposals.js';
import { maximumQuestionCharacters } from '../../knowledge/similar-questions.js';
import { formatFromFileName } from '../../knowledge/parse-document.js';
import type { AppServices } from '../app-services.js';
import { anyRole, requireRole } from '../auth.js';
import { openapiSchema } from '../openapi-schema.js';
import { findUnsafeText } from '../../text/find-unsafe-text.js';
import { HttpProblem } from '../problem.js';
import { dateString, integerField, timeAndIdCursor } from '../request-fields.js';
import { validate } from '../validate.js';

const kinds = ['product', 'compliance', 'script', 'faq'] as const;
const formats = ['markdown', 'text', 'html', 'csv', 'jsonl', 'pdf'] as const;
const statuses = ['draft', 'approved', 'retired'] as const;

// Other route files import the date field from here; it lives with the other shared request fields.
export { dateString };

export const metadataFields = {
  title: z.string().trim().min(1).max(500).optional(),
  kind: z.enum(kinds).optional(),
  language: z.enum(['zh', 'en']).optional(),
  tags: z.array(z.string().trim().min(1).max(100)).max(50).optional(),
  product: z.string().trim().min(1).max(200).optional(),
  productAliases: z.array(z.string().trim().min(1).max(200)).max(50).optional(),
  riskLevel: z.enum(['R1', 'R2', 'R3', 'R4', 'R5']).optional(),
  effectiveFrom: dateString.optional(),
  effectiveUntil: dateString.optional(),
  status: z.enum(statuses).optional(),
  sourceUri: z.string().max(2000).optional(),
  externalId: z.string().trim().min(1).max(200).optional(),
  source: z.string().trim().min(1).max(200).optional(),
  owner: z.string().trim().min(1).max(200).optional(),
};

const documentBody = z
  .object({
    ...metadataFields,
    format: z.enum(formats),
    body: z.string().min(1, 'must not be empty'),
    encoding: z.enum(['utf8', 'base64']).optional(),
  })
  .strict();

const syncBody = z
  .object({
    source: z.string().trim().min(1).max(200),
    documents: z.array(documentBody.extend({ externalId: z.string().trim().min(1).max(200) })).max(5000),
    deleteMissing: z.boolean().optional(),
  })
  .strict();

export const documentListQuery = z.object({
  kind: z.enum(kinds).optional(),
  status: z.enum(statuses).optional(),
  q: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

export const searchBody = z
  .object({
    query: z.string().trim().min(1, 'must not be empty').max(2000),
    topK: z.number().int().min(1).max(50).default(5),
    kinds: z.array(z.enum(kinds)).max(4).optional(),
    product: z.string().trim().min(1).max(200).optional(),
    language: z.enum(['zh', 'en']).optional(),
    asOf: dateString.optional(),
    explain: z.boolean().optional(),
  })
  .strict();

const idParams = z.object({ id: z.uuid({ error: 'must be a document id (UUID)' }) });
const proposalParams = z.object({ id: z.uuid({ error: 'must be a proposal id (UUID)' }) });

const question = z.string().trim().min(1, 'must not be empty').max(maximumQuestionCharacters, `must be at most ${maximumQuestionCharacters} characters`);
export const questionsBody = z.object({ questions: z.array(question).min(1, 'give at least one question').max(50) }).strict();
/** DELETE names the phrasings in a JSON body or, for clients that send no DELETE body, as repeated `question` parameters. */
export const questionsQuery = z.object({ question: z.union([question, z.array(question).min(1).max(50)]).optional() });
export const proposalListQuery = z.object({
  documentId: z.uuid({ error: 'must be a document id (UUID)' }).optional(),
  status: z.enum(['proposed', 'approved', 'rejected']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: timeAndIdCursor('plain').optional(),
});
export const approveBody = z.object({ comment: z.string().trim().min(1).max(2_000).optional() }).strict();
export const rejectBody = z.object({ comment: z.string().trim().min(1, 'must say why').max(2_000) }).strict();

function mapQuestionErrors(error: unknown): never {
  if (error instanceof NotFaqRowError || error instanceof DocumentRetiredError || error instanceof ProposalDecidedError) {
    throw new HttpProblem(409, error.code, 'Conflict', error.message);
  }
  if (error instanceof ProposalNotFoundError) throw HttpProblem.notFound(error.message);
  throw error;
}
const versionParams = idParams.extend({ version: integerField(1) });

function toDocumentInput(body: z.infer<typeof documentBody>): DocumentInput {
  const { body: content, encoding, ...rest } = body;
  const binary = body.format === 'pdf';
  if (binary && encoding !== 'base64') {
    throw HttpProblem.badRequest('A pdf sent as JSON carries its body in base64 with "encoding": "base64".', [
      { field: 'encoding', message: 'must be "base64" for format pdf' },
    ]);
  }
  let payload: string | Uint8Array = content;
  if (encoding === 'base64') {
    if (!/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(content)) throw HttpProblem.badRequest('body is not valid base64', [{ field: 'body', message: 'not valid base64' }]);
    payload = new Uint8Array(Buffer.from(content, 'base64'));
  }
  return { ...stripUndefined(rest), body: payload };
}

function stripUndefined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
}

/** multipart/form-data: a `file` field plus the same metadata fields as JSON (arrays as JSON or comma lists). */
async function readMultipart(request: FastifyRequest): Promise<DocumentInput> {
  if (!/;\s*boundary=("[^"]+"|[^\s;]+)/i.test(request.headers['content-type'] ?? '')) {
    throw HttpProblem.badRequest('multipart/form-data needs a boundary parameter, e.g. "multipart/form-data; boundary=x"', [{ field: 'content-type', message: 'has no boundary' }]);
  }
  const fields: Record<string, unknown> = {};
  let file: { name: string; bytes: Uint8Array } | undefined;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file') throw HttpProblem.badRequest(`unexpected file field '${part.fieldname}'`, [{ field: part.fieldname, message: 'only "file" is accepted' }]);
        const buffer = await part.toBuffer();
        file = { name: part.filename, bytes: new Uint8Array(buffer) };
      } else if (typeof part.value === 'string') {
        fields[part.fieldname] = part.value;
      }
    }
  } catch (error) {
    // The multipart parser throws plain errors for a truncated or malformed body: that is the client's input.
    const status = (error as { statusCode?: unknown }).statusCode;
    if (error instanceof HttpProblem || (typeof status === 'number' && status < 500)) throw error;
    throw HttpProblem.badRequest(`the multipart body is malformed: ${error instanceof Error ? error.message : String(error)}`, [{ field: 'body', message: 'malformed multipart/form-data' }]);
  }
  const unsafe = findUnsafeText(fields) ?? (file ? findUnsafeText(file.name, 'file') : undefined);
  if (unsafe) throw HttpProblem.badRequest(`${unsafe.field}: ${unsafe.message}`, [unsafe]);
  if (!file) throw HttpProblem.badRequest('multipart upload without a "file" field', [{ field: 'file', message: 'required' }]);
  for (const arrayField of ['tags', 'productAliases']) {
    const value = fields[arrayField];
    if (typeof value === 'string') fields[arrayField] = value.trim().startsWith('[') ? safeJson(value, arrayField) : value.split(/[,，;]/).map((item) => item.trim()).filter(Boolean);
  }
  const format = (fields.format as string | undefined) ?? formatFromFileName(file.name);
  if (!format) throw HttpProblem.badRequest(`cannot tell the format of '${file.name}'; send a "format" field`, [{ field: 'format', message: 'required for this file name' }]);
  const metadata = validate(z.object({ ...metadataFields, format: z.enum(formats) }).strict(), { ...fields, format }, 'body');
  return { ...stripUndefined(metadata), body: file.bytes, fileName: file.name };
}

function safeJson(value: string, field: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    throw HttpProblem.badRequest(`${field} is not valid JSON`, [{ field, message: 'not valid JSON' }]);
  }
}

export async function knowledgeRoutes(app: FastifyInstance, services: AppServices): Promise<void> {
  const write = requireRole(services.apiKeys, 'knowledge_owner');
  const read = requireRole(services.apiKeys, ...anyRole);
  const actor = (request: FastifyRequest) => ({ id: request.principal?.keyId ?? 'unknown' });

  app.post('/v1/knowledge/documents', { preHandler: write, schema: { tags: ['knowledge'], body: openapiSchema(documentBody) } }, async (request, reply) => {
    const input = request.isMultipart() ? await readMultipart(request) : toDocumentInput(validate(documentBody, request.body, 'body'));
    if (KnowledgeService.isFaqSet(input)) {
      const result = await services.knowledge.ingestFaqSet(input, actor(request));
      return reply.status(result.created + result.updated > 0 ? 201 : 200).send(result);
    }
    const result = await services.knowledge.ingest(input, actor(request));
    const { outcome, ...body } = result;
    return reply.status(outcome === 'unchanged' ? 200 : 201).send({ ...body, outcome });
  });

  app.put('/v1/knowledge/documents/:id', { preHandler: write, schema: { tags: ['knowledge'], body: openapiSchema(documentBody) } }, async (request) => {
    const { id } = validate(idParams, request.params, 'params');
    const input = request.isMultipart() ? await readMultipart(request) : toDocumentInput(validate(documentBody, request.body, 'body'));
    return services.knowledge.update(id, input, actor(request));
  });

  app.post('/v1/knowledge/sync', { preHandler: write, schema: { tags: ['knowledge'], body: openapiSchema(syncBody) } }, async (request) => {
    const body = validate(syncBody, request.body, 'body');
    const result = await services.knowledge.sync(body.source, body.documents.map(toDocumentInput), { deleteMissing: body.deleteMissing ?? false }, actor(request));
    return { created: result.created, updated: result.updated, unchanged: result.unchanged, retired: result.retired };
  });

  app.get('/v1/knowledge/documents', { preHandler: read, schema: { tags: ['knowledge'], querystring: openapiSchema(documentListQuery) } }, async (request) => {
    const query = validate(documentListQuery, request.query, 'query');
    return services.knowledge.list(stripUndefined(query));
  });

  app.get('/v1/knowledge/documents/:id', { preHandler: read, schema: { tags: ['knowledge'] } }, async (request) => {
    const { id } = validate(idParams, request.params, 'params');
    return services.knowledge.get(id);
  });

  app.get('/v1/knowledge/documents/:id/versions/:version', { preHandler: read, schema: { tags: ['knowledge'] } }, async (request) => {
    const { id, version } = validate(versionParams, request.params, 'params');
    return services.knowledge.getVersion(id, version);
  });

  app.delete('/v1/knowledge/documents/:id', { preHandler: write, schema: { tags: ['knowledge'] } }, async (request, reply) => {
    const { id } = validate(idParams, request.params, 'params');
    await services.knowledge.retire(id);
    return reply.status(204).send();
  });

  app.post('/v1/knowledge/documents/:id/questions', { preHandler: write, schema: { tags: ['knowledge'], body: openapiSchema(questionsBody) } }, async (request) => {
    const { id } = validate(idParams, request.params, 'params');
    const body = validate(questionsBody, request.body, 'body');
    return services.knowledge.addQuestions(id, body.questions, actor(request)).catch(mapQuestionErrors);
  });

  app.delete('/v1/knowledge/documents/:id/questions', { preHandler: write, schema: { tags: ['knowledge'], querystring: openapiSchema(questionsQuery) } }, async (request) => {
    const { id } = validate(idParams, request.params, 'params');
    const query = validate(questionsQuery, request.query, 'query');
    const inQuery = query.question === undefined ? [] : Array.isArray(query.question) ? query.question : [query.question];
    const questions = request.body === undefined || request.body === null ? inQuery : validate(questionsBody, request.body, 'body').questions;
    if (questions.length === 0) {
      throw HttpProblem.badRequest('name the questions to remove: a JSON body {"questions": [...]} or ?question=... parameters', [{ field: 'questions', message: 'required' }]);
    }
    return services.knowledge.removeQuestions(id, questions, actor(request)).catch(mapQuestionErrors);
  });

  app.get('/v1/knowledge/proposals', { preHandler: write, schema: { tags: ['knowledge'], querystring: openapiSchema(proposalListQuery) } }, async (request) => {
    const query = validate(proposalListQuery, request.query, 'query');
    return services.proposals.list(stripUndefined(query));
  });

  app.post('/v1/knowledge/proposals/:id/approve', { preHandler: write, schema: { tags: ['knowledge'], body: openapiSchema(approveBody) } }, async (request) => {
    const { id } = validate(proposalParams, request.params, 'params');
    const body = validate(approveBody, request.body ?? {}, 'body');
    return services.proposals.approve(id, actor(request), body.comment).catch(mapQuestionErrors);
  });

  app.post('/v1/knowledge/proposals/:id/reject', { preHandler: write, schema: { tags: ['knowledge'], body: openapiSchema(rejectBody) } }, async (request) => {
    const { id } = validate(proposalParams, request.params, 'params');
    const body = validate(rejectBody, request.body, 'body');
    return services.proposals.reject(id, actor(request), body.comment).catch(mapQuestionErrors);
  });

  app.post('/v1/knowledge/search', { preHandler: read, schema: { tags: ['knowledge'], body: openapiSchema(searchBody) } }, async (request) => {
    const body = validate(searchBody, request.body, 'body');
    const response = await services.search.search({
      query: body.query,
      topK: body.topK,
      ...(body.kinds ? { kinds: body.kinds } : {}),
      ...(body.product ? { product: body.product } : {}),
      ...(body.language ? { language: body.language } : {}),
      ...(body.asOf ? { asOf: new Date(body.asOf) } : {}),
      ...(body.explain ? { explain: true } : {}),
    });
    services.metrics.searchDuration.observe(response.tookMs / 1000);
    return {
      results: response.results.map(({ headingPath: _headingPath, language: _language, product: _product, ...result }) => result),
      tookMs: response.tookMs,
      ...(response.queryTokens ? { queryTokens: response.queryTokens } : {}),
    };
  });
}
