import { checkDataDirectory, DataDirectoryError } from '../db/data-directory.js';
import type { Database } from '../db/database.js';
import { listMigrations, type Migration } from '../db/migrate.js';
import { inspectSearchIndexes } from '../knowledge/search-indexes.js';

export interface DoctorCheck {
  name: string;
  status: 'ok' | 'problem' | 'skipped';
  detail: string;
  /** What to do about a problem, in words an operator can follow. */
  fix?: string;
}

export interface DoctorReport {
  ok: boolean;
  checks: DoctorCheck[];
}

export interface DoctorOptions {
  /** The embedded database folder; undefined when DATABASE_URL points at a server. */
  dataDirectory?: string;
  /** Opens the configured database without migrating it: the doctor looks, it does not change. */
  openDatabase: () => Promise<Database>;
  embedder: { id: string; dimensions: number };
  migrations?: Migration[];
}

/** pgvector 0.7 brought the HNSW operators the migrations rely on; see README. */
const minimumPgvector = [0, 7];

const restartFix = 'start the service (`agent-assist serve`): it rebuilds missing or invalid search indexes at start-up';

/**
 * `agent-assist doctor`: the checks an operator runs after a crash, a restore or an upgrade, each with what to
 * do. Nothing is repaired here; the service repairs what it safely can when it starts.
 */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const checks: DoctorCheck[] = [];
  const finish = (): DoctorReport => ({ ok: checks.every((check) => check.status === 'ok'), checks });
  const skipRest = (reason: string) => {
    for (const name of ['migrations', 'pgvector', 'vector index', 'embedder']) checks.push({ name, status: 'skipped', detail: reason });
  };

  if (options.dataDirectory) {
    try {
      const state = checkDataDirectory(options.dataDirectory);
      if (state === 'new') {
        checks.push({ name: 'data folder', status: 'ok', detail: `${options.dataDirectory} holds no database yet: the service creates one on its first start` });
        return finish();
      }
      checks.push({ name: 'data folder', status: 'ok', detail: `${options.dataDirectory} is a whole Postgres data folder` });
    } catch (error) {
      if (!(error instanceof DataDirectoryError)) throw error;
      checks.push({ name: 'data folder', status: 'problem', detail: `${options.dataDirectory}: ${error.problem}`, fix: error.fix });
      checks.push({ name: 'database', status: 'skipped', detail: 'the data folder is unusable' });
      skipRest('the data folder is unusable');
      return finish();
    }
  }

  let database: Database;
  try {
    database = await options.openDatabase();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const inUse = (error as { code?: unknown }).code === 'data_directory_in_use';
    checks.push({
      name: 'database',
      status: 'problem',
      detail: inUse ? message : `cannot open the database: ${message}`,
      fix: inUse
        ? 'stop the server to run the remaining checks (PGlite allows one process), or read GET /readyz of the running server'
        : options.dataDirectory
          ? 'restore the data folder from a backup, or move it aside and start again with an empty one'
          : 'check that DATABASE_URL names a reachable Postgres server, its user, password and database',
    });
    skipRest('the database could not be opened');
    return finish();
  }
  try {
    const version = await database.query<{ version: string }>('select version() as version');
    checks.push({ name: 'database', status: 'ok', detail: `${database.kind === 'pglite' ? 'embedded PGlite, ' : ''}${(version.rows[0]?.version ?? '').split(' on ')[0]}` });
    checks.push(await checkMigrations(database, options.migrations ?? listMigrations()));
    checks.push(await checkPgvector(database));
    const indexes = await inspectSearchIndexes(database).catch(() => undefined);
    const embeddingColumn = await database
      .query(`select 1 from pg_attribute where attrelid = 'chunks'::regclass and attname = 'embedding' and not attisdropped`)
      .then((result) => result.rows.length > 0, () => false);
    for (const [name, indexName] of [['vector index', 'chunks_embedding_idx']] as const) {
      const index = indexes?.find((candidate) => candidate.name === indexName);
      if (!index) checks.push({ name, status: 'skipped', detail: 'the chunk table does not exist yet (migrations pending)' });
      else if (index.state === 'missing' && indexName === 'chunks_embedding_idx' && !embeddingColumn) {
        checks.push({ name, status: 'ok', detail: 'created with the embedding column on the first start' });
      } else if (index.state === 'present') checks.push({ name, status: 'ok', detail: `${indexName} (${index.purpose}) is present and valid` });
      else checks.push({ name, status: 'problem', detail: `${indexName} (${index.purpose}) is ${index.state.replace('_', ' ')}: searches scan every chunk`, fix: restartFix });
    }
    checks.push(await checkEmbedder(database, options.embedder));
  } finally {
    await database.close();
  }
  return finish();
}

async function checkMigrations(database: Database, migrations: Migration[]): Promise<DoctorCheck> {
  const applied = await database
    .query<{ version: number }>('select version from schema_migrations order by version')
    .then((result) => result.rows.map((row) => Number(row.version)))
    .catch(() => undefined);
  if (!applied) return { name: 'migrations', status: 'problem', detail: 'no migration has been applied (schema_migrations is missing)', fix: 'start the service once: it applies the migrations' };
  const known = new Set(migrations.map((migration) => migration.version));
  const pending = migrations.filter((migration) => !applied.includes(migration.version)).map((migration) => migration.name);
  const unknown = applied.filter((version) => !known.has(version));
  if (unknown.length > 0) {
    return { name: 'migrations', status: 'problem', detail: `the database has migrations this version does not know (${unknown.join(', ')}): a newer agent-assist migrated it`, fix: 'run the newer agent-assist that migrated it, or restore a backup taken before the upgrade' };
  }
  if (pending.length > 0) return { name: 'migrations', status: 'problem', detail: `pending: ${pending.join(', ')}`, fix: 'start the service once: it applies pending migrations' };
  return { name: 'migrations', status: 'ok', detail: `all ${migrations.length} applied` };
}

async function checkPgvector(database: Database): Promise<DoctorCheck> {
  const result = await database.query<{ version: string }>(`select extversion as version from pg_extension where extname = 'vector'`);
  const version = result.rows[0]?.version;
  if (!version) return { name: 'pgvector', status: 'problem', detail: 'the vector extension is not installed in this database', fix: 'install pgvector >= 0.7 on the server, then start the service (its first migration runs create extension vector)' };
  const parts = version.split('.').map((part) => Number.parseInt(part, 10));
  const tooOld = (parts[0] ?? 0) < minimumPgvector[0]! || ((parts[0] ?? 0) === minimumPgvector[0] && (parts[1] ?? 0) < minimumPgvector[1]!);
  if (tooOld) return { name: 'pgvector', status: 'problem', detail: `pgvector ${version} is older than ${minimumPgvector.join('.')}`, fix: 'upgrade pgvector on the server and run alter extension vector update' };
  return { name: 'pgvector', status: 'ok', detail: `pgvector ${version}` };
}

async function checkEmbedder(database: Database, embedder: { id: string; dimensions: number }): Promise<DoctorCheck> {
  const stored = await database
    .query<{ value: string }>(`select value from settings where key = 'embedder'`)
    .then((result) => result.rows[0]?.value)
    .catch(() => undefined);
  if (stored === undefined) return { name: 'embedder', status: 'ok', detail: `nothing embedded yet; the first start uses ${embedder.id}` };
  const reindexFix = 'run `agent-assist reindex` to re-embed every chunk with the configured embedder, or restore the previous EMBEDDING_MODEL / EMBEDDING_DIMENSIONS / OPENAI_API_KEY';
  if (stored !== embedder.id) return { name: 'embedder', status: 'problem', detail: `the stored vectors come from ${stored} but the configured embedder is ${embedder.id}`, fix: reindexFix };
  const column = await database.query<{ type: string | null; missing: string }>(
    `select (select format_type(atttypid, atttypmod) from pg_attribute where attrelid = 'chunks'::regclass and attname = 'embedding' and not attisdropped) as type,
            (select count(*) from chunks where embedding is null) as missing`,
  );
  const row = column.rows[0];
  const expectedType = `vector(${embedder.dimensions})`;
  if (row?.type !== expectedType) return { name: 'embedder', status: 'problem', detail: `the embedding column is ${row?.type ?? 'missing'}, the configured embedder needs ${expectedType}`, fix: reindexFix };
  const missing = Number(row.missing);
  if (missing > 0) return { name: 'embedder', status: 'problem', detail: `${missing} chunks have no vector and are found only by the lexical leg`, fix: reindexFix };
  return { name: 'embedder', status: 'ok', detail: `${embedder.id} matches the stored vectors` };
}

/** One line per check, and the fix under each problem. */
export function formatDoctorReport(report: DoctorReport): string {
  const lines = report.checks.flatMap((check) => [
    `${check.status.padEnd(8)} ${check.name.padEnd(14)} ${check.detail}`,
    ...(check.fix ? [`${''.padEnd(24)}fix: ${check.fix}`] : []),
  ]);
  lines.push(report.ok ? 'all checks passed' : `${report.checks.filter((check) => check.status === 'problem').length} problem(s) found`);
  return `${lines.join('\n')}\n`;
}
