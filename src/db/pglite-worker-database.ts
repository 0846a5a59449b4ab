import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { checkDataDirectory, DataDirectoryError } from './data-directory.js';
import { DatabaseUnavailableError, type Database, type NotificationHandler, type QueryResult, type Queryable } from './database.js';
import { lockDataDirectory } from './pglite-database.js';
import { deserializeError, type WorkerCall, type WorkerMessage, type WorkerStart } from './pglite-worker-messages.js';

export interface PgliteWorkerOptions {
  /** Undefined: in memory (tests). */
  dataDirectory?: string;
  /** Session settings, run again by every new worker. */
  sessionSql?: string;
  /** Delays before restarting a crashed worker (data directory only): doubled after each failed start. */
  restart?: { initialMilliseconds: number; maxMilliseconds: number };
  /** Told when the worker stops unexpectedly and when a restarted one is open again. */
  onWorkerState?: (state: 'crashed' | 'restarted', error?: unknown) => void;
}

/** The embedded database in a worker thread, with a way to stop the thread as a crash would (operations, tests). */
export interface PgliteWorkerDatabase extends Database {
  queueWaitMilliseconds(): number;
  terminateWorker(): Promise<void>;
}

/**
 * The worker file beside this one: compiled JavaScript under dist/, TypeScript under tsx or vitest. A worker
 * inherits neither vitest's transform nor (on Node 20) a `--import tsx` loader, so a .ts entry is loaded through
 * tsx's tsImport in a small bootstrap; tsx is resolved from here, so the working directory does not matter.
 */
function workerEntry(): string | URL {
  if (!import.meta.url.endsWith('.ts')) return new URL('./pglite-worker.js', import.meta.url);
  // require.resolve would pick tsx's CommonJS build; the ESM API's path is read from tsx's own exports map.
  const manifestPath = createRequire(import.meta.url).resolve('tsx/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  const tsx = pathToFileURL(join(dirname(manifestPath), manifest.exports['./esm/api']!.import.default)).href;
  const entry = new URL('./pglite-worker.ts', import.meta.url).href;
  return `import(${JSON.stringify(tsx)}).then(({ tsImport }) => tsImport(${JSON.stringify(entry)}, ${JSON.stringify(import.meta.url)}));`;
}

/**
 * Embedded Postgres (PGlite, WASM, with pgvector) run in a worker thread behind the Database port. In process,
 * PGlite runs each statement synchronously on the main thread and chains queued ones through microtasks, so under
 * load the event loop got turns of seconds: /healthz waited, and lag-based shedding could not act. Here the
 * main thread only posts messages; PGlite's own queue still serialises statements, and `transaction` still holds
 * its single connection for the whole unit of work.
 *
 * A worker that dies (WASM abort, out of memory) fails every pending and new call with DatabaseUnavailableError,
 * so /readyz reports it, and with a data directory a new worker is started with backoff (Postgres recovers the
 * folder as after a kill -9). An in-memory database is not restarted: a new one would be empty.
 */
export async function createPgliteWorkerDatabase(options: PgliteWorkerOptions = {}): Promise<PgliteWorkerDatabase> {
  const { dataDirectory } = options;
  // A damaged folder is refused before PGlite sees it: PGlite would initialise a new, empty database over it.
  const state = dataDirectory ? checkDataDirectory(dataDirectory) : 'new';
  let releaseLock = () => {};
  if (dataDirectory) {
    mkdirSync(dataDirectory, { recursive: true });
    // The lock names this process: the worker is part of it, and a second process is still refused.
    releaseLock = lockDataDirectory(dataDirectory);
  }
  const restartPolicy = options.restart ?? { initialMilliseconds: 250, maxMilliseconds: 10_000 };
  const entry = workerEntry();
  const start: WorkerStart = { ...(dataDirectory ? { dataDirectory } : {}), ...(options.sessionSql ? { sessionSql: options.sessionSql } : {}) };

  // In posting order, so the first entry is the call that has waited longest.
  const pending = new Map<number, { since: number; resolve(value: unknown): void; reject(error: unknown): void }>();
  const handlers = new Map<string, Set<NotificationHandler>>();
  let nextId = 1;
  let worker: Worker | undefined;
  let down: DatabaseUnavailableError | undefined;
  let closing = false;
  let restartTimer: NodeJS.Timeout | undefined;
  let failedStarts = 0;

  /** Opens a worker; resolves when PGlite is open in it, rejects with the worker's reason otherwise. */
  const open = () =>
    new Promise<Worker>((resolve, reject) => {
      const thread = new Worker(entry, { workerData: start, eval: typeof entry === 'string' });
      let opened = false;
      thread.on('message', (message: WorkerMessage) => {
        if (message.kind === 'opened') {
          opened = true;
          resolve(thread);
        } else if (message.kind === 'failed') {
          void thread.terminate();
          reject(deserializeError(message.error));
        } else if (message.kind === 'notification') {
          for (const handler of handlers.get(message.channel) ?? []) handler(message.payload);
        } else {
          const call = pending.get(message.id);
          pending.delete(message.id);
          if (pending.size === 0) thread.unref();
          if (message.ok) call?.resolve(message.value);
          else call?.reject(deserializeError(message.error));
        }
      });
      let lastError: unknown;
      thread.on('error', (error) => {
        lastError = error;
      });
      thread.on('exit', (code) => {
        if (!opened) {
          reject(lastError ?? new Error(`the database worker exited with code ${code} before the database opened`));
          return;
        }
        if (worker === thread) stopped(new DatabaseUnavailableError(`the embedded database worker stopped: ${lastError instanceof Error ? lastError.message : `exit code ${code}`}`, { cause: lastError }));
      });
    });

  /** Every waiting caller learns at once; nothing waits for an answer that cannot come. */
  const stopped = (error: DatabaseUnavailableError) => {
    worker = undefined;
    down = error;
    for (const call of pending.values()) call.reject(error);
    pending.clear();
    if (closing) return;
    options.onWorkerState?.('crashed', error.cause);
    if (dataDirectory) scheduleRestart();
  };

  const scheduleRestart = () => {
    if (closing || restartTimer) return;
    const delay = Math.min(restartPolicy.maxMilliseconds, restartPolicy.initialMilliseconds * 2 ** failedStarts);
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      void restart();
    }, delay);
    restartTimer.unref();
  };

  const restart = async () => {
    try {
      const thread = await open();
      if (closing) {
        await thread.terminate();
        return;
      }
      worker = thread;
      thread.unref();
      down = undefined;
      failedStarts = 0;
      // The new PGlite has no listeners: join every channel again before saying it is back.
      for (const channel of handlers.keys()) await call({ kind: 'listen', channel });
      options.onWorkerState?.('restarted');
    } catch (error) {
      failedStarts += 1;
      down = new DatabaseUnavailableError(`the embedded database could not be reopened: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      scheduleRestart();
    }
  };

  /** Posts a request; its id names a transaction when the request begins one. */
  const post = (request: WorkerCall): { id: number; reply: Promise<unknown> } => {
    const id = nextId++;
    const thread = worker;
    if (!thread) return { id, reply: Promise.reject(down ?? new DatabaseUnavailableError('the embedded database is closed')) };
    const reply = new Promise((resolve, reject) => {
      // Held only while a reply is awaited: an idle database must not keep a finished CLI command running.
      if (pending.size === 0) thread.ref();
      pending.set(id, { since: performance.now(), resolve, reject });
      thread.postMessage({ ...request, id });
    });
    return { id, reply };
  };
  const call = (request: WorkerCall): Promise<unknown> => post(request).reply;

  try {
    worker = await open();
    worker.unref();
  } catch (error) {
    releaseLock();
    // PGlite reports damage the file checks cannot see as a bare WASM abort; say which folder and what to do.
    if (dataDirectory && state === 'existing' && !(error instanceof DataDirectoryError)) {
      throw new DataDirectoryError(dataDirectory, `Postgres could not open it (${error instanceof Error ? error.message : String(error)})`);
    }
    throw error;
  }

  const query = async <Row>(sql: string, parameters: readonly unknown[] | undefined, transaction?: number): Promise<QueryResult<Row>> =>
    (await call({ kind: 'query', sql, ...(parameters ? { parameters: [...parameters] } : {}), ...(transaction !== undefined ? { transaction } : {}) })) as QueryResult<Row>;

  return {
    kind: 'pglite',
    query: (sql, parameters) => query(sql, parameters),
    async exec(sql) {
      await call({ kind: 'exec', sql });
    },
    async transaction(work) {
      const { id, reply } = post({ kind: 'begin' });
      await reply;
      const queryable: Queryable = {
        query: (sql, parameters) => query(sql, parameters, id),
        exec: async (sql) => {
          await call({ kind: 'exec', sql, transaction: id });
        },
      };
      let result;
      try {
        result = await work(queryable);
      } catch (error) {
        // A dead worker took the transaction with it (Postgres rolls it back on recovery): the work's error stands.
        await call({ kind: 'finish', transaction: id, commit: false }).catch(() => undefined);
        throw error;
      }
      await call({ kind: 'finish', transaction: id, commit: true });
      return result;
    },
    async listen(channel, handler) {
      let set = handlers.get(channel);
      if (!set) {
        set = new Set();
        handlers.set(channel, set);
        // While the worker is down the channel is joined by the restarted worker.
        if (worker) await call({ kind: 'listen', channel });
      }
      set.add(handler);
      return async () => {
        const current = handlers.get(channel);
        current?.delete(handler);
        if (current && current.size === 0) {
          handlers.delete(channel);
          await call({ kind: 'unlisten', channel }).catch(() => undefined);
        }
      };
    },
    async close() {
      if (closing) return;
      closing = true;
      if (restartTimer) clearTimeout(restartTimer);
      restartTimer = undefined;
      const thread = worker;
      try {
        if (thread) {
          await call({ kind: 'close' }).catch(() => undefined);
          worker = undefined;
          down = new DatabaseUnavailableError('the embedded database is closed');
          await thread.terminate();
        }
      } finally {
        releaseLock();
      }
    },
    queueWaitMilliseconds() {
      const oldest = pending.values().next().value;
      return oldest ? performance.now() - oldest.since : 0;
    },
    async terminateWorker() {
      await worker?.terminate();
    },
  };
}
