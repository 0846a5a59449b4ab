import type { Database } from '../db/database.js';
import type { CaseResult, Comparison, EvalReport, RuleStat, RunStatus, RunTotals } from './eval-report.js';
import type { RunDescription } from './eval-targets.js';
import type { LoadedSuite, SuiteDefinition } from './suite-schema.js';

export class EvalRunNotFoundError extends Error {
  readonly code = 'eval_run_not_found';
  constructor(readonly runId: string) {
    super(`no eval run ${runId}`);
    this.name = 'EvalRunNotFoundError';
  }
}

export interface RunListItem {
  runId: string;
  suite: string;
  suiteVersion: string;
  status: RunStatus;
  createdAt: string;
  finishedAt?: string;
  passRate: number | null;
  totals?: RunTotals;
  regressions?: number;
  provider?: string;
  model?: string;
  gitCommit?: string;
  approved: boolean;
}

interface RunRow {
  id: string;
  suite_name: string;
  suite_version: string;
  suite_file: string | null;
  suite: SuiteDefinition;
  status: RunStatus;
  options: EvalReport['options'];
  git_commit: string | null;
  provider: string | null;
  model: string | null;
  prompt_hashes: Record<string, string>;
  rules_version: string | null;
  embedder: string | null;
  totals: RunTotals | null;
  rules: RuleStat[] | null;
  comparison: Comparison | null;
  error: string | null;
  created_at: unknown;
  started_at: unknown;
  finished_at: unknown;
  approved?: boolean;
}

interface CaseRow {
  case_id: string;
  kind: CaseResult['kind'];
  status: CaseResult['status'];
  score: number;
  checks: CaseResult['checks'];
  attempts: CaseResult['attempts'];
  input: CaseResult['input'] & { meta?: { language: 'zh' | 'en'; description?: string; tags: string[]; line?: number; threshold: number } };
  output: CaseResult['output'] | null;
  retrieved_chunk_ids: string[];
  latency_ms: number;
  error: string | null;
}

function iso(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  return (value instanceof Date ? value : new Date(String(value))).toISOString();
}

function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(`${createdAt}|${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: string; id: string } | undefined {
  const [createdAt, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!createdAt || !id || Number.isNaN(new Date(createdAt).getTime()) || !/^[0-9a-f-]{36}$/.test(id)) return undefined;
  return { createdAt, id };
}

/** Persistence of runs, case results and approved baselines. SQL lives here, nowhere else in evals. */
export class EvalStore {
  readonly #database: Database;

  constructor(database: Database) {
    this.#database = database;
  }

  async createRun(runId: string, suite: LoadedSuite, options: EvalReport['options']): Promise<void> {
    await this.#database.query(
      `insert into eval_runs (id, suite_name, suite_version, suite_file, suite, status, options) values ($1, $2, $3, $4, $5::jsonb, 'queued', $6::jsonb)`,
      [runId, suite.name, suite.version, suite.file, JSON.stringify(suite.definition), JSON.stringify(options)],
    );
  }

  async markRunning(runId: string, description: RunDescription, gitCommit: string | undefined): Promise<void> {
    await this.#database.query(
      `update eval_runs set status = 'running', started_at = now(), heartbeat_at = now(), provider = $2, model = $3, prompt_hashes = $4::jsonb,
         rules_version = $5, embedder = $6, git_commit = $7 where id = $1`,
      [runId, description.provider, description.model, JSON.stringify(description.promptHashes), description.rulesVersion, description.embedder, gitCommit ?? null],
    );
  }

  async saveCase(runId: string, ordinal: number, result: CaseResult): Promise<void> {
    const meta = { language: result.language, tags: result.tags, threshold: result.threshold, ...(result.description ? { description: result.description } : {}), ...(result.line ? { line: result.line } : {}) };
    await this.#database.query(
      `insert into eval_case_results (run_id, case_id, ordinal, kind, status, score, checks, attempts, input, output, retrieved_chunk_ids, latency_ms, error)
       values ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9::jsonb, $10::jsonb, $11::text[], $12, $13)
       on conflict (run_id, case_id) do update set status = excluded.status, score = excluded.score, checks = excluded.checks, attempts = excluded.attempts,
         input = excluded.input, output = excluded.output, retrieved_chunk_ids = excluded.retrieved_chunk_ids, latency_ms = excluded.latency_ms, error = excluded.error`,
      [
        runId,
        result.id,
        ordinal,
        result.kind,
        result.status,
        result.score,
        JSON.stringify(result.checks),
        JSON.stringify(result.attempts),
        JSON.stringify({ ...result.input, meta }),
        result.output === undefined ? null : JSON.stringify(result.output),
        result.retrievedChunkIds,
        result.latencyMs,
        result.error ?? null,
      ],
    );
  }

  async finishRun(runId: string, outcome: { status: RunStatus; totals?: RunTotals; rules?: RuleStat[]; comparison?: Comparison; error?: string }): Promise<void> {
    await this.#database.query(
      `update eval_runs set status = $2, totals = $3::jsonb, rules = $4::jsonb, comparison = $5::jsonb, error = $6, finished_at = now() where id = $1`,
      [
        runId,
        outcome.status,
        outcome.totals ? JSON.stringify(outcome.totals) : null,
        outcome.rules ? JSON.stringify(outcome.rules) : null,
        outcome.comparison ? JSON.stringify(outcome.comparison) : null,
        outcome.error ?? null,
      ],
    );
  }

  async heartbeat(runIds: readonly string[]): Promise<void> {
    if (runIds.length === 0) return;
    await this.#database.query(`update eval_runs set heartbeat_at = now() where id = any($1::uuid[]) and status in ('queued', 'running')`, [[...runIds]]);
  }

  /** Runs left queued or running by a process that stopped (no heartbeat for `staleSeconds`) are marked error. */
  async failInterrupted(staleSeconds: number): Promise<number> {
    const result = await this.#database.query(
      `update eval_runs set status = 'error', error = 'interrupted: the service stopped before the run finished; start it again', finished_at = now()
        where status in ('queued', 'running') and heartbeat_at < now() - make_interval(secs => $1)`,
      [staleSeconds],
    );
    return result.rowCount;
  }

  async exists(runId: string): Promise<boolean> {
    const result = await this.#database.query('select 1 from eval_runs where id = $1', [runId]);
    return result.rows.length > 0;
  }

  async getReport(runId: string): Promise<EvalReport> {
    const runs = await this.#database.query<RunRow>(
      `select r.*, exists (select 1 from eval_baselines b where b.run_id = r.id) as approved from eval_runs r where r.id = $1`,
      [runId],
    );
    const run = runs.rows[0];
    if (!run) throw new EvalRunNotFoundError(runId);
    const rows = await this.#database.query<CaseRow>('select * from eval_case_results where run_id = $1 order by ordinal', [runId]);
    const cases = rows.rows.map((row): CaseResult => {
      const { meta, ...input } = row.input;
      return {
        id: row.case_id,
        kind: row.kind,
        language: meta?.language ?? 'zh',
        ...(meta?.description ? { description: meta.description } : {}),
        tags: meta?.tags ?? [],
        ...(meta?.line ? { line: meta.line } : {}),
        status: row.status,
        score: Number(row.score),
        threshold: meta?.threshold ?? 1,
        checks: row.checks,
        attempts: row.attempts,
        input,
        ...(row.output ? { output: row.output } : {}),
        retrievedChunkIds: row.retrieved_chunk_ids ?? [],
        latencyMs: Number(row.latency_ms),
        ...(row.error ? { error: row.error } : {}),
      };
    });
    const createdAt = iso(run.created_at) ?? new Date(0).toISOString();
    const startedAt = iso(run.started_at);
    const finishedAt = iso(run.finished_at);
    return {
      schemaVersion: 1,
      runId: run.id,
      status: run.status,
      suite: { name: run.suite_name, version: run.suite_version, ...(run.suite_file ? { file: run.suite_file } : {}), ...(run.suite.description ? { description: run.suite.description } : {}) },
      createdAt,
      ...(startedAt ? { startedAt } : {}),
      ...(finishedAt ? { finishedAt } : {}),
      ...(startedAt && finishedAt ? { durationMs: new Date(finishedAt).getTime() - new Date(startedAt).getTime() } : {}),
      ...(run.git_commit ? { gitCommit: run.git_commit } : {}),
      ...(run.provider ? { provider: run.provider } : {}),
      ...(run.model ? { model: run.model } : {}),
      promptHashes: run.prompt_hashes ?? {},
      ...(run.rules_version ? { rulesVersion: run.rules_version } : {}),
      ...(run.embedder ? { embedder: run.embedder } : {}),
      options: run.options,
      ...(run.totals ? { totals: run.totals } : {}),
      rules: run.rules ?? [],
      cases,
      ...(run.comparison ? { comparison: run.comparison } : {}),
      ...(run.error ? { error: run.error } : {}),
      ...(run.approved ? { approved: true } : {}),
    };
  }

  async listRuns(filter: { suite?: string; limit: number; cursor?: string }): Promise<{ items: RunListItem[]; nextCursor?: string }> {
    const cursor = filter.cursor ? decodeCursor(filter.cursor) : undefined;
    const result = await this.#database.query<RunRow & { approved: boolean }>(
      `select r.id, r.suite_name, r.suite_version, r.status, r.created_at, r.finished_at, r.totals, r.comparison, r.provider, r.model, r.git_commit,
              exists (select 1 from eval_baselines b where b.run_id = r.id) as approved
         from eval_runs r
        where ($1::text is null or r.suite_name = $1)
          and ($2::timestamptz is null or (r.created_at, r.id) < ($2::timestamptz, $3::uuid))
        order by r.created_at desc, r.id desc
        limit $4`,
      [filter.suite ?? null, cursor?.createdAt ?? null, cursor?.id ?? null, filter.limit + 1],
    );
    const rows = result.rows.slice(0, filter.limit);
    const items = rows.map((row): RunListItem => {
      const finishedAt = iso(row.finished_at);
      return {
        runId: row.id,
        suite: row.suite_name,
        suiteVersion: row.suite_version,
        status: row.status,
        createdAt: iso(row.created_at) ?? '',
        ...(finishedAt ? { finishedAt } : {}),
        passRate: row.totals?.passRate ?? null,
        ...(row.totals ? { totals: row.totals } : {}),
        ...(row.comparison ? { regressions: row.comparison.regressions.length } : {}),
        ...(row.provider ? { provider: row.provider } : {}),
        ...(row.model ? { model: row.model } : {}),
        ...(row.git_commit ? { gitCommit: row.git_commit } : {}),
        approved: row.approved,
      };
    });
    const last = rows.at(-1);
    return { items, ...(result.rows.length > filter.limit && last ? { nextCursor: encodeCursor(iso(last.created_at) ?? '', last.id) } : {}) };
  }

  async approve(runId: string, suiteName: string, approvedBy: string | undefined): Promise<string> {
    const result = await this.#database.query<{ approved_at: unknown }>(
      `insert into eval_baselines (suite_name, run_id, approved_by) values ($1, $2, $3)
       on conflict (suite_name, run_id) do update set approved_by = excluded.approved_by, approved_at = now() returning approved_at`,
      [suiteName, runId, approvedBy ?? null],
    );
    return iso(result.rows[0]?.approved_at) ?? new Date().toISOString();
  }

  async latestApproved(suiteName: string): Promise<string | undefined> {
    const result = await this.#database.query<{ run_id: string }>(
      'select run_id from eval_baselines where suite_name = $1 order by approved_at desc limit 1',
      [suiteName],
    );
    return result.rows[0]?.run_id;
  }
}
