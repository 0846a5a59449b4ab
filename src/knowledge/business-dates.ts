import { IngestError } from './ingest-error.js';

const dateOnly = /^\d{4}-\d{2}-\d{2}$/;
const offsetPattern = /^([+-])(\d{2}):(\d{2})$/;

/** Minutes east of UTC of an offset such as '+08:00' or '-05:00'. */
export function offsetMinutes(utcOffset: string): number {
  const match = offsetPattern.exec(utcOffset);
  if (!match) throw new Error(`not a UTC offset: '${utcOffset}' (expected +HH:MM or -HH:MM)`);
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
}

export function isDateOnly(value: string): boolean {
  return dateOnly.test(value);
}

function realDay(text: string): Date | undefined {
  const day = new Date(`${text}T00:00:00Z`);
  return Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== text ? undefined : day;
}

function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** Midnight at the start of `day` in the business zone, as an instant. */
export function startOfBusinessDay(day: string, utcOffset: string): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) - offsetMinutes(utcOffset) * 60_000);
}

/** The business day an instant falls on. */
export function businessDayOf(instant: Date, utcOffset: string): string {
  return new Date(instant.getTime() + offsetMinutes(utcOffset) * 60_000).toISOString().slice(0, 10);
}

/** An instant written in the business zone (`2027-01-01T00:00:00+08:00`): what a bank's staff read as the time. */
export function formatInBusinessZone(instant: Date, utcOffset: string): string {
  const shifted = new Date(instant.getTime() + offsetMinutes(utcOffset) * 60_000).toISOString();
  const milliseconds = shifted.slice(19, 23) === '.000' ? '' : shifted.slice(19, 23);
  return `${shifted.slice(0, 19)}${milliseconds}${utcOffset}`;
}

/**
 * An `asOf` or period bound as given: a date means the start of that day in the business zone (a search "as of
 * 2027-01-01" sees what is effective from that morning in the bank), a timestamp is taken as written.
 */
export function businessInstant(value: string, utcOffset: string): Date {
  return isDateOnly(value) ? startOfBusinessDay(value, utcOffset) : new Date(value);
}

export interface EffectiveDate {
  /** When the period starts (effectiveFrom) or ends, exclusive (effectiveUntil). */
  instant: string;
  /** The day the owner wrote, when a date without a time was given. */
  day: string | null;
}

/**
 * Knowledge owners write dates as days: `effectiveFrom: 2026-07-01` starts at midnight and
 * `effectiveUntil: 2026-06-30` includes that whole day, both in the bank's business time zone.
 */
export function parseEffectiveDate(value: string | undefined, field: 'effectiveFrom' | 'effectiveUntil', utcOffset: string): EffectiveDate | null {
  if (value === undefined || value === '') return null;
  const text = String(value);
  if (isDateOnly(text)) {
    if (!realDay(text)) throw new IngestError('invalid_date', `${field} must be a real calendar date (YYYY-MM-DD), got '${text}'`, { field });
    const startDay = field === 'effectiveUntil' ? addDays(text, 1) : text;
    return { instant: startOfBusinessDay(startDay, utcOffset).toISOString(), day: text };
  }
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) {
    throw new IngestError('invalid_date', `${field} must be an ISO date (YYYY-MM-DD or a full timestamp), got '${value}'`, { field });
  }
  return { instant: date.toISOString(), day: null };
}

/**
 * The day a stored period bound was written as, for versions stored before the day itself was recorded: an
 * instant at midnight in the business zone came from a date (an until-date ends the day before).
 */
export function inferredDay(instant: Date, field: 'effectiveFrom' | 'effectiveUntil', utcOffset: string): string | null {
  const shifted = instant.getTime() + offsetMinutes(utcOffset) * 60_000;
  if (shifted % 86_400_000 !== 0) return null;
  const day = new Date(shifted).toISOString().slice(0, 10);
  return field === 'effectiveUntil' ? addDays(day, -1) : day;
}

/** How a stored bound reads in the API: the day as written when there is one, else the instant. */
export function effectiveDateView(
  instant: Date | null,
  day: string | null,
  utcOffset: string,
): { value: string | null; at: string | null } {
  if (instant === null) return { value: null, at: null };
  return { value: day ?? instant.toISOString(), at: formatInBusinessZone(instant, utcOffset) };
}
