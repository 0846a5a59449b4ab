import { ChoiceSelect } from '../../components/choice-select';
import { useRef, useState, type FormEvent } from 'react';
import type { ApiClient } from '../../api/api-client';
import { uploadWithProgress } from '../../api/upload-with-progress';
import { ErrorBanner } from '../../components/error-banner';
import { useText } from '../../i18n/use-text';
import { documentKinds, documentStatuses } from './knowledge-types';

interface UploadItem {
  name: string;
  size: number;
  loaded: number;
  state: 'waiting' | 'sending' | 'done' | 'failed';
  answer?: { documentId?: string; version?: number; outcome?: string; created?: number; updated?: number; unchanged?: number };
  error?: unknown;
}

const metadataFields = ['kind', 'status', 'product', 'owner', 'language', 'effectiveFrom', 'effectiveUntil', 'tags'] as const;

/** Files sent one by one as multipart uploads, each with its progress and, on failure, the API's problem beside it. */
export function UploadView({ client, onUploaded }: { client: ApiClient; onUploaded: () => void }) {
  const { t } = useText();
  const [items, setItems] = useState<UploadItem[]>([]);
  const [running, setRunning] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const update = (index: number, patch: Partial<UploadItem>) => setItems((previous) => previous.map((item, position) => (position === index ? { ...item, ...patch } : item)));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!form.current) return;
    const data = new FormData(form.current);
    const files = data.getAll('file').filter((value): value is File => value instanceof File && value.name !== '');
    if (files.length === 0) return;
    setItems(files.map((file) => ({ name: file.name, size: file.size, loaded: 0, state: 'waiting' })));
    setRunning(true);
    let anyDone = false;
    for (const [index, file] of files.entries()) {
      const body = new FormData();
      // Fields before the file: the service reads the parts in order and needs the metadata when the file arrives.
      for (const field of metadataFields) {
        const value = String(data.get(field) ?? '').trim();
        if (value) body.append(field, value);
      }
      body.append('file', file, file.name);
      update(index, { state: 'sending' });
      try {
        const answer = await uploadWithProgress<UploadItem['answer']>(client, '/v1/knowledge/documents', body, (progress) => update(index, { loaded: progress.loaded }));
        update(index, { state: 'done', loaded: file.size, ...(answer ? { answer } : {}) });
        anyDone = true;
      } catch (error) {
        update(index, { state: 'failed', error });
      }
    }
    setRunning(false);
    if (anyDone) onUploaded();
  };

  return (
    <section className="stack" aria-label={t('knowledge.upload.title')}>
      <form ref={form} className="stack panel" onSubmit={submit}>
        <label>
          {t('knowledge.upload.files')}
          <input type="file" name="file" multiple accept=".md,.markdown,.txt,.html,.htm,.pdf,.csv,.jsonl" />
        </label>
        <p className="muted">{t('knowledge.upload.hint')}</p>
        <div className="filters">
          <ChoiceSelect label={t('knowledge.field.kind')} name="kind" emptyLabel={t('knowledge.upload.fromFile')} choices={documentKinds.map((kind) => ({ value: kind, label: t(`knowledge.kind.${kind}`) }))} />
          <ChoiceSelect label={t('knowledge.field.status')} name="status" emptyLabel={t('knowledge.upload.defaultStatus')} choices={documentStatuses.map((status) => ({ value: status, label: t(`knowledge.status.${status}`) }))} />
          <ChoiceSelect label={t('knowledge.field.language')} name="language" emptyLabel={t('knowledge.upload.detect')} choices={[{ value: 'zh', label: '中文' }, { value: 'en', label: 'English' }]} />
          <label>
            {t('knowledge.field.product')}
            <input name="product" />
          </label>
          <label>
            {t('knowledge.field.owner')}
            <input name="owner" />
          </label>
          <label>
            {t('knowledge.field.effectiveFrom')}
            <input name="effectiveFrom" type="date" />
          </label>
          <label>
            {t('knowledge.field.effectiveUntil')}
            <input name="effectiveUntil" type="date" />
          </label>
          <label>
            {t('knowledge.field.tags')}
            <input name="tags" placeholder={t('knowledge.upload.tagsHint')} />
          </label>
        </div>
        <div>
          <button type="submit" disabled={running}>
            {running ? t('knowledge.upload.sending') : t('knowledge.upload.send')}
          </button>
        </div>
      </form>
      {items.length > 0 && (
        <ul className="panel" aria-live="polite" data-testid="upload-list">
          {items.map((item, index) => (
            <li key={index} className="upload-row" data-state={item.state} data-file={item.name}>
              <span>{item.name}</span>
              <span>
                <progress className="progress" max={item.size || 1} value={item.loaded} aria-label={t('knowledge.upload.progress', { name: item.name })} />
                <span className="muted"> {t(`knowledge.upload.state.${item.state}`)}</span>
              </span>
              <span>
                {item.state === 'done' && item.answer && (
                  <span>
                    {item.answer.version !== undefined ? `v${item.answer.version} · ${item.answer.outcome ?? ''}` : t('knowledge.upload.faqCounts', { created: item.answer.created ?? 0, updated: item.answer.updated ?? 0, unchanged: item.answer.unchanged ?? 0 })}
                  </span>
                )}
                {item.state === 'failed' && <ErrorBanner error={item.error} />}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
