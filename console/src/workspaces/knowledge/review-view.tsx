import { useMemo, useState } from 'react';
import type { ApiClient } from '../../api/api-client';
import { EmptyState } from '../../components/empty-state';
import { RequestFailure } from '../../components/not-available';
import { RecordTable } from '../../components/record-table';
import { useRequest } from '../../components/use-request';
import { useText } from '../../i18n/use-text';
import { expiringWithin } from './document-filters';
import type { KnowledgeDocument, Page } from './knowledge-types';
import { ReviewActions } from './review-actions';
import { checkRows, gapRows, parseReviewQueue, usageRows, type QueueVersion } from './review-queue';
import type { PassageTarget } from './version-viewer';

interface Proposal {
  id: string;
  documentId: string;
  title: string;
  question: string;
  timesProposed: number;
  origin: string;
  createdAt: string;
}

const expiringDays = 30;

/**
 * The knowledge owner's queue: drafts waiting for review with their eval-gate checks (issue 14, branch wt-review),
 * similar questions agents proposed (on every server), documents about to expire (from the list), and the
 * questions the base could not answer and what is used (issue 14, branch wt-usage).
 */
export function ReviewView({ client, refreshKey, onOpenPassage }: { client: ApiClient; refreshKey: number; onOpenPassage: (target: PassageTarget) => void }) {
  const { t } = useText();
  const [generation, setGeneration] = useState(0);
  const queue = useRequest(() => client.get<unknown>('/v1/knowledge/review-queue'), [refreshKey, generation]);
  const proposals = useRequest(() => client.get<Page<Proposal>>('/v1/knowledge/proposals', { query: { status: 'proposed', limit: 100 } }), [refreshKey, generation]);
  const documents = useRequest(() => client.get<Page<KnowledgeDocument>>('/v1/knowledge/documents', { query: { status: 'approved', limit: 200 } }), [refreshKey]);
  const gaps = useRequest(() => client.get<unknown>('/v1/knowledge/gaps'), [refreshKey]);
  const usage = useRequest(() => client.get<unknown>('/v1/knowledge/usage'), [refreshKey]);
  const now = useMemo(() => new Date(), [refreshKey]);
  const expiring = useMemo(() => expiringWithin(documents.data?.items ?? [], now, expiringDays), [documents.data, now]);
  const [proposalError, setProposalError] = useState<unknown>();
  const decide = async (id: string, action: 'approve' | 'reject') => {
    setProposalError(undefined);
    const comment = action === 'reject' ? prompt(t('knowledge.review.reason')) : undefined;
    if (action === 'reject' && !comment) return;
    try {
      await client.post(`/v1/knowledge/proposals/${id}/${action}`, comment ? { comment } : {});
      setGeneration((value) => value + 1);
    } catch (error) {
      setProposalError(error);
    }
  };
  const waiting: QueueVersion[] = queue.data === undefined ? [] : (({ submitted, drafts }) => [...submitted, ...drafts])(parseReviewQueue(queue.data));
  return (
    <div className="stack">
      <section className="panel stack" aria-labelledby="review-queue-title">
        <h2 id="review-queue-title">{t('knowledge.review.queue')}</h2>
        <RequestFailure error={queue.error} onRetry={queue.reload} />
        {queue.data !== undefined &&
          (waiting.length === 0 ? (
            <EmptyState />
          ) : (
            <ul className="stack" data-testid="review-queue">
              {waiting.map((item) => (
                <li key={`${item.documentId}-${item.version}`} className="result-card" data-review-status={item.status} data-gate={item.check?.status ?? 'none'}>
                  <h3>
                    {item.title} <span className="muted">v{item.version} · {item.kind} · {item.status}</span>
                  </h3>
                  <p className="muted">
                    {[item.owner, item.createdBy && `${t('knowledge.review.author')}: ${item.createdBy}`, item.submittedBy && `${t('knowledge.review.submittedBy')}: ${item.submittedBy}`].filter(Boolean).join(' · ')}
                  </p>
                  {item.check && <RecordTable rows={checkRows([item.check])} caption={t('knowledge.review.checks')} />}
                  <button type="button" className="link-button" onClick={() => onOpenPassage({ documentId: item.documentId, version: item.version })}>
                    {t('knowledge.open')}
                  </button>
                  <ReviewActions client={client} documentId={item.documentId} version={item.version} onDone={() => setGeneration((value) => value + 1)} />
                </li>
              ))}
            </ul>
          ))}
      </section>
      <section className="panel stack" aria-labelledby="proposals-title">
        <h2 id="proposals-title">{t('knowledge.review.proposals')}</h2>
        <RequestFailure error={proposals.error ?? proposalError} onRetry={proposals.reload} />
        {proposals.data &&
          (proposals.data.items.length === 0 ? (
            <EmptyState />
          ) : (
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">{t('knowledge.review.question')}</th>
                  <th scope="col">{t('knowledge.review.faqRow')}</th>
                  <th scope="col">{t('knowledge.review.times')}</th>
                  <th scope="col" />
                </tr>
              </thead>
              <tbody>
                {proposals.data.items.map((proposal) => (
                  <tr key={proposal.id}>
                    <td>{proposal.question}</td>
                    <td>{proposal.title}</td>
                    <td>{proposal.timesProposed}</td>
                    <td className="filters">
                      <button type="button" onClick={() => decide(proposal.id, 'approve')}>
                        {t('knowledge.review.approve')}
                      </button>
                      <button type="button" className="secondary" onClick={() => decide(proposal.id, 'reject')}>
                        {t('knowledge.review.reject')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ))}
      </section>
      <section className="panel stack" aria-labelledby="expiring-title">
        <h2 id="expiring-title">{t('knowledge.review.expiring', { days: expiringDays })}</h2>
        <RequestFailure error={documents.error} />
        {expiring.length === 0 ? (
          <EmptyState />
        ) : (
          <ul>
            {expiring.map((document) => (
              <li key={document.documentId}>
                <button type="button" className="link-button" onClick={() => onOpenPassage({ documentId: document.documentId, version: document.currentVersion })}>
                  {document.title}
                </button>{' '}
                <span className="muted">{t('knowledge.review.until', { date: document.effectiveUntil?.slice(0, 10) ?? '' })}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="panel stack" aria-labelledby="gaps-title">
        <h2 id="gaps-title">{t('knowledge.review.gaps')}</h2>
        <RequestFailure error={gaps.error} onRetry={gaps.reload} />
        {gaps.data !== undefined && <RecordTable rows={gapRows(gaps.data)} />}
      </section>
      <section className="panel stack" aria-labelledby="usage-title">
        <h2 id="usage-title">{t('knowledge.review.usage')}</h2>
        <RequestFailure error={usage.error} onRetry={usage.reload} />
        {usage.data !== undefined && <RecordTable rows={usageRows(usage.data)} />}
      </section>
    </div>
  );
}
