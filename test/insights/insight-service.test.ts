import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emergingTerms } from '../../src/insights/emerging-terms.js';
import { addToRollups, rebuildRollups } from '../../src/insights/insight-rollups.js';
import { InsightService, type InsightQuery } from '../../src/insights/insight-service.js';
import { loadInsightSettings, type InsightSettings } from '../../src/insights/insight-settings.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/** One inspected call as the raw table holds it: the reference answers below are counted from these in TypeScript. */
interface RawCall {
  id: string;
  conversationId: string;
  startedAt: number;
  team: string | null;
  channel: 'voice' | 'chat';
  language: 'zh' | 'en';
  agent: string;
  score: number;
  passed: boolean;
  reviewState: string;
  vulnerable: boolean;
  reason: string;
  intent: string;
  complaint: boolean;
  complaintCategory: string | null;
  sentiment: 'positive' | 'neutral' | 'negative';
  products: string[];
  rules: string[];
  failedItems: string[];
  terms: string[];
}

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const uuid = (prefix: number, index: number) => `${prefix.toString(16).padStart(8, '0')}-0000-4000-8000-${index.toString(16).padStart(12, '0')}`;

function makeCalls(count: number): RawCall[] {
  const random = seeded(13);
  const pick = <T,>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const some = (list: readonly string[], most: number) => [...new Set(Array.from({ length: Math.floor(random() * (most + 1)) }, () => pick(list)))];
  // From late September: the previous period of November is read as October minus October 1, and that day has calls.
  const start = Date.parse('2026-09-25T00:00:00Z');
  const span = Date.parse('2026-12-01T00:00:00Z') - start;
  const terms = Array.from({ length: 30 }, (_, index) => `term${index}`);
  return Array.from({ length: count }, (_, index) => {
    const startedAt = start + Math.floor(random() * span);
    // A term that is rare in October and common in November: something must emerge.
    const rising = startedAt >= Date.parse('2026-11-01T00:00:00Z') ? random() < 0.4 : random() < 0.03;
    const complaint = random() < 0.25;
    return {
      id: uuid(1, index),
      conversationId: uuid(2, index),
      startedAt,
      // A call with no team, and a team whose name is the old "every team" marker: neither may be mixed up with all teams.
      team: pick(['north', 'south', 'east', null, '*']),
      channel: pick(['voice', 'chat'] as const),
      language: pick(['zh', 'en'] as const),
      agent: pick(['agent-1', 'agent-2', 'agent-3', 'agent-4']),
      score: Math.floor(random() * 100),
      passed: random() < 0.7,
      reviewState: pick(['auto_passed', 'needs_review', 'confirmed']),
      vulnerable: random() < 0.15,
      reason: pick(['REASON-A', 'REASON-B', 'REASON-C', 'REASON-D']),
      intent: pick(['intent-x', 'intent-y', 'intent-z']),
      complaint,
      complaintCategory: complaint ? pick(['fees', 'service_attitude', null]) : null,
      sentiment: pick(['positive', 'neutral', 'negative'] as const),
      products: some(['card', 'deposit', 'loan', 'fund'], 2),
      rules: some(['RULE-1', 'RULE-2', 'RULE-3'], 1),
      failedItems: some(['greeting', 'closing', 'identity'], 2),
      terms: [...new Set([...some(terms, 6), ...(rising ? ['surge'] : [])])],
    };
  });
}

const calls = makeCalls(600);
let testDatabase: TestDatabase;
let service: InsightService;
let settings: InsightSettings;

beforeAll(async () => {
  testDatabase = await createTestDatabase('pglite');
  const database = testDatabase.database;
  const base = loadInsightSettings(resolve(import.meta.dirname, '../../knowledge/insights.yaml'));
  // Thresholds low enough that a few hundred calls show emerging terms, so their counts are compared too.
  settings = { ...base, emerging: { minimumCalls: 3, minimumShareRatio: 1.2, minimumLogLikelihood: 1 } };
  service = new InsightService({ database, settings });
  const column = <T,>(get: (call: RawCall) => T) => calls.map(get);
  await database.query(
    `insert into conversations (id, external_id, channel, language, status, created_at)
       select id, 'call-' || id, channel, language, 'ended', created_at from unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[]) as t (id, channel, language, created_at)`,
    [column((call) => call.conversationId), column((call) => call.channel), column((call) => call.language), column((call) => new Date(call.startedAt).toISOString())],
  );
  // Written in three batches through the incremental roll-up (as imports and live calls do), not one rebuild.
  for (let first = 0; first < calls.length; first += 200) {
    const batch = calls.slice(first, first + 200);
    const values = (get: (call: RawCall) => unknown) => batch.map(get);
    await database.transaction(async (transaction) => {
      await transaction.query(
        `insert into inspections (id, conversation_id, scorecard_id, scorecard_version, score, passed, severity, confidence, review_state, items, findings, call_started_at,
                                  agent, team, channel, language, vulnerable, reason_code, intent, resolution, complaint_raised, complaint_category, sentiment_end,
                                  products, rule_ids, failed_items, terms)
           select id, conversation_id, 'card', 'v1', score, passed, 'none', 0.9, review_state, '[]', '{}', started_at, agent, team, channel, language, vulnerable,
                  reason, intent, 'resolved', complaint, complaint_category, sentiment, array(select jsonb_array_elements_text(products)), array(select jsonb_array_elements_text(rules)),
                  array(select jsonb_array_elements_text(failed_items)), array(select jsonb_array_elements_text(terms))
             from unnest($1::uuid[], $2::uuid[], $3::float8[], $4::boolean[], $5::text[], $6::timestamptz[], $7::text[], $8::text[], $9::text[], $10::text[], $11::boolean[],
                         $12::text[], $13::text[], $14::boolean[], $15::text[], $16::text[], $17::jsonb[], $18::jsonb[], $19::jsonb[], $20::jsonb[])
               as t (id, conversation_id, score, passed, review_state, started_at, agent, team, channel, language, vulnerable, reason, intent, complaint, complaint_category,
                     sentiment, products, rules, failed_items, terms)`,
        [
          values((call) => call.id), values((call) => call.conversationId), values((call) => call.score), values((call) => call.passed), values((call) => call.reviewState),
          values((call) => new Date(call.startedAt).toISOString()), values((call) => call.agent), values((call) => call.team), values((call) => call.channel),
          values((call) => call.language), values((call) => call.vulnerable), values((call) => call.reason), values((call) => call.intent), values((call) => call.complaint),
          values((call) => call.complaintCategory), values((call) => call.sentiment), values((call) => JSON.stringify(call.products)), values((call) => JSON.stringify(call.rules)),
          values((call) => JSON.stringify(call.failedItems)), values((call) => JSON.stringify(call.terms)),
        ],
      );
      await addToRollups(transaction, { inspectionIds: batch.map((call) => call.id) });
    });
  }
}, 120_000);

afterAll(async () => {
  await testDatabase?.close();
});

/** The reference: the same sections counted straight from the raw calls. */
function fromRawCalls(query: InsightQuery) {
  const from = query.from.getTime();
  const to = query.to.getTime();
  const previousFrom = from - (to - from);
  const matches = (call: RawCall) =>
    (query.team === undefined || (call.team ?? '') === query.team) &&
    (query.channel === undefined || call.channel === query.channel) &&
    (query.language === undefined || call.language === query.language) &&
    (query.product === undefined || call.products.includes(query.product));
  const current = calls.filter((call) => matches(call) && call.startedAt >= from && call.startedAt < to);
  const previous = calls.filter((call) => matches(call) && call.startedAt >= previousFrom && call.startedAt < from);
  const count = (list: RawCall[], keys: (call: RawCall) => string[]) => {
    const counts = new Map<string, number>();
    for (const call of list) for (const key of new Set(keys(call))) counts.set(key, (counts.get(key) ?? 0) + 1);
    return counts;
  };
  const trend = (keys: (call: RawCall) => string[]) => {
    const now = count(current, keys);
    const before = count(previous, keys);
    return Object.fromEntries([...now].map(([key, value]) => [key, { calls: value, previousCalls: before.get(key) ?? 0 }]));
  };
  const termsNow = count(current, (call) => call.terms);
  const termsBefore = count(previous, (call) => call.terms);
  const emerging = emergingTerms(
    [...termsNow].map(([term, value]) => ({ term, current: value, previous: termsBefore.get(term) ?? 0 })),
    { current: current.length, previous: previous.length },
    settings.emerging,
    100,
  );
  return {
    current,
    totals: {
      calls: current.length,
      previousCalls: previous.length,
      complaints: current.filter((call) => call.complaint).length,
      needsReview: current.filter((call) => call.reviewState === 'needs_review').length,
      failedInspections: current.filter((call) => !call.passed).length,
    },
    reasons: trend((call) => [call.reason]),
    intents: trend((call) => [call.intent]),
    complaints: trend((call) => (call.complaint ? [call.complaintCategory ?? 'other'] : [])),
    rules: trend((call) => call.rules),
    failedItems: trend((call) => call.failedItems),
    vulnerableReasons: trend((call) => (call.vulnerable ? [call.reason] : [])),
    vulnerable: { calls: current.filter((call) => call.vulnerable).length, complaints: current.filter((call) => call.vulnerable && call.complaint).length },
    products: Object.fromEntries(
      [...count(current, (call) => call.products)].map(([product, value]) => {
        const withProduct = current.filter((call) => call.products.includes(product));
        const sentiment = (kind: string) => withProduct.filter((call) => call.sentiment === kind).length;
        return [product, { calls: value, previousCalls: previous.filter((call) => call.products.includes(product)).length, sentiment: { positive: sentiment('positive'), neutral: sentiment('neutral'), negative: sentiment('negative') }, complaints: withProduct.filter((call) => call.complaint).length }];
      }),
    ),
    emerging: Object.fromEntries(emerging.map((term) => [term.term, { current: term.current, previous: term.previous }])),
    teams: Object.fromEntries([...count(current, (call) => [call.team ?? ''])]),
  };
}

const month = { from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-12-01T00:00:00Z') };
const shapes: [string, InsightQuery][] = [
  ['no filter', { ...month }],
  ['team', { ...month, team: 'north' }],
  ['calls with no team', { ...month, team: '' }],
  ['a team named like the old marker', { ...month, team: '*' }],
  ['channel', { ...month, channel: 'chat' }],
  ['language and channel', { ...month, language: 'zh', channel: 'voice' }],
  ['product', { ...month, product: 'loan' }],
  ['product and team', { ...month, product: 'card', team: 'south', language: 'en' }],
  ['days and weeks, not a calendar month', { from: new Date('2026-11-04T00:00:00Z'), to: new Date('2026-11-27T00:00:00Z'), channel: 'voice' }],
  ['a month less its first day (read as the month minus a day)', { from: new Date('2026-11-02T00:00:00Z'), to: new Date('2026-12-01T00:00:00Z'), team: 'south' }],
  ['a product over a month less a day', { from: new Date('2026-11-02T00:00:00Z'), to: new Date('2026-12-01T00:00:00Z'), product: 'deposit' }],
];

describe('insights from the roll-ups give the numbers of the raw calls', () => {
  it.each(shapes)('%s', async (_name, query) => {
    const expected = fromRawCalls(query);
    const insights = await service.insights({ ...query, limit: 100, groupBy: 'team' });
    expect(insights.totals).toMatchObject(expected.totals);
    const trend = (rows: { key: string; calls: number; previousCalls: number }[]) => Object.fromEntries(rows.map((row) => [row.key, { calls: row.calls, previousCalls: row.previousCalls }]));
    expect(trend(insights.reasons)).toEqual(expected.reasons);
    expect(trend(insights.intents)).toEqual(expected.intents);
    expect(trend(insights.complaints)).toEqual(expected.complaints);
    expect(trend(insights.complianceFindings)).toEqual(expected.rules);
    expect(trend(insights.failedItems)).toEqual(expected.failedItems);
    expect(trend(insights.vulnerableCustomers.reasons)).toEqual(expected.vulnerableReasons);
    expect({ calls: insights.vulnerableCustomers.calls, complaints: insights.vulnerableCustomers.complaints }).toEqual(expected.vulnerable);
    expect(Object.fromEntries(insights.products.map((row) => [row.product, { calls: row.calls, previousCalls: row.previousCalls, sentiment: row.sentiment, complaints: row.complaints }]))).toEqual(expected.products);
    expect(Object.fromEntries(insights.emergingTopics.map((term) => [term.term, { current: term.current, previous: term.previous }]))).toEqual(expected.emerging);
    expect(Object.fromEntries((insights.groups ?? []).map((group) => [group.key, group.calls]))).toEqual(expected.teams);
    // Every example call is one of the period's calls that match the filters and the row.
    const current = new Map(expected.current.map((call) => [call.conversationId, call]));
    for (const row of insights.reasons) for (const example of row.exampleCalls) expect(current.get(example)?.reason).toBe(row.key);
    for (const topic of insights.emergingTopics) {
      expect(topic.exampleCalls.length).toBeGreaterThan(0);
      for (const example of topic.exampleCalls) expect(current.get(example)?.terms).toContain(topic.term);
    }
  });

  it('finds the term that rose, and says nothing of a team named like a marker when another team is asked for', async () => {
    const insights = await service.insights({ ...month, team: 'north' });
    expect(insights.emergingTopics.map((topic) => topic.term)).toContain('surge');
    const all = await service.insights({ ...month, groupBy: 'team', limit: 100 });
    // '*' is a real team here (its own calls), never the sum of every team.
    const star = all.groups?.find((group) => group.key === '*');
    expect(star?.calls).toBe(calls.filter((call) => call.team === '*' && call.startedAt >= month.from.getTime() && call.startedAt < month.to.getTime()).length);
    expect(star?.calls).toBeLessThan(all.totals.calls);
  });

  it('a rebuild from the raw rows gives the same answers as the roll-ups kept call by call', async () => {
    const before = await service.insights({ ...month, team: 'south', limit: 100 });
    await testDatabase.database.transaction((transaction) => rebuildRollups(transaction));
    const after = await service.insights({ ...month, team: 'south', limit: 100 });
    const counts = (insights: typeof before) => ({ ...insights, reasons: insights.reasons.map(({ exampleCalls: _examples, ...row }) => row), emergingTopics: insights.emergingTopics.map(({ exampleCalls: _examples, ...row }) => row) });
    expect(counts(after).totals).toEqual(counts(before).totals);
    expect(counts(after).reasons).toEqual(counts(before).reasons);
    expect(counts(after).emergingTopics).toEqual(counts(before).emergingTopics);
  });
});
