import { useEffect, useRef, useState } from 'react';
import type { ApiClient } from '../../api/api-client';
import type { Citation, DocumentVersion } from '../../api/api-types';
import { ErrorBanner } from '../../components/error-banner';
import { useText } from '../../i18n/use-text';

function formatDate(value: string | null, language: string): string {
  return value ? new Date(value).toLocaleDateString(language === 'zh' ? 'zh-CN' : 'en-GB') : '—';
}

/** The cited passage inside the very version of its document that was cited, with that version's dates and status. */
export function PassageViewer({ client, citation, onClose }: { client: ApiClient; citation: Citation; onClose: () => void }) {
  const { t, language } = useText();
  const [version, setVersion] = useState<DocumentVersion>();
  const [error, setError] = useState<unknown>();
  const dialogRef = useRef<HTMLDivElement>(null);
  const citedRef = useRef<HTMLLIElement>(null);

  useEffect(() => {
    const controller = new AbortController();
    setVersion(undefined);
    setError(undefined);
    client
      .get<DocumentVersion>(`/v1/knowledge/documents/${citation.documentId}/versions/${citation.version}`, { signal: controller.signal })
      .then(setVersion, (caught: unknown) => {
        if (!controller.signal.aborted) setError(caught);
      });
    return () => controller.abort();
  }, [client, citation.documentId, citation.version]);

  useEffect(() => {
    dialogRef.current?.focus();
  }, []);
  useEffect(() => {
    citedRef.current?.scrollIntoView?.({ block: 'center' });
  }, [version]);

  return (
    <div className="dialog-backdrop" onClick={onClose}>
      <div
        className="dialog panel"
        role="dialog"
        aria-modal="true"
        aria-labelledby="passage-title"
        tabIndex={-1}
        ref={dialogRef}
        onClick={(event) => event.stopPropagation()}
        onKeyDown={(event) => {
          if (event.key === 'Escape') onClose();
        }}
      >
        <div className="panel-heading">
          <h2 id="passage-title">
            {citation.title} · v{citation.version}
          </h2>
          <button type="button" className="secondary" onClick={onClose}>
            {t('agent.passage.close')}
          </button>
        </div>
        <ErrorBanner error={error} />
        {!version && !error && <p className="hint">{t('agent.passage.loading')}</p>}
        {version && (
          <>
            <p className="hint" data-passage-version={version.version}>
              {t('agent.passage.meta', {
                version: version.version,
                status: version.status,
                from: formatDate(version.effectiveFrom, language),
                until: formatDate(version.effectiveUntil, language),
              })}
              {version.sourceUri ? ` · ${version.sourceUri}` : ''}
            </p>
            <ol className="passage-chunks">
              {version.chunks.map((chunk) => {
                const cited = chunk.chunkId === citation.chunkId;
                return (
                  <li key={chunk.chunkId} ref={cited ? citedRef : undefined} className={cited ? 'cited' : ''} data-cited={cited ? 'true' : undefined}>
                    {cited && <strong className="cited-label">{t('agent.passage.cited')}</strong>}
                    {chunk.text}
                  </li>
                );
              })}
            </ol>
          </>
        )}
      </div>
    </div>
  );
}
