import { describe, expect, it } from 'vitest';
import { redactText, redactUrl, redactValue } from '../../src/observability/redact-pii.js';

describe('log redaction', () => {
  it('masks card, ID and phone numbers and e-mail addresses in text', () => {
    const text = '卡号6222 0212 3456 7890 123，身份证110101199003074514，手机13812345678，mail a.b@example.com';
    const masked = redactText(text);
    expect(masked).not.toContain('6222 0212 3456');
    expect(masked).not.toContain('110101199003074514');
    expect(masked).not.toContain('13812345678');
    expect(masked).not.toContain('a.b@example.com');
    // The last four digits stay readable, in the card number's own grouping.
    expect(masked.replace(/ /g, '')).toContain('***0123');
  });

  it('masks what the old masker let through: 9-digit SSNs after their name, full-width digits, dashed SSNs', () => {
    expect(redactText('SSN 123456789')).not.toContain('123456789');
    expect(redactText('SSN 123-45-6789')).not.toContain('123-45');
    expect(redactText('手机１３８１２３４５６７８')).not.toContain('１２３４５６７８');
  });

  it('masks request URLs after percent-decoding, so encoded e-mails and full-width digits are seen', () => {
    const url = `/v1/knowledge/search?q=${encodeURIComponent('手机１３８１２３４５６７８')}&mail=zhang%40example.com&card=6222021234567894`;
    const logged = redactUrl(url);
    expect(logged).toContain('/v1/knowledge/search?q=手机');
    expect(logged).not.toContain('１２３４５６７８');
    expect(logged).not.toContain('zhang@example.com');
    expect(logged).not.toContain('6222021234567894');
    expect(redactUrl('/v1/x?bad=%E0%A4%A')).toBe('/v1/x?bad=%E0%A4%A');
  });

  it('masks error messages and their stacks', () => {
    const value = redactValue(new Error('turn 13812345678 failed')) as { message: string; stack: string };
    expect(value.message).not.toContain('13812345678');
    expect(value.stack).not.toContain('13812345678');
  });

  it('keeps short numbers such as amounts and dates', () => {
    expect(redactText('年费200元，2026-07-01生效')).toBe('年费200元，2026-07-01生效');
  });

  it('drops secret-named fields and walks plain objects, leaving class instances to serializers', () => {
    class Request {
      url = '/v1/x';
    }
    const request = new Request();
    const value = redactValue({ authorization: 'Bearer abc', nested: { password: 'x', note: '13812345678' }, req: request }) as Record<string, unknown>;
    expect(value.authorization).toBe('[redacted]');
    expect((value.nested as Record<string, unknown>).password).toBe('[redacted]');
    expect((value.nested as Record<string, unknown>).note).not.toContain('13812345678');
    expect(value.req).toBe(request);
  });
});
