/** An RFC 9457 problem as the API sends it (`application/problem+json`). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  requestId?: string;
  errors?: { field: string; message: string }[];
}

/** A request the API refused or could not answer; the problem says why, in the API's own words. */
export class ProblemError extends Error {
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problem.detail || problem.title);
    this.name = 'ProblemError';
    this.problem = problem;
  }

  get status(): number {
    return this.problem.status;
  }

  /** The stable code: the last segment of the problem's type. */
  get code(): string {
    return this.problem.type.split('/').pop() ?? 'unknown';
  }
}

/** The key was missing, unknown or revoked (401): the session is over and the user must sign in again. */
export class UnauthenticatedError extends ProblemError {
  constructor(problem: Problem) {
    super(problem);
    this.name = 'UnauthenticatedError';
  }
}

/** The service could not be reached at all (no status): network down, server stopped. */
export function networkProblem(cause: unknown): Problem {
  return {
    type: 'https://agent-assist.dev/problems/network_error',
    title: 'Service unreachable',
    status: 0,
    detail: cause instanceof Error ? cause.message : String(cause),
  };
}

/**
 * Reads a failed response as a problem. The API always answers problem+json, but a proxy in front of it may send
 * HTML or nothing: that still becomes a problem with the status, never an exception while reading it.
 */
export async function readProblem(response: Response): Promise<Problem> {
  const text = await response.text().catch(() => '');
  try {
    const parsed = JSON.parse(text) as Partial<Problem>;
    if (parsed && typeof parsed === 'object' && typeof parsed.title === 'string') {
      return {
        type: typeof parsed.type === 'string' ? parsed.type : `https://agent-assist.dev/problems/http_${response.status}`,
        title: parsed.title,
        status: typeof parsed.status === 'number' ? parsed.status : response.status,
        detail: typeof parsed.detail === 'string' ? parsed.detail : '',
        ...(typeof parsed.requestId === 'string' ? { requestId: parsed.requestId } : {}),
        ...(Array.isArray(parsed.errors) ? { errors: parsed.errors } : {}),
      };
    }
  } catch {
    // Not JSON: described below from the status alone.
  }
  const requestId = response.headers.get('x-request-id');
  return {
    type: `https://agent-assist.dev/problems/http_${response.status}`,
    title: response.statusText || `HTTP ${response.status}`,
    status: response.status,
    detail: text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 300),
    ...(requestId ? { requestId } : {}),
  };
}
