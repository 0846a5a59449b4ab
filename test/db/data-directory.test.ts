import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { checkDataDirectory, DataDirectoryError } from '../../src/db/data-directory.js';
import { createPgliteDatabase } from '../../src/db/pglite-database.js';
import { createPgliteWorkerDatabase } from '../../src/db/pglite-worker-database.js';

/** Both embedded adapters check the folder before PGlite sees it: the server's (a worker thread) and in process. */
const openers = [
  ['in process', (dataDirectory: string) => createPgliteDatabase({ dataDirectory })],
  ['in a worker thread', (dataDirectory: string) => createPgliteWorkerDatabase({ dataDirectory })],
] as const;

describe('data directory check', () => {
  let root: string;
  let healthy: string;
  let copies = 0;

  /** A copy of the healthy database folder with `damage` applied. */
  const damaged = (damage: (directory: string) => void): string => {
    copies += 1;
    const directory = join(root, `copy-${copies}`);
    cpSync(healthy, directory, { recursive: true });
    damage(directory);
    return directory;
  };

  const problemOf = (directory: string): string => {
    try {
      checkDataDirectory(directory);
    } catch (error) {
      expect(error).toBeInstanceOf(DataDirectoryError);
      return (error as Error).message;
    }
    throw new Error(`${directory} was accepted`);
  };

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'agent-assist-data-'));
    healthy = join(root, 'healthy');
    const database = await createPgliteDatabase({ dataDirectory: healthy });
    await database.exec('create table marker (id int primary key); insert into marker values (42);');
    await database.close();
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('accepts a missing folder, an empty one and a whole database', () => {
    expect(checkDataDirectory(join(root, 'does-not-exist'))).toBe('new');
    const empty = join(root, 'empty');
    mkdirSync(empty);
    writeFileSync(join(empty, 'agent-assist.pid'), '1');
    expect(checkDataDirectory(empty)).toBe('new');
    expect(checkDataDirectory(healthy)).toBe('existing');
  });

  it('accepts a database whose large sort left its temporary-files folder behind', async () => {
    const directory = damaged(() => {});
    const database = await createPgliteDatabase({ dataDirectory: directory });
    await database.exec(`set work_mem = '64kB'; create table spilled as select g from generate_series(1, 200000) g order by md5(g::text);`);
    await database.close();
    expect(existsSync(join(directory, 'base', 'pgsql_tmp'))).toBe(true);
    expect(checkDataDirectory(directory)).toBe('existing');
  });

  it('refuses a database without PG_VERSION and never initialises a new one over it', async () => {
    const directory = damaged((path) => rmSync(join(path, 'PG_VERSION')));
    const before = readdirSync(join(directory, 'base')).sort();
    const message = problemOf(directory);
    expect(message).toContain(directory);
    expect(message).toContain('PG_VERSION is missing');
    expect(message).toMatch(/restore the folder from a backup/);
    for (const [, open] of openers) await expect(open(directory)).rejects.toBeInstanceOf(DataDirectoryError);
    expect(existsSync(join(directory, 'PG_VERSION'))).toBe(false);
    expect(readdirSync(join(directory, 'base')).sort()).toEqual(before);
  });

  it('refuses a folder of other files as not a database', () => {
    const directory = join(root, 'not-a-database');
    mkdirSync(directory);
    writeFileSync(join(directory, 'notes.txt'), 'hello');
    expect(problemOf(directory)).toMatch(/no database \(no PG_VERSION\)/);
  });

  it.each([
    ['a file instead of the folder', (path: string) => { rmSync(path, { recursive: true }); writeFileSync(path, 'x'); }, /is a file, not a folder/],
    ['global/pg_control removed', (path: string) => rmSync(join(path, 'global', 'pg_control')), /global\/pg_control is missing/],
    ['global/pg_control truncated', (path: string) => truncateSync(join(path, 'global', 'pg_control'), 100), /global\/pg_control is damaged/],
    ['base/ replaced by a file', (path: string) => { rmSync(join(path, 'base'), { recursive: true }); writeFileSync(join(path, 'base'), ''); }, /base is a file where a folder should be/],
    ['a database folder under base/ removed', (path: string) => { for (const name of readdirSync(join(path, 'base'))) rmSync(join(path, 'base', name), { recursive: true }); }, /base\/ holds no database/],
    ['the write-ahead log emptied', (path: string) => { for (const name of readdirSync(join(path, 'pg_wal'))) rmSync(join(path, 'pg_wal', name), { recursive: true }); }, /pg_wal\/ holds no write-ahead log segment/],
    ['pg_xact removed', (path: string) => rmSync(join(path, 'pg_xact'), { recursive: true }), /pg_xact\/ is missing/],
  ])('refuses %s, naming the damage', (_name, damage, expected) => {
    const directory = damaged(damage);
    const message = problemOf(directory);
    expect(message).toMatch(expected);
    expect(message).toContain(directory);
  });

  it.each([
    // A crash while a table grows may leave a partial page that Postgres ignores, so cut files are left to Postgres.
    ['a catalogue file cut mid-page', (database: string) => truncateSync(join(database, '1249'), 5000)],
    ['every catalogue file emptied', (database: string) => { for (const name of readdirSync(database)) if (/^\d+$/.test(name)) truncateSync(join(database, name), 0); }],
  ])('turns damage only Postgres can see (%s) into the same actionable error', async (_name, damage) => {
    const directory = damaged((path) => damage(join(path, 'base', readdirSync(join(path, 'base')).sort().at(-1)!)));
    expect(checkDataDirectory(directory)).toBe('existing');
    for (const [label, open] of openers) {
      const error = await open(directory).then(
        () => undefined,
        (failure: unknown) => failure,
      );
      expect(error, label).toBeInstanceOf(DataDirectoryError);
      expect((error as Error).message).toContain('Postgres could not open it');
      expect((error as Error).message).toContain(directory);
      // The refused folder is not left locked by this process.
      expect(existsSync(join(directory, 'agent-assist.pid')), label).toBe(false);
    }
  });

  it('stops a CLI command with exit 1 and the message, without a stack trace', async () => {
    const directory = damaged((path) => rmSync(join(path, 'PG_VERSION')));
    const saved = { ...process.env };
    process.env.DATA_DIR = directory;
    process.env.LOG_LEVEL = 'silent';
    delete process.env.DATABASE_URL;
    let err = '';
    const code = await runCli(['search', 'x'], { out: () => undefined, err: (text) => (err += text) });
    process.env = saved;
    expect(code).toBe(1);
    expect(err).toContain(directory);
    expect(err).toContain('PG_VERSION is missing');
    expect(err).not.toMatch(/\n\s+at /);
  });
});
