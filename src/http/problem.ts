/** One bad field of a request, as listed in a problem's `errors`. */
export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * An RFC 9457 problem the client can act on. Thrown anywhere on the request path and rendered by the one
 * error handler; 5xx details are never sent to clients.
 */
export class HttpProblem extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly errors?: FieldProblem[];

  constructor(status: number, code: string, title: string, detail: string, errors?: FieldProblem[]) {
    super(detail);
    this.name = 'HttpProblem';
    this.status = status;
    this.code = code;
    this.title = title;
    if (errors) this.errors = errors;
  }

  static badRequest(detail: string, errors?: FieldProblem[]): HttpProblem {
    return new HttpProblem(400, 'invalid_request', 'Invalid request', detail, errors);
  }

  static notFound(detail: string): HttpProblem {
    return new HttpProblem(404, 'not_found', 'Not found', detail);
  }

  static conflict(detail: string): HttpProblem {
    return new HttpProblem(409, 'conflict', 'Conflict', detail);
  }
}
