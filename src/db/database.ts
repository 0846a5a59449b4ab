/** What every repository needs: run SQL. Both adapters speak the same Postgres dialect. */
export interface Queryable {
  query<Row = Record<string, unknown>>(sql: string, parameters?: readonly unknown[]): Promise<QueryResult<Row>>;
  /** Several statements without parameters (migrations, session settings). */
  exec(sql: string): Promise<void>;
}

export interface QueryResult<Row> {
  rows: Row[];
  rowCount: number;
}

export type NotificationHandler = (payload: string) => void;

/**
 * The database port. `transaction` runs its work atomically (rolled back on any throw);
 * `listen`/`notify` carry events between service replicas (Postgres LISTEN/NOTIFY).
 */
export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  transaction<T>(work: (transaction: Queryable) => Promise<T>): Promise<T>;
  listen(channel: string, handler: NotificationHandler): Promise<() => Promise<void>>;
  close(): Promise<void>;
  /**
   * How long the oldest call still waiting for its answer has waited, in milliseconds (0 when none waits), for
   * adapters whose single connection is where load queues up (the embedded database): load shedding reads it.
   */
  queueWaitMilliseconds?(): number;
}

/**
 * The database cannot be reached (restarting, network cut, connection dropped). Callers can retry later:
 * the HTTP layer answers 503 with retry-after, and the adapter reconnects by itself.
 */
export class DatabaseUnavailableError extends Error {
  readonly code = 'database_unavailable';
  constructor(detail: string, options?: { cause?: unknown }) {
    super(`the database is unavailable (${detail})`, options);
    this.name = 'DatabaseUnavailableError';
  }
}
