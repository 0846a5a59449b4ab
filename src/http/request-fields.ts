import { z } from 'zod';

/** The largest value of a Postgres `integer` (int4): versions and other integer columns stop here. */
export const largestInt4 = 2_147_483_647;

/**
 * Years a date may carry. Postgres has no year 0, JavaScript writes years past 9999 as `+010000-…` (which Postgres
 * refuses), and nothing in a bank's knowledge or calls predates 1900: out-of-range years are a client's mistake.
 */
const firstYear = 1900;
const lastYear = 9999;
const yearMessage = `must be a date between the years ${firstYear} and ${lastYear}`;
const endOfLastYear = Date.UTC(lastYear, 11, 31, 23, 59, 59, 999);

/** The written year and the instant (a timestamp with offset may cross a year boundary) both within range. */
function withinYears(value: string): boolean {
  const written = Number(value.slice(0, 4));
  const instant = Date.parse(value);
  return written >= firstYear && written <= lastYear && !Number.isNaN(instant) && instant <= endOfLastYear;
}

/** An ISO timestamp with an offset (`2025-03-01T09:30:00+08:00`), years 1900-9999. */
export const dateTimeString = z
  .iso.datetime({ offset: true, error: 'must be an ISO timestamp with offset, such as 2025-03-01T09:30:00+08:00' })
  .refine(withinYears, yearMessage)
  .meta({ description: `An ISO timestamp with offset, years ${firstYear}-${lastYear}.` });

/** An ISO date (`2025-03-01`) or timestamp with offset, years 1900-9999. */
export const dateString = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })], { error: 'must be an ISO date (YYYY-MM-DD) or an ISO timestamp with offset' })
  .refine(withinYears, yearMessage)
  .meta({ description: `An ISO date (YYYY-MM-DD) or timestamp with offset, years ${firstYear}-${lastYear}.` });

/**
 * A whole number in a path or query string (a string of digits there, a number in JSON), within `minimum` and
 * `maximum` (at most a Postgres int4). Plain digits only: `0x10`, `1e3`, ` 7` and `` are refused, not coerced.
 */
export function integerField(minimum: number, maximum = largestInt4) {
  const message = `must be a whole number from ${minimum} to ${maximum}`;
  return z
    .union([z.number(), z.string().regex(/^\d{1,16}$/, message).transform(Number)], { error: message })
    .pipe(z.number({ error: message }).int(message).min(minimum, message).max(maximum, message))
    .meta({ description: `A whole number from ${minimum} to ${maximum}.` });
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const cursorMessage = 'is not a cursor this list returned; pass back nextCursor unchanged';

/** `<ISO timestamp>|<uuid>`, the shape of a keyset cursor over (created_at, id). */
function isTimeAndId(decoded: string): boolean {
  const separator = decoded.indexOf('|');
  if (separator < 0) return false;
  const time = decoded.slice(0, separator);
  const id = decoded.slice(separator + 1);
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/.test(time) && withinYears(time) && uuidPattern.test(id);
}

/**
 * A keyset cursor over (created_at, id) as a list returned it in `nextCursor`: in plain text (`…Z|uuid`) or
 * base64url-encoded. Checked here so a forged or truncated cursor is a 400 naming `cursor`, never a database error.
 */
export function timeAndIdCursor(encoding: 'plain' | 'base64url') {
  return z
    .string()
    .max(300)
    .refine((value) => isTimeAndId(encoding === 'plain' ? value : Buffer.from(value, 'base64url').toString('utf8')), cursorMessage)
    .meta({ description: 'The `nextCursor` of the previous page, unchanged.' });
}
