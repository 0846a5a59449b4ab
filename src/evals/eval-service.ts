import { randomUUID } from 'node:crypto';
import { basename, extname } from 'node:path';
import pLimit from 'p-limit';
import type { Database } from '../db/database.js';
import { compareRuns } from './compare-runs.js';
import { DatabaseEvalCache } from './eval-cache.js';
import type { EvalReport, RunStatus } from './eval-report.js';
import { runSuite } from './eval-runner.js';
import { EvalRunNotFoundError, EvalStore, type RunListItem } from './eval-store.js';
import type { EvalTargets } from './eval-targets.js';
import { currentGitCommit } from './git-commit.js';
import { buildSuite, findSuiteFiles, listSuiteFiles, loadSuiteFile } from './load-suite.js';
import { BaselineError, isRunId, readBaselineFile, type BaselineReport } from './resolve-baseline.js';
import { SuiteError } from './suite-error.js';
import type { LoadedSuite } from './suite-schema.js';
import { validateSuiteReferences } from './validate-suite-references.js';

export { BaselineError } from './resolve-baseline.js';
export { EvalRunNotFoundError } from './eval-store.js';
export { SuiteError } from './suite-error.js';

export interface RunSettings {
  concurrency?: number;
  repeat?: number;
  cache?: boolean;
  /** A run id, `approved` (latest approved run of the suite) or a JSON report file / directory of them. */
  baseline?: string;
}

export class RunNotFinishedError extends Error {
  readonly code = 'eval_run_not_finished';
  constructor(runId: string, status: RunStatus) {
    super(`eval run ${runId} is ${status}; only a finished run can be used here`);
    this.name = 'RunNotFinishedError';
  }
}

export interface EvalServiceOptions {
  database: Database;
  targets: EvalTargets;
  suitesDirectory: string;
  /** Where `.git` is looked for to record the commit; default the working directory. */
  repositoryDirectory?: string;
  heartbeatMilliseconds?: number;
  /** A queued or running run without a heartbeat for this long was interrupted by a restart. */
  staleSeconds?: number;
  defaultConcurrency?: number;
}

/**
 * Suites in, stored runs and reports out. Runs started through the API are queued and executed one at a time
 * in this process (PGlite is single-connection; model endpoints have rate limits); the CLI runs synchronously.
 * A run interrupted by a restart is not resumed: once its heartbeat is stale it is marked `error`, and the
 * caller starts it again (a half-run release check is not evidence of anything).
 */
export class EvalService {
  readonly #store: EvalStore;
  readonly #database: Database;
  readonly #targets: EvalTargets;
  readonly #suitesDirectory: string;
  readonly #repositoryDirectory: string;
  readonly #staleSeconds: number;
  readonly #defaultConcurrency: number;
  readonly #queue = pLimit(1);
  readonly #active = new Map<string, Promise<void>>();
  readonly #abort = new AbortController();
  readonly #heartbeat: NodeJS.Timeout;
  #recovered: Promise<void> | undefined;
  #closed = false;

  constructor(options: EvalServiceOptions) {
    this.#database = options.database;
    this.#store = new EvalStore(options.database);
    this.#targets = options.targets;
    this.#suitesDirectory = options.suitesDirectory;
    this.#repositoryDirectory = options.repositoryDirectory ?? process.cwd();
    this.#staleSeconds = options.staleSeconds ?? 120;
    this.#defaultConcurrency = options.defaultConcurrency ?? 4;
    this.#heartbeat = setInterval(() => {
      void this.#store.heartbeat([...this.#active.keys()]).catch(() => undefined);
    }, options.heartbeatMilliseconds ?? 15_000);
    this.#heartbeat.unref();
  }

  #recover(): Promise<void> {
    this.#recovered ??= this.#store.failInterrupted(this.#staleSeconds).then(
      () => undefined,
      () => {
        this.#recovered = undefined;
      },
    );
    return this.#recovered;
  }

  /** A suite by name (its `name:` or file name under the suites directory) or an inline suite object, validated. */
  async resolveSuite(reference: string | Record<string, unknown>): Promise<LoadedSuite> {
    let suite: LoadedSuite | undefined;
    if (typeof reference !== 'string') {
      suite = buildSuite(reference, '(inline)', 'inline');
    } else {
      const files = await findSuiteFiles(this.#suitesDirectory);
      const byFileName = files.find((file) => basename(file, extname(file)).toLowerCase() === reference.toLowerCase());
      if (byFileName) suite = await loadSuiteFile(byFileName);
      else {
        for (const file of files) {
          const candidate = await loadSuiteFile(file).catch(() => undefined);
          if (candidate?.name === reference) {
            suite = candidate;
            break;
          }
        }
      }
      if (!suite) throw new SuiteError(reference, `no suite named '${reference}' in ${this.#suitesDirectory}`);
    }
    await validateSuiteReferences(suite, this.#targets);
    return suite;
  }

  /** Suite files and folders as given on the command line, every one validated before anything runs. */
  async loadSuites(paths: readonly string[]): Promise<LoadedSuite[]> {
    const files = await listSuiteFiles(paths);
    const suites: LoadedSuite[] = [];
    const names = new Map<string, string>();
    for (const file of files) {
      const suite = await loadSuiteFile(file);
      const previous = names.get(suite.name);
      if (previous) throw new SuiteError(file, `suite name '${suite.name}' is also used by ${previous}`);
      names.set(suite.name, file);
      await validateSuiteReferences(suite, this.#targets);
      suites.push(suite);
    }
    return suites;
  }

  async #resolveBaseline(spec: string, suite: LoadedSuite, required: boolean): Promise<{ report: BaselineReport; source: string } | undefined> {
    if (spec === 'approved') {
      const runId = await this.#store.latestApproved(suite.name);
      if (!runId && !required) return undefined;
      if (!runId) throw new BaselineError(`suite ${suite.name} has no approved baseline yet: approve a run with \`agent-assist eval approve RUN_ID\``);
      return { report: await this.#store.getReport(runId), source: 'approved' };
    }
    if (isRunId(spec)) {
      const report = await this.#store.getReport(spec).catch((error: unknown) => {
        if (error instanceof EvalRunNotFoundError) throw new BaselineError(`baseline run ${spec} does not exist`);
        throw error;
      });
      if (report.suite.name !== suite.name) {
        if (required) throw new BaselineError(`baseline run ${spec} is of suite ${report.suite.name}, not ${suite.name}`);
        return undefined;
      }
      if (report.status !== 'passed' && report.status !== 'failed') throw new BaselineError(`baseline run ${spec} is ${report.status}`);
      return { report, source: `run ${spec}` };
    }
    const report = await readBaselineFile(spec, suite.name);
    if (!report && required) throw new BaselineError(`baseline ${spec} holds no report of suite ${suite.name}`);
    return report ? { report, source: spec } : undefined;
  }

  async #execute(
    runId: string,
    suite: LoadedSuite,
    settings: Required<Omit<RunSettings, 'baseline'>>,
    baseline: { report: BaselineReport; source: string } | undefined,
    targets: EvalTargets = this.#targets,
  ): Promise<void> {
    if (this.#closed) {
      await this.#store.finishRun(runId, { status: 'error', error: 'the service stopped before the run started' });
      return;
    }
    try {
      await this.#store.markRunning(runId, targets.describeRun(), await currentGitCommit(this.#repositoryDirectory));
      let ordinal = 0;
      const ordinals = new Map(suite.definition.cases.map((item) => [item.id, ordinal++]));
      const result = await runSuite(suite, targets, {
        concurrency: settings.concurrency,
        repeat: settings.repeat,
        cache: settings.cache ? new DatabaseEvalCache(this.#database) : undefined,
        signal: this.#abort.signal,
        onCase: (item) => this.#store.saveCase(runId, ordinals.get(item.id) ?? 0, item),
      });
      const comparison = baseline ? compareRuns(baseline.report, result, baseline.source) : undefined;
      const interrupted = this.#abort.signal.aborted;
      const status: RunStatus = interrupted ? 'error' : result.totals.passed === result.totals.cases ? 'passed' : 'failed';
      await this.#store.finishRun(runId, {
        status,
        totals: result.totals,
        rules: result.rules,
        ...(comparison ? { comparison } : {}),
        ...(interrupted ? { error: 'interrupted: the service stopped during the run' } : {}),
      });
    } catch (error) {
      await this.#store
        .finishRun(runId, { status: 'error', error: error instanceof Error ? error.message : String(error) })
        .catch(() => undefined);
    }
  }

  #settings(settings: RunSettings): Required<Omit<RunSettings, 'baseline'>> {
    return {
      concurrency: Math.max(1, Math.min(64, settings.concurrency ?? this.#defaultConcurrency)),
      repeat: Math.max(1, Math.min(20, settings.repeat ?? 1)),
      cache: settings.cache ?? true,
    };
  }

  /** Validates the suite (and baseline) now, then queues the run: the answer is the run id, the work follows. */
  async startRun(reference: string | Record<string, unknown>, settings: RunSettings = {}): Promise<{ runId: string }> {
    if (this.#closed) throw new Error('the eval service is closed');
    await this.#recover();
    const suite = await this.resolveSuite(reference);
    const baseline = settings.baseline ? await this.#resolveBaseline(settings.baseline, suite, true) : undefined;
    const resolved = this.#settings(settings);
    const runId = randomUUID();
    await this.#store.createRun(runId, suite, resolved);
    const job = this.#queue(() => this.#execute(runId, suite, resolved, baseline)).finally(() => this.#active.delete(runId));
    this.#active.set(runId, job);
    return { runId };
  }

  /** Every suite file of the suites directory, each validated (the first invalid one throws a SuiteError naming it). */
  async allSuites(): Promise<LoadedSuite[]> {
    const suites: LoadedSuite[] = [];
    for (const file of await findSuiteFiles(this.#suitesDirectory)) suites.push(await loadSuiteFile(file));
    return suites;
  }

  /** Checks a suite's documents and rules exist (a SuiteError naming the suite otherwise). */
  async validateReferences(suite: LoadedSuite, targets: EvalTargets = this.#targets): Promise<void> {
    await validateSuiteReferences(suite, targets);
  }

  /** The suite's approved baseline, if it has one. */
  async approvedBaseline(suite: LoadedSuite): Promise<{ report: BaselineReport; source: string } | undefined> {
    return this.#resolveBaseline('approved', suite, false);
  }

  /**
   * Runs a validated suite against other targets than the service's own (the publish gate's shadow view), queued
   * with the other runs and stored like them; compared with `baseline` when given.
   */
  async runWithTargets(suite: LoadedSuite, targets: EvalTargets, options: { baseline?: { report: BaselineReport; source: string }; settings?: RunSettings } = {}): Promise<EvalReport> {
    if (this.#closed) throw new Error('the eval service is closed');
    await this.#recover();
    const resolved = this.#settings(options.settings ?? {});
    const runId = randomUUID();
    await this.#store.createRun(runId, suite, resolved);
    const job = this.#queue(() => this.#execute(runId, suite, resolved, options.baseline, targets)).finally(() => this.#active.delete(runId));
    this.#active.set(runId, job);
    await job;
    return this.#store.getReport(runId);
  }

  /** Resolves when the run has finished (or at once if it is not running in this process). */
  async waitForRun(runId: string): Promise<EvalReport> {
    await this.#active.get(runId);
    return this.getRun(runId);
  }

  async getRun(runId: string): Promise<EvalReport> {
    if (!isRunId(runId)) throw new EvalRunNotFoundError(runId);
    await this.#recover();
    return this.#store.getReport(runId);
  }

  async listRuns(filter: { suite?: string; limit?: number; cursor?: string } = {}): Promise<{ items: RunListItem[]; nextCursor?: string }> {
    await this.#recover();
    return this.#store.listRuns({ limit: filter.limit ?? 50, ...(filter.suite ? { suite: filter.suite } : {}), ...(filter.cursor ? { cursor: filter.cursor } : {}) });
  }

  /** Marks a finished run as the approved baseline of its suite (what `--baseline approved` compares with). */
  async approve(runId: string, approvedBy?: string): Promise<{ runId: string; suite: string; suiteVersion: string; status: RunStatus; approvedAt: string }> {
    const report = await this.getRun(runId);
    if (report.status !== 'passed' && report.status !== 'failed') throw new RunNotFinishedError(runId, report.status);
    const approvedAt = await this.#store.approve(runId, report.suite.name, approvedBy);
    return { runId, suite: report.suite.name, suiteVersion: report.suite.version, status: report.status, approvedAt };
  }

  /**
   * The CLI path: validates every suite and baseline first (a bad one fails before anything runs), then runs
   * each suite as its own stored run, in order, and returns the reports.
   */
  async runSuites(paths: readonly string[], settings: RunSettings = {}): Promise<EvalReport[]> {
    await this.#recover();
    const suites = await this.loadSuites(paths);
    const baselines = new Map<string, { report: BaselineReport; source: string }>();
    if (settings.baseline) {
      for (const suite of suites) {
        const baseline = await this.#resolveBaseline(settings.baseline, suite, suites.length === 1);
        if (baseline) baselines.set(suite.name, baseline);
      }
      if (baselines.size === 0) throw new BaselineError(`baseline ${settings.baseline} matches none of the suites run`);
    }
    const resolved = this.#settings(settings);
    const reports: EvalReport[] = [];
    for (const suite of suites) {
      const runId = randomUUID();
      await this.#store.createRun(runId, suite, resolved);
      const job = this.#execute(runId, suite, resolved, baselines.get(suite.name));
      this.#active.set(runId, job);
      await job.finally(() => this.#active.delete(runId));
      reports.push(await this.#store.getReport(runId));
    }
    return reports;
  }

  /** Stops taking runs, lets the case in flight finish, marks the rest of an interrupted run as error. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#abort.abort();
    clearInterval(this.#heartbeat);
    await Promise.allSettled([...this.#active.values()]);
  }
}
