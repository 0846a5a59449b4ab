import { useEffect, useMemo, useState } from 'react';
import type { Summary, SummaryReview, Turn } from '../../api/api-types';
import { ErrorBanner } from '../../components/error-banner';
import { useText } from '../../i18n/use-text';
import type { SummaryState } from './call-state';
import { itemsFromLines, linesOf, summaryEdit, type SummaryEdit } from './summary-edit';

const resolutions: Summary['resolution'][] = ['resolved', 'unresolved', 'escalated', 'follow_up'];

export type SaveSummary = (edit: SummaryEdit, confirmed: boolean, revision: number | undefined) => Promise<SummaryReview>;

/**
 * The agent checks the summary against the call (each part links to the turns it came from), edits it and saves
 * it as a draft or confirms it (PUT .../summary: every save is a revision the service keeps with who and when).
 */
export function SummaryPanel({ state, summary, review, turns, onShowTurn, onSave }: { state: SummaryState; summary: Summary | undefined; review: SummaryReview | undefined; turns: readonly Turn[]; onShowTurn: (turnId: string) => void; onSave: SaveSummary }) {
  const { t } = useText();
  // What the service holds now: the saved revision when there is one, else the generated summary.
  const stored = review?.summary ?? summary;
  const [draft, setDraft] = useState<Summary>();
  const [actions, setActions] = useState('');
  const [commitments, setCommitments] = useState('');
  const [reopened, setReopened] = useState(false);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>();

  useEffect(() => {
    if (!stored) return;
    setDraft(stored);
    setActions(linesOf(stored.actionsTaken));
    setCommitments(linesOf(stored.commitments));
  }, [stored]);

  const confirmed = review?.confirmed === true && !reopened ? review.summary : undefined;
  const save = async (confirm: boolean) => {
    if (!draft || !stored) return;
    setSaving(true);
    setSaveError(undefined);
    try {
      const edited: Summary = { ...draft, actionsTaken: itemsFromLines(actions, draft.actionsTaken), commitments: itemsFromLines(commitments, draft.commitments) };
      await onSave(summaryEdit(stored, edited), confirm, review?.revision);
      setReopened(false);
    } catch (caught) {
      setSaveError(caught);
    } finally {
      setSaving(false);
    }
  };
  const locked = Boolean(confirmed) || saving;

  const download = useMemo(() => (confirmed ? URL.createObjectURL(new Blob([JSON.stringify(confirmed, null, 2)], { type: 'application/json' })) : undefined), [confirmed]);
  useEffect(() => () => (download ? URL.revokeObjectURL(download) : undefined), [download]);

  const sequenceOf = (turnId: string) => turns.find((turn) => turn.id === turnId)?.sequence;
  const sources = (turnIds: readonly string[] | undefined) =>
    (turnIds ?? []).length > 0 && (
      <span className="turn-refs">
        {(turnIds ?? []).map((turnId) => (
          <button key={turnId} type="button" className="link-button" onClick={() => onShowTurn(turnId)}>
            #{sequenceOf(turnId) ?? '?'}
          </button>
        ))}
      </span>
    );

  if (state === 'none') return null;
  return (
    <section className="panel summary" aria-labelledby="summary-title" data-summary-state={confirmed ? 'confirmed' : state}>
      <h2 id="summary-title">{t('agent.summary.title')}</h2>
      {state === 'pending' && !summary && (
        <p className="hint" role="status">
          {t('agent.summary.pending')}
        </p>
      )}
      {state === 'failed' && !summary && (
        <p className="field-problem" role="alert">
          {t('agent.summary.failed')}
        </p>
      )}
      {draft && (
        <form
          className="summary-form"
          onSubmit={(event) => {
            event.preventDefault();
            void save(true);
          }}
        >
          {draft.degraded && <p className="notice">{t('agent.summary.degraded')}</p>}
          <label>
            {t('agent.summary.reason')} {sources(draft.evidence.reason)}
            <textarea rows={2} value={draft.reason} onChange={(event) => setDraft({ ...draft, reason: event.target.value })} disabled={locked} />
          </label>
          <label>
            {t('agent.summary.intent')} {sources(draft.evidence.customerIntent)}
            <textarea rows={2} value={draft.customerIntent} onChange={(event) => setDraft({ ...draft, customerIntent: event.target.value })} disabled={locked} />
          </label>
          {draft.narrative !== undefined && (
            <label>
              {t('agent.summary.narrative')}
              <textarea rows={3} value={draft.narrative} onChange={(event) => setDraft({ ...draft, narrative: event.target.value })} disabled={locked} />
            </label>
          )}
          <div className="form-row">
            <label>
              {t('agent.summary.resolution')} {sources(draft.evidence.resolution)}
              <select value={draft.resolution} onChange={(event) => setDraft({ ...draft, resolution: event.target.value as Summary['resolution'] })} disabled={locked}>
                {resolutions.map((resolution) => (
                  <option key={resolution} value={resolution}>
                    {t(`agent.summary.resolution.${resolution}`)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('agent.summary.disposition')}
              <input type="text" value={draft.dispositionCode} onChange={(event) => setDraft({ ...draft, dispositionCode: event.target.value })} disabled={locked} />
            </label>
            <label className="checkbox">
              <input type="checkbox" checked={draft.complaint.raised} onChange={(event) => setDraft({ ...draft, complaint: { ...draft.complaint, raised: event.target.checked } })} disabled={locked} />
              {t('agent.summary.complaint')} {draft.complaint.category ? `(${draft.complaint.category})` : ''} {sources(draft.evidence.complaint)}
            </label>
          </div>
          {draft.productsDiscussed.length > 0 && (
            <p>
              <strong>{t('agent.summary.products')}:</strong>{' '}
              {draft.productsDiscussed.map((product) => (
                <span key={product.name} className="badge neutral">
                  {product.name} {sources(product.turnIds)}
                </span>
              ))}
            </p>
          )}
          <label>
            {t('agent.summary.actions')}
            <textarea rows={3} value={actions} onChange={(event) => setActions(event.target.value)} disabled={locked} />
          </label>
          <label>
            {t('agent.summary.commitments')}
            <textarea rows={2} value={commitments} onChange={(event) => setCommitments(event.target.value)} disabled={locked} />
          </label>
          {draft.followUps.length > 0 && (
            <div>
              <strong>{t('agent.summary.followUps')}:</strong>
              <ul>
                {draft.followUps.map((followUp, index) => (
                  <li key={index}>
                    {followUp.action} · {t(`agent.summary.owner.${followUp.owner}`)}
                    {followUp.due ? ` · ${followUp.due}` : ''} {sources(followUp.turnIds)}
                  </li>
                ))}
              </ul>
            </div>
          )}
          {(draft.compliance.findings.length > 0 || draft.compliance.missingDisclosures.length > 0) && (
            <div className="summary-compliance">
              <strong>{t('agent.summary.compliance')}:</strong>
              <ul>
                {draft.compliance.findings.map((finding, index) => (
                  <li key={`${finding.ruleId}-${index}`}>
                    <code className="rule-id">{finding.ruleId}</code> {finding.title} {finding.turnId ? sources([finding.turnId]) : null}
                  </li>
                ))}
                {draft.compliance.missingDisclosures.map((ruleId) => (
                  <li key={ruleId}>
                    {t('agent.summary.missingDisclosure')}: <code className="rule-id">{ruleId}</code>
                  </li>
                ))}
              </ul>
            </div>
          )}
          <p className="hint">
            {draft.provider} · {draft.model}
          </p>
          <ErrorBanner error={saveError} onDismiss={() => setSaveError(undefined)} />
          {confirmed ? (
            <div className="confirmed" role="status">
              <strong>{t('agent.summary.confirmed')}</strong>{' '}
              <span className="hint">
                {review?.confirmedBy} · {review?.confirmedAt ? new Date(review.confirmedAt).toLocaleString() : ''}
                {review?.edited ? ` · ${t('agent.summary.edited')}` : ''}
              </span>{' '}
              {download && (
                <a href={download} download="call-summary.json">
                  {t('agent.summary.download')}
                </a>
              )}
              <button type="button" className="secondary" onClick={() => setReopened(true)}>
                {t('agent.summary.reopen')}
              </button>
            </div>
          ) : (
            <div className="form-row">
              <button type="submit" disabled={saving}>
                {t('agent.summary.confirm')}
              </button>
              <button type="button" className="secondary" disabled={saving} onClick={() => void save(false)}>
                {t('agent.summary.saveDraft')}
              </button>
              {review?.revision !== undefined && review.revision > 0 && !review.confirmed && (
                <span className="hint" role="status">
                  {t('agent.summary.draftSaved')}
                  {review.edited ? ` · ${t('agent.summary.edited')}` : ''}
                </span>
              )}
            </div>
          )}
        </form>
      )}
    </section>
  );
}
