import { useEffect, useState } from 'react';
import type { ApiClient } from '../../api/api-client';
import { RequestFailure } from '../../components/not-available';
import { useText } from '../../i18n/use-text';

/**
 * The run's HTML report inside the console. A browser cannot add the Bearer header to an iframe's own request, so
 * the report is fetched with it and shown through srcdoc, sandboxed without same-origin: its scripts (filters,
 * folding) run, but in an opaque origin that can read neither the session key nor the console.
 */
export function EvalReportFrame({ client, runId }: { client: ApiClient; runId: string }) {
  const { t } = useText();
  const [html, setHtml] = useState<string>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    let current = true;
    setHtml(undefined);
    setError(undefined);
    client
      .send('GET', `/v1/evals/runs/${runId}`, { query: { format: 'html' }, headers: { accept: 'text/html' } })
      .then((response) => response.text())
      .then(
        (text) => current && setHtml(text),
        (failure: unknown) => current && setError(failure),
      );
    return () => {
      current = false;
    };
  }, [client, runId]);
  if (error) return <RequestFailure error={error} />;
  if (html === undefined) return <p className="muted">{t('compliance.loading')}</p>;
  return <iframe className="report-frame" title={t('compliance.evals.report')} sandbox="allow-scripts" srcDoc={html} data-testid="eval-report" />;
}
