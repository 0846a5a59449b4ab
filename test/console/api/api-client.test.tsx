// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { ApiClient } from '../../../console/src/api/api-client';
import { ProblemError, UnauthenticatedError } from '../../../console/src/api/problem-error';

describe('ApiClient', () => {
  it('sends the key as a Bearer header, never in the URL, and JSON bodies', async () => {
    const fetcher = vi.fn(async () => new Response(JSON.stringify({ id: 'c1' }), { status: 201 }));
    const client = new ApiClient({ getKey: () => 'secret-key', fetch: fetcher as typeof fetch });
    const created = await client.post<{ id: string }>('/v1/conversations', { language: 'zh' }, { query: { a: 1, b: undefined } });
    expect(created).toEqual({ id: 'c1' });
    const [url, init] = fetcher.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/v1/conversations?a=1');
    expect(url).not.toContain('secret-key');
    expect((init.headers as Record<string, string>).authorization).toBe('Bearer secret-key');
    expect(init.body).toBe('{"language":"zh"}');
  });

  it('throws the API problem, with its fields, and UnauthenticatedError on 401 after telling the session', async () => {
    const body = { type: 'https://agent-assist.dev/problems/invalid_request', title: 'Invalid request', status: 400, detail: 'text: required', errors: [{ field: 'text', message: 'required' }], requestId: 'r1' };
    const onUnauthenticated = vi.fn();
    const answers = [new Response(JSON.stringify(body), { status: 400 }), new Response(JSON.stringify({ ...body, status: 401, title: 'Unauthenticated' }), { status: 401 })];
    const client = new ApiClient({ getKey: () => 'k', fetch: (async () => answers.shift()) as unknown as typeof fetch, onUnauthenticated });
    const bad = await client.post('/v1/x', {}).catch((error: unknown) => error);
    expect(bad).toBeInstanceOf(ProblemError);
    expect((bad as ProblemError).code).toBe('invalid_request');
    expect((bad as ProblemError).problem.errors).toEqual([{ field: 'text', message: 'required' }]);
    const refused = await client.get('/v1/x').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(UnauthenticatedError);
    expect(onUnauthenticated).toHaveBeenCalledTimes(1);
  });

  it('turns a proxy HTML error page and a network failure into problems with a status', async () => {
    const answers: (() => Response)[] = [() => new Response('<html><body><h1>502 Bad Gateway</h1></body></html>', { status: 502, statusText: 'Bad Gateway' })];
    const client = new ApiClient({
      getKey: () => 'k',
      fetch: (async () => {
        const next = answers.shift();
        if (!next) throw new TypeError('Failed to fetch');
        return next();
      }) as typeof fetch,
    });
    const gateway = (await client.get('/v1/x').catch((error: unknown) => error)) as ProblemError;
    expect(gateway.status).toBe(502);
    expect(gateway.problem.detail).toBe('502 Bad Gateway');
    const down = (await client.get('/v1/x').catch((error: unknown) => error)) as ProblemError;
    expect(down).toBeInstanceOf(ProblemError);
    expect(down.status).toBe(0);
  });
});
