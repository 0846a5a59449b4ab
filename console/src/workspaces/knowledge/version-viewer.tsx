import { useEffect, useRef } from 'react';
import type { ApiClient } from '../../api/api-client';
import { RequestFailure } from '../../components/not-available';
import { useRequest } from '../../components/use-request';
import { useText } from '../../i18n/use-text';
import type { DocumentVersion } from './knowledge-types';

export interface PassageTarget {
  documentId: string;
  version: number;
  chunkId?: string;
}

/** One version of a document with its passages (chunks); the passage a citation or hit points to is scrolled to and outlined. */
export function VersionViewer({ client, target, onClose }: { client: ApiClient; target: PassageTarget; onClose: () => void }) {
  const { t } = useText();
  const { data, error, reload } = useRequest(() => client.get<DocumentVersion>(`/v1/knowledge/documents/${target.documentId}/versions/${target.version}`), [target.documentId, target.version]);
  const focused = useRef<HTMLLIElement>(null);
  useEffect(() => {
    focused.current?.scrollIntoView?.({ block: 'nearest' });
  }, [data, target.chunkId]);
  return (
    <section className="panel stack" aria-label={t('knowledge.passage.title')} data-testid="version-viewer">
      <header className="filters">
        <h2>
          {data ? data.title : t('knowledge.loading')} · v{target.version}
        </h2>
        <button type="button" className="secondary" onClick={onClose}>
          {t('knowledge.close')}
        </button>
      </header>
      <RequestFailure error={error} onRetry={reload} />
      {data && (
        <>
          <dl className="facts">
            <dt>{t('knowledge.field.externalId')}</dt>
            <dd>{data.externalId}</dd>
            <dt>{t('knowledge.field.status')}</dt>
            <dd>{t(`knowledge.status.${data.status}`)}</dd>
            <dt>{t('knowledge.field.effective')}</dt>
            <dd>
              {data.effectiveFrom?.slice(0, 10) ?? '—'} → {data.effectiveUntil?.slice(0, 10) ?? '—'}
            </dd>
          </dl>
          <ol className="stack">
            {data.chunks.map((chunk) => (
              <li key={chunk.chunkId} ref={chunk.chunkId === target.chunkId ? focused : undefined} className={chunk.chunkId === target.chunkId ? 'passage focused' : 'passage'} data-chunk-id={chunk.chunkId}>
                {chunk.headingPath.length > 0 && <div className="muted">{chunk.headingPath.join(' › ')}</div>}
                {chunk.text}
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
