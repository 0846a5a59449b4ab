import type { z } from 'zod';
import { openapiSchema } from './openapi-schema.js';

/** An OpenAPI response entry as @fastify/swagger reads it from a route schema (description plus content). */
export type ResponseEntry = Record<string, unknown>;

const problemReference = { $ref: '#/components/schemas/Problem' };

/** What each problem status means on this API, in one sentence a client developer can act on. */
const problemDescriptions: Record<number, string> = {
  400: 'Invalid input: `errors` names each bad field (body fields by path, `query.x`, `params.x`, `content-type`).',
  401: 'No API key, or an unknown or revoked one.',
  403: 'The key is valid but its role may not do this.',
  404: 'No such resource (or route).',
  409: 'The resource is in a state that does not allow this (see `detail`).',
  413: 'The body is larger than BODY_LIMIT_BYTES.',
  415: 'The content type is not one this route accepts.',
  500: 'The summary could not be written; it is retried automatically (code `summary_failed`).',
  429: 'Too many requests for this key or address; wait for `retry-after` seconds.',
  502: 'An upstream model failed and no answer can be given without it.',
  503: 'The service is overloaded or its database is unreachable; retry after `retry-after` seconds.',
};

const retryAfter = { 'retry-after': { type: 'integer', description: 'Seconds to wait before retrying.' } };

export function problemResponse(status: number, description = problemDescriptions[status] ?? 'Problem'): ResponseEntry {
  return {
    description,
    ...(status === 429 || status === 503 ? { headers: retryAfter } : {}),
    content: { 'application/problem+json': { schema: problemReference } },
  };
}

/** A JSON response described by the zod schema the tests also parse real responses with. */
export function jsonResponse(description: string, schema: z.ZodType, example?: unknown): ResponseEntry {
  return { description, content: { 'application/json': { schema: openapiSchema(schema), ...(example === undefined ? {} : { example }) } } };
}

export function emptyResponse(description: string): ResponseEntry {
  return { description, type: 'null' };
}

/** A Server-Sent Events response; `events` documents each event name and what its `data` carries. */
export function eventStreamResponse(description: string, events: Record<string, string>, example: string): ResponseEntry {
  const table = Object.entries(events)
    .map(([name, meaning]) => `- \`${name}\`: ${meaning}`)
    .join('\n');
  return {
    description: `${description}\n\nEvents:\n${table}`,
    content: { 'text/event-stream': { schema: { type: 'string', description: 'A text/event-stream: `id:` (where given), `event:` and one JSON `data:` line per event; `:` comment lines are heartbeats.' }, example } },
  };
}

export function textResponse(description: string, contentTypes: string[]): ResponseEntry {
  return { description, content: Object.fromEntries(contentTypes.map((type) => [type, { schema: { type: 'string' } }])) };
}
