import { useMemo, useState } from 'react';
import type { ApiClient } from '../../api/api-client';
import { EmptyState } from '../../components/empty-state';
import { RequestFailure } from '../../components/not-available';
import { VerdictBadge, type Verdict } from '../../components/severity-badge';
import { useRequest } from '../../components/use-request';
import { useText } from '../../i18n/use-text';
import type { AuditItem, Page } from './compliance-types';
import { PeriodFields } from './period-fields';

export type FeedbackFilter = '' | 'accepted' | 'edited' | 'dismissed' | 'none';

/** The agent's last word on a suggestion: what the desk finally did with it, or 'none'. */
export function lastFeedback(item: Pick<AuditItem, 'feedback'>): string {
  const last = item.feedback[item.feedback.length - 1];
  return typeof last?.action === 'string' ? last.action : 'none';
}

/** Audit items kept by the filters the route has no parameter for (verdict, feedback). */
export function filterAudit(items: readonly AuditItem[], verdict: '' | Verdict, feedback: FeedbackFilter): AuditItem[] {
  return items.filter((item) => (!verdict || item.guard.verdict === verdict) && (!feedback || lastFeedback(item) === feedback));
}

/** Every suggestion shown to an agent, with the guard's verdict, the model and prompt, and the agent's feedback. */
export function AuditView({ client }: { client: ApiClient }) {
  const { t } = useText();
  const [conversationId, setConversationId] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [verdict, setVerdict] = useState<'' | Verdict>('');
  const [feedback, setFeedback] = useState<FeedbackFilter>('');
  const [cursor, setCursor] = useState<string>();
  const { data, error, loading, reload } = useRequest(
    () => client.get<Page<AuditItem>>('/v1/audit/suggestions', { query: { conversationId: conversationId.trim() || undefined, from: from || undefined, to: to || undefined, limit: 200, cursor } }),
    [conversationId, from, to, cursor],
  );
  const items = useMemo(() => filterAudit(data?.items ?? [], verdict, feedback), [data, verdict, feedback]);
  return (
    <section className="stack" aria-label={t('compliance.audit.title')}>
      <div className="filters">
        <label>
          {t('compliance.audit.conversation')}
          <input value={conversationId} onChange={(event) => setConversationId(event.target.value)} size={36} />
        </label>
        <PeriodFields from={from} to={to} onFrom={setFrom} onTo={setTo} />
        <label>
          {t('compliance.audit.verdict')}
          <select value={verdict} onChange={(event) => setVerdict(event.target.value as '' | Verdict)}>
            <option value="">{t('compliance.any')}</option>
            {(['pass', 'warn', 'fail'] as const).map((value) => (
              <option key={value} value={value}>
                {t(`verdict.${value}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('compliance.audit.feedback')}
          <select value={feedback} onChange={(event) => setFeedback(event.target.value as FeedbackFilter)}>
            <option value="">{t('compliance.any')}</option>
            {(['accepted', 'edited', 'dismissed', 'none'] as const).map((value) => (
              <option key={value} value={value}>
                {t(`compliance.audit.action.${value}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="secondary" onClick={reload}>
          {t('compliance.refresh')}
        </button>
      </div>
      <RequestFailure error={error} onRetry={reload} />
      {loading && <p className="muted">{t('compliance.loading')}</p>}
      {data && items.length === 0 && <EmptyState />}
      {items.length > 0 && (
        <div className="table-scroll">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">{t('compliance.audit.time')}</th>
                <th scope="col">{t('compliance.audit.suggestion')}</th>
                <th scope="col">{t('compliance.audit.verdict')}</th>
                <th scope="col">{t('compliance.audit.model')}</th>
                <th scope="col">{t('compliance.audit.feedback')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr key={item.id}>
                  <td>
                    {item.createdAt.slice(0, 19).replace('T', ' ')}
                    <div className="muted">
                      <button type="button" className="link-button" onClick={() => setConversationId(item.conversationId)} title={t('compliance.audit.onlyThis')}>
                        {item.conversationId.slice(0, 8)}
                      </button>
                    </div>
                  </td>
                  <td>{item.text}</td>
                  <td>{item.guard.verdict === 'pass' || item.guard.verdict === 'warn' || item.guard.verdict === 'fail' ? <VerdictBadge verdict={item.guard.verdict} /> : String(item.guard.verdict ?? '')}</td>
                  <td className="muted">
                    {item.provider} · {item.model}
                    <div>
                      {item.prompt.name ?? ''} {typeof item.prompt.hash === 'string' ? item.prompt.hash.slice(0, 8) : ''}
                    </div>
                  </td>
                  <td>
                    {item.feedback.length === 0
                      ? t('compliance.audit.action.none')
                      : item.feedback.map((entry, index) => (
                          <div key={index}>
                            {t(`compliance.audit.action.${String(entry.action)}`)}
                            {entry.reason ? ` — ${entry.reason}` : ''}
                            {entry.finalText ? <div className="muted">“{entry.finalText}”</div> : null}
                          </div>
                        ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data?.nextCursor && (
        <button type="button" className="secondary" onClick={() => setCursor(data.nextCursor)}>
          {t('compliance.next')}
        </button>
      )}
    </section>
  );
}
