import type { JudgeFailure } from './compliance-types.js';

/** The abort reason when the judge's time budget runs out, told apart from the model's own failures. */
export class JudgeBudgetExceededError extends Error {
  readonly code = 'judge_budget_exceeded';
  constructor(readonly budgetMs: number) {
    super(`the compliance judge did not answer within ${budgetMs} ms`);
    this.name = 'JudgeBudgetExceededError';
  }
}

// Fixed wording: a model error's own message can quote the endpoint's answer, which a caller must not see.
const messages: Record<JudgeFailure['code'], string> = {
  timeout: 'The model judge did not answer in time.',
  rate_limited: 'The model endpoint is rate limiting requests.',
  server_error: 'The model endpoint answered with a server error.',
  network: 'The model endpoint could not be reached.',
  refused: 'The model endpoint refused the request.',
  invalid_output: "The model judge's answer was not a valid verdict.",
  unknown: 'The model judge failed.',
};

const knownCodes = new Set<string>(Object.keys(messages));

function field(error: object, name: string): unknown {
  return name in error ? (error as Record<string, unknown>)[name] : undefined;
}

/**
 * What a caller is told about a judge that gave no answer. Read by duck typing (a `ModelError`'s `failure`, a
 * `JudgeOutputError`'s code), so the compliance capability needs no model adapter to classify a failure.
 */
export function describeJudgeFailure(error: unknown): JudgeFailure {
  if (error instanceof JudgeBudgetExceededError) {
    return { code: 'timeout', message: `The model judge did not answer within the ${error.budgetMs} ms budget.` };
  }
  if (typeof error !== 'object' || error === null) return { code: 'unknown', message: messages.unknown };
  const failure = field(error, 'failure');
  const errorCode = field(error, 'code');
  const status = field(error, 'status');
  let code: JudgeFailure['code'] = 'unknown';
  if (typeof failure === 'string' && knownCodes.has(failure)) code = failure as JudgeFailure['code'];
  else if (errorCode === 'judge_invalid_output') code = 'invalid_output';
  else if (field(error, 'name') === 'AbortError' || field(error, 'name') === 'TimeoutError') code = 'timeout';
  const described: JudgeFailure = { code, message: messages[code] };
  if (typeof status === 'number') {
    described.status = status;
    described.message = `${messages[code].slice(0, -1)} (HTTP ${status}).`;
  }
  return described;
}
