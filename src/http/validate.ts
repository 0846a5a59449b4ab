import type { z } from 'zod';
import { HttpProblem, type FieldProblem } from './problem.js';

export function zodProblems(error: z.ZodError, prefix?: string): FieldProblem[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    const field = [prefix, path].filter(Boolean).join('.') || prefix || 'body';
    return { field, message: issue.message };
  });
}

/** Parses a request part with a zod schema; a failure is a 400 whose `errors` name each bad field. */
export function validate<Schema extends z.ZodType>(schema: Schema, value: unknown, part: 'body' | 'query' | 'params' | 'headers'): z.infer<Schema> {
  if (part === 'body' && (value === undefined || value === null)) {
    throw HttpProblem.badRequest('The request body is empty; a JSON object is expected.', [{ field: 'body', message: 'required' }]);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const errors = zodProblems(parsed.error, part === 'body' ? undefined : part);
    throw HttpProblem.badRequest(errors.map((error) => `${error.field}: ${error.message}`).join('; '), errors);
  }
  return parsed.data;
}
