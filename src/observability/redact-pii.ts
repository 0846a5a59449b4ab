// Long digit runs are card numbers, ID numbers, account numbers or phone numbers far more often than not;
// logs are read by many people, so they are masked before they are written.
const digitRun = /(?<![\d])(\d[\d -]{8,}\d)(?![\d])/g;
const idNumber = /\b\d{17}[\dXx]\b/g;
const email = /[\w.+-]+@[\w-]+\.[\w.-]+/g;

export function redactText(text: string): string {
  return text
    .replace(idNumber, (match) => `${match.slice(0, 3)}***${match.slice(-2)}`)
    .replace(digitRun, (match) => {
      const digits = match.replace(/\D/g, '');
      return digits.length >= 9 ? `***${digits.slice(-4)}` : match;
    })
    .replace(email, '***@***');
}

const secretKeys = /^(authorization|password|passcode|pin|cvv|cvc|otp|smsCode|apiKey|api_key|key|token|secret|cookie)$/i;

/** Deep copy with secrets removed and PII-looking strings masked; bounded depth so a cyclic object cannot hang logging. */
export function redactValue(value: unknown, depth = 0): unknown {
  if (depth > 6) return '[depth]';
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  if (value instanceof Error) return { type: value.name, message: redactText(value.message), stack: value.stack };
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
