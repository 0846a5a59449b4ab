import { useState } from 'react';
import type { ApiClient } from '../../api/api-client';
import { EmptyState } from '../../components/empty-state';
import { RequestFailure } from '../../components/not-available';
import { SeverityBadge, type Severity } from '../../components/severity-badge';
import { useRequest } from '../../components/use-request';
import { useText } from '../../i18n/use-text';
import type { Page } from './compliance-types';

const reviewStates = ['needs_review', 'disputed', 'auto_passed', 'confirmed', 'overturned'] as const;

interface InspectionSummary {
  id: string;
  conversationId: string;
  externalId: string | null;
  scorecard: { id: string; version: string };
  score: number;
  passed: boolean;
  severity: 'none' | Severity;
  confidence: number;
  reviewState: (typeof reviewStates)[number];
  callStartedAt: string;
  agent: string | null;
  team: string | null;
  failedItems: string[];
}

interface Inspection extends InspectionSummary {
  items: { itemId: string; title: string; kind: string; severity: Severity; weight: number; status: 'passed' | 'failed' | 'not_applicable'; confidence: number; decidedBy: string; evidence: { turnId: string; text?: string }[]; note?: string }[];
  reviews: { id: string; action: string; fromState: string; toState: string; comment: string | null; at: string }[];
}

const statusIcon = { passed: '✔', failed: '✖', not_applicable: '–' } as const;

/** Quality inspection (智能质检): the review queue, each call's scorecard, and confirm / overturn / dispute (branch wt-inspections). */
export function InspectionsView({ client }: { client: ApiClient }) {
  const { t } = useText();
  const [state, setState] = useState<string>('needs_review');
  const [agent, setAgent] = useState('');
  const [generation, setGeneration] = useState(0);
  const [selected, setSelected] = useState<string>();
  const list = useRequest(() => client.get<Page<InspectionSummary>>('/v1/inspections', { query: { state: state || undefined, agent: agent.trim() || undefined, limit: 100 } }), [state, agent, generation]);
  const items = list.data?.items ?? [];
  return (
    <div className="split">
      <section className="stack" aria-label={t('compliance.inspections.title')}>
        <div className="filters">
          <label>
            {t('compliance.inspections.state')}
            <select value={state} onChange={(event) => setState(event.target.value)}>
              <option value="">{t('compliance.any')}</option>
              {reviewStates.map((value) => (
                <option key={value} value={value}>
                  {t(`compliance.inspections.states.${value}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('compliance.inspections.agent')}
            <input value={agent} onChange={(event) => setAgent(event.target.value)} />
          </label>
        </div>
        <RequestFailure error={list.error} onRetry={list.reload} />
        {list.data && items.length === 0 && <EmptyState />}
        {items.length > 0 && (
          <div className="table-scroll">
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">{t('compliance.inspections.call')}</th>
                  <th scope="col">{t('compliance.inspections.score')}</th>
                  <th scope="col">{t('compliance.severity')}</th>
                  <th scope="col">{t('compliance.inspections.state')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((item) => (
                  <tr key={item.id} className={item.id === selected ? 'selected' : undefined}>
                    <td>
                      <button type="button" className="link-button" onClick={() => setSelected(item.id)}>
                        {item.externalId ?? item.conversationId.slice(0, 8)}
                      </button>
                      <div className="muted">
                        {item.callStartedAt.slice(0, 16).replace('T', ' ')} · {item.agent ?? '—'} · {item.team ?? '—'}
                      </div>
                    </td>
                    <td>
                      {item.score.toFixed(0)}% {item.passed ? '✔' : '✖'}
                    </td>
                    <td>{item.severity === 'none' ? '—' : <SeverityBadge severity={item.severity} />}</td>
                    <td>{t(`compliance.inspections.states.${item.reviewState}`)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {selected ? <InspectionDetail key={selected} client={client} id={selected} onReviewed={() => setGeneration((value) => value + 1)} /> : <EmptyState>{t('compliance.inspections.pick')}</EmptyState>}
    </div>
  );
}

function InspectionDetail({ client, id, onReviewed }: { client: ApiClient; id: string; onReviewed: () => void }) {
  const { t } = useText();
  const [generation, setGeneration] = useState(0);
  const { data, error } = useRequest(() => client.get<Inspection>(`/v1/inspections/${id}`), [id, generation]);
  const [comment, setComment] = useState('');
  const [reviewError, setReviewError] = useState<unknown>();
  const review = async (action: 'confirm' | 'overturn' | 'dispute') => {
    setReviewError(undefined);
    try {
      await client.post(`/v1/inspections/${id}/review`, { action, ...(comment.trim() ? { comment: comment.trim() } : {}) });
      setComment('');
      setGeneration((value) => value + 1);
      onReviewed();
    } catch (failure) {
      setReviewError(failure);
    }
  };
  return (
    <section className="panel stack" aria-label={t('compliance.inspections.scorecard')} data-testid="inspection-detail" data-review-state={data?.reviewState}>
      <RequestFailure error={error} />
      {data && (
        <>
          <h2>
            {data.scorecard.id} <span className="muted">v{data.scorecard.version}</span> · {data.score.toFixed(0)}%
          </h2>
          <p className="muted">
            {t(`compliance.inspections.states.${data.reviewState}`)} · {t('compliance.inspections.confidence')} {data.confidence.toFixed(2)}
          </p>
          <table className="data-table">
            <tbody>
              {data.items.map((item) => (
                <tr key={item.itemId} data-status={item.status}>
                  <td aria-label={item.status}>{statusIcon[item.status]}</td>
                  <td>
                    {item.title}
                    <div className="muted">
                      {item.kind} · {item.decidedBy} · {t('compliance.inspections.weight')} {item.weight}
                    </div>
                    {item.evidence
                      .filter((evidence) => evidence.text)
                      .map((evidence, index) => (
                        <div key={index}>
                          <mark>{evidence.text}</mark>
                        </div>
                      ))}
                    {item.note && <div className="muted">{item.note}</div>}
                  </td>
                  <td>
                    <SeverityBadge severity={item.severity} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <label>
            {t('compliance.inspections.comment')}
            <textarea rows={2} value={comment} onChange={(event) => setComment(event.target.value)} />
          </label>
          <div className="filters">
            <button type="button" onClick={() => review('confirm')}>
              {t('compliance.inspections.confirm')}
            </button>
            <button type="button" className="secondary" onClick={() => review('overturn')}>
              {t('compliance.inspections.overturn')}
            </button>
            <button type="button" className="secondary" onClick={() => review('dispute')}>
              {t('compliance.inspections.dispute')}
            </button>
          </div>
          <RequestFailure error={reviewError} />
          {data.reviews.length > 0 && (
            <ul className="muted">
              {data.reviews.map((entry) => (
                <li key={entry.id}>
                  {entry.at.slice(0, 16).replace('T', ' ')} {entry.action}: {entry.fromState} → {entry.toState} {entry.comment ? `— ${entry.comment}` : ''}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
