/** Why a model call failed; counted in /metrics and logged, never shown to a customer. */
export type ModelFailure = 'rate_limited' | 'server_error' | 'timeout' | 'invalid_output' | 'network' | 'refused' | 'unknown';

export class ModelError extends Error {
  readonly failure: ModelFailure;
  readonly status?: number;

  constructor(failure: ModelFailure, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ModelError';
    this.failure = failure;
    if (options.status !== undefined) this.status = options.status;
  }
}
