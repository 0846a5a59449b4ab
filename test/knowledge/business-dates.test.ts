import { describe, expect, it } from 'vitest';
import { businessDayOf, businessInstant, effectiveDateView, formatInBusinessZone, inferredDay, parseEffectiveDate } from '../../src/knowledge/business-dates.js';

describe('dates in the business zone', () => {
  // East of UTC (Beijing) and west of it (New York in winter): a date never moves a day in either.
  it.each([
    { offset: '+08:00', fromInstant: '2026-12-31T16:00:00.000Z' },
    { offset: '-05:00', fromInstant: '2027-01-01T05:00:00.000Z' },
  ])('stores a date as the start of that day in $offset and reads it back as the same date', ({ offset, fromInstant }) => {
    const from = parseEffectiveDate('2027-01-01', 'effectiveFrom', offset)!;
    expect(from).toEqual({ instant: fromInstant, day: '2027-01-01' });
    const view = effectiveDateView(new Date(from.instant), from.day, offset);
    expect(view.value).toBe('2027-01-01');
    expect(view.at).toBe(`2027-01-01T00:00:00${offset}`);
  });

  it.each(['+08:00', '-05:00', '+00:00'])('ends a date-only effectiveUntil after that whole day in %s', (offset) => {
    const until = parseEffectiveDate('2027-12-31', 'effectiveUntil', offset)!;
    expect(until.day).toBe('2027-12-31');
    expect(formatInBusinessZone(new Date(until.instant), offset)).toBe(`2028-01-01T00:00:00${offset}`);
    expect(businessDayOf(new Date(new Date(until.instant).getTime() - 1), offset)).toBe('2027-12-31');
  });

  it('keeps a full timestamp as the instant it names, with no day', () => {
    const from = parseEffectiveDate('2027-01-01T09:30:00+08:00', 'effectiveFrom', '-05:00')!;
    expect(from).toEqual({ instant: '2027-01-01T01:30:00.000Z', day: null });
    expect(effectiveDateView(new Date(from.instant), from.day, '-05:00')).toEqual({ value: '2027-01-01T01:30:00.000Z', at: '2026-12-31T20:30:00-05:00' });
  });

  it('refuses a day that is not on the calendar, naming the field', () => {
    expect(() => parseEffectiveDate('2027-02-30', 'effectiveUntil', '+08:00')).toThrow(/effectiveUntil must be a real calendar date/);
  });

  it('reads an as-of date as the start of that business day, a timestamp as written', () => {
    expect(businessInstant('2027-01-01', '+08:00').toISOString()).toBe('2026-12-31T16:00:00.000Z');
    expect(businessInstant('2027-01-01', '-05:00').toISOString()).toBe('2027-01-01T05:00:00.000Z');
    expect(businessInstant('2027-01-01T12:00:00Z', '+08:00').toISOString()).toBe('2027-01-01T12:00:00.000Z');
  });

  it('infers the day of a bound stored before days were recorded only from a midnight in the zone', () => {
    expect(inferredDay(new Date('2026-12-31T16:00:00Z'), 'effectiveFrom', '+08:00')).toBe('2027-01-01');
    expect(inferredDay(new Date('2026-12-31T16:00:00Z'), 'effectiveUntil', '+08:00')).toBe('2026-12-31');
    expect(inferredDay(new Date('2026-12-31T17:00:00Z'), 'effectiveFrom', '+08:00')).toBeNull();
    expect(inferredDay(new Date('2027-01-01T05:00:00Z'), 'effectiveFrom', '-05:00')).toBe('2027-01-01');
  });
});
