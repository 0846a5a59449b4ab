import { useState } from 'react';
import type { ApiClient } from '../../api/api-client';
import { EmptyState } from '../../components/empty-state';
import { RequestFailure } from '../../components/not-available';
import { useRequest } from '../../components/use-request';
import { useText } from '../../i18n/use-text';
import { BarChart, type BarDatum } from './bar-chart';
import { readInspectedCall } from './read-inspected-call';
import { TrendChart } from './trend-chart';
import { PeriodFields } from './period-fields';

interface CountWithTrend {
  key: string;
  calls: number;
  previousCalls: number;
  shareChange: number;
  exampleCalls: string[];
}

interface Insights {
  period: { from: string; to: string; previousFrom: string };
  totals: { calls: number; previousCalls: number; complaints: number; averageScore: number | null; needsReview: number; failedInspections: number };
  reasons: CountWithTrend[];
  complaints: CountWithTrend[];
  emergingTopics: { term: string; current: number; previous: number; shareRatio: number; exampleCalls: string[] }[];
  emergingMethod: string;
  groups?: { key: string; calls: number; complaints: number }[];
}


const day = 86_400_000;
const isoDay = (time: number) => new Date(time).toISOString().slice(0, 10);

function trendBars(rows: readonly CountWithTrend[]): BarDatum[] {
  return rows.map((row) => ({ key: row.key, label: row.key, value: row.calls, previous: row.previousCalls }));
}

/** Voice of the customer (客户之声): why customers call, what they complain about, how it moves, what is new; each bar drills down to its calls. */
export function CustomerVoiceView({ client }: { client: ApiClient }) {
  const { t } = useText();
  const [from, setFrom] = useState(() => isoDay(Date.now() - 30 * day));
  const [to, setTo] = useState(() => isoDay(Date.now() + day));
  const { data, error, reload } = useRequest(() => client.get<Insights>('/v1/insights', { query: { from, to, groupBy: 'day', limit: 12 } }), [from, to]);
  const [drill, setDrill] = useState<{ title: string; calls: string[] }>();
  const open = (title: string, calls: string[]) => setDrill({ title, calls });
  const byKey = (rows: readonly { key?: string; term?: string; exampleCalls: string[] }[], key: string) => rows.find((row) => (row.key ?? row.term) === key)?.exampleCalls ?? [];
  return (
    <section className="stack" aria-label={t('compliance.voice.title')}>
      <div className="filters">
        <PeriodFields from={from} to={to} onFrom={setFrom} onTo={setTo} />
      </div>
      <RequestFailure error={error} onRetry={reload} />
      {data && (
        <div className="split">
          <div className="stack">
            <p>
              {t('compliance.voice.totals', { calls: data.totals.calls, previous: data.totals.previousCalls, complaints: data.totals.complaints, review: data.totals.needsReview })}
              {data.totals.averageScore !== null && ` · ${t('compliance.voice.score', { score: data.totals.averageScore.toFixed(1) })}`}
            </p>
            <section className="panel">
              <h3>{t('compliance.voice.trend')}</h3>
              {(data.groups ?? []).length === 0 ? <EmptyState /> : <TrendChart title={t('compliance.voice.trend')} points={(data.groups ?? []).map((group) => ({ key: group.key, value: group.calls }))} />}
            </section>
            <section className="panel">
              <h3>{t('compliance.voice.reasons')}</h3>
              {data.reasons.length === 0 ? <EmptyState /> : <BarChart title={t('compliance.voice.reasons')} data={trendBars(data.reasons)} valueLabel={t('compliance.voice.current')} previousLabel={t('compliance.voice.previous')} onSelect={(datum) => open(datum.label, byKey(data.reasons, datum.key))} />}
            </section>
            <section className="panel">
              <h3>{t('compliance.voice.complaints')}</h3>
              {data.complaints.length === 0 ? <EmptyState /> : <BarChart title={t('compliance.voice.complaints')} data={trendBars(data.complaints)} valueLabel={t('compliance.voice.current')} previousLabel={t('compliance.voice.previous')} onSelect={(datum) => open(datum.label, byKey(data.complaints, datum.key))} />}
            </section>
            <section className="panel">
              <h3>{t('compliance.voice.emerging')}</h3>
              {data.emergingTopics.length === 0 ? (
                <EmptyState />
              ) : (
                <BarChart
                  title={t('compliance.voice.emerging')}
                  data={data.emergingTopics.map((topic) => ({ key: topic.term, label: topic.term, value: topic.current, previous: topic.previous }))}
                  valueLabel={t('compliance.voice.current')}
                  previousLabel={t('compliance.voice.previous')}
                  onSelect={(datum) => open(datum.label, data.emergingTopics.find((topic) => topic.term === datum.key)?.exampleCalls ?? [])}
                />
              )}
              <p className="muted">{data.emergingMethod}</p>
            </section>
          </div>
          <div>{drill ? <DrillDown client={client} title={drill.title} calls={drill.calls} /> : <EmptyState>{t('compliance.voice.pick')}</EmptyState>}</div>
        </div>
      )}
    </section>
  );
}

function DrillDown({ client, title, calls }: { client: ApiClient; title: string; calls: string[] }) {
  const { t } = useText();
  const [call, setCall] = useState<string>();
  const conversation = useRequest(call ? () => readInspectedCall(client, call) : undefined, [call]);
  return (
    <section className="panel stack" aria-label={title} data-testid="drill-down">
      <h3>{t('compliance.voice.calls', { title })}</h3>
      {calls.length === 0 ? (
        <EmptyState />
      ) : (
        <ul>
          {calls.map((id) => (
            <li key={id}>
              <button type="button" className="link-button" onClick={() => setCall(id)} aria-pressed={call === id}>
                {id}
              </button>
            </li>
          ))}
        </ul>
      )}
      <RequestFailure error={conversation.error} />
      {call && conversation.data && (
        <ol className="stack">
          {(conversation.data.turns ?? []).map((turn, index) => (
            <li key={index}>
              <strong>{turn.speaker === 'agent' ? t('compliance.test.agent') : t('compliance.test.customer')}:</strong> {turn.text}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
