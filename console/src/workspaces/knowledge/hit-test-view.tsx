import { useState, type FormEvent } from 'react';
import type { ApiClient } from '../../api/api-client';
import { EmptyState } from '../../components/empty-state';
import { RequestFailure } from '../../components/not-available';
import { useText } from '../../i18n/use-text';
import { highlightTerms } from './highlight-terms';
import { documentKinds, type DocumentKind, type SearchResponse } from './knowledge-types';
import type { PassageTarget } from './version-viewer';

function fixed(value: number | undefined, digits = 3): string {
  return value === undefined ? '—' : value.toFixed(digits);
}

/** Hit testing (命中测试): what retrieval returns for a question as of a date, with each leg's rank and score and the words matched. */
export function HitTestView({ client, onOpenPassage }: { client: ApiClient; onOpenPassage: (target: PassageTarget) => void }) {
  const { t } = useText();
  const [query, setQuery] = useState('');
  const [asOf, setAsOf] = useState('');
  const [topK, setTopK] = useState(10);
  const [kinds, setKinds] = useState<DocumentKind[]>([]);
  const [answer, setAnswer] = useState<SearchResponse>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const search = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      setAnswer(await client.post<SearchResponse>('/v1/knowledge/search', { query, topK, explain: true, ...(asOf ? { asOf } : {}), ...(kinds.length > 0 ? { kinds } : {}) }));
    } catch (failure) {
      setError(failure);
      setAnswer(undefined);
    } finally {
      setBusy(false);
    }
  };
  const toggleKind = (kind: DocumentKind) => setKinds((previous) => (previous.includes(kind) ? previous.filter((item) => item !== kind) : [...previous, kind]));

  return (
    <section className="stack" aria-label={t('knowledge.hit.title')}>
      <form className="panel stack" onSubmit={search}>
        <label>
          {t('knowledge.hit.question')}
          <textarea name="query" rows={2} value={query} onChange={(event) => setQuery(event.target.value)} />
        </label>
        <div className="filters">
          <label>
            {t('knowledge.hit.asOf')}
            <input type="date" name="asOf" value={asOf} onChange={(event) => setAsOf(event.target.value)} />
          </label>
          <label>
            {t('knowledge.hit.topK')}
            <input type="number" name="topK" min={1} max={50} value={topK} onChange={(event) => setTopK(Number(event.target.value))} />
          </label>
          <fieldset className="filters">
            <legend className="muted">{t('knowledge.field.kind')}</legend>
            {documentKinds.map((kind) => (
              <label key={kind} className="inline-choice">
                <input type="checkbox" checked={kinds.includes(kind)} onChange={() => toggleKind(kind)} /> {t(`knowledge.kind.${kind}`)}
              </label>
            ))}
          </fieldset>
          <button type="submit" disabled={busy}>
            {t('knowledge.hit.search')}
          </button>
        </div>
      </form>
      <RequestFailure error={error} />
      {answer && (
        <div className="stack" data-testid="hit-results">
          <p className="muted">
            {t('knowledge.hit.summary', { count: answer.results.length, took: answer.tookMs })}
            {answer.queryTokens && answer.queryTokens.length > 0 && (
              <>
                {' · '}
                {t('knowledge.hit.tokens')}: <code>{answer.queryTokens.join(' | ')}</code>
              </>
            )}
          </p>
          {answer.results.length === 0 && <EmptyState>{t('knowledge.hit.none')}</EmptyState>}
          <ol className="stack">
            {answer.results.map((result, index) => {
              const matched = result.explain?.lexical?.matchedTokens ?? [];
              return (
                <li key={result.chunkId} className="result-card" data-rank={index + 1}>
                  <header>
                    <strong>
                      {index + 1}. {result.title}
                    </strong>
                    <span className="muted">
                      {t(`knowledge.kind.${result.kind}`)} · {result.externalId} · v{result.version}
                      {result.heading ? ` · ${result.heading}` : ''}
                    </span>
                  </header>
                  <div className="scores">
                    <span>
                      {t('knowledge.hit.confidence')}: <strong>{fixed(result.confidence, 2)}</strong>
                    </span>
                    <span>
                      {t('knowledge.hit.fused')}: {fixed(result.explain?.fusedScore)} ({t('knowledge.hit.relative')} {fixed(result.score, 2)})
                    </span>
                    <span data-leg="lexical">
                      {t('knowledge.hit.lexical')}: {result.explain?.lexical ? `#${result.explain.lexical.rank} · ${fixed(result.explain.lexical.score)}` : t('knowledge.hit.noHit')}
                    </span>
                    <span data-leg="vector">
                      {t('knowledge.hit.vector')}: {result.explain?.vector ? `#${result.explain.vector.rank} · ${fixed(result.explain.vector.similarity)}` : t('knowledge.hit.noHit')}
                    </span>
                  </div>
                  {matched.length > 0 && (
                    <div className="muted" data-testid="matched-words">
                      {t('knowledge.hit.matched')}: {matched.join(', ')}
                    </div>
                  )}
                  <p className="passage">
                    {highlightTerms(result.text, matched).map((piece, position) => (piece.matched ? <mark key={position}>{piece.text}</mark> : <span key={position}>{piece.text}</span>))}
                  </p>
                  <button type="button" className="link-button" onClick={() => onOpenPassage({ documentId: result.documentId, version: result.version, chunkId: result.chunkId })}>
                    {t('knowledge.hit.openPassage')}
                  </button>
                </li>
              );
            })}
          </ol>
        </div>
      )}
    </section>
  );
}
