/** One bad field, as an HTTP problem's `errors` lists it (src/http/problem.ts has the same shape). */
export interface UnsafeField {
  field: string;
  message: string;
}

/** A lone high surrogate (not followed by a low one) or a lone low surrogate (not preceded by a high one). */
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Why a string cannot be accepted, or undefined. NUL cannot be stored in Postgres text or jsonb at all, and a lone
 * surrogate is not Unicode: jsonb rejects it and UTF-8 encoding silently turns it into U+FFFD, so the stored text
 * would differ from what was sent. Both are refused rather than stripped, so the caller learns its data is damaged.
 */
export function unsafeTextReason(text: string): string | undefined {
  if (text.includes('\u0000')) return 'contains a NUL character (U+0000), which cannot be stored; remove it';
  if (loneSurrogate.test(text)) return 'contains a lone UTF-16 surrogate (not valid Unicode); send well-formed UTF-8';
  return undefined;
}

/** A key as it may appear in a field path: printable, with the offending characters escaped. */
function printableKey(key: string): string {
  return /^[\w$-]*$/.test(key) ? key : JSON.stringify(key).slice(1, -1);
}

/**
 * The first string (value or object key) anywhere in a parsed request part that cannot be accepted, named by its
 * field path (`metadata.notes`, `tags.2`, `query.q`) like zod's problems. Depth is bounded by the JSON parser.
 */
export function findUnsafeText(value: unknown, prefix?: string): UnsafeField | undefined {
  const join = (path: string | undefined, key: string) => (path ? `${path}.${key}` : key);
  const visit = (item: unknown, path: string | undefined): UnsafeField | undefined => {
    if (typeof item === 'string') {
      const reason = unsafeTextReason(item);
      return reason ? { field: path ?? 'body', message: reason } : undefined;
    }
    if (Array.isArray(item)) {
      for (let index = 0; index < item.length; index += 1) {
        const problem = visit(item[index], join(path, String(index)));
        if (problem) return problem;
      }
      return undefined;
    }
    if (item !== null && typeof item === 'object') {
      for (const [key, child] of Object.entries(item)) {
        const keyReason = unsafeTextReason(key);
        if (keyReason) return { field: join(path, printableKey(key)), message: `the key ${keyReason}` };
        const problem = visit(child, join(path, key));
        if (problem) return problem;
      }
    }
    return undefined;
  };
  return visit(value, prefix);
}
