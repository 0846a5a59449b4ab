import { useEffect, useMemo, useState, type FormEvent } from 'react';
import type { ApiClient } from '../../api/api-client';
import { EmptyState } from '../../components/empty-state';
import { RequestFailure } from '../../components/not-available';
import { useRequest } from '../../components/use-request';
import { useText } from '../../i18n/use-text';
import type { EvalReport, Page, RunListItem } from './compliance-types';
import { EvalReportFrame } from './eval-report-frame';

const finished = (status: string) => status !== 'queued' && status !== 'running';
const percent = (value: number | null | undefined) => (value === null || value === undefined ? '—' : `${(value * 100).toFixed(1)}%`);
const pollMilliseconds = 1500;

/** Eval suites: start a run (against the approved baseline), follow it, read regressions, open the report, approve a baseline. */
export function EvalView({ client }: { client: ApiClient }) {
  const { t } = useText();
  const [generation, setGeneration] = useState(0);
  const [suiteFilter, setSuiteFilter] = useState('');
  const history = useRequest(() => client.get<Page<RunListItem>>('/v1/evals/runs', { query: { limit: 100, suite: suiteFilter || undefined } }), [generation, suiteFilter]);
  const [suite, setSuite] = useState('');
  const [compare, setCompare] = useState<boolean>();
  const [selected, setSelected] = useState<string>();
  const [startError, setStartError] = useState<unknown>();
  const runs = history.data?.items ?? [];
  const suites = useMemo(() => [...new Set(runs.map((run) => run.suite))].sort(), [runs]);
  const hasApproved = runs.some((run) => run.suite === suite.trim() && run.approved);
  const compareWithBaseline = compare ?? hasApproved;

  const start = async (event: FormEvent) => {
    event.preventDefault();
    setStartError(undefined);
    try {
      const answer = await client.post<{ runId: string }>('/v1/evals/runs', { suite: suite.trim(), ...(compareWithBaseline ? { baseline: 'approved' } : {}) });
      setSelected(answer.runId);
      setGeneration((value) => value + 1);
    } catch (error) {
      setStartError(error);
    }
  };

  return (
    <div className="split">
      <section className="stack" aria-label={t('compliance.evals.title')}>
        <form className="panel filters" onSubmit={start}>
          <label>
            {t('compliance.evals.suite')}
            <input name="suite" list="eval-suites" value={suite} onChange={(event) => setSuite(event.target.value)} placeholder="compliance-zh" required />
            <datalist id="eval-suites">
              {suites.map((name) => (
                <option key={name} value={name} />
              ))}
            </datalist>
          </label>
          <label className="inline-choice">
            <input type="checkbox" checked={compareWithBaseline} onChange={(event) => setCompare(event.target.checked)} /> {t('compliance.evals.compare')}
          </label>
          <button type="submit">{t('compliance.evals.run')}</button>
        </form>
        <RequestFailure error={startError} />
        <div className="filters">
          <label>
            {t('compliance.evals.filterSuite')}
            <select value={suiteFilter} onChange={(event) => setSuiteFilter(event.target.value)}>
              <option value="">{t('compliance.any')}</option>
              {suites.map((name) => (
                <option key={name}>{name}</option>
              ))}
            </select>
          </label>
          <button type="button" className="secondary" onClick={() => setGeneration((value) => value + 1)}>
            {t('compliance.refresh')}
          </button>
        </div>
        <RequestFailure error={history.error} onRetry={history.reload} />
        {history.data && runs.length === 0 && <EmptyState />}
        {runs.length > 0 && (
          <div className="table-scroll">
            <table className="data-table" data-testid="run-history">
              <thead>
                <tr>
                  <th scope="col">{t('compliance.evals.suite')}</th>
                  <th scope="col">{t('compliance.evals.status')}</th>
                  <th scope="col">{t('compliance.evals.passRate')}</th>
                  <th scope="col">{t('compliance.evals.started')}</th>
                </tr>
              </thead>
              <tbody>
                {runs.map((run) => (
                  <tr key={run.runId} className={run.runId === selected ? 'selected' : undefined} data-run-id={run.runId}>
                    <td>
                      <button type="button" className="link-button" onClick={() => setSelected(run.runId)}>
                        {run.suite}
                      </button>
                      {run.approved && <span className="badge neutral"> ★ {t('compliance.evals.baseline')}</span>}
                    </td>
                    <td>{t(`compliance.evals.state.${run.status}`)}</td>
                    <td>{percent(run.passRate)}</td>
                    <td>{run.createdAt.slice(0, 16).replace('T', ' ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {selected ? <RunDetail key={selected} client={client} runId={selected} onChanged={() => setGeneration((value) => value + 1)} /> : <EmptyState>{t('compliance.evals.pick')}</EmptyState>}
    </div>
  );
}

function RunDetail({ client, runId, onChanged }: { client: ApiClient; runId: string; onChanged: () => void }) {
  const { t } = useText();
  const [tick, setTick] = useState(0);
  const { data, error } = useRequest(() => client.get<EvalReport>(`/v1/evals/runs/${runId}`), [runId, tick]);
  const [showReport, setShowReport] = useState(false);
  const [approveError, setApproveError] = useState<unknown>();
  const done = data ? finished(data.status) : false;
  // Poll while the run is queued or running; the history row changes when it finishes.
  useEffect(() => {
    if (!data || done) return;
    const timer = setTimeout(() => setTick((value) => value + 1), pollMilliseconds);
    return () => clearTimeout(timer);
  }, [data, done]);
  useEffect(() => {
    if (done) onChanged();
    // Only the transition to finished matters, not a new onChanged identity.
  }, [done]);
  const approve = async () => {
    setApproveError(undefined);
    try {
      await client.post(`/v1/evals/runs/${runId}/approve`);
      setTick((value) => value + 1);
      onChanged();
    } catch (failure) {
      setApproveError(failure);
    }
  };
  return (
    <section className="panel stack" aria-label={t('compliance.evals.run')} data-testid="run-detail" data-status={data?.status}>
      <RequestFailure error={error} />
      {data && (
        <>
          <h2>
            {data.suite.name} <span className="muted">v{data.suite.version}</span>
          </h2>
          <p aria-live="polite">
            {t(`compliance.evals.state.${data.status}`)}
            {data.totals && ` · ${t('compliance.evals.totals', { passed: data.totals.passed, cases: data.totals.cases, failed: data.totals.failed, errors: data.totals.errors, rate: percent(data.totals.passRate) })}`}
            {data.approved && ` · ★ ${t('compliance.evals.baseline')}`}
          </p>
          {data.error && <p className="error-banner">{data.error}</p>}
          {data.comparison && (
            <section aria-label={t('compliance.evals.regressions')}>
              <h3>
                {t('compliance.evals.regressions')} ({data.comparison.regressions.length})
              </h3>
              <p className="muted">{t('compliance.evals.against', { source: data.comparison.baseline.runId ?? data.comparison.baseline.source })}</p>
              {data.comparison.regressions.length === 0 ? (
                <p>✔ {t('compliance.evals.noRegression')}</p>
              ) : (
                <ul data-testid="regressions">
                  {data.comparison.regressions.map((regression) => (
                    <li key={regression.id}>
                      ✖ <code>{regression.id}</code> {regression.before} → {regression.after}
                      {regression.reasons.length > 0 && <span className="muted"> — {regression.reasons.join('; ')}</span>}
                    </li>
                  ))}
                </ul>
              )}
              {data.comparison.fixes.length > 0 && <p className="muted">{t('compliance.evals.fixes', { count: data.comparison.fixes.length })}</p>}
            </section>
          )}
          {done && (
            <>
              <h3>{t('compliance.evals.failing')}</h3>
              {data.cases.filter((item) => item.status !== 'pass').length === 0 ? (
                <p>✔ {t('compliance.evals.allPass')}</p>
              ) : (
                <ul className="table-scroll">
                  {data.cases
                    .filter((item) => item.status !== 'pass')
                    .map((item) => (
                      <li key={item.id}>
                        <code>{item.id}</code> {item.status} <span className="muted">{item.checks.filter((check) => check.status !== 'pass').map((check) => `${check.name}: ${check.reason}`).join('; ') || item.error}</span>
                      </li>
                    ))}
                </ul>
              )}
              <div className="filters">
                <button type="button" onClick={() => setShowReport((value) => !value)} aria-expanded={showReport}>
                  {showReport ? t('compliance.evals.hideReport') : t('compliance.evals.openReport')}
                </button>
                {!data.approved && (
                  <button type="button" className="secondary" onClick={approve}>
                    {t('compliance.evals.approve')}
                  </button>
                )}
              </div>
              <RequestFailure error={approveError} />
              {showReport && <EvalReportFrame client={client} runId={runId} />}
            </>
          )}
        </>
      )}
    </section>
  );
}
