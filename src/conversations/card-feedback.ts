import { randomUUID } from 'node:crypto';
import type { Database } from '../db/database.js';
import { maskText } from '../privacy/mask-personal-data.js';
import type { DeskScope } from '../access/desk-scope.js';
import type { ConversationService } from './conversation-service.js';
import { customerQuestion } from './customer-question.js';

export interface CardFeedbackInput {
  documentId: string;
  /** The customer turn the card was pushed for (the `turnId` of the `knowledge` event); default: the latest card. */
  turnId?: string;
  chunkId?: string;
  action: 'helpful' | 'not_helpful';
  reason?: string;
}

/** A card that helped: the customer's question it answered, for compose.ts to propose as a similar question. */
export interface HelpfulCard {
  conversationId: string;
  documentId: string;
  question: string;
  givenBy: string;
}

/** Feedback must be about a card this conversation showed; the field says which reference did not match. */
export class CardNotShownError extends Error {
  readonly code = 'card_not_shown';
  constructor(readonly field: 'documentId' | 'turnId') {
    super(field === 'turnId' ? 'no knowledge card was pushed for that turn of this conversation' : 'that document was not shown as a knowledge card in this conversation');
    this.name = 'CardNotShownError';
  }
}

/** Agents' verdicts on the knowledge cards pushed during a call (`helpful` / `not_helpful`). */
export class CardFeedbackService {
  readonly #database: Database;
  readonly #conversations: ConversationService;
  readonly #onHelpful: ((card: HelpfulCard) => Promise<void>) | undefined;
  readonly #questionCharacters: number;

  constructor(options: { database: Database; conversations: ConversationService; onHelpful?: (card: HelpfulCard) => Promise<void>; questionCharacters?: number }) {
    this.#database = options.database;
    this.#conversations = options.conversations;
    this.#onHelpful = options.onHelpful;
    this.#questionCharacters = options.questionCharacters ?? 500;
  }

  async record(conversationId: string, input: CardFeedbackInput, givenBy: string, scope: DeskScope = {}): Promise<{ id: string; turnId: string | null }> {
    await this.#conversations.get(conversationId, scope);
    const shown = await this.#database.query<{ turn_id: string | null }>(
      `select data->>'turnId' as turn_id from conversation_events
        where conversation_id = $1 and type = 'knowledge' and ($3::text is null or data->>'turnId' = $3)
          and exists (select 1 from jsonb_array_elements(data->'results') as card where card->>'documentId' = $2)
        order by id desc limit 1`,
      [conversationId, input.documentId, input.turnId ?? null],
    );
    const card = shown.rows[0];
    if (!card) {
      // Name the reference that is wrong: a turn without cards, or a document that was never a card.
      if (input.turnId) {
        const anyCard = await this.#database.query(`select 1 from conversation_events where conversation_id = $1 and type = 'knowledge' and data->>'turnId' = $2 limit 1`, [conversationId, input.turnId]);
        if (anyCard.rows.length === 0) throw new CardNotShownError('turnId');
      }
      throw new CardNotShownError('documentId');
    }
    const id = randomUUID();
    await this.#database.query(
      `insert into card_feedback (id, conversation_id, turn_id, document_id, chunk_id, action, reason, given_by) values ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [id, conversationId, card.turn_id, input.documentId, input.chunkId ?? null, input.action, input.reason === undefined ? null : maskText(input.reason), givenBy],
    );
    if (input.action === 'helpful' && this.#onHelpful) {
      const turns = await this.#conversations.turns(conversationId, { last: 30 });
      const question = customerQuestion(turns, card.turn_id ?? undefined, this.#questionCharacters);
      if (question) await this.#onHelpful({ conversationId, documentId: input.documentId, question, givenBy });
    }
    return { id, turnId: card.turn_id };
  }
}
