import pg from 'pg';
import type { Database, NotificationHandler, QueryResult, Queryable } from './database.js';

/** Any Postgres >= 15 with pgvector, through a `pg` pool. LISTEN needs its own long-lived client. */
export async function createPostgresDatabase(options: { connectionString: string; maxConnections?: number; sessionSql?: string }): Promise<Database> {
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
    const result = await client.query(sql, parameters ? [...parameters] : undefined);
    return { rows: result.rows as Row[], rowCount: result.rowCount ?? result.rows.length };
  };

  let listener: pg.PoolClient | undefined;
  const handlers = new Map<string, Set<NotificationHandler>>();
  const listenerClient = async (): Promise<pg.PoolClient> => {
    if (listener) return listener;
    const client = await pool.connect();
    client.on('notification', (message) => {
      for (const handler of handlers.get(message.channel) ?? []) handler(message.payload ?? '');
    });
    listener = client;
    return client;
  };

  return {
    kind: 'postgres',
    query: (sql, parameters) => run(pool, sql, parameters),
    async exec(sql) {
      await pool.query(sql);
    },
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const queryable: Queryable = {
          query: (sql, parameters) => run(client, sql, parameters),
          exec: async (sql) => {
            await client.query(sql);
          },
        };
        const result = await work(queryable);
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async listen(channel, handler) {
      const client = await listenerClient();
      let set = handlers.get(channel);
      if (!set) {
        set = new Set();
        handlers.set(channel, set);
        await client.query(`listen ${quoteIdentifier(channel)}`);
      }
      set.add(handler);
      return async () => {
        const current = handlers.get(channel);
        current?.delete(handler);
        if (current && current.size === 0) {
          handlers.delete(channel);
          await client.query(`unlisten ${quoteIdentifier(channel)}`).catch(() => undefined);
        }
      };
    },
    async close() {
      listener?.release();
      listener = undefined;
      await pool.end();
    },
  };
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
