import { describe, expect, it } from 'vitest';
import { redactText, redactValue } from '../../src/observability/redact-pii.js';

describe('log redaction', () => {
  it('masks card, ID and phone numbers and e-mail addresses in text', () => {
    const text = '卡号6222 0212 3456 7890 123，身份证110101199003074514，手机13812345678，mail a.b@example.com';
    const masked = redactText(text);
    expect(masked).not.toContain('6222 0212 3456');
    expect(masked).not.toContain('110101199003074514');
    expect(masked).not.toContain('13812345678');
    expect(masked).not.toContain('a.b@example.com');
    expect(masked).toContain('***0123'.slice(-4));
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
