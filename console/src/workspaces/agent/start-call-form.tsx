import { useState, type FormEvent } from 'react';
import type { CustomerProfile, RiskLevel } from '../../api/api-types';
import { useText } from '../../i18n/use-text';

export interface CallSettings {
  language: 'zh' | 'en';
  channel: 'voice' | 'chat';
  customer: CustomerProfile;
}

const riskLevels: RiskLevel[] = ['C1', 'C2', 'C3', 'C4', 'C5'];

/** What a desktop knows when a call comes in: the channel, the language and the customer's profile. */
export function StartCallForm({ busy, onStart }: { busy: boolean; onStart: (settings: CallSettings) => void }) {
  const { t, language: uiLanguage } = useText();
  const [language, setLanguage] = useState<'zh' | 'en'>(uiLanguage);
  const [channel, setChannel] = useState<'voice' | 'chat'>('voice');
  const [riskLevel, setRiskLevel] = useState<RiskLevel | ''>('');
  const [age, setAge] = useState('');
  const [vulnerable, setVulnerable] = useState(false);
  const [ageProblem, setAgeProblem] = useState<string>();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const ageNumber = age.trim() === '' ? undefined : Number(age);
    if (ageNumber !== undefined && !(Number.isInteger(ageNumber) && ageNumber >= 0 && ageNumber <= 130)) {
      setAgeProblem(t('agent.start.ageInvalid'));
      return;
    }
    setAgeProblem(undefined);
    onStart({
      language,
      channel,
      customer: { ...(riskLevel ? { riskLevel } : {}), ...(ageNumber !== undefined ? { age: ageNumber } : {}), ...(vulnerable ? { vulnerable } : {}) },
    });
  };

  return (
    <form className="panel start-call" onSubmit={submit} aria-labelledby="start-call-title">
      <h2 id="start-call-title">{t('agent.start.title')}</h2>
      <div className="form-row">
        <label>
          {t('agent.start.language')}
          <select value={language} onChange={(event) => setLanguage(event.target.value as 'zh' | 'en')}>
            <option value="zh">中文</option>
            <option value="en">English</option>
          </select>
        </label>
        <label>
          {t('agent.start.channel')}
          <select value={channel} onChange={(event) => setChannel(event.target.value as 'voice' | 'chat')}>
            <option value="voice">{t('agent.start.voice')}</option>
            <option value="chat">{t('agent.start.chat')}</option>
          </select>
        </label>
        <label>
          {t('agent.start.riskLevel')}
          <select value={riskLevel} onChange={(event) => setRiskLevel(event.target.value as RiskLevel | '')}>
            <option value="">{t('agent.start.riskUnknown')}</option>
            {riskLevels.map((level) => (
              <option key={level} value={level}>
                {level} {t(`agent.risk.${level}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('agent.start.age')}
          <input type="number" min={0} max={130} inputMode="numeric" value={age} onChange={(event) => setAge(event.target.value)} aria-invalid={ageProblem ? true : undefined} aria-describedby={ageProblem ? 'start-age-problem' : undefined} />
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={vulnerable} onChange={(event) => setVulnerable(event.target.checked)} />
          {t('agent.start.vulnerable')}
        </label>
      </div>
      {ageProblem && (
        <p id="start-age-problem" className="field-problem" role="alert">
          {ageProblem}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {t('agent.start.submit')}
      </button>
    </form>
  );
}
