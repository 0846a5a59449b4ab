// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { ApiClient } from '../../../console/src/api/api-client';
import { isMissingRoute } from '../../../console/src/api/missing-route';
import { ProblemError, UnauthenticatedError } from '../../../console/src/api/problem-error';
import { uploadWithProgress } from '../../../console/src/api/upload-with-progress';

/** Just enough of XMLHttpRequest to play a server: records what was sent, then reports progress and an answer. */
class FakeRequest {
  headers: Record<string, string> = {};
  method = '';
  url = '';
  body: unknown;
  status = 0;
  statusText = '';
  responseText = '';
  responseHeaders: Record<string, string> = {};
  upload: { onprogress: ((event: { loaded: number; total: number; lengthComputable: boolean }) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(private readonly answer: (request: FakeRequest) => void) {}
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  getResponseHeader(name: string) {
    return this.responseHeaders[name] ?? null;
  }
  send(body: unknown) {
    this.body = body;
    queueMicrotask(() => this.answer(this));
  }
}

function respond(status: number, body: unknown, progress: number[] = []) {
  return (request: FakeRequest) => {
    for (const loaded of progress) request.upload.onprogress?.({ loaded, total: 100, lengthComputable: true });
    request.status = status;
    request.responseText = typeof body === 'string' ? body : JSON.stringify(body);
    request.onload?.();
  };
}

describe('uploadWithProgress', () => {
  it('sends the form with the Bearer header (never in the URL), reports progress and returns the JSON answer', async () => {
    const client = new ApiClient({ getKey: () => 'secret-key' });
    let sent: FakeRequest | undefined;
    const progress = vi.fn();
    const form = new FormData();
    form.append('kind', 'faq');
    const answer = await uploadWithProgress<{ documentId: string }>(client, '/v1/knowledge/documents', form, progress, () => (sent = new FakeRequest(respond(201, { documentId: 'd1' }, [40, 100]))) as unknown as XMLHttpRequest);
    expect(answer).toEqual({ documentId: 'd1' });
    expect(sent?.method).toBe('POST');
    expect(sent?.url).toBe('/v1/knowledge/documents');
    expect(sent?.headers.authorization).toBe('Bearer secret-key');
    expect(sent?.body).toBe(form);
    expect(progress.mock.calls.map(([value]) => value)).toEqual([
      { loaded: 40, total: 100 },
      { loaded: 100, total: 100 },
    ]);
  });

  it("rejects with the API's problem, its fields kept, and ends the session on 401", async () => {
    const onUnauthenticated = vi.fn();
    const client = new ApiClient({ getKey: () => 'k', onUnauthenticated });
    const problem = { type: 'https://agent-assist.dev/problems/invalid_request', title: 'Invalid request', status: 400, detail: "cannot tell the format of 'a.xyz'", errors: [{ field: 'format', message: 'required for this file name' }] };
    const refused = await uploadWithProgress(client, '/x', new FormData(), () => {}, () => new FakeRequest(respond(400, problem)) as unknown as XMLHttpRequest).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ProblemError);
    expect((refused as ProblemError).problem.errors).toEqual(problem.errors);
    const expired = await uploadWithProgress(client, '/x', new FormData(), () => {}, () => new FakeRequest(respond(401, { ...problem, status: 401, title: 'Unauthenticated' })) as unknown as XMLHttpRequest).catch((error: unknown) => error);
    expect(expired).toBeInstanceOf(UnauthenticatedError);
    expect(onUnauthenticated).toHaveBeenCalledTimes(1);
    const proxy = await uploadWithProgress(client, '/x', new FormData(), () => {}, () => new FakeRequest(respond(502, '<h1>Bad gateway</h1>')) as unknown as XMLHttpRequest).catch((error: unknown) => error);
    expect((proxy as ProblemError).status).toBe(502);
  });
});

describe('isMissingRoute', () => {
  it("tells a route the server lacks from a missing resource on a route it has", () => {
    const missingRoute = new ProblemError({ type: 'x/not_found', title: 'Not found', status: 404, detail: 'No route GET /v1/knowledge/review-queue' });
    const missingDocument = new ProblemError({ type: 'x/not_found', title: 'Not found', status: 404, detail: 'document 1 not found' });
    expect(isMissingRoute(missingRoute)).toBe(true);
    expect(isMissingRoute(missingDocument)).toBe(false);
    expect(isMissingRoute(new Error('No route'))).toBe(false);
  });
});
