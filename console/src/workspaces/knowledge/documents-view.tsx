import { ChoiceSelect } from '../../components/choice-select';
import { useMemo, useState } from 'react';
import type { ApiClient } from '../../api/api-client';
import { EmptyState } from '../../components/empty-state';
import { RequestFailure } from '../../components/not-available';
import { useRequest } from '../../components/use-request';
import { useText } from '../../i18n/use-text';
import { DocumentDetail } from './document-detail';
import { distinctValues, effectiveState, filterDocuments, type DocumentFilters, type EffectiveState } from './document-filters';
import { documentKinds, documentStatuses, type DocumentKind, type DocumentStatus, type KnowledgeDocument, type Page } from './knowledge-types';
import type { PassageTarget } from './version-viewer';

const pageSize = 200;

/** Every page of the list for the server-side filters (kind, status): the other filters run on what is loaded. */
async function loadDocuments(client: ApiClient, kind: string, status: string, limitPages: number): Promise<{ items: KnowledgeDocument[]; more: boolean }> {
  const items: KnowledgeDocument[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < limitPages; page += 1) {
    const answer = await client.get<Page<KnowledgeDocument>>('/v1/knowledge/documents', { query: { kind: kind || undefined, status: status || undefined, limit: pageSize, cursor } });
    items.push(...answer.items);
    cursor = answer.nextCursor;
    if (!cursor) return { items, more: false };
  }
  return { items, more: true };
}

export function DocumentsView({ client, refreshKey, onOpenPassage }: { client: ApiClient; refreshKey: number; onOpenPassage: (target: PassageTarget) => void }) {
  const { t } = useText();
  const [filters, setFilters] = useState<DocumentFilters>({});
  const [pages, setPages] = useState(5);
  const [selected, setSelected] = useState<string>();
  const now = useMemo(() => new Date(), [refreshKey]);
  const { data, error, loading, reload } = useRequest(() => loadDocuments(client, filters.kind ?? '', filters.status ?? '', pages), [filters.kind, filters.status, pages, refreshKey]);
  const documents = data?.items ?? [];
  const shown = useMemo(() => filterDocuments(documents, filters, now), [documents, filters, now]);
  const set = (patch: Partial<DocumentFilters>) => setFilters((previous) => ({ ...previous, ...patch }));
  return (
    <div className="split">
      <section aria-label={t('knowledge.documents.title')} className="stack">
        <form className="filters" onSubmit={(event) => event.preventDefault()} aria-label={t('knowledge.filters')}>
          <ChoiceSelect label={t('knowledge.field.kind')} name="kind" emptyLabel={t('knowledge.any')} choices={documentKinds.map((kind) => ({ value: kind, label: t(`knowledge.kind.${kind}`) }))} value={filters.kind} onChange={(kind) => set({ kind: kind as DocumentKind | undefined })} />
          <ChoiceSelect label={t('knowledge.field.status')} name="status" emptyLabel={t('knowledge.any')} choices={documentStatuses.map((status) => ({ value: status, label: t(`knowledge.status.${status}`) }))} value={filters.status} onChange={(status) => set({ status: status as DocumentStatus | undefined })} />
          <ChoiceSelect label={t('knowledge.field.product')} name="product" emptyLabel={t('knowledge.any')} choices={distinctValues(documents, 'product').map((product) => ({ value: product, label: product }))} value={filters.product} onChange={(product) => set({ product })} />
          <ChoiceSelect label={t('knowledge.field.owner')} name="owner" emptyLabel={t('knowledge.any')} choices={distinctValues(documents, 'owner').map((owner) => ({ value: owner, label: owner }))} value={filters.owner} onChange={(owner) => set({ owner })} />
          <ChoiceSelect label={t('knowledge.field.effective')} name="effective" emptyLabel={t('knowledge.any')} choices={(['current', 'future', 'expired'] as const).map((state) => ({ value: state, label: t(`knowledge.effective.${state}`) }))} value={filters.effective} onChange={(effective) => set({ effective: effective as EffectiveState | undefined })} />
          <label>
            {t('knowledge.field.text')}
            <input type="search" value={filters.text ?? ''} onChange={(event) => set({ text: event.target.value })} name="text" />
          </label>
        </form>
        <RequestFailure error={error} onRetry={reload} />
        <p className="muted" aria-live="polite">
          {loading ? t('knowledge.loading') : t('knowledge.documents.count', { shown: shown.length, loaded: documents.length })}
          {data?.more && (
            <>
              {' '}
              <button type="button" className="link-button" onClick={() => setPages((value) => value + 5)}>
                {t('knowledge.documents.loadMore')}
              </button>
            </>
          )}
        </p>
        {shown.length === 0 && !loading ? (
          <EmptyState />
        ) : (
          <div className="table-scroll">
            <table className="data-table" data-testid="document-table">
              <thead>
                <tr>
                  <th scope="col">{t('knowledge.field.title')}</th>
                  <th scope="col">{t('knowledge.field.kind')}</th>
                  <th scope="col">{t('knowledge.field.product')}</th>
                  <th scope="col">{t('knowledge.field.status')}</th>
                  <th scope="col">{t('knowledge.field.effective')}</th>
                  <th scope="col">{t('knowledge.field.version')}</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((document) => (
                  <tr key={document.documentId} className={document.documentId === selected ? 'selected' : undefined} data-external-id={document.externalId}>
                    <td>
                      <button type="button" className="link-button" onClick={() => setSelected(document.documentId)} aria-pressed={document.documentId === selected}>
                        {document.title}
                      </button>
                      <div className="muted">{document.externalId}</div>
                    </td>
                    <td>{t(`knowledge.kind.${document.kind}`)}</td>
                    <td>{document.product ?? ''}</td>
                    <td>{t(`knowledge.status.${document.status}`)}</td>
                    <td>{t(`knowledge.effective.${effectiveState(document, now)}`)}</td>
                    <td>v{document.currentVersion}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {selected ? <DocumentDetail key={selected} client={client} documentId={selected} onOpenPassage={onOpenPassage} /> : <EmptyState>{t('knowledge.documents.pick')}</EmptyState>}
    </div>
  );
}
