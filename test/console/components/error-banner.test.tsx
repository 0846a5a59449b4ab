// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ProblemError } from '../../../console/src/api/problem-error';
import { ErrorBanner } from '../../../console/src/components/error-banner';
import { SeverityBadge } from '../../../console/src/components/severity-badge';
import { shellCatalogues, TextProvider } from '../../../console/src/i18n/use-text';

afterEach(cleanup);

function inEnglish(node: React.ReactNode) {
  localStorage.setItem('agent-assist.language', 'en');
  return render(<TextProvider catalogues={shellCatalogues}>{node}</TextProvider>);
}

describe('ErrorBanner', () => {
  it("shows a 4xx in the API's words with each bad field", () => {
    const error = new ProblemError({ type: 'x/invalid_request', title: 'Invalid request', status: 400, detail: 'text: required', errors: [{ field: 'text', message: 'required' }], requestId: 'req-9' });
    inEnglish(<ErrorBanner error={error} />);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('Invalid request: text: required');
    expect(alert.textContent).toContain('text: required');
    expect(alert.textContent).toContain('req-9');
  });

  it('shows a 5xx as a failure on our side with its request id, and no banner without an error', () => {
    const error = new ProblemError({ type: 'x/internal_error', title: 'Internal server error', status: 500, detail: 'hidden', requestId: 'req-5' });
    const { rerender } = inEnglish(<ErrorBanner error={error} />);
    expect(screen.getByRole('alert').textContent).toContain(shellCatalogues.en['error.server']);
    expect(screen.getByRole('alert').textContent).toContain('req-5');
    rerender(
      <TextProvider catalogues={shellCatalogues}>
        <ErrorBanner error={undefined} />
      </TextProvider>,
    );
    expect(screen.queryByRole('alert')).toBeNull();
  });
});

describe('SeverityBadge', () => {
  it('never relies on colour alone: each level has its word and its own icon', () => {
    inEnglish(
      <>
        <SeverityBadge severity="critical" />
        <SeverityBadge severity="major" />
        <SeverityBadge severity="minor" />
      </>,
    );
    const badges = [...document.querySelectorAll('[data-severity]')];
    expect(badges.map((badge) => badge.textContent?.replace(/^\S+\s/, ''))).toEqual(['Critical', 'Major', 'Minor']);
    expect(new Set(badges.map((badge) => badge.querySelector('[aria-hidden]')?.textContent)).size).toBe(3);
  });
});
