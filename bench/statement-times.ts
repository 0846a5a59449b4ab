import type { Database, Queryable } from '../src/db/database.js';

/** Time per statement (its first words) or transaction, each run alone (embedded PGlite runs one at a time anyway). */
export class StatementTimes {
  readonly #times = new Map<string, { calls: number; milliseconds: number }>();
  recording = false;

  /** The statements and transactions of the whole process one after another, so each one's time is its own, not a wait. */
  #tail: Promise<unknown> = Promise.resolve();

  #serialised<R>(topLevel: boolean, work: () => Promise<R>): Promise<R> {
    if (!topLevel) return work();
    const run = this.#tail.then(work, work);
    this.#tail = run.catch(() => undefined);
    return run;
  }

  wrap<T extends Queryable>(target: T, topLevel = true): T {
    return new Proxy(target, {
      get: (object, property, receiver) => {
        const value = Reflect.get(object, property, receiver) as unknown;
        if (property === 'query' || property === 'exec') {
          return (sql: string, ...rest: unknown[]) =>
            this.#serialised(topLevel, async () => {
              const started = performance.now();
              try {
                return await (value as (sql: string, ...rest: unknown[]) => Promise<unknown>).call(object, sql, ...rest);
              } finally {
                this.#note(sql, performance.now() - started);
              }
            });
        }
        if (property === 'transaction') {
          return <R>(work: (transaction: Queryable) => Promise<R>) =>
            this.#serialised(true, () => {
              const started = performance.now();
              return (value as Database['transaction'])
                .call(object, (transaction) => work(this.wrap(transaction, false)))
                .finally(() => this.#note('(whole transaction)', performance.now() - started));
            });
        }
        return typeof value === 'function' ? (value as (...parameters: unknown[]) => unknown).bind(object) : value;
      },
    });
  }

  #note(sql: string, milliseconds: number): void {
    if (!this.recording) return;
    const key = sql.replace(/\s+/g, ' ').trim().slice(0, 90);
    const entry = this.#times.get(key) ?? { calls: 0, milliseconds: 0 };
    entry.calls += 1;
    entry.milliseconds += milliseconds;
    this.#times.set(key, entry);
  }

  /** Each kind of statement's time divided by `per` (documents, thousands of chunks), worst first. */
  print(per: number, unit = 'ms/document'): void {
    const rows = [...this.#times].sort((left, right) => right[1].milliseconds - left[1].milliseconds);
    for (const [sql, { calls, milliseconds }] of rows) {
      console.log(`  ${(milliseconds / per).toFixed(2).padStart(8)} ${unit} ${String(calls).padStart(5)} calls  ${sql}`);
    }
  }
}
