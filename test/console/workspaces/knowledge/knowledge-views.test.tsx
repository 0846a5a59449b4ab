// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiClient } from '../../../../console/src/api/api-client';
import { mergeCatalogues } from '../../../../console/src/app';
import { TextProvider } from '../../../../console/src/i18n/use-text';
import { workspaces } from '../../../../console/src/workspaces/index';
import { HitTestView } from '../../../../console/src/workspaces/knowledge/hit-test-view';
import { ReviewView } from '../../../../console/src/workspaces/knowledge/review-view';

afterEach(cleanup);

const catalogues = mergeCatalogues(workspaces);
const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' } });

function inEnglish(node: React.ReactNode) {
  localStorage.setItem('agent-assist.language', 'en');
  return render(<TextProvider catalogues={catalogues}>{node}</TextProvider>);
}

describe('HitTestView', () => {
  it('asks for explain as of the chosen date and shows each leg, the matched words marked, and opens the passage', async () => {
    const requests: { url: string; body: unknown }[] = [];
    const fetcher = vi.fn(async (url: string, init: RequestInit) => {
      requests.push({ url, body: JSON.parse(String(init.body)) });
      return json(200, {
        tookMs: 3.2,
        queryTokens: ['annual', 'fee'],
        results: [
          { chunkId: 'c1', documentId: 'd1', externalId: 'card-fee', version: 2, title: 'Card fees', kind: 'product', text: 'The annual fee is waived after six purchases.', score: 1, confidence: 0.91, explain: { lexical: { rank: 1, score: 7.25, matchedTokens: ['annual', 'fee'] }, vector: null, fusedScore: 0.031 } },
        ],
      });
    });
    const client = new ApiClient({ getKey: () => 'k', fetch: fetcher as unknown as typeof fetch });
    const onOpenPassage = vi.fn();
    const { container } = inEnglish(<HitTestView client={client} onOpenPassage={onOpenPassage} />);
    fireEvent.change(container.querySelector('textarea[name="query"]')!, { target: { value: 'annual fee?' } });
    fireEvent.change(container.querySelector('input[name="asOf"]')!, { target: { value: '2026-03-01' } });
    fireEvent.submit(container.querySelector('form')!);
    await screen.findByTestId('hit-results');
    expect(requests[0]).toEqual({ url: '/v1/knowledge/search', body: { query: 'annual fee?', topK: 10, explain: true, asOf: '2026-03-01' } });
    const result = container.querySelector('[data-rank="1"]')!;
    expect(result.querySelector('[data-leg="lexical"]')?.textContent).toContain('#1 · 7.250');
    expect(result.querySelector('[data-leg="vector"]')?.textContent).toContain('not retrieved');
    expect([...result.querySelectorAll('mark')].map((mark) => mark.textContent)).toEqual(['annual', 'fee']);
    fireEvent.click(screen.getByRole('button', { name: 'Open the passage and its version' }));
    expect(onOpenPassage).toHaveBeenCalledWith({ documentId: 'd1', version: 2, chunkId: 'c1' });
  });

  it("shows the API's problem for bad input, naming the field", async () => {
    const fetcher = async () => json(400, { type: 'x/invalid_request', title: 'Invalid request', status: 400, detail: 'query: required', errors: [{ field: 'query', message: 'Too small: expected string to have >=1 characters' }] });
    const client = new ApiClient({ getKey: () => 'k', fetch: fetcher as unknown as typeof fetch });
    const { container } = inEnglish(<HitTestView client={client} onOpenPassage={() => {}} />);
    fireEvent.submit(container.querySelector('form')!);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('query: Too small');
  });
});

describe('ReviewView', () => {
  it('says "not available" for the routes a server lacks and still shows the proposals it has', async () => {
    const noRoute = (path: string) => json(404, { type: 'x/not_found', title: 'Not found', status: 404, detail: `No route GET ${path}` });
    const fetcher = async (url: string) => {
      const path = url.split('?')[0]!;
      if (path === '/v1/knowledge/proposals') return json(200, { items: [{ id: 'p1', documentId: 'd1', title: 'Card fees', question: 'is the fee waived', timesProposed: 3, origin: 'suggestion_accepted', createdAt: '2026-01-01T00:00:00Z' }] });
      if (path === '/v1/knowledge/documents') return json(200, { items: [] });
      return noRoute(path);
    };
    const client = new ApiClient({ getKey: () => 'k', fetch: fetcher as unknown as typeof fetch });
    inEnglish(<ReviewView client={client} refreshKey={0} onOpenPassage={() => {}} />);
    await screen.findByText('is the fee waived');
    await waitFor(() => expect(screen.getAllByTestId('not-available')).toHaveLength(3));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('shows a 5xx as an error with a retry, not as "not available"', async () => {
    const fetcher = async () => json(500, { type: 'x/internal_error', title: 'Internal server error', status: 500, detail: 'hidden', requestId: 'req-1' });
    const client = new ApiClient({ getKey: () => 'k', fetch: fetcher as unknown as typeof fetch });
    inEnglish(<ReviewView client={client} refreshKey={0} onOpenPassage={() => {}} />);
    await waitFor(() => expect(screen.getAllByRole('alert').length).toBeGreaterThan(0));
    expect(screen.queryByTestId('not-available')).toBeNull();
  });
});
