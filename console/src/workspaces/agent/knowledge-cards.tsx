import { useState } from 'react';
import type { ApiClient } from '../../api/api-client';
import type { Citation, SearchResult } from '../../api/api-types';
import { EmptyState } from '../../components/empty-state';
import { ErrorBanner } from '../../components/error-banner';
import { useText } from '../../i18n/use-text';
import type { CardSet } from './call-state';

function Card({ card, conversationId, turnId, client, onOpen }: { card: SearchResult; conversationId: string; turnId: string; client: ApiClient; onOpen: (citation: Citation) => void }) {
  const { t } = useText();
  const [feedback, setFeedback] = useState<'helpful' | 'not_helpful'>();
  const [error, setError] = useState<unknown>();
  const send = async (action: 'helpful' | 'not_helpful') => {
    setError(undefined);
    try {
      await client.post(`/v1/conversations/${conversationId}/cards/feedback`, { documentId: card.documentId, chunkId: card.chunkId, turnId, action });
      setFeedback(action);
    } catch (caught) {
      setError(caught);
    }
  };
  return (
    <li className="card" data-card={card.chunkId} data-document-id={card.documentId}>
      <div className="card-heading">
        <button type="button" className="link-button card-title" onClick={() => onOpen(card)}>
          {card.title}
        </button>
        <span className="badge neutral">{t(`agent.kind.${card.kind}`)}</span>
      </div>
      {card.heading && <p className="card-path">{card.heading}</p>}
      <p className="card-text">{card.text}</p>
      <p className="hint">
        v{card.version} · {t('agent.cards.confidence', { percent: Math.round(card.confidence * 100) })}
      </p>
      {feedback ? (
        <p className="feedback-given" role="status">
          {t(`agent.cards.given.${feedback}`)}
        </p>
      ) : (
        <div className="actions">
          <button type="button" className="secondary small" onClick={() => void send('helpful')}>
            {t('agent.cards.helpful')}
          </button>
          <button type="button" className="secondary small" onClick={() => void send('not_helpful')}>
            {t('agent.cards.notHelpful')}
          </button>
        </div>
      )}
      <ErrorBanner error={error} />
    </li>
  );
}

/** The cards pushed for each customer turn, the latest first. */
export function KnowledgeCards({ cardSets, conversationId, client, onOpen }: { cardSets: readonly CardSet[]; conversationId: string; client: ApiClient; onOpen: (citation: Citation) => void }) {
  const { t } = useText();
  const ordered = [...cardSets].reverse();
  return (
    <section className="panel knowledge-cards" aria-labelledby="cards-title">
      <h2 id="cards-title">{t('agent.cards.title')}</h2>
      {ordered.length === 0 ? (
        <EmptyState>{t('agent.cards.none')}</EmptyState>
      ) : (
        <div aria-live="polite">
          {ordered.map((set, index) => (
            <div key={set.turnId} className={`card-set${index === 0 ? ' latest' : ''}`} data-card-set={set.turnId} data-client-turn-id={set.clientTurnId ?? undefined}>
              {index > 0 && <h3 className="hint">{t('agent.cards.earlier')}</h3>}
              <ul className="cards">
                {set.results.map((card) => (
                  <Card key={card.chunkId} card={card} conversationId={conversationId} turnId={set.turnId} client={client} onOpen={onOpen} />
                ))}
              </ul>
            </div>
          ))}
        </div>
      )}
    </section>
  );
}
