/**
 * What the main thread and the PGlite worker say to each other. Values cross by structured clone, which keeps
 * Date, Uint8Array/Buffer and bigint as they are; errors are sent as plain fields because a clone keeps only
 * the message of an Error, and callers read Postgres' `code`, `detail` and `constraint`.
 */
export type WorkerRequest =
  | { id: number; kind: 'query'; sql: string; parameters?: unknown[]; transaction?: number }
  | { id: number; kind: 'exec'; sql: string; transaction?: number }
  /** Answered once the transaction holds PGlite's connection; its id is the id of this request. */
  | { id: number; kind: 'begin' }
  | { id: number; kind: 'finish'; transaction: number; commit: boolean }
  | { id: number; kind: 'listen'; channel: string }
  | { id: number; kind: 'unlisten'; channel: string }
  | { id: number; kind: 'close' };

/** A request without its id, as the adapter's callers build it. */
export type WorkerCall = WithoutId<WorkerRequest>;
type WithoutId<Request> = Request extends unknown ? Omit<Request, 'id'> : never;

export interface SerializedError {
  name: string;
  message: string;
  fields: Record<string, unknown>;
}

export type WorkerMessage =
  | { kind: 'opened' }
  | { kind: 'failed'; error: SerializedError }
  | { kind: 'reply'; id: number; ok: true; value: unknown }
  | { kind: 'reply'; id: number; ok: false; error: SerializedError }
  | { kind: 'notification'; channel: string; payload: string };

export interface WorkerStart {
  dataDirectory?: string;
  /** Session settings run after every open (a restarted worker is a new session). */
  sessionSql?: string;
}

export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(error)) {
    // Only what survives a clone and helps a caller: Postgres' error fields are strings and numbers.
    if (['string', 'number', 'boolean'].includes(typeof value)) fields[name] = value;
  }
  return { name: error.name, message: error.message, fields };
}

export function deserializeError(serialized: SerializedError): Error {
  const error = new Error(serialized.message);
  Object.assign(error, serialized.fields);
  error.name = serialized.name;
  return error;
}
