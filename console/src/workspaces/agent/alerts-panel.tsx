import type { Turn } from '../../api/api-types';
import { EmptyState } from '../../components/empty-state';
import { SeverityBadge } from '../../components/severity-badge';
import { useText } from '../../i18n/use-text';
import type { Alert } from './call-state';
import { HighlightedText } from './highlight-evidence';

/** Compliance alerts on the agent's own turns: what was said (evidence marked), why it matters and how to fix it. */
export function AlertsPanel({ alerts, turns }: { alerts: readonly Alert[]; turns: readonly Turn[] }) {
  const { t } = useText();
  const ordered = [...alerts].reverse();
  return (
    <section className="panel alerts" aria-labelledby="alerts-title">
      <h2 id="alerts-title">
        {t('agent.alerts.title')} {alerts.length > 0 && <span className="count">{alerts.length}</span>}
      </h2>
      {ordered.length === 0 ? (
        <EmptyState>{t('agent.alerts.none')}</EmptyState>
      ) : (
        <ul className="alert-list" role="status">
          {ordered.map((alert) => {
            const turn = turns.find((candidate) => candidate.id === alert.turnId);
            const { finding } = alert;
            return (
              <li key={alert.key} className={`alert severity-border-${finding.severity}`} data-alert={finding.ruleId} data-severity={finding.severity}>
                <div className="alert-heading">
                  <SeverityBadge severity={finding.severity} />
                  <code className="rule-id">{finding.ruleId}</code>
                  <strong>{finding.title}</strong>
                  {finding.detectedBy === 'judge' && <span className="badge neutral">{t('agent.alerts.judge')}</span>}
                </div>
                {turn ? (
                  <blockquote className="alert-evidence">
                    <span className="hint">#{turn.sequence} </span>
                    <HighlightedText text={turn.text} marks={[{ start: finding.evidence.start, end: finding.evidence.end, severity: finding.severity, label: finding.title }]} />
                  </blockquote>
                ) : (
                  <blockquote className="alert-evidence">
                    <mark className={`evidence severity-${finding.severity}`}>{finding.evidence.text}</mark>
                  </blockquote>
                )}
                <p>{finding.explanation}</p>
                {finding.fix && (
                  <p className="alert-fix">
                    <strong>{t('agent.alerts.fix')}:</strong> {finding.fix}
                  </p>
                )}
                <p className="hint">
                  {t('agent.alerts.source')}: {finding.source}
                </p>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
