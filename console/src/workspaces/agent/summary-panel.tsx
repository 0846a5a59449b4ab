import { useEffect, useMemo, useState } from 'react';
import type { Summary, Turn } from '../../api/api-types';
import { useText } from '../../i18n/use-text';
import type { SummaryState } from './call-state';

const resolutions: Summary['resolution'][] = ['resolved', 'unresolved', 'escalated', 'follow_up'];

function linesOf(items: readonly { text: string }[]): string {
  return items.map((item) => item.text).join('\n');
}

/** Edited lines keep the source turns of the line they replace (same position); new lines have none. */
function itemsFrom<T extends { text: string; turnIds: string[] }>(text: string, previous: readonly T[]): { text: string; turnIds: string[] }[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line, index) => ({ ...(previous[index] ?? {}), text: line, turnIds: previous[index]?.text === line ? previous[index].turnIds : [] }));
}

/** The agent checks the summary against the call (each part links to the turns it came from), edits it and confirms it. */
export function SummaryPanel({ state, summary, turns, onShowTurn }: { state: SummaryState; summary: Summary | undefined; turns: readonly Turn[]; onShowTurn: (turnId: string) => void }) {
  const { t } = useText();
  const [draft, setDraft] = useState<Summary>();
  const [actions, setActions] = useState('');
  const [commitments, setCommitments] = useState('');
  const [confirmed, setConfirmed] = useState<Summary>();

  useEffect(() => {
    if (!summary) return;
    setDraft(summary);
    setActions(linesOf(summary.actionsTaken));
    setCommitments(linesOf(summary.commitments));
  }, [summary]);

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
            setConfirmed({ ...draft, actionsTaken: itemsFrom(actions, draft.actionsTaken), commitments: itemsFrom(commitments, draft.commitments) });
          }}
        >
          {draft.degraded && <p className="notice">{t('agent.summary.degraded')}</p>}
          <label>
            {t('agent.summary.reason')} {sources(draft.evidence.reason)}
            <textarea rows={2} value={draft.reason} onChange={(event) => setDraft({ ...draft, reason: event.target.value })} disabled={Boolean(confirmed)} />
          </label>
          <label>
            {t('agent.summary.intent')} {sources(draft.evidence.customerIntent)}
            <textarea rows={2} value={draft.customerIntent} onChange={(event) => setDraft({ ...draft, customerIntent: event.target.value })} disabled={Boolean(confirmed)} />
          </label>
          <div className="form-row">
            <label>
              {t('agent.summary.resolution')} {sources(draft.evidence.resolution)}
              <select value={draft.resolution} onChange={(event) => setDraft({ ...draft, resolution: event.target.value as Summary['resolution'] })} disabled={Boolean(confirmed)}>
                {resolutions.map((resolution) => (
                  <option key={resolution} value={resolution}>
                    {t(`agent.summary.resolution.${resolution}`)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('agent.summary.disposition')}
              <input type="text" value={draft.dispositionCode} onChange={(event) => setDraft({ ...draft, dispositionCode: event.target.value })} disabled={Boolean(confirmed)} />
            </label>
            <label className="checkbox">
              <input type="checkbox" checked={draft.complaint.raised} onChange={(event) => setDraft({ ...draft, complaint: { ...draft.complaint, raised: event.target.checked } })} disabled={Boolean(confirmed)} />
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
            <textarea rows={3} value={actions} onChange={(event) => setActions(event.target.value)} disabled={Boolean(confirmed)} />
          </label>
          <label>
            {t('agent.summary.commitments')}
            <textarea rows={2} value={commitments} onChange={(event) => setCommitments(event.target.value)} disabled={Boolean(confirmed)} />
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
          {confirmed ? (
            <div className="confirmed" role="status">
              <strong>{t('agent.summary.confirmed')}</strong> <span className="hint">{t('agent.summary.notStored')}</span>{' '}
              {download && (
                <a href={download} download="call-summary.json">
                  {t('agent.summary.download')}
                </a>
              )}
              <button type="button" className="secondary" onClick={() => setConfirmed(undefined)}>
                {t('agent.summary.reopen')}
              </button>
            </div>
          ) : (
            <button type="submit">{t('agent.summary.confirm')}</button>
          )}
        </form>
      )}
    </section>
  );
}
