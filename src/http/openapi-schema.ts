import { z } from 'zod';

/** Keywords zod emits that say nothing to a reader: the regex behind a named format, and JavaScript's safe-integer bounds. */
function withoutNoise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNoise);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>).filter(([key, item]) => {
    if (key === 'pattern' && typeof (value as { format?: unknown }).format === 'string') return false;
    if ((key === 'minimum' || key === 'maximum') && Math.abs(Number(item)) === Number.MAX_SAFE_INTEGER) return false;
    return true;
  });
  return Object.fromEntries(entries.map(([key, item]) => [key, withoutNoise(item)]));
}

/** A zod schema as JSON Schema for the OpenAPI document (route schemas are documentation; zod validates). */
export function openapiSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...jsonSchema } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return withoutNoise(jsonSchema) as Record<string, unknown>;
}
