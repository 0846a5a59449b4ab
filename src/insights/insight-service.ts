import type { Database } from '../db/database.js';
import { emergingTerms, type EmergingTerm } from './emerging-terms.js';
import type { InsightSettings } from './insight-settings.js';

export const insightGroupings = ['team', 'agent', 'channel', 'language', 'day', 'week'] as const;
export type InsightGrouping = (typeof insightGroupings)[number];

export interface InsightQuery {
  from: Date;
  to: Date;
  team?: string;
  product?: string;
  channel?: 'voice' | 'chat';
  language?: 'zh' | 'en';
  groupBy?: InsightGrouping;
  /** Rows per section (default 10). */
  limit?: number;
}

export interface CountWithTrend {
  key: string;
  calls: number;
  previousCalls: number;
  /** Change in share of calls vs the previous period, in percentage points. */
  shareChange: number;
  exampleCalls: string[];
}

export interface Insights {
  period: { from: string; to: string; previousFrom: string };
  totals: { calls: number; previousCalls: number; complaints: number; averageScore: number | null; needsReview: number; failedInspections: number };
  reasons: CountWithTrend[];
  intents: CountWithTrend[];
  complaints: CountWithTrend[];
  products: { product: string; calls: number; previousCalls: number; sentiment: { positive: number; neutral: number; negative: number }; complaints: number; exampleCalls: string[] }[];
  vulnerableCustomers: { calls: number; complaints: number; reasons: CountWithTrend[] };
  complianceFindings: CountWithTrend[];
  failedItems: CountWithTrend[];
  emergingTopics: (EmergingTerm & { exampleCalls: string[] })[];
  emergingMethod: string;
  groups?: { key: string; calls: number; averageScore: number | null; complaints: number; needsReview: number; failedInspections: number }[];
}

const examplesPerRow = 3;

/**
 * Voice of the customer (客户之声) in SQL over the inspections' stored fields: every section is one grouped
 * statement over the period and the one before it, so a month of 100,000 calls is read by index range, and
 * transcripts are never re-read.
 */
export class InsightService {
  readonly #database: Database;
  readonly #settings: InsightSettings;

  constructor(options: { database: Database; settings: InsightSettings }) {
    this.#database = options.database;
    this.#settings = options.settings;
  }

  async insights(query: InsightQuery): Promise<Insights> {
    const limit = query.limit ?? 10;
    const span = query.to.getTime() - query.from.getTime();
    const previousFrom = new Date(query.from.getTime() - span);
    // $1 previous start, $2 current start, $3 end; filters follow.
    const parameters: unknown[] = [previousFrom.toISOString(), query.from.toISOString(), query.to.toISOString()];
    const filters: string[] = [];
    const addFilter = (sql: string, value: unknown) => {
      parameters.push(value);
      filters.push(sql.replace('?', `$${parameters.length}`));
    };
    if (query.team) addFilter('team = ?', query.team);
    if (query.channel) addFilter('channel = ?', query.channel);
    if (query.language) addFilter('language = ?', query.language);
    if (query.product) addFilter('? = any(products)', query.product);
    const where = `call_started_at >= $1 and call_started_at < $3${filters.map((filter) => ` and ${filter}`).join('')}`;
    const current = 'call_started_at >= $2';

    const totalsResult = await this.#database.query<{ calls: string; previous_calls: string; complaints: string; average_score: number | null; needs_review: string; failed: string }>(
      `select count(*) filter (where ${current}) as calls, count(*) filter (where not (${current})) as previous_calls,
              count(*) filter (where ${current} and complaint_raised) as complaints, avg(score) filter (where ${current}) as average_score,
              count(*) filter (where ${current} and review_state = 'needs_review') as needs_review, count(*) filter (where ${current} and not passed) as failed
         from inspections where ${where}`,
      parameters,
    );
    const totalsRow = totalsResult.rows[0];
    const totals = {
      calls: Number(totalsRow?.calls ?? 0),
      previousCalls: Number(totalsRow?.previous_calls ?? 0),
      complaints: Number(totalsRow?.complaints ?? 0),
      averageScore: totalsRow?.average_score === null || totalsRow?.average_score === undefined ? null : Math.round(Number(totalsRow.average_score) * 10) / 10,
      needsReview: Number(totalsRow?.needs_review ?? 0),
      failedInspections: Number(totalsRow?.failed ?? 0),
    };

    const counted = async (keySql: string, extraWhere = '', unnest = false): Promise<CountWithTrend[]> => {
      const source = unnest ? `inspections, unnest(${keySql}) as key` : 'inspections';
      const key = unnest ? 'key' : keySql;
      const result = await this.#database.query<{ key: string; calls: string; previous_calls: string; examples: string[] | null }>(
        `select ${key} as key, count(*) filter (where ${current}) as calls, count(*) filter (where not (${current})) as previous_calls,
                (array_agg(conversation_id::text order by call_started_at desc) filter (where ${current}))[1:${examplesPerRow}] as examples
           from ${source} where ${where}${extraWhere ? ` and ${extraWhere}` : ''}
          group by 1 having count(*) filter (where ${current}) > 0 order by 2 desc, 1 limit ${limit}`,
        parameters,
      );
      return result.rows.map((row) => {
        const calls = Number(row.calls);
        const previousCalls = Number(row.previous_calls);
        const share = totals.calls > 0 ? calls / totals.calls : 0;
        const previousShare = totals.previousCalls > 0 ? previousCalls / totals.previousCalls : 0;
        return { key: row.key, calls, previousCalls, shareChange: Math.round((share - previousShare) * 1000) / 10, exampleCalls: row.examples ?? [] };
      });
    };

    const reasons = await counted('reason_code');
    const intents = await counted('intent');
    const complaints = await counted(`coalesce(complaint_category, 'other')`, 'complaint_raised');
    const complianceFindings = await counted('rule_ids', '', true);
    const failedItems = await counted('failed_items', '', true);
    const vulnerableReasons = await counted('reason_code', 'vulnerable');
    const vulnerableTotals = await this.#database.query<{ calls: string; complaints: string }>(
      `select count(*) as calls, count(*) filter (where complaint_raised) as complaints from inspections where ${where} and ${current} and vulnerable`,
      parameters,
    );

    const productResult = await this.#database.query<{ product: string; calls: string; previous_calls: string; positive: string; neutral: string; negative: string; complaints: string; examples: string[] | null }>(
      `select product, count(*) filter (where ${current}) as calls, count(*) filter (where not (${current})) as previous_calls,
              count(*) filter (where ${current} and sentiment_end = 'positive') as positive, count(*) filter (where ${current} and sentiment_end = 'neutral') as neutral,
              count(*) filter (where ${current} and sentiment_end = 'negative') as negative, count(*) filter (where ${current} and complaint_raised) as complaints,
              (array_agg(conversation_id::text order by call_started_at desc) filter (where ${current}))[1:${examplesPerRow}] as examples
         from inspections, unnest(products) as product where ${where}
        group by 1 having count(*) filter (where ${current}) > 0 order by 2 desc, 1 limit ${limit}`,
      parameters,
    );

    const emerging = await this.#emerging(query, previousFrom, limit);
    const emergingTopics = [];
    for (const term of emerging) {
      const examples = await this.#database.query<{ conversation_id: string }>(
        `select conversation_id from inspections where ${where} and ${current} and $${parameters.length + 1} = any(terms) order by call_started_at desc limit ${examplesPerRow}`,
        [...parameters, term.term],
      );
      emergingTopics.push({ ...term, exampleCalls: examples.rows.map((row) => row.conversation_id) });
    }

    const insights: Insights = {
      period: { from: query.from.toISOString(), to: query.to.toISOString(), previousFrom: previousFrom.toISOString() },
      totals,
      reasons,
      intents,
      complaints,
      products: productResult.rows.map((row) => ({
        product: row.product,
        calls: Number(row.calls),
        previousCalls: Number(row.previous_calls),
        sentiment: { positive: Number(row.positive), neutral: Number(row.neutral), negative: Number(row.negative) },
        complaints: Number(row.complaints),
        exampleCalls: row.examples ?? [],
      })),
      vulnerableCustomers: { calls: Number(vulnerableTotals.rows[0]?.calls ?? 0), complaints: Number(vulnerableTotals.rows[0]?.complaints ?? 0), reasons: vulnerableReasons },
      complianceFindings,
      failedItems,
      emergingTopics,
      emergingMethod: `terms of customer turns whose share of calls rose vs the previous period: at least ${this.#settings.emerging.minimumCalls} calls, smoothed share ratio >= ${this.#settings.emerging.minimumShareRatio}, Dunning log-likelihood G² >= ${this.#settings.emerging.minimumLogLikelihood}; ranked by G²`,
    };
    if (query.groupBy) insights.groups = await this.#groups(query.groupBy, where, current, parameters, limit);
    return insights;
  }

  async #groups(groupBy: InsightGrouping, where: string, current: string, parameters: unknown[], limit: number): Promise<NonNullable<Insights['groups']>> {
    const keySql: Record<InsightGrouping, string> = {
      team: `coalesce(team, '')`,
      agent: `coalesce(agent, '')`,
      channel: 'channel',
      language: 'language',
      day: `to_char(call_started_at at time zone 'UTC', 'YYYY-MM-DD')`,
      week: `to_char(date_trunc('week', call_started_at at time zone 'UTC'), 'YYYY-MM-DD')`,
    };
    const ordered = groupBy === 'day' || groupBy === 'week';
    const result = await this.#database.query<{ key: string; calls: string; average_score: number | null; complaints: string; needs_review: string; failed: string }>(
      `select ${keySql[groupBy]} as key, count(*) as calls, avg(score) as average_score, count(*) filter (where complaint_raised) as complaints,
              count(*) filter (where review_state = 'needs_review') as needs_review, count(*) filter (where not passed) as failed
         from inspections where ${where} and ${current} group by 1 order by ${ordered ? '1' : '2 desc, 1'} limit ${ordered ? 400 : Math.max(limit, 50)}`,
      parameters,
    );
    return result.rows.map((row) => ({
      key: row.key,
      calls: Number(row.calls),
      averageScore: row.average_score === null ? null : Math.round(Number(row.average_score) * 10) / 10,
      complaints: Number(row.complaints),
      needsReview: Number(row.needs_review),
      failedInspections: Number(row.failed),
    }));
  }

  /**
   * Term counts per period from the daily roll-up (team, channel and language filters apply there); a product filter
   * needs each call's products, so it counts the calls' own terms instead.
   */
  async #emerging(query: InsightQuery, previousFrom: Date, limit: number): Promise<EmergingTerm[]> {
    const day = (date: Date) => date.toISOString().slice(0, 10);
    let rows: { term: string; current: string; previous: string }[];
    let totals: { current: number; previous: number };
    const parameters: unknown[] = [previousFrom.toISOString(), query.from.toISOString(), query.to.toISOString()];
    const filters: string[] = [];
    const add = (sql: string, value: unknown) => {
      parameters.push(value);
      filters.push(sql.replace('?', `$${parameters.length}`));
    };
    if (query.channel) add('channel = ?', query.channel);
    if (query.language) add('language = ?', query.language);
    if (query.product) {
      if (query.team) add('team = ?', query.team);
      add('? = any(products)', query.product);
      const where = `call_started_at >= $1 and call_started_at < $3${filters.map((filter) => ` and ${filter}`).join('')}`;
      const result = await this.#database.query<{ term: string; current: string; previous: string }>(
        `select term, count(*) filter (where call_started_at >= $2) as current, count(*) filter (where call_started_at < $2) as previous
           from inspections, unnest(terms) as term where ${where} group by 1 having count(*) filter (where call_started_at >= $2) >= ${this.#settings.emerging.minimumCalls}`,
        parameters,
      );
      rows = result.rows;
      const counts = await this.#database.query<{ current: string; previous: string }>(
        `select count(*) filter (where call_started_at >= $2) as current, count(*) filter (where call_started_at < $2) as previous from inspections where ${where}`,
        parameters,
      );
      totals = { current: Number(counts.rows[0]?.current ?? 0), previous: Number(counts.rows[0]?.previous ?? 0) };
    } else {
      if (query.team) add('team = ?', query.team);
      // The roll-up is by whole UTC day: periods are read at day granularity for terms.
      parameters[0] = day(previousFrom);
      parameters[1] = day(query.from);
      parameters[2] = day(query.to);
      const where = `day >= $1::date and day < $3::date${filters.map((filter) => ` and ${filter}`).join('')}`;
      const result = await this.#database.query<{ term: string; current: string; previous: string }>(
        `select term, sum(calls) filter (where day >= $2::date) as current, coalesce(sum(calls) filter (where day < $2::date), 0) as previous
           from insight_term_days where ${where} group by 1 having sum(calls) filter (where day >= $2::date) >= ${this.#settings.emerging.minimumCalls}`,
        parameters,
      );
      rows = result.rows;
      const totalWhere = where.replace(/day >= \$1::date and day < \$3::date/u, `call_started_at >= $1::date and call_started_at < $3::date`);
      const counts = await this.#database.query<{ current: string; previous: string }>(
        `select count(*) filter (where call_started_at >= $2::date) as current, count(*) filter (where call_started_at < $2::date) as previous from inspections where ${totalWhere}`,
        parameters,
      );
      totals = { current: Number(counts.rows[0]?.current ?? 0), previous: Number(counts.rows[0]?.previous ?? 0) };
    }
    return emergingTerms(
      rows.map((row) => ({ term: row.term, current: Number(row.current), previous: Number(row.previous) })),
      totals,
      this.#settings.emerging,
      limit,
    );
  }
}
