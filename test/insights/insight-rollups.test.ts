import { describe, expect, it } from 'vitest';
import { periodBuckets, signedPeriodBuckets, wholeDays } from '../../src/insights/insight-rollups.js';

const days = (bucket: { grain: string; starts: string }) => {
  const start = Date.parse(`${bucket.starts}T00:00:00Z`);
  if (bucket.grain === 'day') return [start];
  const count = bucket.grain === 'week' ? 7 : new Date(Date.UTC(new Date(start).getUTCFullYear(), new Date(start).getUTCMonth() + 1, 1)).getTime() / 86_400_000 - start / 86_400_000;
  return Array.from({ length: count }, (_, index) => start + index * 86_400_000);
};

describe('periodBuckets', () => {
  it('reads a calendar month as one bucket', () => {
    expect(periodBuckets(new Date('2026-11-01T00:00:00Z'), new Date('2026-12-01T00:00:00Z'))).toEqual([{ grain: 'month', starts: '2026-11-01' }]);
  });

  it('covers every day of any period exactly once, with weeks starting on Monday and months on the 1st', () => {
    for (const [from, to] of [
      ['2026-10-02', '2026-11-01'],
      ['2026-09-17', '2026-12-03'],
      ['2026-02-27', '2026-03-02'],
      ['2025-12-29', '2027-01-05'],
    ] as const) {
      const start = Date.parse(`${from}T00:00:00Z`);
      const end = Date.parse(`${to}T00:00:00Z`);
      const buckets = periodBuckets(new Date(start), new Date(end));
      const covered = buckets.flatMap(days);
      expect(covered).toEqual(Array.from({ length: (end - start) / 86_400_000 }, (_, index) => start + index * 86_400_000));
      for (const bucket of buckets) {
        const date = new Date(`${bucket.starts}T00:00:00Z`);
        if (bucket.grain === 'week') expect(date.getUTCDay()).toBe(1);
        if (bucket.grain === 'month') expect(date.getUTCDate()).toBe(1);
      }
      // Few buckets: a year and a week is months plus at most a few weeks and days at either end.
      expect(buckets.length).toBeLessThanOrEqual(12 + 2 * (4 + 6));
    }
  });

  it('widens a period to whole UTC days', () => {
    expect(wholeDays(new Date('2026-11-01T08:00:00Z'), new Date('2026-11-02T01:00:00Z'))).toEqual({ from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-11-03T00:00:00Z') });
    expect(wholeDays(new Date('2026-11-01T00:00:00Z'), new Date('2026-11-01T00:00:00Z')).to).toEqual(new Date('2026-11-02T00:00:00Z'));
  });
});

describe('signedPeriodBuckets', () => {
  const signedDays = (buckets: { grain: string; starts: string; sign: number }[]) => {
    const counts = new Map<number, number>();
    for (const bucket of buckets) for (const day of days(bucket)) counts.set(day, (counts.get(day) ?? 0) + bucket.sign);
    return [...counts].filter(([, count]) => count !== 0).sort(([left], [right]) => left - right);
  };

  it('counts every day of the period once and every other day zero times, in no more buckets than the plain cover', () => {
    for (const [from, to] of [
      ['2026-10-02', '2026-11-01'],
      ['2026-09-17', '2026-12-03'],
      ['2026-02-27', '2026-03-02'],
      ['2025-12-29', '2027-01-05'],
      ['2026-11-04', '2026-11-27'],
      ['2026-11-03', '2026-11-04'],
      ['2026-01-31', '2026-03-01'],
    ] as const) {
      const start = Date.parse(`${from}T00:00:00Z`);
      const end = Date.parse(`${to}T00:00:00Z`);
      const buckets = signedPeriodBuckets(new Date(start), new Date(end));
      expect(signedDays(buckets)).toEqual(Array.from({ length: (end - start) / 86_400_000 }, (_, index) => [start + index * 86_400_000, 1]));
      expect(buckets.length).toBeLessThanOrEqual(periodBuckets(new Date(start), new Date(end)).length);
    }
  });

  it('reads the 30 days before a November as October minus its first day', () => {
    expect(signedPeriodBuckets(new Date('2026-10-02T00:00:00Z'), new Date('2026-11-01T00:00:00Z'))).toEqual([
      { grain: 'month', starts: '2026-10-01', sign: 1 },
      { grain: 'day', starts: '2026-10-01', sign: -1 },
    ]);
  });
});
