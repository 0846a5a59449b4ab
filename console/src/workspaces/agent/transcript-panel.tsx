import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { Speaker, Turn } from '../../api/api-types';
import { useText } from '../../i18n/use-text';
import type { Alert } from './call-state';
import { HighlightedText } from './highlight-evidence';

export function TranscriptPanel({
  turns,
  alerts,
  draft,
  onDraftChange,
  speaker,
  onSpeakerChange,
  onSend,
  disabled,
  sending,
}: {
  turns: readonly Turn[];
  alerts: readonly Alert[];
  draft: string;
  onDraftChange: (text: string) => void;
  speaker: Speaker;
  onSpeakerChange: (speaker: Speaker) => void;
  onSend: () => void;
  disabled: boolean;
  sending: boolean;
}) {
  const { t } = useText();
  const endRef = useRef<HTMLDivElement>(null);
  const [highlighted, setHighlighted] = useState<string>();
  useEffect(() => {
    endRef.current?.scrollIntoView?.({ block: 'end' });
  }, [turns.length]);

  // Enter sends, Shift+Enter is a new line; Alt+C / Alt+A switch who is speaking without leaving the keyboard.
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      if (!disabled && draft.trim()) onSend();
    } else if (event.altKey && (event.key === 'c' || event.key === 'C')) {
      event.preventDefault();
      onSpeakerChange('customer');
    } else if (event.altKey && (event.key === 'a' || event.key === 'A')) {
      event.preventDefault();
      onSpeakerChange('agent');
    }
  };

  return (
    <section className="panel column transcript" aria-labelledby="transcript-title">
      <h2 id="transcript-title">{t('agent.transcript.title')}</h2>
      <ol className="turns" aria-live="polite">
        {turns.map((turn) => {
          const turnAlerts = alerts.filter((alert) => alert.turnId === turn.id);
          const marks = turnAlerts.map((alert) => ({ start: alert.finding.evidence.start, end: alert.finding.evidence.end, severity: alert.finding.severity, label: `${alert.finding.ruleId}: ${alert.finding.title}` }));
          return (
            <li key={turn.id} id={`turn-${turn.id}`} className={`turn turn-${turn.speaker}${highlighted === turn.id ? ' turn-highlighted' : ''}`} data-turn-id={turn.id} data-speaker={turn.speaker}>
              <span className="turn-speaker">
                #{turn.sequence} {t(`agent.speaker.${turn.speaker}`)}
              </span>
              <span className="turn-text">
                <HighlightedText text={turn.text} marks={marks} />
              </span>
              {turnAlerts.length > 0 && (
                <button type="button" className="link-button turn-alert-count" onClick={() => setHighlighted(turn.id)}>
                  {t('agent.transcript.alerts', { count: turnAlerts.length })}
                </button>
              )}
            </li>
          );
        })}
      </ol>
      <div ref={endRef} />
      <div className="composer">
        <fieldset className="speaker-switch" disabled={disabled}>
          <legend className="visually-hidden">{t('agent.transcript.speaker')}</legend>
          {(['customer', 'agent'] as const).map((option) => (
            <label key={option} className={speaker === option ? 'selected' : ''}>
              <input type="radio" name="speaker" value={option} checked={speaker === option} onChange={() => onSpeakerChange(option)} />
              {t(`agent.speaker.${option}`)}
            </label>
          ))}
        </fieldset>
        <label htmlFor="turn-text" className="visually-hidden">
          {t('agent.transcript.placeholder')}
        </label>
        <textarea
          id="turn-text"
          rows={2}
          value={draft}
          disabled={disabled}
          placeholder={t('agent.transcript.placeholder')}
          onChange={(event) => onDraftChange(event.target.value)}
          onKeyDown={onKeyDown}
        />
        <button type="button" onClick={onSend} disabled={disabled || sending || !draft.trim()}>
          {t('agent.transcript.send')}
        </button>
        <p className="hint">{t('agent.transcript.keys')}</p>
      </div>
    </section>
  );
}
