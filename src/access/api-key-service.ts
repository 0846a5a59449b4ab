import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Database } from '../db/database.js';

export const roles = ['agent', 'knowledge_owner', 'compliance', 'admin'] as const;
export type Role = (typeof roles)[number];

export interface Principal {
  keyId: string;
  role: Role;
  name: string;
  /** The desk (team) an agent key is bound to: it then sees only that desk's conversations. */
  desk?: string;
}

export interface ApiKeyView {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  desk: string | null;
  createdAt: string;
  revokedAt: string | null;
}

export class ApiKeyNotFoundError extends Error {
  readonly code = 'api_key_not_found';
  constructor(id: string) {
    super(`no API key ${id}`);
    this.name = 'ApiKeyNotFoundError';
  }
}

export class DeskNotAllowedError extends Error {
  readonly code = 'desk_not_allowed';
  readonly field = 'desk';
  constructor(role: Role) {
    super(`only agent keys are bound to a desk; a ${role} key sees every desk`);
    this.name = 'DeskNotAllowedError';
  }
}

const adminEnvironmentKeyId = 'admin-env';

// Keys are 32 random bytes: a plain SHA-256 is enough at rest (no dictionary to attack, unlike passwords),
// and it keeps the per-request check to one indexed lookup.
function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

function constantTimeEquals(left: string, right: string): boolean {
  const a = Buffer.from(left);
  const b = Buffer.from(right);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** How long a verified key is trusted without a lookup; revocation on another replica takes at most this long. */
const cacheMilliseconds = 30_000;
/**
 * How often the keys of open event streams are re-checked: one query per replica for all its streams, so a key
 * revoked on any replica cuts its streams everywhere within this (plus the query) and well inside 5 s.
 */
const defaultRevocationCheckMilliseconds = 2_000;

export class ApiKeyService {
  readonly #database: Database;
  readonly #adminKey: string | undefined;
  readonly #cache = new Map<string, { principal: Principal | null; until: number }>();

  /** Callbacks of long-lived connections (event streams) to cut when their key is revoked. */
  readonly #watchers = new Map<string, Set<() => void>>();
  readonly #revocationCheckMilliseconds: number;
  readonly #onError: (error: unknown) => void;
  #revocationTimer: NodeJS.Timeout | undefined;

  constructor(database: Database, options: { adminKey?: string; revocationCheckMilliseconds?: number; onError?: (error: unknown) => void } = {}) {
    this.#database = database;
    this.#adminKey = options.adminKey;
    this.#revocationCheckMilliseconds = options.revocationCheckMilliseconds ?? defaultRevocationCheckMilliseconds;
    this.#onError = options.onError ?? (() => undefined);
  }

  async create(role: Role, name: string, options: { desk?: string } = {}): Promise<{ id: string; key: string; desk?: string }> {
    // Only agents are scoped: admins and compliance staff see every desk by design.
    if (options.desk !== undefined && role !== 'agent') throw new DeskNotAllowedError(role);
    const id = randomUUID();
    const key = `aa_${randomBytes(32).toString('base64url')}`;
    await this.#database.query('insert into api_keys (id, name, role, key_hash, key_prefix, desk) values ($1, $2, $3, $4, $5, $6)', [
      id,
      name,
      role,
      hashKey(key),
      key.slice(0, 10),
      options.desk ?? null,
    ]);
    return { id, key, ...(options.desk !== undefined ? { desk: options.desk } : {}) };
  }

  async list(): Promise<ApiKeyView[]> {
    const result = await this.#database.query<{ id: string; name: string; role: Role; key_prefix: string; desk: string | null; created_at: Date | string; revoked_at: Date | string | null }>(
      'select id, name, role, key_prefix, desk, created_at, revoked_at from api_keys order by created_at',
    );
    return result.rows.map((row) => ({
      id: row.id,
      name: row.name,
      role: row.role,
      prefix: row.key_prefix,
      desk: row.desk,
      createdAt: new Date(row.created_at).toISOString(),
      revokedAt: row.revoked_at ? new Date(row.revoked_at).toISOString() : null,
    }));
  }

  async revoke(id: string): Promise<void> {
    const result = await this.#database.query('update api_keys set revoked_at = coalesce(revoked_at, now()) where id = $1', [id]);
    if (result.rowCount === 0) throw new ApiKeyNotFoundError(id);
    this.#cache.clear();
    this.#revoked(id);
  }

  /**
   * Calls `onRevoked` once `keyId` is revoked, here or on another replica, until the returned function is
   * called. The key from ADMIN_API_KEY cannot be revoked and is not watched.
   */
  watch(keyId: string, onRevoked: () => void): () => void {
    if (keyId === adminEnvironmentKeyId) return () => undefined;
    let callbacks = this.#watchers.get(keyId);
    if (!callbacks) {
      callbacks = new Set();
      this.#watchers.set(keyId, callbacks);
    }
    callbacks.add(onRevoked);
    if (!this.#revocationTimer) {
      this.#revocationTimer = setInterval(() => void this.checkRevocations().catch(this.#onError), this.#revocationCheckMilliseconds);
      this.#revocationTimer.unref();
    }
    return () => {
      const current = this.#watchers.get(keyId);
      current?.delete(onRevoked);
      if (current?.size === 0) this.#watchers.delete(keyId);
      if (this.#watchers.size === 0) this.stopWatching();
    };
  }

  /** One query for every watched key; those no longer valid have their connections cut. */
  async checkRevocations(): Promise<void> {
    const keyIds = [...this.#watchers.keys()];
    if (keyIds.length === 0) return;
    const result = await this.#database.query<{ id: string }>('select id from api_keys where id = any($1::uuid[]) and revoked_at is null', [keyIds]);
    const valid = new Set(result.rows.map((row) => row.id));
    for (const keyId of keyIds) if (!valid.has(keyId)) this.#revoked(keyId);
  }

  stopWatching(): void {
    if (this.#revocationTimer) clearInterval(this.#revocationTimer);
    this.#revocationTimer = undefined;
  }

  #revoked(keyId: string): void {
    const callbacks = this.#watchers.get(keyId);
    this.#watchers.delete(keyId);
    if (this.#watchers.size === 0) this.stopWatching();
    for (const callback of callbacks ?? []) callback();
  }

  async count(): Promise<number> {
    const result = await this.#database.query<{ count: string }>('select count(*) as count from api_keys');
    return Number(result.rows[0]?.count ?? 0);
  }

  async verify(key: string): Promise<Principal | null> {
    if (this.#adminKey && constantTimeEquals(key, this.#adminKey)) return { keyId: adminEnvironmentKeyId, role: 'admin', name: 'ADMIN_API_KEY' };
    const hash = hashKey(key);
    const cached = this.#cache.get(hash);
    if (cached && cached.until > Date.now()) return cached.principal;
    const result = await this.#database.query<{ id: string; role: Role; name: string; desk: string | null }>(
      'select id, role, name, desk from api_keys where key_hash = $1 and revoked_at is null',
      [hash],
    );
    const row = result.rows[0];
    const principal: Principal | null = row ? { keyId: row.id, role: row.role, name: row.name, ...(row.desk !== null ? { desk: row.desk } : {}) } : null;
    if (this.#cache.size > 10_000) this.#cache.clear();
    this.#cache.set(hash, { principal, until: Date.now() + cacheMilliseconds });
    return principal;
  }
}
