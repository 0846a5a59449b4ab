import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseUnavailableError, type Database } from '../../src/db/database.js';
import { createPgliteDatabase } from '../../src/db/pglite-database.js';
import { createPgliteWorkerDatabase, type PgliteWorkerDatabase } from '../../src/db/pglite-worker-database.js';

/** Resolves after the event loop has turned once more, so anything already posted has been looked at. */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt += 1) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** The port's promises, checked on both embedded adapters: the worker must behave exactly as PGlite in process. */
describe.each([
  ['in process', () => createPgliteDatabase()],
  ['in a worker thread', () => createPgliteWorkerDatabase()],
] as const)('embedded database %s', (_label, open) => {
  let database: Database;

  beforeAll(async () => {
    database = await open();
    await database.exec(`
      create extension if not exists vector;
      create table accounts (id int primary key, owner text not null, balance numeric not null, opened timestamptz, photo bytea, tags jsonb, embedding vector(3));
    `);
  });
  afterAll(async () => {
    await database.close();
  });

  it('returns values with their types: dates, bytes, big integers, JSON, vectors', async () => {
    const opened = new Date('2024-02-29T08:30:00.000Z');
    await database.query('insert into accounts values ($1, $2, $3, $4, $5, $6, $7)', [1, '王芳', '12.50', opened, Buffer.from([0, 255, 7]), JSON.stringify({ desk: 'A' }), '[1,2,3]']);
    const { rows } = await database.query<{ owner: string; opened: Date; photo: Uint8Array; tags: unknown; embedding: string; big: bigint | number; count: number }>(
      `select owner, opened, photo, tags, embedding::text, 9007199254740993::bigint as big, count(*) over () :: int as count from accounts where id = $1`,
      [1],
    );
    const row = rows[0]!;
    expect(row.owner).toBe('王芳');
    expect(row.opened).toBeInstanceOf(Date);
    expect(row.opened.toISOString()).toBe(opened.toISOString());
    expect([...row.photo]).toEqual([0, 255, 7]);
    expect(row.tags).toEqual({ desk: 'A' });
    expect(row.embedding).toBe('[1,2,3]');
    expect(BigInt(row.big)).toBe(9007199254740993n);
    expect(row.count).toBe(1);
  });

  it('reports affected rows and keeps Postgres error fields (code, constraint) for callers', async () => {
    const updated = await database.query('update accounts set balance = balance + 1 where id = $1', [1]);
    expect(updated.rowCount).toBe(1);
    const error = await database.query('insert into accounts (id, owner, balance) values (1, $1, 0)', ['x']).then(() => undefined, (failure: unknown) => failure);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ code: '23505', constraint: 'accounts_pkey' });
    expect((error as Error).message).toMatch(/duplicate key/);
  });

  it('holds the connection for the whole transaction: statements sent meanwhile wait and see only the committed result', async () => {
    const seen: string[] = [];
    let releaseWork: () => void = () => {};
    const workMayFinish = new Promise<void>((resolve) => {
      releaseWork = resolve;
    });
    let inside: () => void = () => {};
    const transactionStarted = new Promise<void>((resolve) => {
      inside = resolve;
    });
    const transaction = database.transaction(async (work) => {
      await work.query(`insert into accounts (id, owner, balance) values (2, 'half-written', 0)`);
      inside();
      await workMayFinish;
      await work.query(`update accounts set owner = 'complete' where id = 2`);
      seen.push('transaction');
      return 'committed';
    });
    await transactionStarted;
    const outside = database.query<{ owner: string }>('select owner from accounts where id = 2').then(({ rows }) => {
      seen.push(`outside saw ${rows[0]?.owner ?? 'nothing'}`);
    });
    for (let turn = 0; turn < 20; turn += 1) await nextTurn();
    // The outside statement is queued behind the open transaction, not answered from a half-written state.
    expect(seen).toEqual([]);
    releaseWork();
    expect(await transaction).toBe('committed');
    await outside;
    expect(seen).toEqual(['transaction', 'outside saw complete']);
  });

  it('rolls back everything when the work throws, and the error is the work\'s own', async () => {
    const failure = new Error('the caller changed its mind');
    await expect(
      database.transaction(async (work) => {
        await work.query(`insert into accounts (id, owner, balance) values (3, 'never', 0)`);
        await work.exec(`update accounts set balance = 0 where id = 1`);
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect((await database.query('select 1 from accounts where id = 3')).rows).toHaveLength(0);
    expect((await database.query<{ balance: string }>('select balance::text as balance from accounts where id = 1')).rows[0]?.balance).toBe('13.50');
    // The connection is free again.
    expect((await database.query<{ one: number }>('select 1 as one')).rows[0]?.one).toBe(1);
  });

  it('rolls back a transaction whose statement fails, and reports the statement\'s error', async () => {
    const error = await database
      .transaction(async (work) => {
        await work.query(`insert into accounts (id, owner, balance) values (4, 'never', 0)`);
        await work.query(`insert into accounts (id, owner, balance) values (1, 'duplicate', 0)`);
      })
      .then(() => undefined, (failure: unknown) => failure);
    expect(error).toMatchObject({ code: '23505' });
    expect((await database.query('select 1 from accounts where id = 4')).rows).toHaveLength(0);
  });

  it('delivers notifications to every listener until it unlistens, including ones sent inside a transaction', async () => {
    const first: string[] = [];
    const second: string[] = [];
    const stopFirst = await database.listen('account_events', (payload) => first.push(payload));
    const stopSecond = await database.listen('account_events', (payload) => second.push(payload));
    await database.query(`select pg_notify('account_events', $1)`, ['plain']);
    await database.transaction(async (work) => {
      await work.query(`select pg_notify('account_events', 'from a transaction')`);
    });
    await waitFor(async () => second.length === 2, 'two notifications');
    expect(first).toEqual(['plain', 'from a transaction']);
    await stopFirst();
    await database.query(`select pg_notify('account_events', 'after one left')`);
    await waitFor(async () => second.length === 3, 'the third notification');
    expect(first).toEqual(['plain', 'from a transaction']);
    expect(second.at(-1)).toBe('after one left');
    await stopSecond();
  });
});

describe('embedded database worker on a data directory', () => {
  let directory: string;
  let database: PgliteWorkerDatabase;
  const states: string[] = [];

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'agent-assist-worker-'));
    database = await createPgliteWorkerDatabase({
      dataDirectory: join(directory, 'data'),
      sessionSql: 'set application_name = session_settings_applied',
      restart: { initialMilliseconds: 20, maxMilliseconds: 200 },
      onWorkerState: (state) => states.push(state),
    });
    await database.exec('create table marker (id int primary key)');
    await database.query('insert into marker values (1)');
  });
  afterAll(async () => {
    await database.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('locks the folder with this process id and applies the session settings', async () => {
    expect(readFileSync(join(directory, 'data', 'agent-assist.pid'), 'utf8')).toBe(String(process.pid));
    const { rows } = await database.query<{ name: string }>(`select current_setting('application_name') as name`);
    expect(rows[0]?.name).toBe('session_settings_applied');
  });

  it('reports how long the oldest unanswered call has waited, for load shedding', async () => {
    expect(database.queueWaitMilliseconds()).toBe(0);
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let inside: () => void = () => {};
    const started = new Promise<void>((resolve) => {
      inside = resolve;
    });
    const transaction = database.transaction(async (work) => {
      await work.query('select 1');
      inside();
      await held;
    });
    await started;
    const waiting = database.query('select 2');
    await new Promise((resolve) => setTimeout(resolve, 60));
    // The statement queued behind the transaction has waited at least as long as we slept.
    expect(database.queueWaitMilliseconds()).toBeGreaterThanOrEqual(50);
    release();
    await transaction;
    await waiting;
    expect(database.queueWaitMilliseconds()).toBe(0);
  });

  it('fails every pending call and the open transaction with DatabaseUnavailableError when the worker dies, then restarts it', async () => {
    const notifications: string[] = [];
    await database.listen('marker_events', (payload) => notifications.push(payload));
    let inside: () => void = () => {};
    const transactionStarted = new Promise<void>((resolve) => {
      inside = resolve;
    });
    const transaction = database.transaction(async (work) => {
      await work.query('insert into marker values (2)');
      inside();
      // Held open until the worker is gone: the next statement can only fail.
      await new Promise((resolve) => setTimeout(resolve, 100));
      await work.query('insert into marker values (3)');
    });
    await transactionStarted;
    const queued = database.query('select count(*) from marker').then(() => 'answered', (failure: unknown) => failure);
    await database.terminateWorker();
    await expect(transaction).rejects.toBeInstanceOf(DatabaseUnavailableError);
    expect(await queued).toBeInstanceOf(DatabaseUnavailableError);
    expect(states).toContain('crashed');

    await waitFor(async () => states.includes('restarted'), 'the restarted worker');
    // The transaction never committed: Postgres recovered the folder without it.
    const { rows } = await database.query<{ id: number }>('select id from marker order by id');
    expect(rows.map((row) => row.id)).toEqual([1]);
    // The new session has the settings and the channels of the old one.
    expect((await database.query<{ name: string }>(`select current_setting('application_name') as name`)).rows[0]?.name).toBe('session_settings_applied');
    await database.query(`select pg_notify('marker_events', 'after restart')`);
    await waitFor(async () => notifications.length === 1, 'a notification after the restart');
    expect(notifications).toEqual(['after restart']);
  });

  it('ends the worker on close, releases the folder, and refuses calls afterwards', async () => {
    await database.close();
    expect(existsSync(join(directory, 'data', 'agent-assist.pid'))).toBe(false);
    await expect(database.query('select 1')).rejects.toBeInstanceOf(DatabaseUnavailableError);
    // A second close (afterAll) is harmless, and the folder opens again with what was committed.
    const reopened = await createPgliteDatabase({ dataDirectory: join(directory, 'data') });
    expect((await reopened.query<{ id: number }>('select id from marker')).rows.map((row) => row.id)).toEqual([1]);
    await reopened.close();
  });
});

describe('embedded database worker in memory', () => {
  it('stays down after a crash (a new in-memory database would be empty) and says so on every call', async () => {
    const states: string[] = [];
    const database = await createPgliteWorkerDatabase({ restart: { initialMilliseconds: 1, maxMilliseconds: 1 }, onWorkerState: (state) => states.push(state) });
    await database.exec('create table kept (id int)');
    await database.terminateWorker();
    await waitFor(async () => states.includes('crashed'), 'the crash to be noticed');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(states).toEqual(['crashed']);
    const error = await database.query('select * from kept').then(() => undefined, (failure: unknown) => failure);
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect((error as Error).message).toMatch(/worker stopped/);
    await database.close();
  });
});
