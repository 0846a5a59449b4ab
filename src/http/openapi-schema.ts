import { z } from 'zod';

/** A zod schema as JSON Schema for the OpenAPI document (route schemas are documentation; zod validates). */
export function openapiSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...jsonSchema } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return jsonSchema;
}
