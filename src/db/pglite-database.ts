import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { checkDataDirectory, DataDirectoryError } from './data-directory.js';
import type { Database, NotificationHandler, QueryResult, Queryable } from './database.js';

/**
 * Embedded Postgres (WASM) with pgvector. PGlite is single-connection and in-process: its own queue
 * serialises statements, and `transaction` holds that connection for the whole unit of work.
 * `dataDirectory` undefined means in memory (tests).
 */
export async function createPgliteDatabase(options: { dataDirectory?: string } = {}): Promise<Database> {
  let releaseLock = () => {};
  // A damaged folder is refused before PGlite sees it: PGlite would initialise a new, empty database over it.
  const state = options.dataDirectory ? checkDataDirectory(options.dataDirectory) : 'new';
  if (options.dataDirectory) {
    mkdirSync(options.dataDirectory, { recursive: true });
    releaseLock = lockDataDirectory(options.dataDirectory);
  }
  try {
    const database = wrapPglite(await openPglite(options.dataDirectory));
    return {
      ...database,
      async close() {
        await database.close();
        releaseLock();
      },
    };
  } catch (error) {
    releaseLock();
    // PGlite reports damage the file checks cannot see as a bare WASM abort; say which folder and what to do.
    if (options.dataDirectory && state === 'existing' && !(error instanceof DataDirectoryError)) {
      throw new DataDirectoryError(options.dataDirectory, `Postgres could not open it (${error instanceof Error ? error.message : String(error)})`);
    }
    throw error;
  }
}

/** PGlite with pgvector on `dataDirectory` (in memory when undefined): the same settings in process and in the worker. */
export function openPglite(dataDirectory: string | undefined): Promise<PGlite> {
  return PGlite.create({
    ...(dataDirectory ? { dataDir: dataDirectory } : {}),
    // With the Node filesystem every page Postgres writes is already a write to a real file, and PGlite's
    // transaction() (all our writes) never waited for the extra sync anyway; waiting for it after every read
    // cost 1-10 ms per statement on a populated base, which the real-time path cannot afford.
    relaxedDurability: true,
    extensions: { vector },
  });
}

export class DataDirectoryInUseError extends Error {
  readonly code = 'data_directory_in_use';
  constructor(directory: string, pid: number) {
    super(
      `The embedded database in ${directory} is open in another process (pid ${pid}). PGlite allows one process: ` +
        'stop the server first (or use the HTTP API while it runs), or set DATABASE_URL to a Postgres server.',
    );
    this.name = 'DataDirectoryInUseError';
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Two processes writing one PGlite directory corrupt it, so the second one is refused with a clear message. */
export function lockDataDirectory(directory: string): () => void {
  const lockPath = join(directory, 'agent-assist.pid');
  try {
    const holder = Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
    if (Number.isInteger(holder) && holder !== process.pid && processAlive(holder)) throw new DataDirectoryInUseError(directory, holder);
  } catch (error) {
    if (error instanceof DataDirectoryInUseError) throw error;
  }
  writeFileSync(lockPath, String(process.pid));
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    try {
      if (readFileSync(lockPath, 'utf8') === String(process.pid)) rmSync(lockPath);
    } catch {
      // already gone
    }
  };
  process.on('exit', release);
  return release;
}

export function wrapPglite(pglite: PGlite): Database {
  const run = async <Row>(target: Pick<PGlite, 'query'>, sql: string, parameters?: readonly unknown[]): Promise<QueryResult<Row>> => {
    const result = await target.query<Row>(sql, parameters ? [...parameters] : undefined);
    return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
  };
  return {
    kind: 'pglite',
    query: (sql, parameters) => run(pglite, sql, parameters),
    async exec(sql) {
      await pglite.exec(sql);
    },
    transaction: (work) =>
      pglite.transaction(async (transaction) => {
        const queryable: Queryable = {
          query: (sql, parameters) => run(transaction, sql, parameters),
          exec: async (sql) => {
            await transaction.exec(sql);
          },
        };
        return work(queryable);
      }),
    async listen(channel: string, handler: NotificationHandler) {
      const unsubscribe = await pglite.listen(channel, handler);
      return async () => unsubscribe();
    },
    close: () => pglite.close(),
  };
}
