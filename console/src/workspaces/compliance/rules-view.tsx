import { useMemo, useState } from 'react';
import type { ApiClient } from '../../api/api-client';
import { EmptyState } from '../../components/empty-state';
import { RequestFailure } from '../../components/not-available';
import { SeverityBadge, type Severity } from '../../components/severity-badge';
import { useRequest } from '../../components/use-request';
import { useText } from '../../i18n/use-text';
import type { RulesDescription, RuleSummary } from './compliance-types';
import { filterRulePacks, jurisdictionsOf, type RuleFilters } from './rule-filters';

type Example = string | { text: string; speaker?: string };
interface RuleDetail {
  explanation?: string;
  fix?: string;
  detector?: { frames?: ({ id: string; description?: string } & Record<string, unknown>)[]; cues?: string[] } & Record<string, unknown>;
  examples?: { violating: Example[]; compliant: Example[] };
}

const exampleText = (example: Example) => (typeof example === 'string' ? example : example.text);

/** The rule packs in force, by jurisdiction, each rule with its source and severity; its frames and examples on demand. */
export function RulesView({ client }: { client: ApiClient }) {
  const { t } = useText();
  const { data, error, reload } = useRequest(() => client.get<RulesDescription>('/v1/compliance/rules'), []);
  const [filters, setFilters] = useState<RuleFilters>({});
  const [selected, setSelected] = useState<RuleSummary>();
  const packs = useMemo(() => filterRulePacks(data?.packs ?? [], filters), [data, filters]);
  const kinds = useMemo(() => [...new Set((data?.packs ?? []).flatMap((pack) => pack.rules.map((rule) => rule.kind)))].sort(), [data]);
  const set = (patch: Partial<RuleFilters>) => setFilters((previous) => ({ ...previous, ...patch }));
  return (
    <div className="split">
      <section className="stack" aria-label={t('compliance.rules.title')}>
        <RequestFailure error={error} onRetry={reload} />
        {data && (
          <p className="muted">
            {t('compliance.rules.version', { version: data.rulesVersion })}
            {data.profile && ` · ${t('compliance.rules.profile', { profile: data.profile.id, currency: data.profile.currency })}`}
          </p>
        )}
        <div className="filters">
          <label>
            {t('compliance.rules.jurisdiction')}
            <select value={filters.jurisdiction ?? ''} onChange={(event) => set({ jurisdiction: event.target.value || undefined })}>
              <option value="">{t('compliance.any')}</option>
              {jurisdictionsOf(data?.packs ?? []).map((jurisdiction) => (
                <option key={jurisdiction}>{jurisdiction}</option>
              ))}
            </select>
          </label>
          <label>
            {t('compliance.severity')}
            <select value={filters.severity ?? ''} onChange={(event) => set({ severity: (event.target.value || undefined) as Severity | undefined })}>
              <option value="">{t('compliance.any')}</option>
              {(['critical', 'major', 'minor'] as const).map((severity) => (
                <option key={severity} value={severity}>
                  {t(`severity.${severity}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('compliance.rules.kind')}
            <select value={filters.kind ?? ''} onChange={(event) => set({ kind: event.target.value || undefined })}>
              <option value="">{t('compliance.any')}</option>
              {kinds.map((kind) => (
                <option key={kind}>{kind}</option>
              ))}
            </select>
          </label>
          <label>
            {t('compliance.rules.search')}
            <input type="search" value={filters.text ?? ''} onChange={(event) => set({ text: event.target.value })} />
          </label>
        </div>
        {data && packs.length === 0 && <EmptyState />}
        <div className="table-scroll">
          {packs.map((pack) => (
            <section key={pack.id} aria-label={pack.id}>
              <h3>
                {pack.id} · {pack.jurisdiction} · {pack.language} <span className="muted">({pack.rules.length})</span>
              </h3>
              <table className="data-table">
                <tbody>
                  {pack.rules.map((rule) => (
                    <tr key={rule.id} className={selected?.id === rule.id ? 'selected' : undefined} data-rule-id={rule.id}>
                      <td>
                        <SeverityBadge severity={rule.severity} />
                      </td>
                      <td>
                        <button type="button" className="link-button" onClick={() => setSelected(rule)}>
                          {rule.id}
                        </button>
                      </td>
                      <td>
                        {rule.title}
                        <div className="muted">{rule.source}</div>
                      </td>
                      <td className="muted">
                        {rule.kind}
                        {rule.detection === 'advisory' ? ` · ${t('compliance.rules.advisory')}` : ''}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          ))}
        </div>
      </section>
      {selected ? <RuleDetailPanel key={selected.id} client={client} rule={selected} /> : <EmptyState>{t('compliance.rules.pick')}</EmptyState>}
    </div>
  );
}

function RuleDetailPanel({ client, rule }: { client: ApiClient; rule: RuleSummary }) {
  const { t } = useText();
  const { data, error } = useRequest(() => client.get<RuleDetail>(`/v1/compliance/rules/${encodeURIComponent(rule.id)}`), [rule.id]);
  return (
    <section className="panel stack" aria-label={rule.id} data-testid="rule-detail">
      <h2>
        <SeverityBadge severity={rule.severity} /> {rule.id} · {rule.title}
      </h2>
      <dl className="facts">
        <dt>{t('compliance.rules.source')}</dt>
        <dd>{rule.source}</dd>
        <dt>{t('compliance.rules.kind')}</dt>
        <dd>{rule.kind}</dd>
        {rule.detection && (
          <>
            <dt>{t('compliance.rules.detection')}</dt>
            <dd>
              {rule.detection}
              {rule.advisoryReason ? ` (${rule.advisoryReason})` : ''}
            </dd>
          </>
        )}
        {data?.explanation && (
          <>
            <dt>{t('compliance.explanation')}</dt>
            <dd>{data.explanation}</dd>
          </>
        )}
        {data?.fix && (
          <>
            <dt>{t('compliance.fix')}</dt>
            <dd>{data.fix}</dd>
          </>
        )}
      </dl>
      <RequestFailure error={error} />
      {data?.detector?.frames && data.detector.frames.length > 0 && (
        <>
          <h3>{t('compliance.rules.frames')}</h3>
          <ul>
            {data.detector.frames.map((frame) => (
              <li key={frame.id}>
                <code>{frame.id}</code> {frame.description ?? ''}
                <div className="muted">
                  {Object.entries(frame)
                    .filter(([key]) => key !== 'id' && key !== 'description')
                    .map(([key, value]) => `${key}: ${Array.isArray(value) ? value.join(', ') : String(value)}`)
                    .join(' · ')}
                </div>
              </li>
            ))}
          </ul>
        </>
      )}
      {data?.examples && (
        <div className="split">
          <div>
            <h3>{t('compliance.rules.violating')}</h3>
            <ul>
              {data.examples.violating.map((example, index) => (
                <li key={index}>✖ {exampleText(example)}</li>
              ))}
            </ul>
          </div>
          <div>
            <h3>{t('compliance.rules.compliant')}</h3>
            <ul>
              {data.examples.compliant.map((example, index) => (
                <li key={index}>✔ {exampleText(example)}</li>
              ))}
            </ul>
          </div>
        </div>
      )}
    </section>
  );
}
