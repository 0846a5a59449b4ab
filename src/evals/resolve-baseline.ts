import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { EvalReport } from './eval-report.js';

/** A baseline that cannot be used: the CLI exits 2 and the API answers 400. */
export class BaselineError extends Error {
  readonly code = 'invalid_baseline';
  constructor(message: string) {
    super(message);
    this.name = 'BaselineError';
  }
}

export type BaselineReport = Pick<EvalReport, 'runId' | 'suite' | 'cases' | 'rules'>;

const checkSchema = z.object({ name: z.string(), status: z.string(), reason: z.string() }).loose();
const reportSchema = z
  .object({
    runId: z.string(),
    suite: z.object({ name: z.string(), version: z.string() }).loose(),
    cases: z.array(z.object({ id: z.string(), status: z.enum(['pass', 'fail', 'error', 'flaky']), checks: z.array(checkSchema) }).loose()),
    rules: z.array(z.object({ ruleId: z.string(), checks: z.number(), passed: z.number(), passRate: z.number() })),
  })
  .loose();

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isRunId(value: string): boolean {
  return uuid.test(value);
}

/** Reads a JSON report written by an earlier run; a directory holds one `<suite>.json` per suite. */
export async function readBaselineFile(path: string, suiteName: string): Promise<BaselineReport | undefined> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new BaselineError(`baseline '${path}' is neither a run id, 'approved', nor an existing file or directory`);
  const file = info.isDirectory() ? join(path, `${suiteName}.json`) : path;
  if (info.isDirectory() && !(await stat(file).catch(() => undefined))) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new BaselineError(`baseline ${file} is not a JSON report: ${(error as Error).message}`);
  }
  const report = reportSchema.safeParse(parsed);
  if (!report.success) {
    const issue = report.error.issues[0];
    throw new BaselineError(`baseline ${file} is not an eval JSON report (${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'})`);
  }
  if (report.data.suite.name !== suiteName) return undefined;
  return report.data as unknown as BaselineReport;
}
