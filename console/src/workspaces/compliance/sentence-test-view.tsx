import { useState, type FormEvent } from 'react';
import type { ApiClient } from '../../api/api-client';
import { RequestFailure } from '../../components/not-available';
import { SeverityBadge, VerdictBadge } from '../../components/severity-badge';
import { useText } from '../../i18n/use-text';
import type { CheckResponse } from './compliance-types';
import { evidencePieces } from './evidence-pieces';

/** "Test a sentence": the verdict, each finding with its rule, source, evidence in the sentence, fix and what fired. */
export function SentenceTestView({ client }: { client: ApiClient }) {
  const { t } = useText();
  const [text, setText] = useState('');
  const [speaker, setSpeaker] = useState<'agent' | 'customer'>('agent');
  const [language, setLanguage] = useState('');
  const [riskLevel, setRiskLevel] = useState('');
  const [profile, setProfile] = useState('');
  const [answer, setAnswer] = useState<{ text: string; result: CheckResponse }>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const check = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const result = await client.post<CheckResponse>('/v1/compliance/check', {
        text,
        speaker,
        explain: true,
        ...(language ? { language } : {}),
        ...(profile.trim() ? { profile: profile.trim() } : {}),
        ...(riskLevel ? { customer: { riskLevel } } : {}),
      });
      setAnswer({ text, result });
    } catch (failure) {
      setError(failure);
      setAnswer(undefined);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="stack" aria-label={t('compliance.test.title')}>
      <form className="panel stack" onSubmit={check}>
        <label>
          {t('compliance.test.sentence')}
          <textarea name="text" rows={3} value={text} onChange={(event) => setText(event.target.value)} />
        </label>
        <div className="filters">
          <label>
            {t('compliance.test.speaker')}
            <select value={speaker} onChange={(event) => setSpeaker(event.target.value as 'agent' | 'customer')}>
              <option value="agent">{t('compliance.test.agent')}</option>
              <option value="customer">{t('compliance.test.customer')}</option>
            </select>
          </label>
          <label>
            {t('compliance.test.language')}
            <select value={language} onChange={(event) => setLanguage(event.target.value)}>
              <option value="">{t('compliance.test.detect')}</option>
              <option value="zh">中文</option>
              <option value="en">English</option>
            </select>
          </label>
          <label>
            {t('compliance.test.riskLevel')}
            <select value={riskLevel} onChange={(event) => setRiskLevel(event.target.value)}>
              <option value="">—</option>
              {['C1', 'C2', 'C3', 'C4', 'C5'].map((level) => (
                <option key={level}>{level}</option>
              ))}
            </select>
          </label>
          <label>
            {t('compliance.test.profile')}
            <input value={profile} onChange={(event) => setProfile(event.target.value)} placeholder="CN, UK…" />
          </label>
          <button type="submit" disabled={busy}>
            {t('compliance.test.check')}
          </button>
        </div>
      </form>
      <RequestFailure error={error} />
      {answer && (
        <div className="panel stack" data-testid="check-result" data-verdict={answer.result.verdict}>
          <p>
            <VerdictBadge verdict={answer.result.verdict} />{' '}
            <span className="muted">
              {t('compliance.test.meta', { count: answer.result.findings.length, took: answer.result.tookMs, version: answer.result.rulesVersion })}
              {answer.result.profile ? ` · ${answer.result.profile}` : ''}
              {answer.result.judge ? ` · ${t('compliance.test.judge')}: ${answer.result.judge}` : ''}
            </span>
          </p>
          <p className="passage" aria-label={t('compliance.test.evidence')}>
            {evidencePieces(answer.text, answer.result.findings).map((piece, index) =>
              piece.ruleIds.length > 0 ? (
                <mark key={index} title={piece.ruleIds.join(', ')}>
                  {piece.text}
                </mark>
              ) : (
                <span key={index}>{piece.text}</span>
              ),
            )}
          </p>
          {answer.result.findings.map((finding, index) => (
            <article key={`${finding.ruleId}-${index}`} className="finding" data-rule-id={finding.ruleId}>
              <header className="filters">
                <SeverityBadge severity={finding.severity} /> <strong>{finding.ruleId}</strong> {finding.title}
              </header>
              <dl className="facts">
                <dt>{t('compliance.test.evidence')}</dt>
                <dd>
                  <mark>{finding.evidence.text}</mark>
                </dd>
                <dt>{t('compliance.explanation')}</dt>
                <dd>{finding.explanation}</dd>
                {finding.fix && (
                  <>
                    <dt>{t('compliance.fix')}</dt>
                    <dd>{finding.fix}</dd>
                  </>
                )}
                <dt>{t('compliance.rules.source')}</dt>
                <dd>{finding.source}</dd>
                {finding.explain && (
                  <>
                    <dt>{t('compliance.test.fired')}</dt>
                    <dd>
                      {[finding.detectedBy, finding.explain.detector, finding.explain.frame].filter(Boolean).join(' · ')}
                      {finding.explain.matches && (
                        <ul>
                          {finding.explain.matches.map((match, position) => (
                            <li key={position}>
                              <code>{match.slot}</code>: {match.text}
                              {match.in ? <span className="muted"> ({match.in})</span> : null}
                            </li>
                          ))}
                        </ul>
                      )}
                    </dd>
                  </>
                )}
              </dl>
            </article>
          ))}
        </div>
      )}
    </section>
  );
}
