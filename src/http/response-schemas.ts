import { z } from 'zod';
import { summarySchema } from '../summaries/summary-schema.js';

/*
 * What the routes answer, as zod schemas: they become the OpenAPI response schemas (route-documentation.ts) and the
 * tests parse real responses with them, so the documentation cannot drift from the service. Objects are loose:
 * adding a field is allowed by the contract, and the documentation lists the fields a client may rely on.
 */

const uuid = z.string().meta({ format: 'uuid' });
const timestamp = z.string().meta({ format: 'date-time' });
const severity = z.enum(['critical', 'major', 'minor']);

export const problemSchema = z
  .object({
    type: z.string().meta({ description: 'A URI naming the problem; its last segment is a stable code.' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    requestId: z.string().optional().meta({ description: 'Same as the x-request-id header; quote it when reporting a 5xx.' }),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional().meta({ description: 'Each bad field (`metadata.note`, `query.cursor`, `params.id`) and why.' }),
  })
  .loose()
  .meta({ description: 'RFC 9457 problem details, sent as application/problem+json.' });

export const findingSchema = z
  .object({
    ruleId: z.string(),
    severity,
    kind: z.string(),
    title: z.string(),
    source: z.string().meta({ description: 'The regulation or policy clause the rule comes from.' }),
    evidence: z.object({ start: z.number().int(), end: z.number().int(), text: z.string() }).meta({ description: 'Offsets into the text as sent.' }),
    explanation: z.string(),
    fix: z.string().optional(),
    detectedBy: z.enum(['rule', 'judge']).optional(),
    rulesVersion: z.string().optional(),
    explain: z
      .object({
        detector: z.string(),
        frame: z.string().optional(),
        matches: z.array(z.object({ slot: z.string(), family: z.string().optional(), text: z.string(), in: z.enum(['text', 'context']) }).loose()),
      })
      .loose()
      .optional()
      .meta({ description: 'With `explain: true`: the detector (and meaning frame) that fired and the words each slot matched.' }),
  })
  .loose();

export const searchResultSchema = z
  .object({
    chunkId: uuid,
    documentId: uuid,
    externalId: z.string(),
    version: z.number().int(),
    title: z.string(),
    kind: z.enum(['product', 'compliance', 'script', 'faq']),
    text: z.string(),
    score: z.number(),
    confidence: z.number().min(0).max(1).describe('fitted probability that this result answers the query'),
    heading: z.string().optional(),
    explain: z
      .object({
        lexical: z.object({ rank: z.number().int(), score: z.number(), matchedTokens: z.array(z.string()) }).nullable(),
        vector: z.object({ rank: z.number().int(), similarity: z.number() }).nullable(),
        fusedScore: z.number(),
      })
      .optional()
      .describe('with `explain: true`: each leg\'s rank and score and the query tokens this result holds'),
  })
  .loose();

export const searchResponseSchema = z
  .object({ results: z.array(searchResultSchema), tookMs: z.number(), queryTokens: z.array(z.string()).optional().describe('with `explain: true`: the analysed query') })
  .loose();

export const ingestResultSchema = z
  .object({
    documentId: uuid,
    externalId: z.string(),
    version: z.number().int(),
    chunkCount: z.number().int(),
    contentHash: z.string(),
    outcome: z.enum(['created', 'updated', 'unchanged']),
    status: z.enum(['draft', 'approved', 'retired']).optional().meta({ description: 'The new version\'s status: `draft` where REVIEW_REQUIRED_KINDS holds its kind (submit it for review). Absent when unchanged.' }),
  })
  .loose();

export const faqSetResultSchema = z
  .object({
    documents: z.array(z.object({ documentId: uuid, externalId: z.string(), version: z.number().int(), outcome: z.enum(['created', 'updated', 'unchanged']) }).loose()),
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
  })
  .loose();

export const questionsResultSchema = ingestResultSchema
  .extend({ questions: z.array(z.string()).meta({ description: 'Every phrasing of the FAQ row in the new version, the standard question first.' }) })
  .loose();

export const proposalSchema = z
  .object({
    id: uuid,
    documentId: uuid,
    externalId: z.string(),
    title: z.string(),
    question: z.string().meta({ description: "The customer's question, masked." }),
    status: z.enum(['proposed', 'approved', 'rejected']),
    origin: z.enum(['suggestion_accepted', 'card_helpful', 'gap']),
    conversationId: uuid.nullable(),
    suggestionId: uuid.nullable(),
    proposedBy: z.string().nullable(),
    timesProposed: z.number().int(),
    decidedBy: z.string().nullable(),
    decidedAt: timestamp.nullable(),
    comment: z.string().nullable(),
    approvedVersion: z.number().int().nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .loose();
export const proposalListSchema = z.object({ items: z.array(proposalSchema), nextCursor: z.string().optional() }).loose();

export const syncResultSchema = z.object({ created: z.number().int(), updated: z.number().int(), unchanged: z.number().int(), retired: z.number().int() }).loose();

const documentVersionFields = {
  version: z.number().int(),
  title: z.string(),
  kind: z.enum(['product', 'compliance', 'script', 'faq']),
  format: z.string(),
  language: z.string(),
  product: z.string().nullable(),
  productAliases: z.array(z.string()),
  riskLevel: z.enum(['R1', 'R2', 'R3', 'R4', 'R5']).nullable(),
  tags: z.array(z.string()),
  status: z.enum(['draft', 'submitted', 'approved', 'rejected', 'retired']).meta({ description: '`submitted` and `rejected` come from the review workflow; only `approved` is ever retrieved.' }),
  effectiveFrom: z.string().nullable().meta({ description: 'The day as given (YYYY-MM-DD) when a date was given, else the ISO timestamp.' }),
  effectiveUntil: z.string().nullable().meta({ description: 'The last day included, as given (YYYY-MM-DD), when a date was given, else the ISO timestamp it ends at.' }),
  effectiveFromAt: z.string().nullable().meta({ description: 'The instant it takes effect, written in BUSINESS_UTC_OFFSET (2027-01-01T00:00:00+08:00).' }),
  effectiveUntilAt: z.string().nullable().meta({ description: 'The instant it stops being effective (exclusive), in BUSINESS_UTC_OFFSET.' }),
  owner: z.string().nullable(),
  sourceUri: z.string().nullable(),
  contentHash: z.string(),
  chunkCount: z.number().int(),
  createdAt: timestamp,
  createdBy: z.string().nullable(),
  questions: z.array(z.string()).meta({ description: 'Phrasings the version answers (相似问): a FAQ row\'s questions, or a Markdown front-matter `questions:` list.' }),
  submittedBy: z.string().nullable().optional(),
  submittedAt: timestamp.nullable().optional(),
  reviewedBy: z.string().nullable().optional().meta({ description: 'The key that approved or rejected the version.' }),
  reviewedAt: timestamp.nullable().optional(),
  reviewComment: z.string().nullable().optional(),
};

export const documentVersionSchema = z.object(documentVersionFields).loose();

export const documentSchema = z
  .object({
    ...documentVersionFields,
    documentId: uuid,
    externalId: z.string(),
    source: z.string().nullable(),
    currentVersion: z.number().int(),
    retired: z.boolean(),
    retiredAt: timestamp.nullable(),
    updatedAt: timestamp,
  })
  .loose();

export const documentListSchema = z.object({ items: z.array(documentSchema), nextCursor: z.string().optional() }).loose();
export const documentWithHistorySchema = documentSchema.extend({ versions: z.array(documentVersionSchema) }).loose();
export const documentVersionWithChunksSchema = documentVersionSchema
  .extend({
    documentId: uuid,
    externalId: z.string(),
    body: z.string(),
    chunks: z.array(z.object({ chunkId: uuid, ordinal: z.number().int(), text: z.string(), headingPath: z.array(z.string()) }).loose()),
  })
  .loose();

export const conversationSchema = z
  .object({
    id: uuid,
    externalId: z.string().nullable(),
    channel: z.enum(['voice', 'chat']),
    language: z.enum(['zh', 'en']),
    customer: z.record(z.string(), z.unknown()),
    metadata: z.record(z.string(), z.unknown()),
    suggestionsEnabled: z.boolean(),
    complianceProfile: z.string().nullable().optional().meta({ description: "The conversation's compliance profile override; null: the deployment's." }),
    status: z.enum(['active', 'ended']),
    turnCount: z.number().int(),
    createdAt: timestamp,
    endedAt: timestamp.nullable(),
  })
  .loose();

export const turnSchema = z
  .object({
    id: uuid,
    conversationId: uuid,
    sequence: z.number().int(),
    turnId: z.string().nullable(),
    speaker: z.enum(['customer', 'agent']),
    text: z.string(),
    at: timestamp,
    findings: z.array(findingSchema),
  })
  .loose();

export const conversationWithTurnsSchema = conversationSchema.extend({ turns: z.array(turnSchema) }).loose();

export const addTurnResponseSchema = z
  .object({ turn: turnSchema, findings: z.array(findingSchema), rulesVersion: z.string().optional(), knowledge: z.array(searchResultSchema).optional() })
  .loose();

export const suggestionSchema = z
  .object({
    id: uuid,
    text: z.string(),
    citations: z.array(z.object({ chunkId: uuid, documentId: uuid, version: z.number().int(), title: z.string() }).loose()),
    disclosures: z.array(z.string()).meta({ description: 'Rule ids whose approved wording was appended.' }),
    compliance: z.object({ verdict: z.enum(['pass', 'warn', 'fail']), findings: z.array(findingSchema) }).loose(),
  })
  .loose();

export const suggestionResponseSchema = z
  .object({
    suggestions: z.array(suggestionSchema),
    knowledge: z.array(searchResultSchema),
    provider: z.string(),
    model: z.string(),
    promptVersion: z.string(),
    tookMs: z.number(),
    degraded: z.boolean().meta({ description: 'True when the offline answer was returned because the model failed or the time budget ran out.' }),
  })
  .loose();

export const endConversationSchema = z.object({ id: uuid, status: z.enum(['active', 'ended']), endedAt: timestamp.nullable(), summary: z.string().meta({ description: 'Where to read the summary.' }) }).loose();
export const summaryResponseSchema = z
  .object({
    summary: summarySchema.loose(),
    revision: z.number().int().optional().meta({ description: '0 until the agent saves it; each save (edit or confirmation) adds one.' }),
    confirmed: z.boolean().optional().meta({ description: 'The agent of the call signed it off.' }),
    confirmedBy: z.string().optional().meta({ description: 'Id of the API key that confirmed it.' }),
    confirmedAt: timestamp.optional(),
    edited: z.boolean().optional().meta({ description: 'It differs from the generated summary.' }),
    editedBy: z.string().optional().meta({ description: 'Id of the API key that last changed its content.' }),
    editedAt: timestamp.optional(),
    original: summarySchema.loose().optional().meta({ description: 'The generated summary, when the agent changed it (audit).' }),
  })
  .loose();
export const summaryPendingSchema = z.object({ status: z.string().meta({ description: 'queued or running' }) }).loose();

export const auditListSchema = z
  .object({
    items: z.array(
      z
        .object({
          id: uuid,
          conversationId: uuid,
          text: z.string(),
          citations: z.unknown(),
          guard: z.object({ verdict: z.string(), findings: z.unknown() }).loose(),
          provider: z.string(),
          model: z.string(),
          prompt: z.object({ name: z.string().nullable(), hash: z.string().nullable() }).loose(),
          feedback: z.array(z.unknown()),
          createdAt: timestamp,
        })
        .loose(),
    ),
    nextCursor: z.string().optional(),
  })
  .loose();

export const checkResultSchema = z
  .object({
    verdict: z.enum(['pass', 'warn', 'fail']),
    findings: z.array(findingSchema),
    rulesVersion: z.string(),
    tookMs: z.number(),
    languages: z.array(z.enum(['zh', 'en'])).optional().meta({ description: 'The languages whose packs ran, primary first.' }),
    judge: z.enum(['ok', 'unavailable', 'disabled']).optional(),
    judgeError: z.object({ code: z.string(), message: z.string(), status: z.number().optional() }).loose().optional(),
    profile: z.string().optional().meta({ description: 'The compliance profile the check ran under.' }),
    rubricVersion: z.string().optional().meta({ description: "The judge's rubric (prompt name and content hash) when it answered." }),
  })
  .loose();

const ruleExample = z.union([z.string(), z.object({ text: z.string() }).loose()]);
export const ruleDetailSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    severity,
    kind: z.string(),
    source: z.string(),
    jurisdiction: z.string(),
    language: z.string(),
    packId: z.string(),
    explanation: z.string().optional(),
    fix: z.string().optional(),
    detector: z.object({}).loose().optional().meta({ description: 'How it is detected: meaning frames (`frames`), patterns (`cues`), exceptions (`safe`).' }),
    examples: z.object({ violating: z.array(ruleExample), compliant: z.array(ruleExample) }).loose(),
  })
  .loose();

export const rulesSchema = z
  .object({
    rulesVersion: z.string(),
    packs: z.array(
      z
        .object({
          id: z.string(),
          jurisdiction: z.string(),
          language: z.string(),
          rules: z.array(
            z
              .object({
                id: z.string(),
                title: z.string(),
                severity,
                kind: z.string(),
                source: z.string(),
                detection: z.enum(['active', 'advisory']).optional().meta({ description: 'advisory: the detector misses some of the rule\'s own violating examples, so its silence proves nothing.' }),
                advisoryReason: z.string().optional(),
              })
              .loose(),
          ),
        })
        .loose(),
    ),
    profile: z
      .object({ id: z.string(), jurisdictions: z.array(z.string()), currency: z.string(), packs: z.array(z.string()) })
      .loose()
      .optional()
      .meta({ description: "The deployment's compliance profile (COMPLIANCE_PROFILE): the packs listed above are its packs, with its jurisdictions' rules." }),
    profiles: z
      .array(z.object({ id: z.string(), description: z.string().optional(), jurisdictions: z.array(z.string()), currency: z.string(), packs: z.array(z.string()) }).loose())
      .optional()
      .meta({ description: 'Every profile a conversation may choose with `complianceProfile`.' }),
  })
  .loose();

export const oneShotSummarySchema = z.object({ summary: summarySchema.loose() }).loose();

const runStatus = z.enum(['queued', 'running', 'passed', 'failed', 'error']);
export const runStartedSchema = z.object({ runId: uuid, status: runStatus }).loose();
export const runReportSchema = z
  .object({
    runId: uuid,
    status: runStatus,
    suite: z.object({ name: z.string(), version: z.string() }).loose(),
    createdAt: timestamp,
    totals: z.record(z.string(), z.unknown()).optional(),
    cases: z.array(z.record(z.string(), z.unknown())),
  })
  .loose();
export const runListSchema = z
  .object({
    items: z.array(z.object({ runId: uuid, suite: z.string(), status: runStatus, createdAt: timestamp, passRate: z.number().nullable(), approved: z.boolean() }).loose()),
    nextCursor: z.string().optional(),
  })
  .loose();
export const runApprovedSchema = z.object({ runId: uuid, suite: z.string(), suiteVersion: z.string(), status: runStatus, approvedAt: timestamp }).loose();

export const keyCreatedSchema = z.object({ id: uuid, key: z.string().meta({ description: 'Shown only in this response; store it now.' }) }).loose();
export const keyListSchema = z
  .object({ items: z.array(z.object({ id: uuid, name: z.string(), role: z.enum(['agent', 'knowledge_owner', 'compliance', 'admin']), prefix: z.string(), createdAt: timestamp, revokedAt: timestamp.nullable(), desk: z.string().nullable().optional() }).loose()) })
  .loose();

export const healthSchema = z.object({ status: z.literal('ok') }).loose();
export const readinessSchema = z.object({ status: z.enum(['ready', 'not_ready']), ready: z.boolean(), checks: z.record(z.string(), z.string()) }).loose();

const gateCheckSchema = z
  .object({
    checkId: uuid,
    documentId: uuid,
    version: z.number().int(),
    status: z.enum(['running', 'passed', 'blocked', 'error']).meta({ description: '`blocked`: regressions against the baseline; `error`: the gate could not run (the version stays submitted).' }),
    regressions: z.number().int(),
    suites: z.array(
      z
        .object({
          suite: z.string(),
          suiteVersion: z.string(),
          runId: uuid.meta({ description: 'The stored eval run (GET /v1/evals/runs/{runId}).' }),
          status: z.string(),
          passed: z.number().int(),
          cases: z.number().int(),
          baseline: z.string().meta({ description: '`approved` (the suite\'s approved baseline) or `live run <id>` (the live base, when no baseline is approved).' }),
          regressions: z.array(z.object({ id: z.string(), before: z.string(), after: z.string(), reasons: z.array(z.string()) }).loose()),
        })
        .loose(),
    ),
    error: z.string().nullable(),
    requestedBy: z.string().nullable(),
    createdAt: timestamp,
    finishedAt: timestamp.nullable(),
  })
  .loose();

const reviewStateFields = {
  documentId: uuid,
  version: z.number().int(),
  status: z.enum(['draft', 'submitted', 'approved', 'rejected', 'retired']),
  createdBy: z.string().nullable(),
  submittedBy: z.string().nullable(),
  submittedAt: timestamp.nullable(),
  reviewedBy: z.string().nullable(),
  reviewedAt: timestamp.nullable(),
  reviewComment: z.string().nullable(),
};

export const reviewStateSchema = z.object(reviewStateFields).loose();
export const submitResultSchema = z.object({ ...reviewStateFields, check: gateCheckSchema }).loose();
export const reviewChecksSchema = z
  .object({
    ...reviewStateFields,
    checks: z.array(gateCheckSchema).meta({ description: 'Newest first; the first decides whether the version may be approved.' }),
    events: z
      .array(z.object({ action: z.enum(['submit', 'approve', 'reject', 'override']), actor: z.string(), comment: z.string().nullable(), details: z.record(z.string(), z.unknown()), createdAt: timestamp }).loose())
      .meta({ description: 'The review trail, oldest first: every transition and override with who, when and why.' }),
  })
  .loose();

const queueVersionSchema = z
  .object({
    documentId: uuid,
    externalId: z.string(),
    version: z.number().int(),
    title: z.string(),
    kind: z.enum(['product', 'compliance', 'script', 'faq']),
    product: z.string().nullable(),
    owner: z.string().nullable(),
    status: z.enum(['draft', 'submitted']),
    createdBy: z.string().nullable(),
    createdAt: timestamp,
    submittedBy: z.string().nullable(),
    submittedAt: timestamp.nullable(),
    check: gateCheckSchema.nullable(),
  })
  .loose();

export const reviewQueueSchema = z
  .object({
    owner: z.string().nullable(),
    submitted: z.array(queueVersionSchema),
    drafts: z.array(queueVersionSchema),
    proposals: z.array(z.object({ proposalId: uuid, documentId: uuid, externalId: z.string(), title: z.string(), owner: z.string().nullable(), question: z.string(), timesProposed: z.number().int(), createdAt: timestamp }).loose()),
    expiring: z.array(z.object({ documentId: uuid, externalId: z.string(), version: z.number().int(), title: z.string(), owner: z.string().nullable(), effectiveUntil: timestamp }).loose()),
    oftenDismissed: z.array(
      z
        .object({
          documentId: uuid,
          externalId: z.string(),
          title: z.string(),
          owner: z.string().nullable(),
          dismissed: z.number().int(),
          helpful: z.number().int(),
          reasons: z.array(z.object({ reason: z.string(), count: z.number().int() }).loose()),
        })
        .loose(),
    ),
    gaps: z.array(z.object({ gapId: z.string(), label: z.string(), count: z.number().int(), examples: z.array(z.string()) }).loose()).nullable().meta({ description: 'Null when this deployment has no gaps source.' }),
  })
  .loose();
const diffChunk = z.object({ chunkId: uuid, ordinal: z.number().int(), text: z.string() }).loose();
export const versionDiffSchema = z
  .object({
    documentId: uuid,
    externalId: z.string(),
    from: z.number().int(),
    to: z.number().int(),
    text: z
      .object({
        changes: z.array(z.object({ op: z.enum(['unchanged', 'added', 'removed']), text: z.string() }).loose()),
        added: z.number().int(),
        removed: z.number().int(),
        unchanged: z.number().int(),
      })
      .loose()
      .meta({ description: 'The text by sentence (Chinese 。！？；, English sentence ends, line breaks), in order.' }),
    metadata: z.array(z.object({ field: z.string(), from: z.unknown(), to: z.unknown() }).loose()).meta({ description: 'Changed fields (title, riskLevel, status, effectiveFrom, effectiveUntil, owner, tags, questions, ...).' }),
    rates: z.object({ removed: z.array(z.string()), added: z.array(z.string()) }).loose().meta({ description: 'Rates stated in the text (2.75%, 0.5‰, 百分之三) found in only one of the versions.' }),
    chunks: z
      .object({
        changes: z.array(z.object({ change: z.enum(['added', 'removed', 'changed']), headingPath: z.array(z.string()), from: diffChunk.optional(), to: diffChunk.optional() }).loose()),
        unchanged: z.number().int(),
      })
      .loose(),
  })
  .loose();

const usageCounts = z
  .object({ shown: z.number().int(), cited: z.number().int(), accepted: z.number().int(), edited: z.number().int(), dismissed: z.number().int(), helpful: z.number().int(), not_helpful: z.number().int() })
  .loose();
export const usageResponseSchema = z
  .object({
    from: z.string().meta({ description: 'First business day counted.' }),
    to: z.string().meta({ description: 'Last business day counted.' }),
    items: z.array(
      z
        .object({
          documentId: uuid,
          externalId: z.string().nullable(),
          title: z.string().nullable(),
          counts: usageCounts,
          reasons: z.array(z.object({ kind: z.string(), reason: z.string(), count: z.number().int() }).loose()).meta({ description: 'Dismissals and not-helpful marks by reason (lower-cased; empty when none was given).' }),
          chunks: z.array(z.object({ chunkId: uuid.nullable(), counts: usageCounts }).loose()),
        })
        .loose(),
    ),
  })
  .loose();

export const gapSchema = z
  .object({
    id: uuid,
    language: z.enum(['zh', 'en']),
    label: z.string().meta({ description: 'The first question of the gap, masked.' }),
    status: z.enum(['open', 'drafted', 'proposed']),
    count: z.number().int(),
    outcomes: z.object({ noResult: z.number().int(), lowConfidence: z.number().int() }).loose(),
    firstAskedAt: timestamp,
    lastAskedAt: timestamp,
    examples: z.array(z.string()).meta({ description: 'The latest distinct questions, masked.' }),
    closest: z.object({ documentId: uuid, title: z.string().nullable(), confidence: z.number() }).loose().nullable(),
    documentId: uuid.nullable().meta({ description: 'The draft FAQ made from it, or the document a similar question was proposed for.' }),
  })
  .loose();
export const gapListSchema = z.object({ from: z.string().meta({ description: 'First business day counted.' }), to: z.string().meta({ description: 'Last business day counted.' }), items: z.array(gapSchema) }).loose();
export const gapDraftSchema = z.object({ gap: gapSchema, documentId: uuid, externalId: z.string(), version: z.number().int() }).loose();
export const gapProposalSchema = z.object({ gap: gapSchema, proposed: z.number().int() }).loose();
const reviewState = z.enum(['auto_passed', 'needs_review', 'confirmed', 'disputed', 'overturned']);
export const inspectionSummarySchema = z
  .object({
    id: uuid,
    conversationId: uuid,
    externalId: z.string().nullable(),
    scorecard: z.object({ id: z.string(), version: z.string() }).loose(),
    score: z.number().meta({ description: 'Percent of the applicable weight passed.' }),
    passed: z.boolean(),
    severity: z.enum(['none', 'minor', 'major', 'critical']),
    confidence: z.number(),
    reviewState,
    callStartedAt: timestamp,
    agent: z.string().nullable(),
    team: z.string().nullable(),
    channel: z.string(),
    language: z.string(),
    failedItems: z.array(z.string()),
  })
  .loose();
export const inspectionListSchema = z.object({ items: z.array(inspectionSummarySchema), nextCursor: z.string().optional() }).loose();
export const inspectionSchema = inspectionSummarySchema
  .extend({
    items: z.array(
      z
        .object({
          itemId: z.string(),
          title: z.string(),
          kind: z.enum(['rule_finding', 'required_step', 'prohibited_behaviour', 'model_judged']),
          severity,
          weight: z.number(),
          status: z.enum(['passed', 'failed', 'not_applicable']),
          confidence: z.number(),
          decidedBy: z.enum(['rules', 'cues', 'model', 'none']),
          evidence: z.array(z.object({ turnId: z.string(), start: z.number().int().optional(), end: z.number().int().optional(), text: z.string().optional() }).loose()),
          note: z.string().optional(),
        })
        .loose(),
    ),
    findings: z.unknown(),
    facts: z.object({}).loose(),
    reviews: z.array(z.object({ id: uuid, action: z.enum(['confirm', 'overturn', 'dispute']), fromState: z.string(), toState: z.string(), comment: z.string().nullable(), actor: z.object({}).loose(), at: timestamp }).loose()),
    turns: z
      .array(z.object({ id: z.string(), speaker: z.enum(['customer', 'agent']), text: z.string() }).loose())
      .meta({ description: 'The call as inspected, card, ID and phone numbers masked; evidence turn ids refer to these.' }),
  })
  .loose();
export const importReportSchema = z
  .object({
    read: z.number().int(),
    imported: z.number().int(),
    skipped: z.number().int().meta({ description: 'Already imported (same external id).' }),
    failed: z.array(z.object({ position: z.string(), externalId: z.string().optional(), problem: z.string() }).loose()),
    reviewStates: z.record(z.string(), z.number().int()),
  })
  .loose();
const trendRow = z.object({ key: z.string(), calls: z.number().int(), previousCalls: z.number().int(), shareChange: z.number(), exampleCalls: z.array(uuid) }).loose();
export const insightsSchema = z
  .object({
    period: z.object({ from: timestamp, to: timestamp, previousFrom: timestamp }).loose(),
    totals: z.object({ calls: z.number().int(), previousCalls: z.number().int(), complaints: z.number().int(), averageScore: z.number().nullable(), needsReview: z.number().int(), failedInspections: z.number().int() }).loose(),
    reasons: z.array(trendRow),
    intents: z.array(trendRow),
    complaints: z.array(trendRow),
    products: z.array(z.object({ product: z.string(), calls: z.number().int(), previousCalls: z.number().int(), sentiment: z.object({}).loose(), complaints: z.number().int(), exampleCalls: z.array(uuid) }).loose()),
    vulnerableCustomers: z.object({ calls: z.number().int(), complaints: z.number().int(), reasons: z.array(trendRow) }).loose(),
    complianceFindings: z.array(trendRow),
    failedItems: z.array(trendRow),
    emergingTopics: z.array(z.object({ term: z.string(), current: z.number().int(), previous: z.number().int(), shareRatio: z.number(), logLikelihood: z.number(), exampleCalls: z.array(uuid) }).loose()),
    emergingMethod: z.string(),
    groups: z.array(z.object({ key: z.string(), calls: z.number().int() }).loose()).optional(),
  })
  .loose();
