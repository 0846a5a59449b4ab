/** A problem the service answered (RFC 9457), or a service that could not be reached: shown as its title and detail. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors: { field: string; message: string }[] = [],
  ) {
    super(`${title}: ${detail}`);
    this.name = 'ApiError';
  }
}

type Query = Record<string, string | number | boolean | undefined>;

/**
 * The CLI's way to a running service: fetch with the API key, JSON in and out, problems as ApiError. Kept tiny on
 * purpose: the HTTP API is the contract, this only speaks it.
 */
export class ApiClient {
  readonly #base: URL;
  readonly #apiKey: string | undefined;

  constructor(baseUrl: string, apiKey?: string) {
    this.#base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
    this.#apiKey = apiKey;
  }

  async request<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, options: { query?: Query; json?: unknown; form?: FormData } = {}): Promise<T> {
    const url = new URL(path.replace(/^\//, ''), this.#base);
    for (const [name, value] of Object.entries(options.query ?? {})) if (value !== undefined) url.searchParams.set(name, String(value));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.#apiKey) headers.authorization = `Bearer ${this.#apiKey}`;
    if (options.json !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(url, { method, headers, ...(options.json !== undefined ? { body: JSON.stringify(options.json) } : options.form ? { body: options.form } : {}) });
    } catch (error) {
      const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
      throw new ApiError(0, 'Service unreachable', `cannot reach ${this.#base.origin} (AGENT_ASSIST_URL): ${cause}`);
    }
    const text = await response.text();
    if (!response.ok) {
      const problem = parseJson(text) as { title?: string; detail?: string; errors?: { field: string; message: string }[] } | undefined;
      throw new ApiError(response.status, problem?.title ?? `HTTP ${response.status}`, problem?.detail ?? (text.slice(0, 500) || response.statusText), problem?.errors ?? []);
    }
    return (text === '' ? undefined : parseJson(text)) as T;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
