import { describe, expect, it } from 'vitest';
import { dateString, dateTimeString, integerField, largestInt4, timeAndIdCursor } from '../../src/http/request-fields.js';

describe('shared request fields', () => {
  it('accepts dates and timestamps from 1900 to 9999', () => {
    for (const value of ['1900-01-01', '2025-02-28', '2024-02-29', '9999-12-31', '2025-03-01T09:30:00+08:00', '9999-12-31T23:59:59Z']) {
      expect(dateString.safeParse(value).success, value).toBe(true);
    }
  });

  it('refuses year 0, years past 9999 (also through an offset) and impossible days', () => {
    for (const value of ['0000-01-01', '1899-12-31', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59-01:00', '2025-02-30', '2025-13-01', '+010000-01-01', 'yesterday']) {
      expect(dateString.safeParse(value).success, value).toBe(false);
    }
    expect(dateTimeString.safeParse('2025-03-01').success).toBe(false);
    expect(dateTimeString.safeParse('2025-03-01T00:00:00Z').success).toBe(true);
  });

  it('reads whole numbers from path strings and JSON numbers within int4', () => {
    const version = integerField(1);
    expect(version.parse('7')).toBe(7);
    expect(version.parse(7)).toBe(7);
    expect(version.parse(String(largestInt4))).toBe(largestInt4);
    for (const value of ['2147483648', '0', '-1', '1e3', '0x10', ' 7', '', '1.5', '99999999999999999999', 1.5, Number.NaN]) {
      expect(version.safeParse(value).success, String(value)).toBe(false);
    }
  });

  it('accepts only cursors shaped like the ones the lists return', () => {
    const plain = timeAndIdCursor('plain');
    const encoded = timeAndIdCursor('base64url');
    const valid = '2025-03-01T09:30:00.123Z|0b7f2a5e-4c1d-4e8a-9f00-1234567890ab';
    expect(plain.safeParse(valid).success).toBe(true);
    expect(encoded.safeParse(Buffer.from(valid).toString('base64url')).success).toBe(true);
    for (const value of ['garbage', 'x|y', '0000-01-01T00:00:00.000Z|0b7f2a5e-4c1d-4e8a-9f00-1234567890ab', '2025-03-01T09:30:00.123Z|not-a-uuid']) {
      expect(plain.safeParse(value).success, value).toBe(false);
      expect(encoded.safeParse(Buffer.from(value).toString('base64url')).success, value).toBe(false);
    }
    expect(encoded.safeParse(valid).success).toBe(false);
  });
});
