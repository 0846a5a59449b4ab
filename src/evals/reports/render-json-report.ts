import type { EvalReport } from '../eval-report.js';

/** The canonical report: what `--baseline FILE` reads back. */
export function renderJsonReport(report: EvalReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
