import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Database } from '../db/database.js';

export const roles = ['agent', 'knowledge_owner', 'compliance', 'admin'] as const;
export type Role = (typeof roles)[number];

export interface Principal {
  keyId: string;
  role: Role;
  name: string;
}

export interface ApiKeyView {
  id: string;
  name: string;
  role: Role;
  prefix: string;
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

export class ApiKeyService {
  readonly #database: Database;
  readonly #adminKey: string | undefined;
  readonly #cache = new Map<string, { principal: Principal | null; until: number }>();

  constructor(database: Database, options: { adminKey?: string } = {}) {
    this.#database = database;
    this.#adminKey = options.adminKey;
  }

  async create(role: Role, name: string): Promise<{ id: string; key: string }> {
    const id = randomUUID();
    const key = `aa_${randomBytes(32).toString('base64url')}`;
    await this.#database.query('insert into api_keys (id, name, role, key_hash, key_prefix) values ($1, $2, $3, $4, $5)', [
      id,
      name,
      role,
      hashKey(key),
      key.slice(0, 10),
    ]);
    return { id, key };
  }

  async list(): Promise<ApiKeyView[]> {
    const result = await this.#database.query<{ id: string; name: string; role: Role; key_prefix: string; created_at: Date | string; revoked_at: Date | string | null }>(
      'select id, name, role, key_prefix, created_at, revoked_at from api_keys order by created_at',
    );
    return result.rows.map((row) => ({
      id: row.id,
      name: row.name,
      role: row.role,
      prefix: row.key_prefix,
      createdAt: new Date(row.created_at).toISOString(),
      revokedAt: row.revoked_at ? new Date(row.revoked_at).toISOString() : null,
    }));
  }

  async revoke(id: string): Promise<void> {
    const result = await this.#database.query('update api_keys set revoked_at = coalesce(revoked_at, now()) where id = $1', [id]);
    if (result.rowCount === 0) throw new ApiKeyNotFoundError(id);
    this.#cache.clear();
  }

  async count(): Promise<number> {
    const result = await this.#database.query<{ count: string }>('select count(*) as count from api_keys');
    return Number(result.rows[0]?.count ?? 0);
  }

  async verify(key: string): Promise<Principal | null> {
    if (this.#adminKey && constantTimeEquals(key, this.#adminKey)) return { keyId: 'admin-env', role: 'admin', name: 'ADMIN_API_KEY' };
    const hash = hashKey(key);
    const cached = this.#cache.get(hash);
    if (cached && cached.until > Date.now()) return cached.principal;
    const result = await this.#database.query<{ id: string; role: Role; name: string }>(
      'select id, role, name from api_keys where key_hash = $1 and revoked_at is null',
      [hash],
    );
    const row = result.rows[0];
    const principal = row ? { keyId: row.id, role: row.role, name: row.name } : null;
    if (this.#cache.size > 10_000) this.#cache.clear();
    this.#cache.set(hash, { principal, until: Date.now() + cacheMilliseconds });
    return principal;
  }
}
