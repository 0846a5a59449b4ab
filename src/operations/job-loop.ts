export interface Backoff {
  baseMilliseconds: number;
  maximumMilliseconds: number;
}

export interface JobLoopOptions<Job> {
  /** Takes the next waiting job (leased to this worker), or undefined when none is waiting. */
  claim: () => Promise<Job | undefined>;
  /** Does one claimed job. A throw is a failed attempt: the job goes to `fail`, and the loop carries on. */
  run: (job: Job) => Promise<void>;
  /**
   * Hands a failed job back: queued again to be claimed no sooner than `retryInMilliseconds` from now, or given up
   * after its last attempt. If this throws too, the job stays leased and comes back when its lease runs out.
   */
  fail?: (job: Job, error: unknown, retryInMilliseconds: number) => Promise<void>;
  /** The attempts a job has had, counting this one (from its stored row, so replicas agree); default: failures in a row here. */
  attempts?: (job: Job) => number;
  backoff?: Backoff;
  /** A poll finds jobs queued by other replicas or left by a crashed worker. */
  pollMilliseconds?: number;
  onError?: (error: unknown) => void;
}

const defaultBackoff: Backoff = { baseMilliseconds: 1_000, maximumMilliseconds: 60_000 };

/** Exponential: base, 2 x base, 4 x base ... for attempts 1, 2, 3 ..., never above the maximum. */
export function retryDelay(attempt: number, backoff: Backoff): number {
  return Math.min(backoff.maximumMilliseconds, backoff.baseMilliseconds * 2 ** Math.max(0, attempt - 1));
}

/**
 * The background loop behind summary and inspection jobs: claim a job, run it, claim the next until none is
 * waiting; woken when work arrives and by a poll. One drain at a time per loop (a wake during a drain runs one more
 * pass after it, so no wake is lost). A failed job is handed back with a retry delay that grows with its attempts,
 * so it is neither lost nor retried in a tight loop; a failed claim (database away) backs off the same way.
 */
export class JobLoop<Job> {
  readonly #options: JobLoopOptions<Job>;
  readonly #backoff: Backoff;
  readonly #pollMilliseconds: number;
  readonly #onError: (error: unknown) => void;
  #poll: NodeJS.Timeout | undefined;
  #retries = new Set<NodeJS.Timeout>();
  #working: Promise<void> | undefined;
  #again = false;
  #stopped = true;
  #failuresInRow = 0;
  #claimFailuresInRow = 0;

  constructor(options: JobLoopOptions<Job>) {
    this.#options = options;
    this.#backoff = options.backoff ?? defaultBackoff;
    this.#pollMilliseconds = options.pollMilliseconds ?? 2_000;
    this.#onError = options.onError ?? (() => undefined);
  }

  get running(): boolean {
    return !this.#stopped;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#poll = setInterval(() => this.wake(), this.#pollMilliseconds);
    this.#poll.unref();
    this.wake();
  }

  /** No claim after this; resolves once the job in hand (if any) has finished. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#poll) clearInterval(this.#poll);
    this.#poll = undefined;
    for (const timer of this.#retries) clearTimeout(timer);
    this.#retries.clear();
    await this.idle();
  }

  /** Drain now (a call ended, the poll fired, a retry came due). */
  wake(): void {
    if (this.#stopped) return;
    if (this.#working) {
      this.#again = true;
      return;
    }
    this.#working = this.#drain()
      .catch(this.#onError)
      .finally(() => {
        this.#working = undefined;
        if (this.#again) {
          this.#again = false;
          this.wake();
        }
      });
  }

  /** Resolves when no drain is running here; for tests and graceful shutdown. */
  async idle(): Promise<void> {
    while (this.#working) await this.#working.catch(() => undefined);
  }

  #wakeAfter(milliseconds: number, due = Date.now() + milliseconds): void {
    if (this.#stopped) return;
    const timer = setTimeout(() => {
      this.#retries.delete(timer);
      // A timer counts from the event loop's cached clock, which lags the wall clock when the loop was busy, so it can
      // fire before the job's retry time (set from the wall clock) has come: the claim would find nothing and the job
      // would wait for the next poll. Wait out the rest instead.
      const early = due - Date.now();
      if (early > 0) this.#wakeAfter(early, due);
      else this.wake();
    }, milliseconds);
    timer.unref();
    this.#retries.add(timer);
  }

  async #drain(): Promise<void> {
    while (!this.#stopped) {
      let job: Job | undefined;
      try {
        job = await this.#options.claim();
        this.#claimFailuresInRow = 0;
      } catch (error) {
        this.#onError(error);
        this.#claimFailuresInRow += 1;
        this.#wakeAfter(retryDelay(this.#claimFailuresInRow, this.#backoff));
        return;
      }
      if (job === undefined) return;
      try {
        await this.#options.run(job);
        this.#failuresInRow = 0;
      } catch (error) {
        this.#onError(error);
        this.#failuresInRow += 1;
        const delay = retryDelay(this.#options.attempts?.(job) ?? this.#failuresInRow, this.#backoff);
        try {
          await this.#options.fail?.(job, error, delay);
        } catch (failError) {
          this.#onError(failError);
        }
        // Come back for it when it is due, not only at the next poll.
        this.#wakeAfter(delay);
        // Without a way to hand the job back, claiming again would take the same job at once: wait for the delay.
        if (!this.#options.fail) return;
      }
    }
  }
}
