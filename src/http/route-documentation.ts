import { z } from 'zod';
import type { Role } from '../access/api-key-service.js';
import { openapiSchema } from './openapi-schema.js';
import { emptyResponse, eventStreamResponse, jsonResponse, problemResponse, textResponse, type ResponseEntry } from './openapi-responses.js';
import { largestInt4 } from './request-fields.js';
import * as responses from './response-schemas.js';
import { auditQuery } from './routes/conversation-routes.js';
import { runListQuery, runReportQuery, startRunBody } from './routes/eval-routes.js';
import { documentListQuery, metadataFields, proposalListQuery, questionsQuery } from './routes/knowledge-routes.js';
import { reviewQueueQuery } from './routes/review-routes.js';
import { diffQuery } from './routes/knowledge-diff-routes.js';
import { gapListQuery, usageQuery } from './routes/knowledge-usage-routes.js';
import { callImportJsonBody, callImportQuery } from './routes/call-import-routes.js';
import { insightQuery } from './routes/insight-routes.js';
import { inspectionListQuery } from './routes/inspection-routes.js';

/**
 * What the OpenAPI document says about each route beyond its request schemas: summary, who may call it, every
 * response (success shapes, problems, event streams) and examples. Kept here, beside the routes rather than in
 * them, so route files stay short; `documentRoute` merges it in when @fastify/swagger builds the document, and a
 * test fails when a route has no entry here.
 */
export interface RouteDocumentation {
  summary: string;
  description?: string;
  /** Roles that may call it (admin always may), or 'public' for health and metrics. */
  access: 'public' | readonly Role[];
  success: Record<number, ResponseEntry>;
  /** Problem statuses particular to this route; 400/401/403/404/413/415/429/503 are added from its shape. */
  problems?: readonly number[];
  querystring?: z.ZodType;
  headers?: Record<string, unknown>;
  /** A replacement for the route's body schema (several content types), or an example for it. */
  body?: Record<string, unknown>;
  bodyExample?: unknown;
}

const everyone: readonly Role[] = ['agent', 'knowledge_owner', 'compliance', 'admin'];
const uuidExample = '3f2b8c1e-5d4a-4e6b-9c7d-1a2b3c4d5e6f';

const exampleFinding = {
  ruleId: 'zh-guaranteed-return',
  severity: 'critical',
  kind: 'forbidden_statement',
  title: '承诺保本保收益',
  source: '《银行保险机构消费者权益保护管理办法》',
  evidence: { start: 4, end: 9, text: '保本保收益' },
  explanation: '理财产品不得承诺保本或保证收益。',
  fix: '理财非存款，产品有风险，投资须谨慎。',
};

const exampleSearchResult = {
  chunkId: '7a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
  documentId: uuidExample,
  externalId: 'credit-card-annual-fee',
  version: 2,
  title: '信用卡年费',
  kind: 'product',
  text: '金卡年费每年200元，当年刷卡满6次免次年年费。',
  score: 1,
  confidence: 0.91,
  heading: '年费标准',
};

const documentExample = {
  title: '信用卡年费',
  kind: 'product',
  format: 'markdown',
  body: '# 信用卡年费\n\n## 年费标准\n金卡年费每年200元，当年刷卡满6次免次年年费。',
  product: '金卡',
  tags: ['信用卡', '年费'],
  effectiveFrom: '2025-01-01',
  externalId: 'credit-card-annual-fee',
};

/** Multipart uploads carry the metadata fields as strings (arrays as JSON or comma lists) plus the file. */
function multipartDocumentSchema(): Record<string, unknown> {
  const metadata = openapiSchema(z.object(metadataFields)) as { properties?: Record<string, unknown> };
  return {
    type: 'object',
    required: ['file'],
    properties: {
      file: { type: 'string', format: 'binary', description: 'The document (md, txt, html, pdf, FAQ csv/jsonl); the format is read from the file name unless `format` is sent.' },
      format: { type: 'string', enum: ['markdown', 'text', 'html', 'csv', 'jsonl', 'pdf'] },
      ...Object.fromEntries(Object.keys(metadata.properties ?? {}).map((name) => [name, { type: 'string' }])),
    },
  };
}

function documentBodyWith(jsonSchema: unknown): Record<string, unknown> {
  return {
    content: {
      'application/json': { schema: jsonSchema, example: documentExample },
      'multipart/form-data': { schema: multipartDocumentSchema() },
    },
  };
}

const lastEventIdQuery = z.object({
  lastEventId: z.string().optional().meta({ description: 'Same as the Last-Event-ID header, for clients that cannot set headers (EventSource).' }),
});

export const routeDocumentation: Record<string, RouteDocumentation> = {
  'GET /healthz': {
    summary: 'Liveness: the process is up',
    description: 'Answers without touching the database; use it for liveness probes.',
    access: 'public',
    success: { 200: jsonResponse('The process is up.', responses.healthSchema, { status: 'ok' }) },
  },
  'GET /readyz': {
    summary: 'Readiness: database reachable and migrations applied',
    access: 'public',
    success: { 200: jsonResponse('Ready to serve.', responses.readinessSchema, { status: 'ready', ready: true, checks: { database: 'ok', migrations: 'ok' } }) },
    problems: [],
  },
  'GET /metrics': {
    summary: 'Prometheus metrics',
    description: 'Request counts and latencies by route, search latency, compliance findings by severity, degraded suggestions by cause, guard outcomes.',
    access: 'public',
    success: { 200: textResponse('Prometheus text exposition format.', ['text/plain']) },
  },

  'POST /v1/keys': {
    summary: 'Create an API key',
    access: ['admin'],
    description: 'The key is returned once, in this response; only its hash is stored. An agent key may be bound to a `desk`: it then sees and acts only on the conversations its desk created (others answer 404). Agent keys without a desk, compliance and admin keys see every conversation.',
    success: { 201: jsonResponse('The new key.', responses.keyCreatedSchema, { id: uuidExample, key: 'aa_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG' }) },
    bodyExample: { role: 'agent', name: 'desk-1 agent 0042', desk: 'desk-1' },
  },
  'GET /v1/keys': {
    summary: 'List API keys (no secrets)',
    access: ['admin'],
    success: { 200: jsonResponse('Every key, revoked ones included.', responses.keyListSchema) },
  },
  'DELETE /v1/keys/:id': {
    summary: 'Revoke an API key',
    access: ['admin'],
    success: { 204: emptyResponse('Revoked.') },
  },

  'POST /v1/knowledge/documents': {
    summary: 'Create a document (or a new version of an externalId), or ingest a FAQ set',
    description:
      'JSON or multipart/form-data with a `file` part. A pdf sent as JSON carries `body` in base64 with `encoding: "base64"`. A csv or jsonl FAQ set (rows with `id`, `question`/`questions`, `answer`) becomes one document per row and answers with `documents`, `created`, `updated`, `unchanged`.',
    access: ['knowledge_owner'],
    success: {
      201: jsonResponse('Created (a document, a new version, or a FAQ set with at least one change).', z.union([responses.ingestResultSchema, responses.faqSetResultSchema]), {
        documentId: uuidExample,
        externalId: 'credit-card-annual-fee',
        version: 1,
        chunkCount: 2,
        contentHash: '9b1c…',
        outcome: 'created',
      }),
      200: jsonResponse('Unchanged content: the existing version, nothing re-embedded.', z.union([responses.ingestResultSchema, responses.faqSetResultSchema])),
    },
    body: documentBodyWith('route'),
  },
  'PUT /v1/knowledge/documents/:id': {
    summary: 'New version of a document',
    description: 'Same body as POST. Unchanged content answers with the existing version.',
    access: ['knowledge_owner'],
    success: { 200: jsonResponse('The current version after the update.', responses.ingestResultSchema) },
    body: documentBodyWith('route'),
  },
  'POST /v1/knowledge/sync': {
    summary: 'Mirror a source (CMS): create, re-version and optionally retire',
    description: 'Documents are matched by `externalId` within `source`; with `deleteMissing`, documents of that source absent from the list are retired.',
    access: ['knowledge_owner'],
    success: { 200: jsonResponse('What changed.', responses.syncResultSchema, { created: 1, updated: 0, unchanged: 12, retired: 0 }) },
    bodyExample: { source: 'cms', deleteMissing: true, documents: [{ ...documentExample }] },
  },
  'GET /v1/knowledge/documents': {
    summary: 'List documents',
    description: 'Ordered by externalId; pass `nextCursor` back as `cursor` for the next page.',
    access: everyone,
    success: { 200: jsonResponse('A page of documents (current versions).', responses.documentListSchema) },
    querystring: documentListQuery,
  },
  'GET /v1/knowledge/documents/:id': {
    summary: 'A document with its version history',
    access: everyone,
    success: { 200: jsonResponse('The document.', responses.documentWithHistorySchema) },
  },
  'GET /v1/knowledge/documents/:id/versions/:version': {
    summary: 'One version of a document, with its body and chunks',
    access: everyone,
    success: { 200: jsonResponse('The version.', responses.documentVersionWithChunksSchema) },
  },
  'POST /v1/knowledge/documents/:id/versions/:version/submit': {
    summary: 'Submit a draft for review: its eval gate runs against a shadow view of the base',
    description:
      'The suites whose `gate:` names the version\'s kind (and product) run in the background against the base with this version in place of the document\'s current one (same search code, nothing copied); poll GET .../checks. An invalid gate suite is a 422 `invalid_gate_suite` naming the suite, and the draft stays a draft. Submitting a submitted version runs its gate again. With REVIEW_REQUIRED_KINDS set, every new version of those kinds starts as a draft.',
    access: ['knowledge_owner'],
    success: { 202: jsonResponse('The version, now submitted, and its gate check (status `running`).', responses.submitResultSchema) },
    problems: [409, 422],
    bodyExample: { comment: '2026 H2 rate sheet' },
  },
  'POST /v1/knowledge/documents/:id/versions/:version/approve': {
    summary: 'Approve a submitted version (another key than its author): it becomes retrievable',
    description:
      'Four eyes: the key that wrote or submitted the version gets 403 `four_eyes_required`. A rejected version cannot be approved (409 `version_rejected`); a draft must be submitted first (409 `version_not_submitted`). A gate still running is 409 `gate_running`; a gate that found regressions or failed to run is 409 `gate_blocked` unless `override` says why, which is recorded as its own `override` event.',
    access: ['knowledge_owner', 'compliance'],
    success: { 200: jsonResponse('The approved version.', responses.reviewStateSchema) },
    problems: [409],
    bodyExample: { comment: 'checked against the rate notice', override: 'the failing case quotes last year\'s rate; suite fix follows' },
  },
  'POST /v1/knowledge/documents/:id/versions/:version/reject': {
    summary: 'Reject a draft or submitted version, saying why',
    description: 'A rejected version stays in the history, is never retrievable and can never be approved; upload the corrected document as a new version.',
    access: ['knowledge_owner', 'compliance'],
    success: { 200: jsonResponse('The rejected version.', responses.reviewStateSchema) },
    problems: [409],
    bodyExample: { comment: 'the annual rate is missing' },
  },
  'GET /v1/knowledge/documents/:id/versions/:version/checks': {
    summary: "A version's review state, its eval gate checks and its review trail",
    description: 'Each check lists the suites run (with their stored run ids), pass counts and the regressions against the baseline (the approved run of the suite, or a run on the live base when none is approved).',
    access: ['knowledge_owner', 'compliance'],
    success: { 200: jsonResponse('State, checks (newest first) and events (oldest first).', responses.reviewChecksSchema) },
  },
  'GET /v1/knowledge/review-queue': {
    summary: 'What awaits a knowledge owner or an approver',
    description:
      'Submitted versions with their gate results, drafts not yet submitted, proposed similar questions, documents whose effectiveUntil falls within 30 days (and no later version replaces them), documents agents dismissed more often than they found helpful over the last 30 days, and gaps (null until a gaps source is wired). `owner` filters by the version\'s owner.',
    access: ['knowledge_owner', 'compliance'],
    success: { 200: jsonResponse('The queue.', responses.reviewQueueSchema) },
    querystring: reviewQueueQuery,
  },
  'GET /v1/knowledge/documents/:id/diff': {
    summary: 'What changed between two versions of a document',
    description:
      'The text by sentence (added, removed, unchanged, in order), changed metadata (risk level, status, effective dates, owner, tags, questions, ...), rates stated in only one version, and chunks added, removed or changed (same heading, new content). `from` and `to` are version numbers or `<documentId>:<version>`; default: the version before the current one and the current one. A version of another document is a 400 `different_documents` naming the parameter; a version the document does not have is a 404 naming it.',
    access: everyone,
    success: { 200: jsonResponse('The diff.', responses.versionDiffSchema) },
    querystring: diffQuery,
  },
  'GET /v1/knowledge/usage': {
    summary: 'How agents used each document and chunk over a period',
    description:
      'Per document (busiest first) and chunk: shown as a knowledge card, cited by a suggestion, and the agents\' feedback on those suggestions (accepted, edited, dismissed) and cards (helpful, not_helpful), with the reasons given for dismissals. `kind` ranks by (and keeps documents with) that kind; `documentId` adds the per-chunk counts of that document (chunk ids as cited). Counted per business day in `BUSINESS_UTC_OFFSET`: `from` and `to` are days (a timestamp counts its whole day), at most 366 days, default the last 30.',
    access: ['knowledge_owner', 'compliance'],
    success: { 200: jsonResponse('Counts per document and chunk.', responses.usageResponseSchema) },
    querystring: usageQuery,
  },
  'GET /v1/knowledge/gaps': {
    summary: 'Customer questions the knowledge base could not answer, grouped',
    description:
      "A customer turn asking something that no knowledge card answers (none found, or none passing the suggestion path's fitted confidence and word-coverage test: the questions that get the hand-over) is recorded masked and grouped with similar ones (term overlap, cut-off fitted in `src/knowledge/gap-clustering.json`). Most asked first, with examples and the document retrieval came closest with. Counted per business day in `BUSINESS_UTC_OFFSET`, as usage: `from`/`to` are days (a timestamp counts its whole day), at most 366 days, default the last 30.",
    access: ['knowledge_owner', 'compliance'],
    success: { 200: jsonResponse('Gaps in the period.', responses.gapListSchema) },
    querystring: gapListQuery,
  },
  'GET /v1/knowledge/gaps/:id': {
    summary: 'One gap over its whole history',
    access: ['knowledge_owner', 'compliance'],
    success: { 200: jsonResponse('The gap.', responses.gapSchema) },
  },
  'POST /v1/knowledge/gaps/:id/draft': {
    summary: 'Turn a gap into a draft FAQ row',
    description: "A FAQ row with the gap's questions (or those given) and the owner's answer, stored as `draft`: never retrieved until approved. The gap becomes `drafted`; a gap already drafted or proposed is a 409.",
    access: ['knowledge_owner'],
    success: { 201: jsonResponse('The draft and the gap.', responses.gapDraftSchema) },
    problems: [409],
    bodyExample: { answer: '外汇牌价可在手机银行查询，以成交时价格为准。' },
  },
  'POST /v1/knowledge/gaps/:id/propose': {
    summary: "Propose a gap's question as a similar question of an existing FAQ row",
    description: 'Through the question proposals (`origin: gap`): nothing is added until a knowledge owner approves it. A document that is not a current FAQ row, or already has the question, is a 409 naming `documentId`.',
    access: ['knowledge_owner'],
    success: { 201: jsonResponse('The proposal count and the gap.', responses.gapProposalSchema) },
    problems: [409],
    bodyExample: { documentId: uuidExample },
  },
  'DELETE /v1/knowledge/documents/:id': {
    summary: 'Retire a document',
    description: 'History is kept; retired content is never retrieved.',
    access: ['knowledge_owner'],
    success: { 204: emptyResponse('Retired.') },
  },
  'POST /v1/knowledge/documents/:id/questions': {
    summary: 'Add similar questions (相似问) to a FAQ row',
    description:
      'A new version of the row with the phrasings appended. The addition outlives the next ingest of the FAQ file the row came from. FAQ rows only: a Markdown document keeps its `questions:` list in its front matter (409 `not_faq_row`). An empty, duplicate (of another entry or of an existing phrasing) or too long question is a 400 naming `questions.N`.',
    access: ['knowledge_owner'],
    success: { 200: jsonResponse('The new version and every phrasing.', responses.questionsResultSchema) },
    problems: [409],
    bodyExample: { questions: ['信用卡年费能免吗', '金卡的年费是多少'] },
  },
  'DELETE /v1/knowledge/documents/:id/questions': {
    summary: 'Remove similar questions from a FAQ row',
    description:
      'Names the phrasings in a JSON body `{questions: [...]}` or as repeated `question` parameters. A new version without them; the removal outlives the next ingest of the FAQ file. A row keeps at least one question (400 `no_questions_left`); a phrasing the row does not have is a 400 naming `questions.N`.',
    access: ['knowledge_owner'],
    success: { 200: jsonResponse('The new version and the phrasings left.', responses.questionsResultSchema) },
    problems: [409],
    querystring: questionsQuery,
  },
  'GET /v1/knowledge/proposals': {
    summary: 'Customer questions proposed as similar questions',
    description:
      "An agent's `accepted` feedback on a suggestion, or `helpful` on a knowledge card, proposes the customer's question (masked) for the FAQ rows it used; proposing it again counts (`timesProposed`). Nothing is added until approved. Ordered by time; pass `nextCursor` back as `cursor`.",
    access: ['knowledge_owner'],
    success: { 200: jsonResponse('A page of proposals.', responses.proposalListSchema) },
    querystring: proposalListQuery,
  },
  'POST /v1/knowledge/proposals/:id/approve': {
    summary: 'Approve a proposal: the question becomes a phrasing of its FAQ row (a new version)',
    access: ['knowledge_owner'],
    success: { 200: jsonResponse('The decided proposal, with the version that added it.', responses.proposalSchema) },
    problems: [409],
    bodyExample: { comment: 'common wording' },
  },
  'POST /v1/knowledge/proposals/:id/reject': {
    summary: 'Reject a proposal, saying why',
    access: ['knowledge_owner'],
    success: { 200: jsonResponse('The decided proposal.', responses.proposalSchema) },
    problems: [409],
    bodyExample: { comment: 'asks about a different card' },
  },
  'POST /v1/knowledge/search': {
    summary: 'Hybrid search (vector + lexical) over approved, effective knowledge',
    access: everyone,
    success: { 200: jsonResponse('Results, best first, each citing its document version.', responses.searchResponseSchema, { results: [exampleSearchResult], tookMs: 4.2 }) },
    bodyExample: { query: '信用卡年费怎么收', topK: 5, kinds: ['product', 'faq'], asOf: '2025-03-01' },
  },

  'POST /v1/conversations': {
    summary: 'Start a conversation',
    description: 'With `suggestions: {push: true}`, suggestions are pushed as events after every customer turn.',
    access: ['agent'],
    success: { 201: jsonResponse('The conversation.', responses.conversationSchema) },
    problems: [409],
    bodyExample: { channel: 'voice', language: 'zh', externalId: 'call-20250301-0001', customer: { riskLevel: 'C2', age: 67, vulnerable: true }, suggestions: { push: true } },
  },
  'GET /v1/conversations/:id': {
    summary: 'A conversation with its turns',
    access: ['agent'],
    success: { 200: jsonResponse('The conversation and its stored transcript.', responses.conversationWithTurnsSchema) },
  },
  'POST /v1/conversations/:id/turns': {
    summary: 'Add a turn',
    description:
      'Stored before anything else happens. `turnId` makes retries safe (a retry returns the stored turn with the `idempotent-replayed: true` header). Agent turns come back with compliance findings, customer turns with knowledge cards.',
    access: ['agent'],
    success: { 201: jsonResponse('The stored turn and what it triggered.', responses.addTurnResponseSchema) },
    problems: [409],
    bodyExample: { turnId: 'desk-1-0003', speaker: 'agent', text: '这款理财产品不保本，过往业绩不代表未来表现。', at: '2025-03-01T09:30:05+08:00' },
  },
  'POST /v1/conversations/:id/suggestions': {
    summary: 'Suggested replies for the latest turn (JSON or streamed)',
    description:
      'Every reply passed the consumer-protection rules before it is shown and cites the passages it used. Past the time budget or on a model error the offline answer is returned with `degraded: true`. With `Accept: text/event-stream` (or `stream: true`) the same is streamed, sentence by sentence, each sentence released only after the guard passed it.',
    access: ['agent'],
    success: {
      200: {
        ...jsonResponse('Suggestions (JSON).', responses.suggestionResponseSchema),
        content: {
          ...(jsonResponse('', responses.suggestionResponseSchema).content as Record<string, unknown>),
          ...(eventStreamResponse('', {}, '').content as Record<string, unknown>),
        },
        description:
          'Suggestions: JSON, or with Accept: text/event-stream a stream of `token` (`{index, text}`: a guarded sentence), `suggestion` (`{index, suggestion}`: the final text of one suggestion), then `done` (the whole JSON response) or `error` (a problem).',
      },
    },
    problems: [409],
    bodyExample: { n: 3 },
  },
  'GET /v1/conversations/:id/events': {
    summary: 'Server-Sent Events of a conversation',
    description: [
      'Event ids are integers increasing per conversation. Without Last-Event-ID (header, or `?lastEventId=`) the stream starts from now; with it,',
      'every stored event after that id is replayed first, paged at the pace the client reads, then live ones (no loss, no duplicates).',
      '`:` heartbeat comments keep idle proxies from cutting the stream. When the conversation has ended and its last event (normally `summary`)',
      'was sent, a final `end` event without an id is sent and the stream closes: clients stop reconnecting on `end` (EventSource: call `close()`).',
      "If the stream's API key is revoked (on any replica), an `error` event (a 401 problem) is sent within 5 s and the stream closes.",
      'A desk-bound agent key sees only its desk\'s conversations (404 otherwise).',
    ].join(' '),
    access: ['agent'],
    success: {
      200: eventStreamResponse(
        'The event stream; it stays open until the conversation ends (then `end`) or the key is revoked (then `error`).',
        {
          knowledge: '`{turnId, clientTurnId, query, results, situations}`: knowledge cards for the latest customer turn, with the situations detected in it (`[{id}]`, ids of src/understanding/situations.yaml: lost_stolen_card, fraud_scam, complaint_escalation...)',
          suggestion: '`{turnId, suggestions, provider, model, degraded}`: pushed suggestions',
          compliance: '`{turnId, clientTurnId, sequence, verdict, findings, rulesVersion}`: the check of an agent turn. With a model configured, a risky agent turn (non-deposit sales, collections, disputes, a vulnerable customer, or a rule marked `judge`) gets a second, later `compliance` event from the model judge: `{turnId, clientTurnId, sequence, detectedBy: "judge", judge: "ok" | "unavailable", judgeError?, rubricVersion?, verdict, findings, contexts, rulesJudged, profile?}` (sent when the judge found something or failed; a failure is never a pass)',
          summary: '`{summary}`: the post-call summary, once written',
          end: '`{conversationId, lastEventId, endedAt, summary: done|failed|none|pending}`: the last event of an ended conversation; the stream closes',
          error: 'a problem (`{type, title, status, detail}`): the key was revoked or the stream could not continue; the stream closes',
        },
        'id: 12\nevent: compliance\ndata: {"turnId":"…","verdict":"fail","findings":[…]}\n\n',
      ),
    },
    querystring: lastEventIdQuery,
    headers: { type: 'object', properties: { 'last-event-id': { type: 'string', description: 'Resume after this event id (a non-negative integer not ahead of the newest event).' } } },
  },
  'POST /v1/suggestions/:id/feedback': {
    summary: "Record the agent's feedback on a suggestion",
    access: ['agent'],
    success: { 204: emptyResponse('Recorded.') },
    bodyExample: { action: 'edited', finalText: '您好，金卡年费每年200元，当年刷卡满6次可免次年年费。', reason: 'shorter' },
  },
  'POST /v1/conversations/:id/cards/feedback': {
    summary: "Record the agent's feedback on a knowledge card",
    description:
      "About a card pushed in this conversation's `knowledge` events (`turnId` picks the event; default the latest showing the document). `helpful` proposes the customer's question as a similar question of that FAQ row (see GET /v1/knowledge/proposals). A document never shown as a card here is a 400 naming `documentId`.",
    access: ['agent'],
    success: { 204: emptyResponse('Recorded.') },
    bodyExample: { documentId: uuidExample, action: 'helpful' },
  },
  'POST /v1/conversations/:id/end': {
    summary: 'End a conversation; its summary is written then',
    access: ['agent'],
    success: { 202: jsonResponse('Ended; poll the summary link.', responses.endConversationSchema) },
  },
  'GET /v1/conversations/:id/summary': {
    summary: 'The post-call summary',
    access: ['agent'],
    success: {
      200: jsonResponse('The summary.', responses.summaryResponseSchema),
      202: { ...jsonResponse('Still being written; retry after `retry-after` seconds.', responses.summaryPendingSchema), headers: { 'retry-after': { type: 'integer' } } },
    },
    problems: [409, 500],
  },
  'PUT /v1/conversations/:id/summary': {
    summary: 'Check, edit and confirm the post-call summary',
    description:
      'The agent of the call (an agent key of its desk) or an admin saves the summary as checked: the changed fields over the latest revision (free text masked like generated summaries), `confirmed` true to sign it off or false to keep a draft. Every save is a new revision with who and when; the generated original is kept and returned as `original` once the content differs. The compliance section and provenance cannot be edited. 409 `summary_not_ready` before the summary is written, `summary_changed` when `revision` is not the latest.',
    access: ['agent'],
    success: { 200: jsonResponse('The summary as saved, with its audit fields.', responses.summaryResponseSchema) },
    problems: [409],
    bodyExample: { summary: { reason: '信用卡挂失', resolution: 'resolved', actionsTaken: [{ text: '已办理临时挂失', turnIds: ['t2'] }] }, confirmed: true, revision: 0 },
  },
  'GET /v1/audit/suggestions': {
    summary: 'Audit trail of every suggestion shown',
    description: 'With prompt name and hash, provider, model, cited chunks, the guard verdict and findings, latency and the agent feedback. Ordered by time; pass `nextCursor` back as `cursor`.',
    access: ['compliance'],
    success: { 200: jsonResponse('A page of audited suggestions.', responses.auditListSchema) },
    querystring: auditQuery,
  },

  'POST /v1/compliance/check': {
    summary: 'Check one utterance against the consumer-protection rules',
    description: [
      '`language` is the primary language: its whole rule pack runs; every other language the text is written in adds the prohibitions of its pack',
      'over those sentences (`languages` in the response lists them, primary first). With a model configured, the judge tier runs within the',
      'suggestion budget: if it fails or runs out of time, the rules\' verdict is returned with `judge: "unavailable"` and `judgeError` (the cause,',
      'no secrets); `judge` is `ok` when it answered and `disabled` without a model. Only `requireJudge: true` turns a failed judge into a 502',
      '(`judge_failed`), or a 422 naming `requireJudge` (`judge_not_configured`) when no model is configured.',
    ].join(' '),
    access: everyone,
    success: { 200: jsonResponse('The verdict: fail on any critical or major finding, warn on minor ones only, else pass.', responses.checkResultSchema, { verdict: 'fail', findings: [exampleFinding], rulesVersion: 'd543bbe258ed2895', tookMs: 1.8 }) },
    problems: [422, 502],
    bodyExample: { text: '这款理财保本保收益，您放心买', speaker: 'agent', language: 'zh', customer: { riskLevel: 'C2' } },
  },
  'GET /v1/compliance/rules': {
    summary: 'The rule packs in force',
    access: everyone,
    description: "The packs of the deployment's compliance profile (COMPLIANCE_PROFILE), each with the rules of the profile's jurisdictions only, the profile itself (jurisdictions, currency) and every profile a conversation may choose with `complianceProfile`.",
    success: { 200: jsonResponse('Packs and rules, with the version hash findings carry.', responses.rulesSchema) },
  },

  'GET /v1/compliance/rules/:id': {
    summary: 'One rule with its detector and examples',
    access: everyone,
    description: 'The rule as its pack defines it: explanation, fix, how it is detected (meaning frames, patterns, exceptions) and its own violating and compliant examples, which the test suite runs.',
    success: { 200: jsonResponse('The rule.', responses.ruleDetailSchema) },
  },

  'POST /v1/summaries': {
    summary: 'One-shot summary of a transcript',
    access: ['agent'],
    success: { 200: jsonResponse('The summary.', responses.oneShotSummarySchema) },
    bodyExample: { language: 'zh', turns: [{ speaker: 'customer', text: '我想问一下信用卡年费怎么收？' }, { speaker: 'agent', text: '金卡年费每年200元，刷卡满6次免次年年费。' }] },
  },

  'GET /v1/inspections': {
    summary: 'Inspections of calls (智能质检), newest first',
    description: 'Every ended or imported call is scored against the scorecard of its language. `item` keeps the inspections where that scorecard item failed; pass `nextCursor` back as `cursor`.',
    access: ['compliance'],
    success: { 200: jsonResponse('A page of inspections.', responses.inspectionListSchema) },
    querystring: inspectionListQuery,
  },
  'GET /v1/inspections/:id': {
    summary: 'One inspection: items with evidence, findings, call facts and its review history',
    description: 'Agents may read inspections (a desk-bound key only those of its desk) to dispute them.',
    access: ['compliance', 'agent'],
    success: { 200: jsonResponse('The inspection.', responses.inspectionSchema) },
  },
  'POST /v1/inspections/:id/review': {
    summary: 'Confirm or overturn (compliance), or dispute (agent) an inspection',
    description: 'Every review is audited (who, when, from which state to which, and the comment, masked). A comment is required to overturn or dispute. A move the state machine does not allow (e.g. confirming an overturned inspection) is a 409.',
    access: ['compliance', 'agent'],
    success: { 200: jsonResponse('The inspection after the review.', responses.inspectionSchema) },
    problems: [409],
    bodyExample: { action: 'overturn', comment: '客户已在前一通电话中核实身份' },
  },
  'POST /v1/calls/import': {
    summary: 'Import past calls: each is summarised and inspected',
    description: [
      'JSONL (`application/x-ndjson`, one call per line: `{externalId, agent?, team?, channel?, language?, startedAt, customer?, turns: [{speaker, text, at?, id?}]}`),',
      'CSV (`text/csv`, one row per turn, columns external_id, started_at, speaker, text and optionally agent, team, channel, language, at, turn_id, customer_age, vulnerable),',
      'a transcript (`text/plain`: `speaker: text` lines, or JSONL turns; its metadata in the query string), or JSON `{calls: [...]}`.',
      'Calls are idempotent by external id (already imported: `skipped`). A bad line or call is named in `failed` with its line or id and the rest continues;',
      'each call is stored whole (turns, summary, inspection) or not at all.',
    ].join(' '),
    access: ['compliance'],
    success: { 200: jsonResponse('What was imported, skipped and refused.', responses.importReportSchema, { read: 3, imported: 2, skipped: 0, failed: [{ position: 'body line 2', problem: 'not valid JSON' }], reviewStates: { auto_passed: 1, needs_review: 1 } }) },
    querystring: callImportQuery,
    body: {
      content: {
        'application/x-ndjson': { schema: { type: 'string' } },
        'text/csv': { schema: { type: 'string' } },
        'text/plain': { schema: { type: 'string' } },
        'application/json': { schema: openapiSchema(callImportJsonBody) },
      },
    },
  },
  'GET /v1/insights': {
    summary: 'Voice of the customer (客户之声) over a period',
    description: 'Top contact reasons and intents with counts and the change vs the previous period of the same length, complaint categories, product mentions with sentiment, elderly and vulnerable customers, compliance findings by rule, failed scorecard items and emerging topics (see `emergingMethod`), each with example call ids. Counts and trends are summed from roll-ups kept with every inspection and review (by day, ISO week and month); only the few example calls per row are read from the inspections. Periods are read as whole UTC days: `period` says which were used.',
    access: ['compliance'],
    success: { 200: jsonResponse('The insights.', responses.insightsSchema) },
    querystring: insightQuery,
  },
  'GET /v1/insights/export': {
    summary: 'The insights as CSV',
    description: 'Columns: section, key, calls, previous_calls, share_change_points, detail, example_calls. Personal numbers never appear: evidence and intents are masked, and terms with digits or spoken digit runs are not kept.',
    access: ['compliance'],
    success: { 200: textResponse('The CSV export.', ['text/csv']) },
    querystring: insightQuery,
  },

  'POST /v1/evals/runs': {
    summary: 'Start an eval run',
    description: '`suite` is a suite name (its `name:` or its file name under evals/suites/) or an inline suite object. The run is queued; poll its link.',
    access: ['compliance'],
    success: { 202: { ...jsonResponse('Queued.', responses.runStartedSchema, { runId: uuidExample, status: 'queued' }), headers: { location: { type: 'string', description: 'The run.' } } } },
    body: { ...openapiSchema(startRunBody), examples: [{ suite: 'compliance-zh', baseline: 'approved' }] },
  },
  'GET /v1/evals/runs': {
    summary: 'Run history with pass rates',
    access: ['compliance'],
    success: { 200: jsonResponse('A page of runs, newest first.', responses.runListSchema) },
    querystring: runListQuery,
  },
  'GET /v1/evals/runs/:id': {
    summary: 'A run: status and results',
    description: '`format=json` (default) at any time; junit, html and markdown reports once the run has finished (409 before).',
    access: ['compliance'],
    success: {
      200: {
        description: 'The run report in the requested format.',
        content: {
          ...(jsonResponse('', responses.runReportSchema).content as Record<string, unknown>),
          ...(textResponse('', ['application/xml', 'text/html', 'text/markdown']).content as Record<string, unknown>),
        },
      },
    },
    problems: [409],
    querystring: runReportQuery,
  },
  'POST /v1/evals/runs/:id/approve': {
    summary: 'Mark a finished run as the approved baseline of its suite',
    access: ['compliance'],
    success: { 200: jsonResponse('Approved.', responses.runApprovedSchema) },
    problems: [409],
  },
};

/** Path parameters as the routes validate them: ids are UUIDs, versions whole numbers within int4. */
function pathParameters(url: string): Record<string, unknown> | undefined {
  const names = [...url.matchAll(/:(\w+)/g)].map((match) => match[1]!);
  if (names.length === 0) return undefined;
  const properties = Object.fromEntries(
    names.map((name) => [name, name === 'version' ? { type: 'integer', minimum: 1, maximum: largestInt4 } : { type: 'string', format: 'uuid' }]),
  );
  return { type: 'object', required: names, properties };
}

interface SwaggerTransformInput {
  schema: object | undefined;
  url: string;
  route: { method: string | string[] };
}

/** The key of a route in `routeDocumentation`. */
export function routeKey(method: string, url: string): string {
  return `${method.toUpperCase()} ${url}`;
}

/**
 * @fastify/swagger's `transform`: the route's own schema (request bodies, tags) plus its documentation. Routes
 * without an entry are left as they are (a test lists them).
 */
export function documentRoute({ schema: routeSchema, url, route }: SwaggerTransformInput): { schema: Record<string, unknown>; url: string } {
  const schema = routeSchema as Record<string, unknown> | undefined;
  const method = Array.isArray(route.method) ? route.method[0]! : route.method;
  const documentation = routeDocumentation[routeKey(method, url)];
  if (!schema || schema.hide || !documentation) return { schema: schema ?? {}, url };
  const parameters = pathParameters(url);
  const hasBody = Boolean(schema.body ?? documentation.body);
  const hasInput = hasBody || Boolean(parameters) || Boolean(documentation.querystring ?? schema.querystring) || Boolean(documentation.headers);
  const isPublic = documentation.access === 'public';
  const statuses = new Set<number>(documentation.problems ?? []);
  if (hasInput) statuses.add(400);
  if (!isPublic) {
    statuses.add(401);
    statuses.add(429);
    if (documentation.access.length < everyone.length) statuses.add(403);
  }
  if (parameters) statuses.add(404);
  if (hasBody) {
    statuses.add(413);
    statuses.add(415);
  }
  // Load shedding answers 503 everywhere except liveness, which must always answer; /readyz answers 503 when not ready.
  if (url !== '/healthz') statuses.add(503);
  const problems = Object.fromEntries([...statuses].sort((a, b) => a - b).map((status) => [status, problemResponse(status, url === '/readyz' && status === 503 ? 'Not ready: `checks` says which check failed.' : undefined)]));
  if (url === '/readyz') problems[503] = jsonResponse('Not ready: `checks` says which check failed.', responses.readinessSchema);

  let body = schema.body as Record<string, unknown> | undefined;
  if (documentation.body) body = documentation.body.content ? withRouteSchema(documentation.body, body) : documentation.body;
  else if (body && documentation.bodyExample !== undefined) body = { ...body, examples: [documentation.bodyExample] };

  const access = documentation.access;
  const roles =
    access === 'public'
      ? 'No API key needed.'
      : access.length === everyone.length
        ? 'Needs an API key (`Authorization: Bearer <key>`) of any role.'
        : `Needs an API key (\`Authorization: Bearer <key>\`) with the role ${access.join(' or ')}${access.includes('admin') ? '' : ' (admin may do everything)'}.`;
  return {
    url,
    schema: {
      ...schema,
      summary: documentation.summary,
      description: [documentation.description, roles].filter(Boolean).join('\n\n'),
      operationId: operationId(method, url),
      security: isPublic ? [] : [{ bearer: [] }],
      ...(parameters ? { params: parameters } : {}),
      ...(documentation.querystring ? { querystring: openapiSchema(documentation.querystring) } : {}),
      ...(documentation.headers ? { headers: documentation.headers } : {}),
      ...(body ? { body } : {}),
      response: { ...documentation.success, ...problems },
    },
  };
}

/** Puts the route's own JSON body schema where the documentation wrote 'route' (multi-content bodies). */
function withRouteSchema(body: Record<string, unknown>, routeBody: Record<string, unknown> | undefined): Record<string, unknown> {
  const content = body.content as Record<string, { schema: unknown; example?: unknown }>;
  return {
    content: Object.fromEntries(Object.entries(content).map(([type, media]) => [type, media.schema === 'route' ? { ...media, schema: routeBody ?? { type: 'object' } } : media])),
  };
}

/** `POST /v1/conversations/:id/turns` -> `postConversationsIdTurns`: stable names for generated clients. */
function operationId(method: string, url: string): string {
  const words = url
    .replace(/^\/v1\//, '/')
    .split(/[/:_-]+/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1));
  return method.toLowerCase() + words.join('');
}

/** Tags group operations in /docs and docs/api.md, in this order. */
export const apiTags = [
  { name: 'operations', description: 'Health, readiness and metrics for orchestrators and monitoring.' },
  { name: 'keys', description: 'API keys and their roles (admin).' },
  { name: 'knowledge', description: 'Product terms, procedures, approved wording (话术) and FAQ sets, with versions and effective dates.' },
  { name: 'conversations', description: 'A live call or chat: turns, the event stream, the end of the call.' },
  { name: 'suggestions', description: 'Guarded reply suggestions and agent feedback.' },
  { name: 'summaries', description: 'Post-call summaries.' },
  { name: 'compliance', description: 'Consumer-protection (消保) checks and the rule packs in force.' },
  { name: 'audit', description: 'What was shown to agents, for compliance staff.' },
  { name: 'evals', description: 'Eval suites run before a knowledge, prompt or model change goes live.' },
  { name: 'inspections', description: 'Every call inspected against scorecards (智能质检), reviews, batch import of past calls and the voice of the customer (客户之声).' },
];
