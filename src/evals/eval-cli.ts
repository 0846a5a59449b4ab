import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EvalReport } from './eval-report.js';
import { BaselineError, EvalRunNotFoundError, RunNotFinishedError, SuiteError, type EvalService } from './eval-service.js';
import { renderReport, reportFiles, type ReportFormat } from './reports/render-report.js';

export interface EvalRunArguments {
  suites: string[];
  baseline?: string;
  out?: string;
  formats: ReportFormat[];
  concurrency: number;
  cache: boolean;
  repeat: number;
}

export interface EvalCommandDependencies {
  service: EvalService;
  print: (text: string) => void;
}

/** Exit codes from API.md: 0 all pass and no regression, 1 failures or regressions, 2 usage or invalid suite. */
export const exitCodes = { ok: 0, failed: 1, usage: 2 } as const;

function fileSafe(name: string): string {
  return name.replace(/[^\w.-]+/g, '-');
}

function summaryLines(report: EvalReport): string[] {
  const totals = report.totals;
  const lines = [
    `${report.status === 'passed' ? 'PASS' : report.status.toUpperCase()} ${report.suite.name} (${report.suite.version}) run ${report.runId}: ` +
      (totals ? `${totals.passed}/${totals.cases} passed, ${totals.failed} failed, ${totals.errors} errors, ${totals.flaky} flaky` : report.error ?? ''),
  ];
  if (totals) lines.push(`  by kind: ${Object.entries(totals.byKind).map(([kind, entry]) => `${kind} ${entry.passed}/${entry.cases}`).join(', ')}`);
  for (const item of report.cases) {
    if (item.status === 'pass') continue;
    const reasons = item.error ? [item.error] : item.checks.filter((check) => check.status === 'fail' || check.status === 'error').map((check) => `${check.name}: ${check.reason}`);
    const attempts = item.status === 'flaky' ? ` [${item.attempts.map((attempt) => attempt.status).join(', ')}]` : '';
    lines.push(`  ${item.status.toUpperCase()} ${item.id}${attempts}: ${reasons.join('; ').slice(0, 400)}`);
  }
  const comparison = report.comparison;
  if (comparison) {
    lines.push(`  vs baseline ${comparison.baseline.runId ?? comparison.baseline.source}: ${comparison.regressions.length} regression(s), ${comparison.fixes.length} fix(es), ${comparison.newCases.length} new, ${comparison.removedCases.length} removed`);
    for (const regression of comparison.regressions) lines.push(`  REGRESSION ${regression.id}: ${regression.before} -> ${regression.after}`);
    for (const rule of comparison.ruleDeltas.filter((entry) => entry.delta !== null && entry.delta < 0)) {
      lines.push(`  rule ${rule.ruleId}: pass rate ${((rule.before ?? 0) * 100).toFixed(1)}% -> ${((rule.after ?? 0) * 100).toFixed(1)}%`);
    }
  }
  return lines;
}

/** `agent-assist eval run SUITE...`: runs, writes the reports, prints a summary, returns the exit code. */
export async function runEvalCommand(args: EvalRunArguments, deps: EvalCommandDependencies): Promise<number> {
  if (args.suites.length === 0) {
    deps.print('eval run needs at least one suite file or directory (e.g. evals/suites)\n');
    return exitCodes.usage;
  }
  if (!Number.isInteger(args.concurrency) || args.concurrency < 1 || !Number.isInteger(args.repeat) || args.repeat < 1) {
    deps.print('--concurrency and --repeat must be positive integers\n');
    return exitCodes.usage;
  }
  let reports: EvalReport[];
  try {
    reports = await deps.service.runSuites(args.suites, {
      concurrency: args.concurrency,
      repeat: args.repeat,
      cache: args.cache,
      ...(args.baseline ? { baseline: args.baseline } : {}),
    });
  } catch (error) {
    if (error instanceof SuiteError || error instanceof BaselineError || error instanceof EvalRunNotFoundError) {
      deps.print(`${error.message}\n`);
      return exitCodes.usage;
    }
    throw error;
  }
  const out = args.out ?? 'eval-reports';
  const formats = args.formats.length > 0 ? [...new Set(args.formats)] : (['json', 'junit', 'html', 'markdown'] as ReportFormat[]);
  await mkdir(out, { recursive: true });
  const written: string[] = [];
  for (const report of reports) {
    for (const format of formats) {
      const path = join(out, `${fileSafe(report.suite.name)}.${reportFiles[format].extension}`);
      await writeFile(path, renderReport(report, format), 'utf8');
      written.push(path);
    }
  }
  const lines = reports.flatMap(summaryLines);
  lines.push(`reports: ${written.join(', ')}`);
  deps.print(`${lines.join('\n')}\n`);
  const clean = reports.every((report) => report.status === 'passed' && (report.comparison?.regressions.length ?? 0) === 0);
  return clean ? exitCodes.ok : exitCodes.failed;
}

/** `agent-assist eval approve RUN_ID`: 0 approved, 2 unknown or unfinished run. */
export async function approveEvalCommand(runId: string, deps: EvalCommandDependencies & { approvedBy?: string }): Promise<number> {
  try {
    const approved = await deps.service.approve(runId, deps.approvedBy ?? 'cli');
    deps.print(`approved run ${approved.runId} as the baseline of suite ${approved.suite} (${approved.suiteVersion}, ${approved.status})\n`);
    return exitCodes.ok;
  } catch (error) {
    if (error instanceof EvalRunNotFoundError || error instanceof RunNotFinishedError) {
      deps.print(`${error.message}\n`);
      return exitCodes.usage;
    }
    throw error;
  }
}
