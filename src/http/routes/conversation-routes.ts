import { CardNotShownError } from '../../conversations/card-feedback.js';
import { UnknownProfileError } from '../../compliance/compliance-profiles.js';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { deskScope } from '../../access/desk-scope.js';
import { ConversationEndedError, ConversationNotFoundError, DuplicateConversationError } from '../../conversations/conversation-service.js';
import { SuggestionNotFoundError } from '../../suggestions/suggestion-service.js';
import { summaryEditSchema } from '../../summaries/summary-schema.js';
import { SummaryNotReadyError, SummaryRevisionConflictError, UnknownDispositionCodeError } from '../../summaries/summary-service.js';
import type { AppServices } from '../app-services.js';
import { requireRole } from '../auth.js';
import { openapiSchema } from '../openapi-schema.js';
import { HttpProblem } from '../problem.js';
import { openEventStream, wantsEventStream, type EventStream } from '../server-sent-events.js';
import { largestInt4, timeAndIdCursor } from '../request-fields.js';
import { validate } from '../validate.js';
import { dateString } from './knowledge-routes.js';

/** Control characters other than tab and newlines are refused: they are never speech and break transcripts. */
export const utteranceText = (maximum: number) =>
  z
    .string()
    .refine((text) => text.trim().length > 0, 'must not be empty')
    .refine((text) => text.length <= maximum, `must be at most ${maximum} characters`)
    .refine((text) => !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFD]/.test(text), 'contains control characters or invalid UTF-8')
    .meta({ description: `What was said: 1 to ${maximum} characters, not blank, no control characters other than tab and newlines.` });

export const customerSchema = z
  .object({
    riskLevel: z.enum(['C1', 'C2', 'C3', 'C4', 'C5']).optional(),
    segment: z.string().max(100).optional(),
    vulnerable: z.boolean().optional(),
    age: z.number().int().min(0).max(130).optional(),
  })
  .loose();

const createBody = z
  .object({
    channel: z.enum(['voice', 'chat']).optional(),
    language: z.enum(['zh', 'en']).optional(),
    externalId: z.string().trim().min(1).max(200).optional(),
    customer: customerSchema.optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    suggestions: z.object({ push: z.boolean() }).strict().optional(),
    complianceProfile: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .optional()
      .describe('The compliance profile this conversation runs under instead of the deployment\'s COMPLIANCE_PROFILE: a profile id (CN, US, UK, EU) or several joined by commas ("US,UK"). Its rules check the turns, its disclosures are appended by the suggestion guard and its rules write the summary\'s compliance section. `GET /v1/compliance/rules` lists the profiles.'),
  })
  .strict();

const turnBody = z
  .object({
    turnId: z.string().trim().min(1).max(200).optional(),
    speaker: z.enum(['customer', 'agent']),
    text: utteranceText(20_000),
    at: dateString.optional(),
  })
  .strict();

const suggestionBody = z.object({ n: z.number().int().min(1).max(3).default(3), stream: z.boolean().optional() }).strict();
const feedbackBody = z
  .object({
    action: z.enum(['accepted', 'edited', 'dismissed']),
    finalText: z.string().max(20_000).optional(),
    reason: z.string().max(2_000).optional(),
  })
  .strict()
  .refine((body) => body.action !== 'edited' || (body.finalText ?? '').trim().length > 0, { message: 'is required when action is edited', path: ['finalText'] });
export const cardFeedbackBody = z
  .object({
    documentId: z.uuid({ error: 'must be the documentId of a card shown in this conversation' }),
    turnId: z.uuid({ error: 'must be the turnId of a knowledge event' }).optional(),
    chunkId: z.uuid().optional(),
    action: z.enum(['helpful', 'not_helpful']),
    reason: z.string().max(2_000).optional(),
  })
  .strict();
const idParams = z.object({ id: z.uuid({ error: 'must be a UUID' }) });
export const auditQuery = z.object({
  conversationId: z.uuid().optional(),
  from: dateString.optional(),
  to: dateString.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: timeAndIdCursor('plain').optional(),
});

function mapErrors(error: unknown): never {
  if (error instanceof CardNotShownError) throw HttpProblem.badRequest(error.message, [{ field: error.field, message: error.message }]);
  if (error instanceof ConversationNotFoundError || error instanceof SuggestionNotFoundError) throw HttpProblem.notFound(error.message);
  if (error instanceof ConversationEndedError) throw new HttpProblem(409, error.code, 'Conversation ended', error.message);
  if (error instanceof DuplicateConversationError) throw new HttpProblem(409, error.code, 'Conflict', error.message);
  if (error instanceof SummaryNotReadyError || error instanceof SummaryRevisionConflictError) throw new HttpProblem(409, error.code, 'Conflict', error.message);
  if (error instanceof UnknownDispositionCodeError) throw HttpProblem.badRequest(error.message, [{ field: error.field, message: error.message }]);
  if (error instanceof UnknownProfileError) throw HttpProblem.badRequest(error.message, [{ field: 'complianceProfile', message: `unknown profile ${error.unknown.join(', ')}; known: ${error.known.join(', ')}` }]);
  throw error;
}

/** The agent's check of the summary: changed fields (the rest is kept), confirmed or not, and the revision read. */
export const summaryReviewBody = z
  .object({
    summary: summaryEditSchema.optional().meta({ description: 'The fields the agent changed, in the summary\'s shape; fields left out keep their value. The compliance section and provenance cannot be changed.' }),
    confirmed: z.boolean().meta({ description: 'true: the agent signs the summary off; false: saved as a draft (or reopened).' }),
    revision: z.number().int().min(0).max(largestInt4).optional().meta({ description: 'The `revision` the agent read; a save over a newer one is refused with 409 summary_changed.' }),
  })
  .strict();

export async function conversationRoutes(app: FastifyInstance, services: AppServices): Promise<void> {
  const agent = requireRole(services.apiKeys, 'agent');
  const compliance = requireRole(services.apiKeys, 'compliance');

  app.post('/v1/conversations', { preHandler: agent, schema: { tags: ['conversations'], body: openapiSchema(createBody) } }, async (request, reply) => {
    const body = validate(createBody, request.body, 'body');
    const conversation = await services.conversations
      .create({
        ...(body.channel ? { channel: body.channel } : {}),
        ...(body.language ? { language: body.language } : {}),
        ...(body.externalId ? { externalId: body.externalId } : {}),
        ...(body.customer ? { customer: body.customer } : {}),
        ...(body.metadata ? { metadata: body.metadata } : {}),
        suggestionsEnabled: body.suggestions?.push ?? false,
        ...(body.complianceProfile ? { complianceProfile: body.complianceProfile } : {}),
        // The conversation belongs to the creating key's desk, if it has one.
        ...deskScope(request.principal),
      })
      .catch(mapErrors);
    return reply.status(201).send(conversation);
  });

  app.get('/v1/conversations/:id', { preHandler: agent, schema: { tags: ['conversations'] } }, async (request) => {
    const { id } = validate(idParams, request.params, 'params');
    const conversation = await services.conversations.get(id, deskScope(request.principal)).catch(mapErrors);
    return { ...conversation, turns: await services.conversations.turns(id) };
  });

  app.post('/v1/conversations/:id/turns', { preHandler: agent, schema: { tags: ['conversations'], body: openapiSchema(turnBody) } }, async (request, reply) => {
    const { id } = validate(idParams, request.params, 'params');
    const body = validate(turnBody, request.body, 'body');
    const result = await services.conversations
      .addTurn(id, { speaker: body.speaker, text: body.text, ...(body.turnId ? { turnId: body.turnId } : {}), ...(body.at ? { at: body.at } : {}) }, deskScope(request.principal))
      .catch(mapErrors);
    for (const finding of result.findings) if (!result.replayed) services.metrics.complianceFindings.inc({ severity: finding.severity });
    if (result.replayed) reply.header('idempotent-replayed', 'true');
    return reply.status(201).send({
      turn: result.turn,
      findings: result.findings,
      ...(result.rulesVersion ? { rulesVersion: result.rulesVersion } : {}),
      ...(result.knowledge ? { knowledge: result.knowledge } : {}),
    });
  });

  app.post('/v1/conversations/:id/suggestions', { preHandler: agent, schema: { tags: ['suggestions'], body: openapiSchema(suggestionBody) } }, async (request, reply) => {
    const { id } = validate(idParams, request.params, 'params');
    const body = validate(suggestionBody, request.body ?? {}, 'body');
    await services.conversations.get(id, deskScope(request.principal)).catch(mapErrors);
    if (!(body.stream || wantsEventStream(request))) {
      return services.suggestions.suggest(id, { n: body.n }).catch(mapErrors);
    }
    const stream = openEventStream(request, reply);
    const abort = new AbortController();
    stream.onClose(() => abort.abort());
    try {
      const response = await services.suggestions.suggest(id, {
        n: body.n,
        signal: abort.signal,
        stream: {
          onToken: (event) => stream.send('token', event),
          onSuggestion: (event) => stream.send('suggestion', event),
        },
      });
      stream.send('done', response);
    } catch (error) {
      request.log.error({ err: error }, 'streamed suggestion failed');
      stream.send('error', { title: 'Suggestion failed', status: 500, detail: 'The suggestion could not be produced; the turn is stored.' });
    } finally {
      stream.close();
    }
    return reply;
  });

  // Open event streams are hijacked responses the HTTP server would wait for forever on close: end them first.
  const openStreams = new Set<EventStream>();
  app.addHook('preClose', async () => {
    for (const stream of openStreams) stream.close();
  });

  app.get('/v1/conversations/:id/events', { preHandler: agent, schema: { tags: ['conversations'] } }, async (request, reply) => {
    const { id } = validate(idParams, request.params, 'params');
    const current = await services.conversations.lastEventId(id, deskScope(request.principal)).catch(mapErrors);
    const header = request.headers['last-event-id'] ?? (request.query as Record<string, unknown>).lastEventId;
    let after = current;
    if (header !== undefined && header !== '') {
      const parsed = Number(header);
      if (!Number.isInteger(parsed) || parsed < 0) throw HttpProblem.badRequest('Last-Event-ID must be a non-negative integer', [{ field: 'Last-Event-ID', message: 'must be a non-negative integer' }]);
      if (parsed > current) throw HttpProblem.badRequest(`Last-Event-ID ${parsed} is ahead of this conversation's newest event (${current})`, [{ field: 'Last-Event-ID', message: 'is from the future' }]);
      after = parsed;
    }
    const stream = openEventStream(request, reply);
    openStreams.add(stream);
    stream.comment(`connected to conversation ${id}; resuming after event ${after}`);
    let unsubscribe: () => void;
    try {
      unsubscribe = await services.events.subscribe(id, after, (event) => stream.write(event.type, event.data, event.id), {
        onEnd: (end) => {
          // No id: a client's Last-Event-ID stays on the last real event.
          stream.send('end', end);
          stream.close();
        },
      });
    } catch (error) {
      // The response is already a stream: report on it (the desktop reconnects with its Last-Event-ID).
      request.log.error({ err: error }, 'event stream failed to start');
      stream.send('error', { type: 'https://agent-assist.dev/problems/unavailable', title: 'Service unavailable', status: 503, detail: 'The event stream could not start; reconnect shortly.' });
      openStreams.delete(stream);
      stream.close();
      return reply;
    }
    // A key revoked while its stream is open (on this replica or another) cuts the stream.
    const cut = () => {
      stream.send('error', { type: 'https://agent-assist.dev/problems/invalid_api_key', title: 'Unauthorized', status: 401, detail: 'The API key of this stream was revoked.' });
      stream.close();
    };
    const unwatch = request.principal ? services.apiKeys.watch(request.principal.keyId, cut) : () => undefined;
    const heartbeat = setInterval(() => stream.comment('heartbeat'), services.settings.heartbeatMilliseconds);
    stream.onClose(() => {
      unwatch();
      openStreams.delete(stream);
      clearInterval(heartbeat);
      unsubscribe();
    });
    return reply;
  });

  app.post('/v1/suggestions/:id/feedback', { preHandler: agent, schema: { tags: ['suggestions'], body: openapiSchema(feedbackBody) } }, async (request, reply) => {
    const { id } = validate(idParams, request.params, 'params');
    const body = validate(feedbackBody, request.body, 'body');
    await services.suggestions.feedback(id, body, request.principal?.keyId ?? 'unknown', deskScope(request.principal)).catch(mapErrors);
    return reply.status(204).send();
  });

  app.post('/v1/conversations/:id/cards/feedback', { preHandler: agent, schema: { tags: ['conversations'], body: openapiSchema(cardFeedbackBody) } }, async (request, reply) => {
    const { id } = validate(idParams, request.params, 'params');
    const body = validate(cardFeedbackBody, request.body, 'body');
    const input = Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined)) as typeof body;
    await services.cardFeedback.record(id, input, request.principal?.keyId ?? 'unknown', deskScope(request.principal)).catch(mapErrors);
    return reply.status(204).send();
  });

  app.post('/v1/conversations/:id/end', { preHandler: agent, schema: { tags: ['conversations'] } }, async (request, reply) => {
    const { id } = validate(idParams, request.params, 'params');
    const conversation = await services.conversations.end(id, deskScope(request.principal)).catch(mapErrors);
    return reply.status(202).send({ id, status: conversation.status, endedAt: conversation.endedAt, summary: `/v1/conversations/${id}/summary` });
  });

  app.get('/v1/conversations/:id/summary', { preHandler: agent, schema: { tags: ['summaries'] } }, async (request, reply) => {
    const { id } = validate(idParams, request.params, 'params');
    const conversation = await services.conversations.get(id, deskScope(request.principal)).catch(mapErrors);
    if (conversation.status !== 'ended') throw new HttpProblem(409, 'conversation_active', 'Conversation still active', 'End the conversation (POST .../end) to have its summary written.');
    const job = await services.summaries.status(id);
    if (job.status === 'done') return (await services.summaries.reviewed(id)) ?? { summary: job.summary };
    if (job.status === 'failed') throw new HttpProblem(500, 'summary_failed', 'Summary failed', 'The summary could not be written; it is retried automatically.');
    return reply.status(202).header('retry-after', '1').send({ status: job.status });
  });

  app.put('/v1/conversations/:id/summary', { preHandler: agent, schema: { tags: ['summaries'], body: openapiSchema(summaryReviewBody) } }, async (request) => {
    const { id } = validate(idParams, request.params, 'params');
    const body = validate(summaryReviewBody, request.body, 'body');
    const conversation = await services.conversations.get(id, deskScope(request.principal)).catch(mapErrors);
    if (conversation.status !== 'ended') throw new HttpProblem(409, 'conversation_active', 'Conversation still active', 'End the conversation (POST .../end) to have its summary written.');
    return services.summaries
      .review(id, { ...(body.summary ? { edit: body.summary } : {}), confirmed: body.confirmed, ...(body.revision === undefined ? {} : { expectedRevision: body.revision }) }, request.principal?.keyId ?? 'unknown')
      .catch(mapErrors);
  });

  app.get('/v1/audit/suggestions', { preHandler: compliance, schema: { tags: ['audit'] } }, async (request) => {
    const query = validate(auditQuery, request.query, 'query');
    return services.suggestions.audit({
      limit: query.limit,
      ...(query.conversationId ? { conversationId: query.conversationId } : {}),
      ...(query.from ? { from: new Date(query.from) } : {}),
      ...(query.to ? { to: new Date(query.to) } : {}),
      ...(query.cursor ? { cursor: query.cursor } : {}),
    });
  });
}
