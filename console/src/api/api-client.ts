import { networkProblem, ProblemError, readProblem, UnauthenticatedError, type Problem } from './problem-error';

export interface ApiClientOptions {
  /** The key sent as `Authorization: Bearer`; read at each request so signing out takes effect at once. */
  getKey: () => string | undefined;
  /** Called once per refused key (401), before the UnauthenticatedError is thrown. */
  onUnauthenticated?: (problem: Problem) => void;
  /** Same origin by default: the console is served by the API it calls. */
  baseUrl?: string;
  fetch?: typeof fetch;
}

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** A small typed client of the public HTTP API: the console uses no other route. */
export class ApiClient {
  readonly #options: ApiClientOptions;

  constructor(options: ApiClientOptions) {
    this.#options = options;
  }

  /** A refusal of the key seen outside a response status (an `error` event on a stream): ends the session the same way. */
  reportUnauthenticated(problem: Problem): void {
    this.#options.onUnauthenticated?.(problem);
  }

  /** The Authorization header of the session, for requests the client cannot send itself (uploads with progress). */
  authorization(): Record<string, string> {
    const key = this.#options.getKey();
    return key ? { authorization: `Bearer ${key}` } : {};
  }

  url(path: string, query?: RequestOptions['query']): string {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(query ?? {})) if (value !== undefined) search.set(name, String(value));
    const suffix = search.size > 0 ? `?${search.toString()}` : '';
    return `${this.#options.baseUrl ?? ''}${path}${suffix}`;
  }

  /** The raw response of a successful request (2xx); anything else is thrown as a ProblemError. */
  async send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    const key = this.#options.getKey();
    if (key) headers.authorization = `Bearer ${key}`;
    let body: BodyInit | undefined;
    if (options.body instanceof FormData) body = options.body;
    else if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    const fetcher = this.#options.fetch ?? globalThis.fetch.bind(globalThis);
    let response: Response;
    try {
      response = await fetcher(this.url(path, options.query), { method, headers, ...(body !== undefined ? { body } : {}), ...(options.signal ? { signal: options.signal } : {}) });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      throw new ProblemError(networkProblem(error));
    }
    if (response.ok) return response;
    const problem = await readProblem(response);
    if (response.status === 401) {
      this.reportUnauthenticated(problem);
      throw new UnauthenticatedError(problem);
    }
    throw new ProblemError(problem);
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.send(method, path, options);
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  get<T>(path: string, options?: RequestOptions): Promise<T> {
    return this.request<T>('GET', path, options);
  }

  post<T>(path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('POST', path, { ...options, body });
  }

  put<T>(path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('PUT', path, { ...options, body });
  }

  delete<T>(path: string, options?: RequestOptions): Promise<T> {
    return this.request<T>('DELETE', path, options);
  }
}
