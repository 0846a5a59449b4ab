import { useMemo, useState } from 'react';
import type { ApiClient } from '../../api/api-client';
import { RequestFailure } from '../../components/not-available';
import { useRequest } from '../../components/use-request';
import { useText } from '../../i18n/use-text';
import { DiffView } from './diff-view';
import type { DocumentVersion, DocumentWithHistory } from './knowledge-types';
import { ReviewActions } from './review-actions';
import { VersionTimelineChart } from './version-timeline-chart';
import type { PassageTarget } from './version-viewer';

/** A document: its facts, its versions on a timeline of effective dates, the diff between any two, review actions on drafts. */
export function DocumentDetail({ client, documentId, onOpenPassage }: { client: ApiClient; documentId: string; onOpenPassage: (target: PassageTarget) => void }) {
  const { t } = useText();
  const { data, error, reload } = useRequest(() => client.get<DocumentWithHistory>(`/v1/knowledge/documents/${documentId}`), [documentId]);
  const now = useMemo(() => new Date(), [data]);
  const versions = data?.versions ?? [];
  const numbers = versions.map((version) => version.version).sort((left, right) => left - right);
  const [from, setFrom] = useState<number>();
  const [to, setTo] = useState<number>();
  const diffFrom = from ?? numbers[numbers.length - 2];
  const diffTo = to ?? numbers[numbers.length - 1];
  return (
    <section className="panel stack" aria-label={t('knowledge.detail.title')} data-testid="document-detail">
      <RequestFailure error={error} onRetry={reload} />
      {data && (
        <>
          <h2>{data.title}</h2>
          <dl className="facts">
            <dt>{t('knowledge.field.externalId')}</dt>
            <dd>{data.externalId}</dd>
            <dt>{t('knowledge.field.kind')}</dt>
            <dd>{t(`knowledge.kind.${data.kind}`)}</dd>
            <dt>{t('knowledge.field.owner')}</dt>
            <dd>{data.owner ?? '—'}</dd>
            <dt>{t('knowledge.field.source')}</dt>
            <dd>{data.sourceUri ?? data.source ?? '—'}</dd>
            <dt>{t('knowledge.field.version')}</dt>
            <dd>
              v{data.currentVersion}
              {data.retired ? ` · ${t('knowledge.status.retired')}` : ''}
            </dd>
          </dl>
          <h3>{t('knowledge.timeline.title')}</h3>
          <VersionTimelineChart versions={versions} retired={data.retired} at={now} onOpen={(version) => onOpenPassage({ documentId, version })} />
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">{t('knowledge.field.version')}</th>
                <th scope="col">{t('knowledge.field.status')}</th>
                <th scope="col">{t('knowledge.field.effective')}</th>
                <th scope="col">{t('knowledge.field.created')}</th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {[...versions]
                .sort((left, right) => right.version - left.version)
                .map((version) => (
                  <tr key={version.version} data-version={version.version}>
                    <td>v{version.version}</td>
                    <td>{t(`knowledge.status.${version.status}`)}</td>
                    <td>
                      {version.effectiveFrom?.slice(0, 10) ?? '—'} → {version.effectiveUntil?.slice(0, 10) ?? '—'}
                    </td>
                    <td>
                      {version.createdAt.slice(0, 16).replace('T', ' ')} {version.createdBy ?? ''}
                    </td>
                    <td>
                      <button type="button" className="link-button" onClick={() => onOpenPassage({ documentId, version: version.version })}>
                        {t('knowledge.open')}
                      </button>
                      {version.status === 'draft' && <ReviewActions client={client} documentId={documentId} version={version.version} onDone={reload} />}
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
          {numbers.length > 1 && diffFrom !== undefined && diffTo !== undefined && (
            <section className="stack" aria-label={t('knowledge.diff.title')}>
              <h3>{t('knowledge.diff.title')}</h3>
              <div className="filters">
                <VersionSelect label={t('knowledge.diff.from')} versions={numbers} value={diffFrom} onChange={setFrom} />
                <VersionSelect label={t('knowledge.diff.to')} versions={numbers} value={diffTo} onChange={setTo} />
              </div>
              <VersionDiff client={client} documentId={documentId} from={diffFrom} to={diffTo} />
            </section>
          )}
        </>
      )}
    </section>
  );
}

/** The diff of two versions' bodies, computed here from the public version route, so it works on any server. */
function VersionDiff({ client, documentId, from, to }: { client: ApiClient; documentId: string; from: number; to: number }) {
  const { t } = useText();
  const { data, error, loading } = useRequest(
    () =>
      Promise.all([
        client.get<DocumentVersion>(`/v1/knowledge/documents/${documentId}/versions/${from}`),
        client.get<DocumentVersion>(`/v1/knowledge/documents/${documentId}/versions/${to}`),
      ]),
    [documentId, from, to],
  );
  if (error) return <RequestFailure error={error} />;
  if (!data || loading) return <p className="muted">{t('knowledge.loading')}</p>;
  return <DiffView before={data[0].body} after={data[1].body} />;
}

/** One end of the diff: a version of this document. */
function VersionSelect({ label, versions, value, onChange }: { label: string; versions: readonly number[]; value: number; onChange: (version: number) => void }) {
  return (
    <label>
      {label}
      <select value={value} onChange={(event) => onChange(Number(event.target.value))}>
        {versions.map((number) => (
          <option key={number} value={number}>
            v{number}
          </option>
        ))}
      </select>
    </label>
  );
}
