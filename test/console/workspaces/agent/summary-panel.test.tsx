// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { SummaryReview } from '../../../../console/src/api/api-types';
import { ProblemError } from '../../../../console/src/api/problem-error';
import { shellCatalogues, TextProvider } from '../../../../console/src/i18n/use-text';
import en from '../../../../console/src/workspaces/agent/messages.en.json';
import zh from '../../../../console/src/workspaces/agent/messages.zh.json';
import { SummaryPanel, type SaveSummary } from '../../../../console/src/workspaces/agent/summary-panel';
import { lostCardSummary } from './lost-card-summary';

afterEach(cleanup);

const generated = lostCardSummary();

function renderPanel(onSave: SaveSummary, review: SummaryReview = { summary: generated, revision: 0, confirmed: false, edited: false }) {
  localStorage.setItem('agent-assist.language', 'en');
  const catalogues = { en: { ...shellCatalogues.en, ...en }, zh: { ...shellCatalogues.zh, ...zh } };
  return render(
    <TextProvider catalogues={catalogues}>
      <SummaryPanel state="ready" summary={generated} review={review} turns={[]} onShowTurn={() => undefined} onSave={onSave} />
    </TextProvider>,
  );
}

describe('SummaryPanel', () => {
  it('confirms with only the changed fields and the revision read, then shows who confirmed it', async () => {
    const calls: Parameters<SaveSummary>[] = [];
    let current: SummaryReview | undefined;
    const onSave: SaveSummary = async (...args) => {
      calls.push(args);
      current = { summary: { ...generated, ...args[0] }, revision: 1, confirmed: args[1], confirmedBy: 'key-7', confirmedAt: '2026-01-01T00:00:00.000Z', edited: true };
      return current;
    };
    const { rerender } = renderPanel(onSave);
    fireEvent.change(screen.getByRole('textbox', { name: /Reason for the call/ }), { target: { value: 'Stolen card' } });
    fireEvent.click(screen.getByRole('button', { name: en['agent.summary.confirm'] }));
    await waitFor(() => expect(calls).toHaveLength(1));
    expect(calls[0]).toEqual([{ reason: 'Stolen card' }, true, 0]);
    const catalogues = { en: { ...shellCatalogues.en, ...en }, zh: { ...shellCatalogues.zh, ...zh } };
    rerender(
      <TextProvider catalogues={catalogues}>
        <SummaryPanel state="ready" summary={generated} review={current} turns={[]} onShowTurn={() => undefined} onSave={onSave} />
      </TextProvider>,
    );
    const status = await screen.findByText(en['agent.summary.confirmed']);
    expect(status.closest('.confirmed')?.textContent).toContain('key-7');
    expect((screen.getByRole('textbox', { name: /Reason for the call/ }) as HTMLTextAreaElement).disabled).toBe(true);
  });

  it("shows the API's refusal next to the form, naming the field, and keeps the edit", async () => {
    const onSave: SaveSummary = async () => {
      throw new ProblemError({ type: 'x/invalid_request', title: 'Invalid request', status: 400, detail: 'summary.dispositionCode: unknown disposition code', errors: [{ field: 'summary.dispositionCode', message: 'unknown disposition code NOPE' }] });
    };
    renderPanel(onSave);
    fireEvent.change(screen.getByLabelText(/Disposition code/), { target: { value: 'NOPE' } });
    fireEvent.click(screen.getByRole('button', { name: en['agent.summary.saveDraft'] }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('summary.dispositionCode');
    expect((screen.getByLabelText(/Disposition code/) as HTMLInputElement).value).toBe('NOPE');
  });
});
