import { useText } from '../i18n/use-text';

export type Severity = 'critical' | 'major' | 'minor';
export type Verdict = 'pass' | 'warn' | 'fail';

/**
 * Colour is never the only signal (about 1 man in 12 sees red and green alike): each level has its own shape
 * and its word, on Okabe-Ito colours that stay distinct under the common colour-vision deficiencies.
 */
const severityIcons: Record<Severity, string> = { critical: '⛔', major: '▲', minor: '●' };
const verdictIcons: Record<Verdict, string> = { fail: '✖', warn: '▲', pass: '✔' };

export function SeverityBadge({ severity }: { severity: Severity }) {
  const { t } = useText();
  return (
    <span className={`badge severity-${severity}`} data-severity={severity}>
      <span aria-hidden="true">{severityIcons[severity]}</span> {t(`severity.${severity}`)}
    </span>
  );
}

export function VerdictBadge({ verdict }: { verdict: Verdict }) {
  const { t } = useText();
  return (
    <span className={`badge verdict-${verdict}`} data-verdict={verdict}>
      <span aria-hidden="true">{verdictIcons[verdict]}</span> {t(`verdict.${verdict}`)}
    </span>
  );
}
