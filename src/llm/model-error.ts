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

function statusOf(error: object): number | undefined {
  if ('status' in error && typeof error.status === 'number') return error.status;
  if ('response' in error && typeof error.response === 'object' && error.response !== null && 'status' in error.response) {
    return typeof error.response.status === 'number' ? error.response.status : undefined;
  }
  return undefined;
}

function namesOf(error: object): string[] {
  const names = [error.constructor.name];
  if ('name' in error && typeof error.name === 'string') names.push(error.name);
  if ('code' in error && typeof error.code === 'string') names.push(error.code);
  return names;
}

const networkNames = new Set(['APIConnectionError', 'FetchError', 'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'EPIPE']);
const timeoutNames = new Set(['APIConnectionTimeoutError', 'TimeoutError', 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT']);

/**
 * Classifies whatever an SDK threw (openai, LangChain, fetch) by duck typing, so this port never imports an SDK.
 * `what` names the call ("chat completion", "embeddings") for the message.
 */
export function modelErrorFrom(error: unknown, what: string): ModelError {
  if (error instanceof ModelError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof error !== 'object' || error === null) return new ModelError('unknown', `${what} failed: ${message}`, { cause: error });
  const status = statusOf(error);
  const names = namesOf(error);
  const cause = 'cause' in error ? error.cause : undefined;
  const causeNames = typeof cause === 'object' && cause !== null ? namesOf(cause) : [];
  const detail = `${what} failed${status === undefined ? '' : ` with HTTP ${status}`}: ${message}`;
  const withStatus = status === undefined ? { cause: error } : { status, cause: error };
  if (status === 408 || names.some((name) => timeoutNames.has(name))) return new ModelError('timeout', detail, withStatus);
  if (status === 429 || names.some((name) => name.startsWith('RateLimit') || name === 'InsufficientQuotaError')) {
    return new ModelError('rate_limited', detail, withStatus);
  }
  if (status !== undefined && status >= 500) return new ModelError('server_error', detail, withStatus);
  if (status !== undefined && status >= 400) return new ModelError('refused', detail, withStatus);
  if ([...names, ...causeNames].some((name) => networkNames.has(name)) || (error instanceof TypeError && message.includes('fetch'))) {
    return new ModelError('network', detail, withStatus);
  }
  return new ModelError('unknown', detail, withStatus);
}
