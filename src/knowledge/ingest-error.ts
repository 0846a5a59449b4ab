/**
 * Stable codes raised by the parsers (other knowledge code adds its own, hence `code: string`):
 * `invalid_pdf`, `missing_column`, `invalid_front_matter`, `empty_document`, `invalid_encoding`,
 * `invalid_row`, `invalid_json`, `duplicate_id`, `unsupported_format`, `too_deep`.
 */
export type ParserErrorCode =
  | 'invalid_pdf'
  | 'missing_column'
  | 'invalid_front_matter'
  | 'empty_document'
  | 'invalid_encoding'
  | 'invalid_row'
  | 'invalid_json'
  | 'duplicate_id'
  | 'unsupported_format'
  | 'too_deep';

/**
 * A document or FAQ set that cannot be ingested as given; the author can fix it. Messages describe the
 * problem without the file name: the caller adds it.
 */
export class IngestError extends Error {
  readonly code: string;
  readonly field?: string;
  readonly line?: number;

  constructor(code: ParserErrorCode | (string & {}), message: string, options: { field?: string; line?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'IngestError';
    this.code = code;
    if (options.field !== undefined) this.field = options.field;
    if (options.line !== undefined) this.line = options.line;
  }
}
