import { useState } from 'react';
import type { Citation, Suggestion } from '../../api/api-types';
import { ErrorBanner } from '../../components/error-banner';
import { EmptyState } from '../../components/empty-state';
import { VerdictBadge } from '../../components/severity-badge';
import { ProblemError } from '../../api/problem-error';
import { useText } from '../../i18n/use-text';
import dismissReasons from './dismiss-reasons.json';
import type { FeedbackAction, SuggestionRun, SuggestionSlot } from './suggestion-run';

export interface FeedbackInput {
  action: FeedbackAction;
  finalText?: string;
  reason?: string;
}

function SuggestionCard({
  slot,
  onFeedback,
  onOpenCitation,
}: {
  slot: SuggestionSlot;
  onFeedback: (suggestion: Suggestion, input: FeedbackInput) => Promise<void>;
  onOpenCitation: (citation: Citation) => void;
}) {
  const { t, language } = useText();
  const [mode, setMode] = useState<'view' | 'edit' | 'dismiss'>('view');
  const [edited, setEdited] = useState('');
  const [reason, setReason] = useState(dismissReasons[0]?.id ?? 'other');
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>();
  const [saving, setSaving] = useState(false);
  const suggestion = slot.final;
  const text = suggestion?.text ?? slot.sentences.join('');
  const ready = Boolean(suggestion?.id);

  const send = async (input: FeedbackInput) => {
    if (!suggestion) return;
    setSaving(true);
    setError(undefined);
    try {
      await onFeedback(suggestion, input);
      setMode('view');
    } catch (caught) {
      setError(caught);
    } finally {
      setSaving(false);
    }
  };

  return (
    <li className={`suggestion${slot.feedback ? ` feedback-${slot.feedback}` : ''}`} data-suggestion-index={slot.index} data-suggestion-id={suggestion?.id} data-final={ready ? 'true' : 'false'}>
      <p className="suggestion-text">
        {text}
        {!ready && <span className="streaming-caret" aria-label={t('agent.suggestions.streaming')} />}
      </p>
      {suggestion && (
        <div className="suggestion-meta">
          <VerdictBadge verdict={suggestion.compliance.verdict} />
          {suggestion.disclosures.length > 0 && (
            <span className="rule-ids" data-disclosures>
              {t('agent.suggestions.disclosures')}:{' '}
              {suggestion.disclosures.map((ruleId) => (
                <code key={ruleId} className="rule-id">
                  {ruleId}
                </code>
              ))}
            </span>
          )}
          {suggestion.compliance.findings.length > 0 && (
            <span className="rule-ids">
              {t('agent.suggestions.guardFindings')}:{' '}
              {suggestion.compliance.findings.map((finding) => (
                <code key={`${finding.ruleId}-${finding.evidence.start}`} className="rule-id" title={finding.title}>
                  {finding.ruleId}
                </code>
              ))}
            </span>
          )}
          {suggestion.citations.length > 0 && (
            <div className="citations">
              {t('agent.suggestions.sources')}:{' '}
              {suggestion.citations.map((citation, index) => (
                <button key={`${citation.chunkId}-${index}`} type="button" className="citation" onClick={() => onOpenCitation(citation)} data-citation={citation.chunkId}>
                  [{index + 1}] {citation.title} · v{citation.version}
                </button>
              ))}
            </div>
          )}
        </div>
      )}
      {slot.feedback ? (
        <p className="feedback-given" role="status">
          {t(`agent.suggestions.given.${slot.feedback}`)}
        </p>
      ) : (
        ready &&
        suggestion && (
          <>
            {mode === 'view' && (
              <div className="actions">
                <button type="button" onClick={() => void send({ action: 'accepted', finalText: suggestion.text })} disabled={saving}>
                  {t('agent.suggestions.use')}
                </button>
                <button
                  type="button"
                  className="secondary"
                  onClick={() => {
                    setEdited(suggestion.text);
                    setMode('edit');
                  }}
                >
                  {t('agent.suggestions.edit')}
                </button>
                <button type="button" className="secondary" onClick={() => setMode('dismiss')}>
                  {t('agent.suggestions.dismiss')}
                </button>
              </div>
            )}
            {mode === 'edit' && (
              <form
                className="feedback-form"
                onSubmit={(event) => {
                  event.preventDefault();
                  void send({ action: 'edited', finalText: edited });
                }}
              >
                <label>
                  {t('agent.suggestions.editLabel')}
                  <textarea rows={3} value={edited} onChange={(event) => setEdited(event.target.value)} autoFocus lang={language === 'zh' ? 'zh-CN' : 'en'} />
                </label>
                <div className="actions">
                  <button type="submit" disabled={saving || !edited.trim()}>
                    {t('agent.suggestions.useEdited')}
                  </button>
                  <button type="button" className="secondary" onClick={() => setMode('view')}>
                    {t('agent.suggestions.cancel')}
                  </button>
                </div>
              </form>
            )}
            {mode === 'dismiss' && (
              <form
                className="feedback-form"
                onSubmit={(event) => {
                  event.preventDefault();
                  const label = dismissReasons.find((item) => item.id === reason);
                  void send({ action: 'dismissed', reason: [label?.id ?? reason, note.trim()].filter(Boolean).join(': ') });
                }}
              >
                <label>
                  {t('agent.suggestions.reason')}
                  <select value={reason} onChange={(event) => setReason(event.target.value)} autoFocus>
                    {dismissReasons.map((item) => (
                      <option key={item.id} value={item.id}>
                        {language === 'zh' ? item.zh : item.en}
                      </option>
                    ))}
                  </select>
                </label>
                <label>
                  {t('agent.suggestions.note')}
                  <input type="text" value={note} maxLength={500} onChange={(event) => setNote(event.target.value)} />
                </label>
                <div className="actions">
                  <button type="submit" disabled={saving}>
                    {t('agent.suggestions.confirmDismiss')}
                  </button>
                  <button type="button" className="secondary" onClick={() => setMode('view')}>
                    {t('agent.suggestions.cancel')}
                  </button>
                </div>
              </form>
            )}
          </>
        )
      )}
      <ErrorBanner error={error} />
    </li>
  );
}

export function SuggestionsPanel({
  run,
  canSuggest,
  onSuggest,
  onFeedback,
  onOpenCitation,
}: {
  run: SuggestionRun | undefined;
  canSuggest: boolean;
  onSuggest: () => void;
  onFeedback: (suggestion: Suggestion, input: FeedbackInput) => Promise<void>;
  onOpenCitation: (citation: Citation) => void;
}) {
  const { t } = useText();
  return (
    <section className="panel column suggestions" aria-labelledby="suggestions-title">
      <div className="panel-heading">
        <h2 id="suggestions-title">{t('agent.suggestions.title')}</h2>
        <button type="button" className="secondary" onClick={onSuggest} disabled={!canSuggest || run?.status === 'streaming'}>
          {t('agent.suggestions.again')}
        </button>
      </div>
      {run?.response?.degraded && <p className="notice">{t('agent.suggestions.degraded')}</p>}
      {run?.status === 'failed' && <ErrorBanner error={new ProblemError({ type: 'x/suggestion_failed', title: run.problem?.title ?? 'Suggestion failed', status: run.problem?.status ?? 500, detail: run.problem?.detail ?? '', ...(run.problem?.requestId ? { requestId: run.problem.requestId } : {}) })} />}
      {!run || (run.slots.length === 0 && run.status !== 'streaming') ? (
        <EmptyState>{run?.status === 'done' ? t('agent.suggestions.none') : t('agent.suggestions.waiting')}</EmptyState>
      ) : (
        <ol className="suggestion-list" aria-live="polite" aria-busy={run.status === 'streaming'}>
          {run.slots.map((slot) => (
            <SuggestionCard key={`${run.turnId}-${slot.index}-${slot.final?.id ?? 'streaming'}`} slot={slot} onFeedback={onFeedback} onOpenCitation={onOpenCitation} />
          ))}
          {run.status === 'streaming' && run.slots.length === 0 && <li className="hint">{t('agent.suggestions.streaming')}</li>}
        </ol>
      )}
      {run?.response && (
        <p className="hint">
          {run.response.provider} · {run.response.model} · {Math.round(run.response.tookMs)} ms
        </p>
      )}
    </section>
  );
}
