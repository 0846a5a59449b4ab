import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { createPgliteDatabase } from '../../src/db/pglite-database.js';
import type { DoctorReport } from '../../src/operations/run-doctor.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

async function doctor(...extra: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(['doctor', ...extra], { out: (text) => (out += text), err: (text) => (err += text) });
  return { code, out, err };
}

const statuses = (report: DoctorReport) => Object.fromEntries(report.checks.map((check) => [check.name, check.status]));

describe('agent-assist doctor', () => {
  let root: string;
  let dataDirectory: string;
  const saved = { ...process.env };

  /** Runs SQL against the embedded database while no command holds it. */
  const withDatabase = async (sql: string, directory = dataDirectory) => {
    const database = await createPgliteDatabase({ dataDirectory: directory });
    try {
      await database.exec(sql);
    } finally {
      await database.close();
    }
  };

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'agent-assist-doctor-'));
    dataDirectory = join(root, 'data');
    process.env.LOG_LEVEL = 'silent';
    process.env.SEED_SAMPLE_KNOWLEDGE = 'false';
    delete process.env.DATABASE_URL;
    delete process.env.OPENAI_API_KEY;
    delete process.env.EMBEDDING_DIMENSIONS;
  });
  afterEach(() => {
    process.env.DATA_DIR = dataDirectory;
    delete process.env.EMBEDDING_DIMENSIONS;
    delete process.env.DATABASE_URL;
  });
  afterAll(() => {
    process.env = saved;
    rmSync(root, { recursive: true, force: true });
  });

  it('says a missing folder holds no database yet, and exits 0', async () => {
    process.env.DATA_DIR = dataDirectory;
    const result = await doctor();
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^ok\s+data folder\s+.*holds no database yet/m);
  });

  it('passes every check on a database the service has started on, in text and JSON', async () => {
    process.env.DATA_DIR = dataDirectory;
    expect((await runCli(['keys', 'create', '--role', 'agent', '--name', 'desk-1'], { out: () => undefined, err: () => undefined }))).toBe(0);
    const text = await doctor();
    expect(text.code).toBe(0);
    expect(text.out).toContain('all checks passed');
    const json = await doctor('--json');
    expect(json.code).toBe(0);
    const report = JSON.parse(json.out) as DoctorReport;
    expect(report.ok).toBe(true);
    expect(statuses(report)).toEqual({ 'data folder': 'ok', database: 'ok', migrations: 'ok', pgvector: 'ok', 'vector index': 'ok', embedder: 'ok' });
    // Creating the embedded database is the slow part on a busy two-core machine.
  }, 180_000);

  it('finds a dropped vector index and says how to fix it', async () => {
    process.env.DATA_DIR = dataDirectory;
    await withDatabase('drop index chunks_embedding_idx');
    const result = await doctor();
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/^problem\s+vector index\s+chunks_embedding_idx \(vector \(HNSW\)\) is missing/m);
    expect(result.out).toMatch(/fix: start the service/);
    // Starting a command (as the service does) rebuilds it.
    await runCli(['keys', 'create', '--role', 'agent', '--name', 'desk-2'], { out: () => undefined, err: () => undefined });
    expect((await doctor()).code).toBe(0);
  }, 180_000);

  it('finds an embedder that does not match the stored vectors', async () => {
    process.env.DATA_DIR = dataDirectory;
    process.env.EMBEDDING_DIMENSIONS = '256';
    const report = JSON.parse((await doctor('--json')).out) as DoctorReport;
    const embedder = report.checks.find((check) => check.name === 'embedder');
    expect(embedder?.status).toBe('problem');
    expect(embedder?.fix).toContain('agent-assist reindex');
  });

  it('finds migrations a newer version applied', async () => {
    process.env.DATA_DIR = dataDirectory;
    await withDatabase(`insert into schema_migrations (version, name) values (999, '999_future')`);
    const result = await doctor('--json');
    expect(result.code).toBe(1);
    const migrations = (JSON.parse(result.out) as DoctorReport).checks.find((check) => check.name === 'migrations');
    expect(migrations).toMatchObject({ status: 'problem' });
    expect(migrations?.detail).toContain('999');
    await withDatabase('delete from schema_migrations where version = 999');
  });

  it('reports a damaged data folder and skips what needs the database', async () => {
    const damaged = join(root, 'damaged');
    cpSync(dataDirectory, damaged, { recursive: true });
    rmSync(join(damaged, 'PG_VERSION'));
    process.env.DATA_DIR = damaged;
    const result = await doctor('--json');
    expect(result.code).toBe(1);
    const report = JSON.parse(result.out) as DoctorReport;
    expect(report.checks[0]).toMatchObject({ name: 'data folder', status: 'problem' });
    expect(report.checks[0]?.detail).toContain('PG_VERSION is missing');
    expect(report.checks[0]?.fix).toContain('restore the folder from a backup');
    expect(report.checks.slice(1).every((check) => check.status === 'skipped')).toBe(true);
  });

  it('says the folder is in use by a running server instead of opening it', async () => {
    const inUse = join(root, 'in-use');
    cpSync(dataDirectory, inUse, { recursive: true });
    // The parent process is alive, so its pid in the lock file stands for a running server.
    writeFileSync(join(inUse, 'agent-assist.pid'), String(process.ppid));
    process.env.DATA_DIR = inUse;
    const result = await doctor();
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/^problem\s+database\s+.*open in another process/m);
    expect(result.out).toContain('fix: stop the server');
  });

  describe('over DATABASE_URL', () => {
    let server: TestDatabase;
    beforeAll(async () => {
      server = await createTestDatabase('postgres');
    });
    afterAll(async () => {
      await server?.close();
    });

    it('checks a migrated server database reached through the pg adapter', async () => {
      process.env.DATABASE_URL = server.connectionString!;
      const result = await doctor('--json');
      const report = JSON.parse(result.out) as DoctorReport;
      expect(result.code).toBe(0);
      expect(report.checks.some((check) => check.name === 'data folder')).toBe(false);
      expect(statuses(report)).toMatchObject({ database: 'ok', migrations: 'ok', pgvector: 'ok', 'vector index': 'ok', embedder: 'ok' });
    });
  });
});
