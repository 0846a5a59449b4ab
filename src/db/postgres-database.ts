import pg from 'pg';
import { DatabaseUnavailableError, type Database, type NotificationHandler, type QueryResult, type Queryable } from './database.js';

/** Socket-level failures: the server is down, restarting or unreachable. */
const connectionErrorCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** SQLSTATEs of a server going away: class 08 (connection exception), admin/crash shutdown, still starting up. */
const unavailableStates = /^(08...|57P01|57P02|57P03)$/;
const connectionMessages = /connection terminated|connection ended|timeout exceeded when trying to connect|client has encountered a connection error|not queryable|cannot use a pool after calling end/i;

/** True when `error` says the database cannot be reached rather than that the statement is wrong. */
export function isConnectionError(error: unknown): boolean {
  if (error instanceof DatabaseUnavailableError) return true;
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (connectionErrorCodes.has(code) || unavailableStates.test(code))) return true;
  return connectionMessages.test(error.message);
}

function translate(error: unknown): unknown {
  if (error instanceof DatabaseUnavailableError || !isConnectionError(error)) return error;
  const detail = (error as { code?: string }).code ?? (error as Error).message;
  return new DatabaseUnavailableError(detail, { cause: error });
}

export interface ReconnectPolicy {
  /** First retry delay; doubled after each failure up to `maxMilliseconds`. */
  initialMilliseconds: number;
  maxMilliseconds: number;
}

/**
 * Any Postgres >= 15 with pgvector, through a `pg` pool. LISTEN needs its own long-lived connection, which is
 * re-opened with backoff whenever it drops (server restart, network cut); while the database is away every
 * call fails with DatabaseUnavailableError instead of crashing the process, and the pool reconnects on demand.
 */
export async function createPostgresDatabase(options: {
  connectionString: string;
  maxConnections?: number;
  sessionSql?: string;
  reconnect?: ReconnectPolicy;
  onListenerState?: (state: 'listening' | 'reconnecting', error?: unknown) => void;
}): Promise<Database> {
  const reconnect = options.reconnect ?? { initialMilliseconds: 250, maxMilliseconds: 10_000 };
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: 5_000,
  });
  // An idle client that errors (server restart) must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  if (options.sessionSql) {
    const sessionSql = options.sessionSql;
    // Per-connection settings (HNSW search parameters); a server without them must still work, so errors are ignored.
    pool.on('connect', (client) => {
      client.query(sessionSql).catch(() => undefined);
    });
  }
  // Fail fast with the driver's own reason (wrong host, password, database) rather than on the first request.
  const probe = await pool.connect().catch(async (error: unknown) => {
    await pool.end().catch(() => undefined);
    throw new Error(`cannot connect to DATABASE_URL: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  });
  probe.release();

  const run = async <Row>(client: pg.Pool | pg.PoolClient, sql: string, parameters?: readonly unknown[]): Promise<QueryResult<Row>> => {
    try {
      const result = await client.query(sql, parameters ? [...parameters] : undefined);
      return { rows: result.rows as Row[], rowCount: result.rowCount ?? result.rows.length };
    } catch (error) {
      throw translate(error);
    }
  };
  /** Several statements: the driver answers with one result per statement, none of which is wanted. */
  const runScript = async (client: pg.Pool | pg.PoolClient, sql: string): Promise<void> => {
    try {
      await client.query(sql);
    } catch (error) {
      throw translate(error);
    }
  };

  const handlers = new Map<string, Set<NotificationHandler>>();
  let listener: pg.Client | undefined;
  let connecting: Promise<void> | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let failures = 0;
  let closed = false;

  const scheduleListener = (error?: unknown) => {
    if (closed || retryTimer) return;
    options.onListenerState?.('reconnecting', error);
    const delay = Math.min(reconnect.maxMilliseconds, reconnect.initialMilliseconds * 2 ** failures);
    failures += 1;
    // Jitter spreads the replicas' reconnections after a database restart.
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void openListener();
    }, delay * (0.75 + Math.random() * 0.5));
    retryTimer.unref();
  };

  const openListener = (): Promise<void> => {
    connecting ??= (async () => {
      const client = new pg.Client({ connectionString: options.connectionString, connectionTimeoutMillis: 5_000 });
      // A dropped connection emits 'error' and then 'end'; without this listener the error would end the process.
      client.on('error', () => undefined);
      client.on('notification', (message) => {
        for (const handler of handlers.get(message.channel) ?? []) handler(message.payload ?? '');
      });
      client.on('end', () => {
        if (listener !== client) return;
        listener = undefined;
        scheduleListener(new Error('the LISTEN connection ended'));
      });
      try {
        await client.connect();
        for (const channel of handlers.keys()) await client.query(`listen ${quoteIdentifier(channel)}`);
        if (closed) {
          await client.end().catch(() => undefined);
          return;
        }
        listener = client;
        failures = 0;
        options.onListenerState?.('listening');
      } catch (error) {
        await client.end().catch(() => undefined);
        scheduleListener(error);
      }
    })().finally(() => {
      connecting = undefined;
    });
    return connecting;
  };

  return {
    kind: 'postgres',
    query: (sql, parameters) => run(pool, sql, parameters),
    exec: (sql) => runScript(pool, sql),
    async transaction(work) {
      const client = await pool.connect().catch((error: unknown) => {
        throw translate(error);
      });
      // A checked-out client has no pool error listener: a server restart mid-transaction would end the process.
      let broken: unknown;
      const onError = (error: unknown) => {
        broken = error;
      };
      client.on('error', onError);
      try {
        await run(client, 'begin');
        const queryable: Queryable = {
          query: (sql, parameters) => run(client, sql, parameters),
          exec: (sql) => runScript(client, sql),
        };
        const result = await work(queryable);
        await run(client, 'commit');
        return result;
      } catch (error) {
        if (isConnectionError(error)) broken ??= error;
        else await client.query('rollback').catch(() => undefined);
        throw translate(error);
      } finally {
        client.off('error', onError);
        // A connection that failed is destroyed rather than handed to the next caller.
        client.release(broken instanceof Error ? broken : broken ? new Error(String(broken)) : undefined);
      }
    },
    async listen(channel, handler) {
      let set = handlers.get(channel);
      const newChannel = !set;
      if (!set) {
        set = new Set();
        handlers.set(channel, set);
      }
      set.add(handler);
      if (!listener && !retryTimer) await openListener();
      // LISTEN is idempotent, so repeating it covers a channel added while the connection was being opened. While
      // the database is away the channel is joined when the connection comes back (openListener).
      if (newChannel && listener) await listener.query(`listen ${quoteIdentifier(channel)}`).catch(() => undefined);
      return async () => {
        const current = handlers.get(channel);
        current?.delete(handler);
        if (current && current.size === 0) {
          handlers.delete(channel);
          await listener?.query(`unlisten ${quoteIdentifier(channel)}`).catch(() => undefined);
        }
      };
    },
    async close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = undefined;
      await connecting?.catch(() => undefined);
      const client = listener;
      listener = undefined;
      await client?.end().catch(() => undefined);
      await pool.end();
    },
  };
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
