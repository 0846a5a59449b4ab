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
  .object({ documentId: uuid, externalId: z.string(), version: z.number().int(), chunkCount: z.number().int(), contentHash: z.string(), outcome: z.enum(['created', 'updated', 'unchanged']) })
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
    origin: z.enum(['suggestion_accepted', 'card_helpful']),
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
  status: z.enum(['draft', 'approved', 'retired']),
  effectiveFrom: timestamp.nullable(),
  effectiveUntil: timestamp.nullable(),
  owner: z.string().nullable(),
  sourceUri: z.string().nullable(),
  contentHash: z.string(),
  chunkCount: z.number().int(),
  createdAt: timestamp,
  createdBy: z.string().nullable(),
  questions: z.array(z.string()).meta({ description: 'Phrasings the version answers (相似问): a FAQ row\'s questions, or a Markdown front-matter `questions:` list.' }),
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
export const summaryResponseSchema = z.object({ summary: summarySchema.loose() }).loose();
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
