import { randomUUID } from 'node:crypto';
import type { Database } from '../db/database.js';
import type { GateCheck, GateSuiteResult, GateTarget, PublishGatePort } from '../knowledge/document-review.js';
import type { SearchOverlay } from '../retrieval/hybrid-search.js';
import type { EvalReport } from './eval-report.js';
import type { EvalService } from './eval-service.js';
import type { EvalTargets } from './eval-targets.js';
import type { LoadedSuite } from './suite-schema.js';

export interface PublishGateOptions {
  database: Database;
  evals: Pick<EvalService, 'allSuites' | 'validateReferences' | 'approvedBaseline' | 'runWithTargets'>;
  /** The live base, for a suite that has no approved baseline yet: its cases are compared with today's answers. */
  liveTargets: EvalTargets;
  /** The same services reading the base with `overlay` in place of the document's current version. */
  shadowTargets(overlay: SearchOverlay): EvalTargets;
  onError?: (error: unknown) => void;
  /** How often this replica marks its running checks alive. */
  heartbeatMilliseconds?: number;
  /** A running check without a heartbeat for this long was interrupted (its replica stopped): it reads as `error`. */
  staleSeconds?: number;
}

const interruptedMessage = 'interrupted: the service stopped before the gate finished; submit the version again';

/** Whether a suite's `gate:` covers a version of this kind and product. */
export function suiteGates(suite: LoadedSuite, target: Pick<GateTarget, 'kind' | 'product'>): boolean {
  const gate = suite.definition.gate;
  if (!gate) return false;
  if (gate.kinds && !gate.kinds.includes(target.kind)) return false;
  if (gate.products && (target.product === null || !gate.products.includes(target.product))) return false;
  return true;
}

interface CheckRow {
  id: string;
  document_id: string;
  version: number;
  status: GateCheck['status'];
  suites: GateSuiteResult[];
  regressions: number;
  error: string | null;
  requested_by: string | null;
  created_at: unknown;
  finished_at: unknown;
}

function toIso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();
}

function checkOf(row: CheckRow): GateCheck {
  return {
    checkId: row.id,
    documentId: row.document_id,
    version: Number(row.version),
    status: row.status,
    regressions: Number(row.regressions),
    suites: row.suites ?? [],
    error: row.error,
    requestedBy: row.requested_by,
    createdAt: toIso(row.created_at) ?? '',
    finishedAt: toIso(row.finished_at),
  };
}

function suiteResult(report: EvalReport, baseline: string): GateSuiteResult {
  return {
    suite: report.suite.name,
    suiteVersion: report.suite.version,
    runId: report.runId,
    status: report.status,
    passed: report.totals?.passed ?? 0,
    cases: report.totals?.cases ?? 0,
    baseline,
    regressions: (report.comparison?.regressions ?? []).map((item) => ({ id: item.id, before: item.before, after: item.after, reasons: item.reasons })),
  };
}

/**
 * Eval-gated publish: a submitted version is checked by the suites whose `gate:` names its kind (and product),
 * run against a shadow view of the base in which the version replaces the document's current one (the same
 * search code with an overlay; nothing is copied). A case that passed in the suite's baseline (the approved run,
 * or else a run on the live base just before) and fails now is a regression, and regressions block approval.
 */
export class PublishGate implements PublishGatePort {
  readonly #options: PublishGateOptions;
  readonly #running = new Map<string, Promise<void>>();
  readonly #staleSeconds: number;
  readonly #heartbeat: NodeJS.Timeout;

  constructor(options: PublishGateOptions) {
    this.#options = options;
    this.#staleSeconds = options.staleSeconds ?? 120;
    this.#heartbeat = setInterval(() => {
      if (this.#running.size === 0) return;
      void options.database
        .query(`update document_checks set heartbeat_at = now() where id = any($1::uuid[]) and status = 'running'`, [[...this.#running.keys()]])
        .catch((error: unknown) => options.onError?.(error));
    }, options.heartbeatMilliseconds ?? 15_000);
    this.#heartbeat.unref();
  }

  /** Stops the heartbeat and waits for the checks this replica runs. */
  async close(): Promise<void> {
    clearInterval(this.#heartbeat);
    await Promise.allSettled([...this.#running.values()]);
  }

  /** The suites that gate this version, validated: an invalid suite file or reference throws (a SuiteError). */
  async suitesFor(target: GateTarget): Promise<LoadedSuite[]> {
    // Every file is read: one that cannot be parsed might be a gate suite, so the gate refuses rather than guess.
    const suites = (await this.#options.evals.allSuites()).filter((suite) => suiteGates(suite, target));
    const shadow = this.#options.shadowTargets({ documentId: target.documentId, version: target.version });
    for (const suite of suites) await this.#options.evals.validateReferences(suite, shadow);
    return suites;
  }

  async start(target: GateTarget, requestedBy: string): Promise<GateCheck> {
    const suites = await this.suitesFor(target);
    const checkId = randomUUID();
    await this.#options.database.query(
      `insert into document_checks (id, document_id, version, status, requested_by) values ($1, $2, $3, 'running', $4)`,
      [checkId, target.documentId, target.version, requestedBy],
    );
    const job = this.#run(checkId, target, suites)
      .catch((error: unknown) => this.#options.onError?.(error))
      .finally(() => this.#running.delete(checkId));
    this.#running.set(checkId, job);
    return (await this.#read(checkId))!;
  }

  /** Resolves when a check started in this process has finished (tests and the bench wait on it). */
  async settled(checkId: string): Promise<GateCheck | undefined> {
    await this.#running.get(checkId);
    return this.#read(checkId);
  }

  async checks(documentId: string, version: number): Promise<GateCheck[]> {
    // A check whose replica stopped would otherwise stay 'running' and block approval for good.
    await this.#options.database.query(
      `update document_checks set status = 'error', error = $4, finished_at = now()
        where document_id = $1 and version = $2 and status = 'running' and heartbeat_at < now() - make_interval(secs => $3)`,
      [documentId, version, this.#staleSeconds, interruptedMessage],
    );
    const result = await this.#options.database.query<CheckRow>(
      'select * from document_checks where document_id = $1 and version = $2 order by created_at desc, id',
      [documentId, version],
    );
    return result.rows.map(checkOf);
  }

  async #read(checkId: string): Promise<GateCheck | undefined> {
    const result = await this.#options.database.query<CheckRow>('select * from document_checks where id = $1', [checkId]);
    const row = result.rows[0];
    return row ? checkOf(row) : undefined;
  }

  async #run(checkId: string, target: GateTarget, suites: readonly LoadedSuite[]): Promise<void> {
    const results: GateSuiteResult[] = [];
    try {
      const shadow = this.#options.shadowTargets({ documentId: target.documentId, version: target.version });
      for (const suite of suites) {
        let baseline = await this.#options.evals.approvedBaseline(suite);
        if (!baseline) {
          const live = await this.#options.evals.runWithTargets(suite, this.#options.liveTargets);
          if (live.status === 'error') throw new Error(`the live run of suite ${suite.name} failed: ${live.error ?? 'error'}`);
          baseline = { report: live, source: `live run ${live.runId}` };
        }
        const report = await this.#options.evals.runWithTargets(suite, shadow, { baseline });
        results.push(suiteResult(report, baseline.source));
        if (report.status === 'error') throw new Error(`suite ${suite.name} did not run to the end: ${report.error ?? 'error'}`);
      }
      const regressions = results.reduce((total, item) => total + item.regressions.length, 0);
      await this.#finish(checkId, regressions > 0 ? 'blocked' : 'passed', results, regressions, null);
    } catch (error) {
      // The version stays submitted: the check says why it could not decide, and a new submission runs it again.
      const regressions = results.reduce((total, item) => total + item.regressions.length, 0);
      await this.#finish(checkId, 'error', results, regressions, error instanceof Error ? error.message : String(error));
    }
  }

  async #finish(checkId: string, status: GateCheck['status'], suites: GateSuiteResult[], regressions: number, error: string | null): Promise<void> {
    await this.#options.database.query(
      `update document_checks set status = $2, suites = $3, regressions = $4, error = $5, finished_at = now() where id = $1`,
      [checkId, status, JSON.stringify(suites), regressions, error],
    );
  }
}
