import { maskText } from '../privacy/mask-personal-data.js';

/** Logs are read by many people: card, ID, phone, SSN, account numbers and e-mails are masked before they are written. */
export function redactText(text: string): string {
  return maskText(text);
}

const secretKeys = /^(authorization|password|passcode|pin|cvv|cvc|otp|smsCode|apiKey|api_key|key|token|secret|cookie)$/i;

/** Deep copy with secrets removed and PII-looking strings masked; bounded depth so a cyclic object cannot hang logging. */
export function redactValue(value: unknown, depth = 0): unknown {
  if (depth > 6) return '[depth]';
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  // The stack repeats the message on its first line.
  if (value instanceof Error) return { type: value.name, message: redactText(value.message), ...(value.stack ? { stack: redactText(value.stack) } : {}) };
  // Only plain data is copied: requests, responses and other class instances go to pino's own serializers
  // untouched (copying them would drop what the serializers read), and their headers are redacted by path.
  if (value && typeof value === 'object' && isPlainObject(value)) {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) result[key] = secretKeys.test(key) ? '[redacted]' : redactValue(item, depth + 1);
    return result;
  }
  return value;
}

function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/** A request URL as logged: percent-decoded (so an encoded e-mail or full-width number is seen) and masked. */
export function redactUrl(url: string): string {
  let decoded = url;
  try {
    decoded = decodeURIComponent(url.replace(/\+/g, ' '));
  } catch {
    // A malformed escape: mask the URL as sent.
  }
  return redactText(decoded);
}

