import type { Database } from '../db/database.js';
import type { CorpusFitting, CorpusStatistics, Embedder } from '../llm/embedder.js';
import { embeddingText } from './embedding-index.js';

export interface CorpusStatisticsOptions {
  /**
   * Refit when passages written or retired since the last fit reach this share of the fitted base. Statistics
   * fitted on part of a base weigh its queries almost as well as the whole (bench/fit-offline-embedder.ts
   * measures it), and a refit tokenises every passage, so it is not done on every write.
   */
  refitShare: number;
  /** How often a replica looks for a newer fit stored by another replica. */
  reloadMilliseconds?: number;
  /**
   * The least time between two drift checks (default 0: a check after every write). A check counts the passages
   * written since the fit over the whole chunk table and reads the newest fit: after every one of a run of
   * one-document writes it cost about as much as the write's own statements. Writes within the interval share one
   * check at its end, so a refit comes at most this much later.
   */
  checkIntervalMilliseconds?: number;
  /** A new fit is in use (by this replica's refit or another's): cached search results are stale. */
  onFitted?: () => void;
  onError?: (error: unknown) => void;
}

interface StoredFit {
  version: number;
  documents: number;
  fittedAt: Date;
}

/** Current, not retired passages, as the embedder embeds them. */
const passagesSql = `
  select v.title, c.text from chunks c
  join documents d on d.id = c.document_id and d.current_version = c.version
  join document_versions v on v.document_id = c.document_id and v.version = c.version
  where not c.retired`;

/** Passages written (new current versions) or retired since a fit. */
const changedSql = `
  select
    (select count(*) from chunks c
       join documents d on d.id = c.document_id and d.current_version = c.version
       join document_versions v on v.document_id = c.document_id and v.version = c.version
      where not c.retired and v.created_at > $1) +
    (select coalesce(sum(v.chunk_count), 0) from documents d
       join document_versions v on v.document_id = d.id and v.version = d.current_version
      where d.retired_at > $1) as changed`;

/**
 * Keeps an embedder's fitted corpus statistics (document frequencies for its query weighting) in the
 * database and in use: loads the newest fit at start, refits when the base has changed enough, and picks up
 * a fit stored by another replica. Does nothing for embedders without `corpus` (the OpenAI-compatible one).
 */
export class CorpusStatisticsKeeper {
  readonly #database: Database;
  readonly #embedderId: string;
  readonly #corpus: CorpusFitting | undefined;
  readonly #options: CorpusStatisticsOptions;
  #loaded: StoredFit | undefined;
  #checking: Promise<void> | undefined;
  #recheck = false;
  #timer: NodeJS.Timeout | undefined;
  /** When the last drift check started, and the check waiting for the interval to pass (with its promise). */
  #lastCheck = Number.NEGATIVE_INFINITY;
  #deferred: { timer: NodeJS.Timeout; done: Promise<void>; release(): void } | undefined;

  constructor(database: Database, embedder: Embedder, options: CorpusStatisticsOptions) {
    this.#database = database;
    this.#embedderId = embedder.id;
    this.#corpus = embedder.corpus;
    this.#options = options;
  }

  /** The fit in use: its version, passages counted and time; undefined before the first fit. */
  get fit(): StoredFit | undefined {
    return this.#loaded;
  }

  /**
   * Loads the newest stored fit (one read), then checks for drift in the background: a start never waits for a
   * refit, and until the first fit exists queries weigh every feature alike.
   */
  async start(): Promise<void> {
    if (!this.#corpus) return;
    await this.#reload();
    void this.changed();
  }

  /** Resolves when no check or refit is running (close waits for it, so a one-shot command does not cut one off). */
  async settled(): Promise<void> {
    for (;;) {
      const deferred = this.#deferred;
      if (deferred) {
        // A check still waiting for its interval runs now: the caller is about to close.
        clearTimeout(deferred.timer);
        this.#deferred = undefined;
        await this.#check().finally(deferred.release);
      } else if (this.#checking) await this.#checking;
      else return;
    }
  }

  /** Polls for fits stored by other replicas (server only; one-shot CLI commands do not need it). */
  watch(): void {
    if (!this.#corpus || this.#timer) return;
    this.#timer = setInterval(() => {
      this.#reload().catch((error: unknown) => this.#options.onError?.(error));
    }, this.#options.reloadMilliseconds ?? 30_000);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /**
   * After a knowledge write: refit in the background when the base has drifted; writes in a burst coalesce, and a
   * write within checkIntervalMilliseconds of the last check waits for the interval's end (one check for all of them).
   */
  changed(): Promise<void> {
    if (!this.#corpus) return Promise.resolve();
    if (this.#deferred) return this.#deferred.done;
    const wait = this.#lastCheck + (this.#options.checkIntervalMilliseconds ?? 0) - performance.now();
    if (wait > 0 && !this.#checking) {
      let release: () => void = () => undefined;
      const done = new Promise<void>((resolve) => (release = resolve));
      const timer = setTimeout(() => {
        this.#deferred = undefined;
        void this.changed().finally(release);
      }, wait);
      // A one-shot command does not stay alive for it: close() runs it at once through settled().
      timer.unref();
      this.#deferred = { timer, done, release };
      return done;
    }
    return this.#check();
  }

  #check(): Promise<void> {
    if (this.#checking) {
      this.#recheck = true;
      return this.#checking;
    }
    this.#checking = (async () => {
      do {
        this.#recheck = false;
        this.#lastCheck = performance.now();
        await this.#refitIfDrifted();
      } while (this.#recheck);
    })()
      .catch((error: unknown) => this.#options.onError?.(error))
      .finally(() => {
        this.#checking = undefined;
      });
    return this.#checking;
  }

  /** Fits on every current passage and stores the fit (also what `agent-assist reindex` does). */
  async refit(): Promise<CorpusStatistics | undefined> {
    if (!this.#corpus) return undefined;
    const passages = await this.#database.query<{ title: string; text: string }>(passagesSql);
    const statistics = this.#corpus.fit(passages.rows.map((row) => embeddingText(row.title, row.text)));
    const stored = await this.#database.transaction(async (transaction) => {
      const inserted = await transaction.query<{ version: string; fitted_at: Date | string }>(
        'insert into embedder_statistics (embedder, documents, frequencies) values ($1, $2, $3) returning version, fitted_at',
        [this.#embedderId, statistics.documents, JSON.stringify(statistics.frequencies)],
      );
      const row = inserted.rows[0]!;
      // Older fits are never read again.
      await transaction.query('delete from embedder_statistics where embedder = $1 and version < $2', [this.#embedderId, row.version]);
      return { version: Number(row.version), documents: statistics.documents, fittedAt: new Date(row.fitted_at) };
    });
    this.#corpus.use(statistics);
    this.#loaded = stored;
    this.#options.onFitted?.();
    return statistics;
  }

  async #reload(): Promise<void> {
    const corpus = this.#corpus!;
    const newest = await this.#database.query<{ version: string }>('select max(version) as version from embedder_statistics where embedder = $1', [this.#embedderId]);
    const version = newest.rows[0]?.version === null || newest.rows[0]?.version === undefined ? undefined : Number(newest.rows[0].version);
    if (version === undefined || version === this.#loaded?.version) return;
    const result = await this.#database.query<{ documents: number; frequencies: string; fitted_at: Date | string }>(
      'select documents, frequencies, fitted_at from embedder_statistics where version = $1',
      [version],
    );
    const row = result.rows[0];
    if (!row) return;
    corpus.use({ documents: Number(row.documents), frequencies: JSON.parse(row.frequencies) as Record<string, number> });
    this.#loaded = { version, documents: Number(row.documents), fittedAt: new Date(row.fitted_at) };
    this.#options.onFitted?.();
  }

  async #refitIfDrifted(): Promise<void> {
    await this.#reload();
    const loaded = this.#loaded;
    if (!loaded) {
      const any = await this.#database.query('select 1 from chunks where not retired limit 1');
      if (any.rows.length > 0) await this.refit();
      return;
    }
    const result = await this.#database.query<{ changed: string | number }>(changedSql, [loaded.fittedAt.toISOString()]);
    const changed = Number(result.rows[0]?.changed ?? 0);
    if (changed >= Math.max(1, loaded.documents) * this.#options.refitShare) await this.refit();
  }
}
