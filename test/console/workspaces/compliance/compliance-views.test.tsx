// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiClient } from '../../../../console/src/api/api-client';
import { mergeCatalogues } from '../../../../console/src/app';
import { TextProvider } from '../../../../console/src/i18n/use-text';
import { EvalReportFrame } from '../../../../console/src/workspaces/compliance/eval-report-frame';
import { SentenceTestView } from '../../../../console/src/workspaces/compliance/sentence-test-view';
import { workspaces } from '../../../../console/src/workspaces/index';

afterEach(cleanup);

const catalogues = mergeCatalogues(workspaces);
function inEnglish(node: React.ReactNode) {
  localStorage.setItem('agent-assist.language', 'en');
  return render(<TextProvider catalogues={catalogues}>{node}</TextProvider>);
}

describe('SentenceTestView', () => {
  it('checks with explain and marks the evidence in the sentence, each finding with its severity badge and fix', async () => {
    const bodies: unknown[] = [];
    const text = 'Returns are guaranteed, no risk at all.';
    const fetcher = vi.fn(async (_url: string, init: RequestInit) => {
      bodies.push(JSON.parse(String(init.body)));
      return new Response(
        JSON.stringify({
          verdict: 'fail',
          rulesVersion: 'v1',
          tookMs: 1,
          findings: [{ ruleId: 'EN-1', severity: 'critical', kind: 'forbidden_statement', title: 'No guaranteed returns', source: 'Rule book 1', evidence: { start: 12, end: 22, text: 'guaranteed' }, explanation: 'why', fix: 'say it may lose value', explain: { detector: 'frame', frame: 'guarantee', matches: [{ slot: 'claim', text: 'guaranteed' }] } }],
        }),
        { status: 200 },
      );
    });
    const client = new ApiClient({ getKey: () => 'k', fetch: fetcher as unknown as typeof fetch });
    const { container } = inEnglish(<SentenceTestView client={client} />);
    fireEvent.change(container.querySelector('textarea[name="text"]')!, { target: { value: text } });
    fireEvent.submit(container.querySelector('form')!);
    const result = await screen.findByTestId('check-result');
    expect(bodies[0]).toEqual({ text, speaker: 'agent', explain: true });
    expect(result.getAttribute('data-verdict')).toBe('fail');
    expect(result.querySelector('.passage')?.textContent).toBe(text);
    expect(result.querySelector('.passage mark')?.textContent).toBe('guaranteed');
    expect(result.querySelector('[data-severity="critical"]')).not.toBeNull();
    expect(result.textContent).toContain('say it may lose value');
    expect(result.textContent).toContain('claim');
  });
});

describe('EvalReportFrame', () => {
  it('fetches the HTML report with the Bearer header and shows it sandboxed, without same-origin', async () => {
    const fetcher = vi.fn(async () => new Response('<!doctype html><title>report</title><div id="app">r</div>', { status: 200, headers: { 'content-type': 'text/html' } }));
    const client = new ApiClient({ getKey: () => 'secret', fetch: fetcher as unknown as typeof fetch });
    inEnglish(<EvalReportFrame client={client} runId="run-1" />);
    const frame = await screen.findByTestId('eval-report');
    const [url, init] = fetcher.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/v1/evals/runs/run-1?format=html');
    expect((init.headers as Record<string, string>).authorization).toBe('Bearer secret');
    expect(frame.getAttribute('sandbox')).toBe('allow-scripts');
    await waitFor(() => expect(frame.getAttribute('srcdoc')).toContain('<div id="app">r</div>'));
  });
});
