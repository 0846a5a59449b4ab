import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.js';

const migrationsDirectory = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function listMigrations(directory = migrationsDirectory): Migration[] {
  return readdirSync(directory)
    .filter((file) => /^\d+_.+\.sql$/.test(file))
    .sort()
    .map((file) => ({
      version: Number.parseInt(file, 10),
      name: file.replace(/\.sql$/, ''),
      sql: readFileSync(join(directory, file), 'utf8'),
    }));
}

/**
 * Applies pending numbered migrations, each in its own transaction and recorded in schema_migrations.
 * An advisory lock keeps two replicas starting at once from applying the same file twice.
 */
export async function migrate(database: Database, migrations = listMigrations()): Promise<string[]> {
  await database.query(
    `create table if not exists schema_migrations (version integer primary key, name text not null, applied_at timestamptz not null default now())`,
  );
  const applied: string[] = [];
  await database.transaction(async (transaction) => {
    await transaction.query('select pg_advisory_xact_lock(727274)');
    const done = await transaction.query<{ version: number }>('select version from schema_migrations');
    const doneVersions = new Set(done.rows.map((row) => Number(row.version)));
    for (const migration of migrations) {
      if (doneVersions.has(migration.version)) continue;
      await transaction.exec(migration.sql);
      await transaction.query('insert into schema_migrations (version, name) values ($1, $2)', [migration.version, migration.name]);
      applied.push(migration.name);
    }
  });
  return applied;
}

/** For /readyz: every known migration is recorded. */
export async function pendingMigrations(database: Database, migrations = listMigrations()): Promise<string[]> {
  const done = await database.query<{ version: number }>('select version from schema_migrations').catch(() => ({ rows: [] }));
  const doneVersions = new Set(done.rows.map((row) => Number(row.version)));
  return migrations.filter((migration) => !doneVersions.has(migration.version)).map((migration) => migration.name);
}
