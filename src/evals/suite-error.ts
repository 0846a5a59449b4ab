/** A suite that cannot run: the CLI exits 2 and the API answers 400, naming the file, line and case. */
export class SuiteError extends Error {
  readonly code = 'invalid_suite';
  readonly file: string;
  readonly line: number | undefined;
  readonly caseId: string | undefined;
  readonly detail: string;

  constructor(file: string, detail: string, location: { line?: number | undefined; caseId?: string | undefined } = {}) {
    const where = [file, location.line === undefined ? undefined : `line ${location.line}`, location.caseId === undefined ? undefined : `case ${location.caseId}`]
      .filter(Boolean)
      .join(', ');
    super(`${where}: ${detail}`);
    this.name = 'SuiteError';
    this.file = file;
    this.line = location.line;
    this.caseId = location.caseId;
    this.detail = detail;
  }
}
