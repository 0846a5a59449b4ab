import { randomUUID } from 'node:crypto';
import type { Summary } from '../summaries/summary-schema.js';
import { maskStrings, maskText } from '../privacy/mask-personal-data.js';
import { extractTerms } from '../insights/extract-terms.js';
import { addToRollups } from '../insights/insight-rollups.js';
import type { InsightSettings } from '../insights/insight-settings.js';
import type { Queryable } from '../db/database.js';
import { inspectCall, type InspectedTurn, type InspectionResult, type JudgedAnswer } from './inspect-call.js';
import type { ItemJudge } from './judge-scorecard-items.js';
import { scorecardFor } from './load-scorecards.js';
import type { Scorecard } from './scorecard-schema.js';

/** A finished call with its summary: what an inspection is made from, live or imported. */
export interface CallToInspect {
  conversationId: string;
  externalId?: string;
  startedAt: Date;
  agent?: string;
  team?: string;
  channel: 'voice' | 'chat';
  language: 'zh' | 'en';
  customer: { vulnerable?: boolean; age?: number };
  turns: readonly InspectedTurn[];
  summary: Summary;
}

/** An inspection row: the result plus the call's structured facts the insights aggregate. */
export interface InspectionRecord {
  id: string;
  call: CallToInspect;
  result: InspectionResult;
  vulnerable: boolean;
  terms: string[];
}

export interface RecordContext {
  scorecards: readonly Scorecard[];
  ruleKind: (ruleId: string) => string | undefined;
  insights: InsightSettings;
  stopwords: ReadonlySet<string>;
  /** Asks a model the scorecard's model-judged items; absent without a model. */
  judge?: ItemJudge;
}

export class NoScorecardError extends Error {
  readonly code = 'no_scorecard';
  constructor(language: string, channel: string) {
    super(`no scorecard covers ${language} ${channel} calls: add one under evals/scorecards`);
    this.name = 'NoScorecardError';
  }
}

/** The model's answers for the call's scorecard, when a model is configured and the card has model-judged items. */
export async function judgeCall(call: Pick<CallToInspect, 'language' | 'channel' | 'turns'>, context: RecordContext): Promise<ReadonlyMap<string, JudgedAnswer> | undefined> {
  const scorecard = scorecardFor(context.scorecards, call);
  if (!context.judge || !scorecard || !scorecard.items.some((item) => item.kind === 'model_judged')) return undefined;
  return context.judge(scorecard, call.turns, call.language);
}

export function buildInspectionRecord(call: CallToInspect, context: RecordContext, judged?: ReadonlyMap<string, JudgedAnswer>): InspectionRecord {
  const scorecard = scorecardFor(context.scorecards, call);
  if (!scorecard) throw new NoScorecardError(call.language, call.channel);
  const vulnerable = call.customer.vulnerable === true || (typeof call.customer.age === 'number' && call.customer.age >= context.insights.customers.elderlyAge);
  const result = inspectCall({
    turns: call.turns,
    summary: call.summary,
    scorecard,
    ruleKind: context.ruleKind,
    vulnerable,
    ...(judged ? { judged } : {}),
  });
  const terms = extractTerms(call.turns.filter((turn) => turn.speaker === 'customer').map((turn) => turn.text), context.insights.terms, context.stopwords);
  return { id: randomUUID(), call, result, vulnerable, terms };
}

const columns = [
  'id', 'conversation_id', 'external_id', 'scorecard_id', 'scorecard_version', 'score', 'passed', 'severity', 'confidence', 'review_state',
  'items', 'findings', 'call_started_at', 'agent', 'team', 'channel', 'language', 'vulnerable', 'reason_code', 'intent', 'resolution',
  'complaint_raised', 'complaint_category', 'sentiment_end', 'products', 'rule_ids', 'failed_items', 'terms',
] as const;

function rowValues(record: InspectionRecord): unknown[] {
  const { call, result } = record;
  const summary = call.summary;
  const findings = maskStrings(summary.compliance.findings, new Set(['ruleId', 'severity', 'turnId']));
  const ruleIds = [...new Set([...summary.compliance.findings.map((finding) => finding.ruleId), ...summary.compliance.missingDisclosures])];
  return [
    record.id,
    call.conversationId,
    call.externalId ?? null,
    result.scorecardId,
    result.scorecardVersion,
    result.score,
    result.passed,
    result.severity,
    result.confidence,
    result.reviewState,
    JSON.stringify(result.items),
    JSON.stringify({ findings, missingDisclosures: summary.compliance.missingDisclosures }),
    call.startedAt.toISOString(),
    call.agent ?? null,
    call.team ?? null,
    call.channel,
    call.language,
    record.vulnerable,
    summary.dispositionCode,
    maskText(summary.customerIntent),
    summary.resolution,
    summary.complaint.raised,
    summary.complaint.category ?? null,
    summary.sentiment.end,
    [...new Set(summary.productsDiscussed.map((product) => product.name))],
    ruleIds,
    result.items.filter((item) => item.status === 'failed').map((item) => item.itemId),
    record.terms,
  ];
}

/**
 * Writes inspections (skipping calls inspected already) and adds them to the insight roll-ups, in the caller's
 * transaction. Returns the conversation ids actually written.
 */
export async function writeInspections(transaction: Queryable, records: readonly InspectionRecord[]): Promise<Set<string>> {
  if (records.length === 0) return new Set();
  const parameters: unknown[] = [];
  const tuples = records.map((record) => {
    const values = rowValues(record);
    const placeholders = values.map((value) => {
      parameters.push(value);
      return `$${parameters.length}`;
    });
    return `(${placeholders.join(', ')})`;
  });
  const inserted = await transaction.query<{ id: string; conversation_id: string }>(
    `insert into inspections (${columns.join(', ')}) values ${tuples.join(', ')} on conflict (conversation_id) do nothing returning id, conversation_id`,
    parameters,
  );
  const written = new Set(inserted.rows.map((row) => row.conversation_id));
  await addToRollups(transaction, { inspectionIds: inserted.rows.map((row) => row.id) });
  return written;
}
