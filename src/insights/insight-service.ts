import type { Database } from '../db/database.js';
import { emergingTerms, type EmergingTerm } from './emerging-terms.js';
import { signedPeriodBuckets, wholeDays } from './insight-rollups.js';
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

/** The roll-up dimensions the sections read ('all' is the totals). */
const sectionDimensions = ['all', 'reason', 'intent', 'complaint', 'rule', 'failed_item', 'vulnerable_reason', 'vulnerable', 'product'];
/** The sections that show example calls (the emerging terms add theirs). */
const exampleDimensions = ['reason', 'intent', 'complaint', 'rule', 'failed_item', 'vulnerable_reason', 'product'];

interface SectionRow {
  key: string;
  calls: number;
  previousCalls: number;
  complaints: number;
  scoreSum: number | null;
  needsReview: number;
  failed: number;
  positive: number;
  neutral: number;
  negative: number;
}

/** The raw-row condition for "this call counts under key k" per roll-up dimension (for example calls only). */
const exampleCondition: Record<string, string> = {
  reason: 'i.reason_code = k.key',
  intent: 'i.intent = k.key',
  complaint: `i.complaint_raised and coalesce(i.complaint_category, 'other') = k.key`,
  rule: 'k.key = any(i.rule_ids)',
  failed_item: 'k.key = any(i.failed_items)',
  // = any(), not containment: the newest calls by time find a top product within a few rows; the products index
  // would fetch and sort every call of the product in both periods (tens of thousands) for three examples.
  product: 'k.key = any(i.products)',
  vulnerable_reason: 'i.vulnerable and i.reason_code = k.key',
  term: 'i.terms @> array[k.key]',
};

interface PeriodSql {
  /** Bucket arrays ($1 grains, $2 starts, $3 current, $4 signs), $5 the product slice, then the roll-up filters. */
  rollupParameters: unknown[];
  rollupFilters: string;
  /** $1 from, $2 to, then the raw-row filters (example calls). */
  rawParameters: unknown[];
  rawFilters: string;
  /** The raw-row filters for example calls: the product as = any(), so the key's own index (or time) leads. */
  exampleFilters: string;
}

/**
 * Voice of the customer (客户之声) from the roll-ups kept beside the inspections (insight-rollups.ts): counts and
 * trends sum a few thousand bucket rows (whole months, weeks, then days of the period and of the one before it);
 * only the example calls behind each row are read from the inspections, a few per row by index. Periods are
 * whole UTC days (the one used is returned in `period`).
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
    const { from, to } = wholeDays(query.from, query.to);
    const previousFrom = new Date(from.getTime() - (to.getTime() - from.getTime()));
    const buckets = [...signedPeriodBuckets(from, to).map((bucket) => ({ ...bucket, current: true })), ...signedPeriodBuckets(previousFrom, from).map((bucket) => ({ ...bucket, current: false }))];
    const rollupParameters: unknown[] = [buckets.map((bucket) => bucket.grain), buckets.map((bucket) => bucket.starts), buckets.map((bucket) => bucket.current), buckets.map((bucket) => bucket.sign), query.product ?? ''];
    const rawParameters: unknown[] = [from.toISOString(), to.toISOString()];
    const rollupFilters: string[] = [];
    const rawFilters: string[] = [];
    const filter = (column: string, value: string | undefined) => {
      if (value === undefined) return;
      rollupParameters.push(value);
      rollupFilters.push(` and r.${column} = $${rollupParameters.length}`);
      rawParameters.push(value);
      // '' is the roll-ups' "no team"; any other team is compared bare so the team index can answer it.
      const rawColumn = column === 'team' && value === '' ? `coalesce(i.team, '')` : `i.${column}`;
      rawFilters.push(` and ${rawColumn} = $${rawParameters.length}`);
    };
    filter('team', query.team);
    filter('channel', query.channel);
    filter('language', query.language);
    let exampleFilters = rawFilters.join('');
    if (query.product) {
      rawParameters.push(query.product);
      exampleFilters += ` and $${rawParameters.length} = any(i.products)`;
      // Containment, not = any(): the products index answers it.
      rawFilters.push(` and i.products @> array[$${rawParameters.length}::text]`);
    }
    const period: PeriodSql = { rollupParameters, rollupFilters: rollupFilters.join(''), rawParameters, rawFilters: rawFilters.join(''), exampleFilters };

    // Every section's sums in one read of the roll-ups (one index range per bucket and dimension), then every
    // section's example calls in one statement: two round trips instead of one per section.
    const sections = await this.#sections(period, limit);
    const totalsRow = sections.get('all')?.[0];
    const calls = totalsRow?.calls ?? 0;
    const totals = {
      calls,
      previousCalls: totalsRow?.previousCalls ?? 0,
      complaints: totalsRow?.complaints ?? 0,
      averageScore: calls > 0 && totalsRow?.scoreSum !== null && totalsRow?.scoreSum !== undefined ? Math.round((totalsRow.scoreSum / calls) * 10) / 10 : null,
      needsReview: totalsRow?.needsReview ?? 0,
      failedInspections: totalsRow?.failed ?? 0,
    };
    const emerging = await this.#emerging(query, period, totals, limit);
    const rowsOf = (dimension: string) => sections.get(dimension) ?? [];
    const examples = await this.#examples(
      [...exampleDimensions.map((dimension) => ({ dimension, keys: rowsOf(dimension).map((row) => row.key) })), { dimension: 'term', keys: emerging.map((term) => term.term) }],
      period,
    );
    const exampleCallsOf = (dimension: string, key: string) => examples.get(dimension)?.get(key) ?? [];
    const counted = (dimension: string): CountWithTrend[] =>
      rowsOf(dimension).map((row) => {
        const share = totals.calls > 0 ? row.calls / totals.calls : 0;
        const previousShare = totals.previousCalls > 0 ? row.previousCalls / totals.previousCalls : 0;
        return { key: row.key, calls: row.calls, previousCalls: row.previousCalls, shareChange: Math.round((share - previousShare) * 1000) / 10, exampleCalls: exampleCallsOf(dimension, row.key) };
      });
    const reasons = counted('reason');
    const intents = counted('intent');
    const complaints = counted('complaint');
    const complianceFindings = counted('rule');
    const failedItems = counted('failed_item');
    const vulnerableReasons = counted('vulnerable_reason');
    const vulnerableRows = rowsOf('vulnerable');
    const products = rowsOf('product');

    const insights: Insights = {
      period: { from: from.toISOString(), to: to.toISOString(), previousFrom: previousFrom.toISOString() },
      totals,
      reasons,
      intents,
      complaints,
      products: products.map((row) => ({
        product: row.key,
        calls: row.calls,
        previousCalls: row.previousCalls,
        sentiment: { positive: row.positive, neutral: row.neutral, negative: row.negative },
        complaints: row.complaints,
        exampleCalls: exampleCallsOf('product', row.key),
      })),
      vulnerableCustomers: { calls: vulnerableRows[0]?.calls ?? 0, complaints: vulnerableRows[0]?.complaints ?? 0, reasons: vulnerableReasons },
      complianceFindings,
      failedItems,
      emergingTopics: emerging.map((term) => ({ ...term, exampleCalls: exampleCallsOf('term', term.term) })),
      emergingMethod: `terms of customer turns whose share of calls rose vs the previous period: at least ${this.#settings.emerging.minimumCalls} calls, smoothed share ratio >= ${this.#settings.emerging.minimumShareRatio}, Dunning log-likelihood G² >= ${this.#settings.emerging.minimumLogLikelihood}; ranked by G²`,
    };
    if (query.groupBy) insights.groups = await this.#groups(query.groupBy, period, from, to, limit);
    return insights;
  }

  /**
   * The sums of every section's dimension in one statement: per bucket one index search per dimension (lateral, so
   * the planner never scans the whole table nor the agents' rows, the largest dimension), grouped by key; the first
   * `limit` keys of each dimension by calls (then key), and the single row of the totals and of the vulnerable
   * customers. Buckets taken away (sign -1) make the sums exact for any run of whole days.
   */
  async #sections(period: PeriodSql, limit: number): Promise<Map<string, SectionRow[]>> {
    const parameters = [...period.rollupParameters, sectionDimensions];
    const result = await this.#database.query<{ dimension: string; key: string; calls: string | null; previous_calls: string | null; complaints: string | null; score_sum: number | null; needs_review: string | null; failed: string | null; positive: string | null; neutral: string | null; negative: string | null }>(
      `${bucketTable},
       sums as (
         select r.dimension, r.key, sum(b.sign * r.calls) filter (where b.current) as calls, sum(b.sign * r.calls) filter (where not b.current) as previous_calls,
                sum(b.sign * r.complaints) filter (where b.current) as complaints, sum(b.sign * r.score_sum) filter (where b.current) as score_sum,
                sum(b.sign * r.needs_review) filter (where b.current) as needs_review, sum(b.sign * r.failed) filter (where b.current) as failed,
                sum(b.sign * r.positive) filter (where b.current) as positive, sum(b.sign * r.neutral) filter (where b.current) as neutral, sum(b.sign * r.negative) filter (where b.current) as negative
           from b cross join lateral (
                  select r.* from insight_rollups r
                   where r.dimension = any($${parameters.length}::text[]) and r.product = $5 and r.grain = b.grain and r.starts = b.starts${period.rollupFilters}) as r
          group by 1, 2),
       ranked as (select sums.*, row_number() over (partition by dimension order by calls desc, key) as rank from sums where calls > 0 or dimension = 'all')
       select * from ranked where rank <= ${limit} or dimension in ('all', 'vulnerable') order by dimension, rank`,
      parameters,
    );
    const sections = new Map<string, SectionRow[]>();
    for (const row of result.rows) {
      const rows = sections.get(row.dimension) ?? [];
      rows.push({
        key: row.key,
        calls: Number(row.calls ?? 0),
        previousCalls: Number(row.previous_calls ?? 0),
        complaints: Number(row.complaints ?? 0),
        scoreSum: row.score_sum === null ? null : Number(row.score_sum),
        needsReview: Number(row.needs_review ?? 0),
        failed: Number(row.failed ?? 0),
        positive: Number(row.positive ?? 0),
        neutral: Number(row.neutral ?? 0),
        negative: Number(row.negative ?? 0),
      });
      sections.set(row.dimension, rows);
    }
    return sections;
  }

  /** The newest few calls of the period behind each key of each section, in one statement: a few rows per key, by index. */
  async #examples(sections: readonly { dimension: string; keys: readonly string[] }[], period: PeriodSql): Promise<Map<string, Map<string, string[]>>> {
    const parameters: unknown[] = [...period.rawParameters];
    const parts: string[] = [];
    for (const { dimension, keys } of sections) {
      const condition = exampleCondition[dimension];
      if (!condition || keys.length === 0) continue;
      parameters.push(keys);
      parts.push(`select '${dimension}' as dimension, k.key, array(select i.conversation_id::text from inspections i
                          where ${condition} and i.call_started_at >= $1 and i.call_started_at < $2${period.exampleFilters}
                          order by i.call_started_at desc limit ${examplesPerRow}) as examples
                    from unnest($${parameters.length}::text[]) as k (key)`);
    }
    const examples = new Map<string, Map<string, string[]>>();
    if (parts.length === 0) return examples;
    const result = await this.#database.query<{ dimension: string; key: string; examples: string[] }>(parts.join('\n union all '), parameters);
    for (const row of result.rows) {
      const keys = examples.get(row.dimension) ?? new Map<string, string[]>();
      keys.set(row.key, row.examples);
      examples.set(row.dimension, keys);
    }
    return examples;
  }

  async #groups(groupBy: InsightGrouping, period: PeriodSql, from: Date, to: Date, limit: number): Promise<NonNullable<Insights['groups']>> {
    const sums = (weight: string) => `sum(${weight}r.calls) as calls, sum(${weight}r.score_sum) as score_sum, sum(${weight}r.complaints) as complaints, sum(${weight}r.needs_review) as needs_review, sum(${weight}r.failed) as failed`;
    let sql: string;
    let parameters: unknown[] = period.rollupParameters;
    if (groupBy === 'day' || groupBy === 'week') {
      // Day buckets of the period, whatever grain the totals were read at; weeks start on Monday.
      const key = groupBy === 'day' ? `to_char(r.starts, 'YYYY-MM-DD')` : `to_char(date_trunc('week', r.starts), 'YYYY-MM-DD')`;
      parameters = [...period.rollupParameters, from.toISOString().slice(0, 10), to.toISOString().slice(0, 10)];
      sql = `${bucketTable} select ${key} as key, ${sums('')} from insight_rollups r
              where r.dimension = 'all' and r.product = $5 and r.grain = 'day' and r.starts >= $${parameters.length - 1}::date and r.starts < $${parameters.length}::date${period.rollupFilters}
              group by 1 order by 1 limit 400`;
    } else {
      const key = groupBy === 'agent' ? 'r.key' : `r.${groupBy}`;
      sql = `${bucketTable} select ${key} as key, ${sums('b.sign * ')} from insight_rollups r join b on r.grain = b.grain and r.starts = b.starts and b.current
              where r.dimension = '${groupBy === 'agent' ? 'agent' : 'all'}' and r.product = $5${period.rollupFilters}
              group by 1 having sum(b.sign * r.calls) > 0 order by 2 desc, 1 limit ${Math.max(limit, 50)}`;
    }
    const result = await this.#database.query<{ key: string; calls: string; score_sum: number | null; complaints: string; needs_review: string; failed: string }>(sql, parameters);
    return result.rows.map((row) => {
      const calls = Number(row.calls);
      return {
        key: row.key,
        calls,
        averageScore: calls > 0 && row.score_sum !== null ? Math.round((Number(row.score_sum) / calls) * 10) / 10 : null,
        complaints: Number(row.complaints),
        needsReview: Number(row.needs_review),
        failedInspections: Number(row.failed),
      };
    });
  }

  /**
   * Term counts of both periods. No team or channel filter (with or without a product): the term totals, kept per
   * product slice. A team or channel: the team x channel term roll-up. Both a product and a team or channel: the
   * terms of that product's calls (found by the products index), the one combination no roll-up holds.
   */
  async #emerging(query: InsightQuery, period: PeriodSql, totals: { calls: number; previousCalls: number }, limit: number): Promise<EmergingTerm[]> {
    const minimum = this.#settings.emerging.minimumCalls;
    let rows: { term: string; current: string; previous: string | null }[];
    const byTeamOrChannel = query.team !== undefined || query.channel !== undefined;
    if (query.product !== undefined && byTeamOrChannel) {
      const previousFrom = new Date(2 * Date.parse(String(period.rawParameters[0])) - Date.parse(String(period.rawParameters[1]))).toISOString();
      const parameters = [...period.rawParameters, previousFrom];
      const result = await this.#database.query<{ term: string; current: string; previous: string | null }>(
        `select term, count(*) filter (where i.call_started_at >= $1) as current, count(*) filter (where i.call_started_at < $1) as previous
           from inspections i, unnest(i.terms) as term
          where i.call_started_at >= $${parameters.length} and i.call_started_at < $2${period.rawFilters}
          group by 1 having count(*) filter (where i.call_started_at >= $1) >= ${minimum}`,
        parameters,
      );
      rows = result.rows;
    } else {
      const parameters: unknown[] = period.rollupParameters.slice(0, 4);
      const conditions: string[] = [];
      const condition = (sql: string, value: string) => {
        parameters.push(value);
        conditions.push(sql.replace('?', `$${parameters.length}`));
      };
      let table = 'insight_term_totals';
      if (byTeamOrChannel) {
        table = 'insight_term_rollups';
        if (query.team !== undefined) condition('r.team = ?', query.team);
        if (query.channel !== undefined) condition('r.channel = ?', query.channel);
      } else condition('r.product = ?', query.product ?? '');
      if (query.language) condition('r.language = ?', query.language);
      const result = await this.#database.query<{ term: string; current: string; previous: string | null }>(
        // Lateral: one index range per bucket, never a scan of the whole roll-up (it holds every term of every day).
        `${bucketTable} select r.term, sum(b.sign * r.calls) filter (where b.current) as current, sum(b.sign * r.calls) filter (where not b.current) as previous
           from b cross join lateral (select r.term, r.calls from ${table} r where r.grain = b.grain and r.starts = b.starts${conditions.map((sql) => ` and ${sql}`).join('')}) as r
          group by 1 having sum(b.sign * r.calls) filter (where b.current) >= ${minimum}`,
        parameters,
      );
      rows = result.rows;
    }
    return emergingTerms(
      rows.map((row) => ({ term: row.term, current: Number(row.current), previous: Number(row.previous ?? 0) })),
      { current: totals.calls, previous: totals.previousCalls },
      this.#settings.emerging,
      limit,
    );
  }
}

/** The period's buckets as a table: grain, start, whether it belongs to the current period or the previous one, and whether its rows are added (1) or taken away (-1). */
const bucketTable = `with b as (select * from unnest($1::text[], $2::date[], $3::boolean[], $4::int[]) as b (grain, starts, current, sign))`;
