import { createHash } from 'node:crypto';
import type { Database } from '../db/database.js';

/** Cached answers of model-backed targets (suggest, summarize), keyed on everything that could change them. */
export interface EvalCache {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, kind: string, value: unknown): Promise<void>;
}

export function cacheKey(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

export class DatabaseEvalCache implements EvalCache {
  readonly #database: Database;

  constructor(database: Database) {
    this.#database = database;
  }

  async get<T>(key: string): Promise<T | undefined> {
    const result = await this.#database.query<{ value: T }>('select value from eval_cache where key = $1', [key]);
    return result.rows[0]?.value;
  }

  async set(key: string, kind: string, value: unknown): Promise<void> {
    await this.#database.query(
      'insert into eval_cache (key, kind, value) values ($1, $2, $3::jsonb) on conflict (key) do update set value = excluded.value, created_at = now()',
      [key, kind, JSON.stringify(value)],
    );
  }
}

export class MemoryEvalCache implements EvalCache {
  readonly entries = new Map<string, unknown>();

  async get<T>(key: string): Promise<T | undefined> {
    const value = this.entries.get(key);
    return value === undefined ? undefined : (structuredClone(value) as T);
  }

  async set(key: string, _kind: string, value: unknown): Promise<void> {
    this.entries.set(key, structuredClone(value));
  }
}
