import type { Queryable } from '../db/database.js';

/** The time buckets one call counts in: its UTC day, ISO week (from Monday) and month. */
const everyBucketOfCall = `(values ('day', (i.call_started_at at time zone 'UTC')::date),
                               ('week', date_trunc('week', i.call_started_at at time zone 'UTC')::date),
                               ('month', date_trunc('month', i.call_started_at at time zone 'UTC')::date)) as b (grain, starts)`;
/** Only the day: a rebuild sums the day rows into weeks and months afterwards (far fewer rows than calls). */
const dayOfCall = `(values ('day', (i.call_started_at at time zone 'UTC')::date)) as b (grain, starts)`;

/**
 * Adds (sign 1) or takes away (sign -1) the given inspections' contribution to the roll-ups, in the caller's
 * transaction. One statement per table, written once in SQL and used for new inspections, for a review that changes
 * a call's state (taken away with the old state, added with the new), and to rebuild everything.
 */
export async function addToRollups(transaction: Queryable, selection: { inspectionIds: readonly string[] } | 'all', sign: 1 | -1 = 1, grains: 'every' | 'days' = 'every'): Promise<void> {
  const bucketsOfCall = grains === 'every' ? everyBucketOfCall : dayOfCall;
  const where = selection === 'all' ? 'true' : 'i.id = any($2::uuid[])';
  const parameters: unknown[] = selection === 'all' ? [sign] : [sign, selection.inspectionIds];
  if (selection !== 'all' && selection.inspectionIds.length === 0) return;
  await transaction.query(
    `insert into insight_rollups (dimension, product, grain, starts, team, channel, language, key, calls, complaints, score_sum, failed, needs_review, positive, neutral, negative)
     select d.dimension, p.product, b.grain, b.starts, coalesce(i.team, ''), i.channel, i.language, d.key,
            $1::int * count(*), $1::int * count(*) filter (where i.complaint_raised), $1::int * sum(i.score),
            $1::int * count(*) filter (where not i.passed), $1::int * count(*) filter (where i.review_state = 'needs_review'),
            $1::int * count(*) filter (where i.sentiment_end = 'positive'), $1::int * count(*) filter (where i.sentiment_end = 'neutral'),
            $1::int * count(*) filter (where i.sentiment_end = 'negative')
       from inspections i
       cross join lateral ${bucketsOfCall}
       cross join lateral (select '' as product union select distinct unnest(i.products)) as p
       cross join lateral (
             select 'all' as dimension, '' as key
             union all select 'agent', coalesce(i.agent, '')
             union all select 'reason', i.reason_code
             union all select 'intent', i.intent
             union all select 'complaint', coalesce(i.complaint_category, 'other') where i.complaint_raised
             union all select 'rule', rule from (select distinct unnest(i.rule_ids) as rule) as rules
             union all select 'failed_item', item from (select distinct unnest(i.failed_items) as item) as items
             union all select 'product', product from (select distinct unnest(i.products) as product) as products
             union all select 'vulnerable', '' where i.vulnerable
             union all select 'vulnerable_reason', i.reason_code where i.vulnerable
           ) as d
      where ${where}
      group by 1, 2, 3, 4, 5, 6, 7, 8
     on conflict (dimension, product, grain, starts, team, channel, language, key) do update set
       calls = insight_rollups.calls + excluded.calls, complaints = insight_rollups.complaints + excluded.complaints,
       score_sum = insight_rollups.score_sum + excluded.score_sum, failed = insight_rollups.failed + excluded.failed,
       needs_review = insight_rollups.needs_review + excluded.needs_review, positive = insight_rollups.positive + excluded.positive,
       neutral = insight_rollups.neutral + excluded.neutral, negative = insight_rollups.negative + excluded.negative`,
    parameters,
  );
  await transaction.query(
    `insert into insight_term_rollups (grain, starts, team, channel, language, term, calls)
     select b.grain, b.starts, coalesce(i.team, ''), i.channel, i.language, term, $1::int * count(*)
       from inspections i
       cross join lateral ${bucketsOfCall}
       cross join lateral (select distinct unnest(i.terms) as term) as terms
      where ${where}
      group by 1, 2, 3, 4, 5, 6
     on conflict (grain, starts, team, channel, language, term) do update set calls = insight_term_rollups.calls + excluded.calls`,
    parameters,
  );
  await transaction.query(
    `insert into insight_term_totals (grain, starts, product, language, term, calls)
     select b.grain, b.starts, p.product, i.language, term, $1::int * count(*)
       from inspections i
       cross join lateral ${bucketsOfCall}
       cross join lateral (select '' as product union select distinct unnest(i.products)) as p
       cross join lateral (select distinct unnest(i.terms) as term) as terms
      where ${where}
      group by 1, 2, 3, 4, 5
     on conflict (grain, starts, product, language, term) do update set calls = insight_term_totals.calls + excluded.calls`,
    parameters,
  );
}

/** Empties and refills the roll-ups from the stored inspections (after a bulk load, or to check the kept ones). */
export async function rebuildRollups(transaction: Queryable): Promise<void> {
  await transaction.query('delete from insight_rollups');
  await transaction.query('delete from insight_term_rollups');
  await transaction.query('delete from insight_term_totals');
  await addToRollups(transaction, 'all', 1, 'days');
  const weekAndMonth = `cross join lateral (values ('week', date_trunc('week', r.starts)::date), ('month', date_trunc('month', r.starts)::date)) as g (grain, starts)`;
  await transaction.query(
    `insert into insight_rollups (dimension, product, grain, starts, team, channel, language, key, calls, complaints, score_sum, failed, needs_review, positive, neutral, negative)
     select r.dimension, r.product, g.grain, g.starts, r.team, r.channel, r.language, r.key, sum(r.calls), sum(r.complaints), sum(r.score_sum), sum(r.failed),
            sum(r.needs_review), sum(r.positive), sum(r.neutral), sum(r.negative)
       from insight_rollups r ${weekAndMonth} where r.grain = 'day' group by 1, 2, 3, 4, 5, 6, 7, 8`,
  );
  await transaction.query(
    `insert into insight_term_rollups (grain, starts, team, channel, language, term, calls)
     select g.grain, g.starts, r.team, r.channel, r.language, r.term, sum(r.calls) from insight_term_rollups r ${weekAndMonth} where r.grain = 'day' group by 1, 2, 3, 4, 5, 6`,
  );
  await transaction.query(
    `insert into insight_term_totals (grain, starts, product, language, term, calls)
     select g.grain, g.starts, r.product, r.language, r.term, sum(r.calls) from insight_term_totals r ${weekAndMonth} where r.grain = 'day' group by 1, 2, 3, 4, 5`,
  );
}

export interface PeriodBucket {
  grain: 'day' | 'week' | 'month';
  /** YYYY-MM-DD (UTC). */
  starts: string;
}

const dayMilliseconds = 86_400_000;
const toDay = (time: number) => new Date(time).toISOString().slice(0, 10);
const nextMonth = (time: number) => {
  const date = new Date(time);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
};

/**
 * The fewest roll-up buckets that exactly cover [from, to) (UTC midnights): whole months where a month fits,
 * whole ISO weeks where a week fits without stepping over the start of a month that fits, days for the rest.
 */
export function periodBuckets(from: Date, to: Date): PeriodBucket[] {
  const buckets: PeriodBucket[] = [];
  const end = to.getTime();
  let cursor = from.getTime();
  while (cursor < end) {
    const date = new Date(cursor);
    if (date.getUTCDate() === 1 && nextMonth(cursor) <= end) {
      buckets.push({ grain: 'month', starts: toDay(cursor) });
      cursor = nextMonth(cursor);
      continue;
    }
    const weekEnd = cursor + 7 * dayMilliseconds;
    if (date.getUTCDay() === 1 && weekEnd <= end) {
      const monthStart = nextMonth(cursor);
      const skipsFittingMonth = monthStart < weekEnd && nextMonth(monthStart) <= end;
      if (!skipsFittingMonth) {
        buckets.push({ grain: 'week', starts: toDay(cursor) });
        cursor = weekEnd;
        continue;
      }
    }
    buckets.push({ grain: 'day', starts: toDay(cursor) });
    cursor += dayMilliseconds;
  }
  return buckets;
}

/** A period widened to whole UTC days: the roll-ups count by day. */
export function wholeDays(from: Date, to: Date): { from: Date; to: Date } {
  const start = Math.floor(from.getTime() / dayMilliseconds) * dayMilliseconds;
  const end = Math.ceil(to.getTime() / dayMilliseconds) * dayMilliseconds;
  return { from: new Date(start), to: new Date(Math.max(end, start + dayMilliseconds)) };
}

export interface SignedBucket extends PeriodBucket {
  /** 1: the bucket's rows are added; -1: taken away (the days a wider bucket holds beyond the period). */
  sign: 1 | -1;
}

const monthStart = (time: number) => {
  const date = new Date(time);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
};
const weekStart = (time: number) => time - ((new Date(time).getUTCDay() + 6) % 7) * dayMilliseconds;

/**
 * The fewest roll-up buckets whose signed sum is exactly [from, to): the plain cover (periodBuckets), or a period
 * widened to whole months or weeks at one or both ends minus the days it was widened by. The roll-ups hold the
 * same calls at every grain (written in one transaction), so October 2 to November 1 is read as the month of
 * October minus October 1 (2 buckets) instead of 3 days, 3 weeks and 6 days (12): each bucket is an index range of
 * a few thousand term rows, so buckets are what a request pays for.
 */
export function signedPeriodBuckets(from: Date, to: Date): SignedBucket[] {
  const start = from.getTime();
  const end = to.getTime();
  const cover = (left: number, right: number, sign: 1 | -1): SignedBucket[] => (left < right ? periodBuckets(new Date(left), new Date(right)).map((bucket) => ({ ...bucket, sign })) : []);
  let best = cover(start, end, 1);
  for (const [floor, ceiling] of [
    [monthStart, (time: number) => (monthStart(time) === time ? time : nextMonth(time))],
    [weekStart, (time: number) => (weekStart(time) === time ? time : weekStart(time) + 7 * dayMilliseconds)],
  ] as const) {
    for (const left of [start, floor(start)]) {
      for (const right of [end, ceiling(end)]) {
        if (left === start && right === end) continue;
        const candidate = [...cover(left, right, 1), ...cover(left, start, -1), ...cover(end, right, -1)];
        if (candidate.length < best.length) best = candidate;
      }
    }
  }
  return best;
}
