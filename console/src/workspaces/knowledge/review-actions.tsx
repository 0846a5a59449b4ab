import { useState } from 'react';
import type { ApiClient } from '../../api/api-client';
import { RequestFailure } from '../../components/not-available';
import { RecordTable } from '../../components/record-table';
import { useText } from '../../i18n/use-text';
import { checkRows, parseReviewChecks, type GateCheck } from './review-queue';

/**
 * Submit, approve or reject a draft version and read its eval-gate checks (the review routes of issue 14). A server
 * without them answers 404 "No route": the actions then say they are not available here.
 */
export function ReviewActions({ client, documentId, version, onDone }: { client: ApiClient; documentId: string; version: number; onDone: () => void }) {
  const { t } = useText();
  const [error, setError] = useState<unknown>();
  const [checks, setChecks] = useState<GateCheck[]>();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const base = `/v1/knowledge/documents/${documentId}/versions/${version}`;
  const act = async (work: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
      onDone();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="stack" data-testid={`review-actions-v${version}`}>
      <div className="filters">
        <button type="button" className="secondary" disabled={busy} onClick={() => act(() => client.post(`${base}/submit`, {}))}>
          {t('knowledge.review.submit')}
        </button>
        <button type="button" className="secondary" disabled={busy} onClick={() => act(async () => setChecks(parseReviewChecks(await client.get(`${base}/checks`)).checks))}>
          {t('knowledge.review.checks')}
        </button>
        <button type="button" disabled={busy} onClick={() => act(() => client.post(`${base}/approve`, {}))}>
          {t('knowledge.review.approve')}
        </button>
        <label>
          <span className="visually-hidden">{t('knowledge.review.reason')}</span>
          <input value={reason} placeholder={t('knowledge.review.reason')} onChange={(event) => setReason(event.target.value)} />
        </label>
        <button type="button" className="secondary" disabled={busy || reason.trim() === ''} onClick={() => act(() => client.post(`${base}/reject`, { comment: reason.trim() }))}>
          {t('knowledge.review.reject')}
        </button>
      </div>
      <RequestFailure error={error} />
      {checks && <RecordTable rows={checkRows(checks)} caption={t('knowledge.review.checks')} />}
    </div>
  );
}
