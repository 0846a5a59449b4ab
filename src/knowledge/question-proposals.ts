import { randomUUID } from 'node:crypto';
import type { Database } from '../db/database.js';
import { maskText } from '../privacy/mask-personal-data.js';
import type { Actor } from './document-input.js';
import { IngestError } from './ingest-error.js';
import type { KnowledgeService } from './knowledge-service.js';
import { questionKey } from './similar-questions.js';

export type ProposalStatus = 'proposed' | 'approved' | 'rejected';
export type ProposalOrigin = 'suggestion_accepted' | 'card_helpful';

export interface Proposal {
  id: string;
  documentId: string;
  externalId: string;
  title: string;
  question: string;
  status: ProposalStatus;
  origin: ProposalOrigin;
  conversationId: string | null;
  suggestionId: string | null;
  proposedBy: string | null;
  timesProposed: number;
  decidedBy: string | null;
  decidedAt: string | null;
  comment: string | null;
  approvedVersion: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface ProposeInput {
  documentIds: readonly string[];
  question: string;
  origin: ProposalOrigin;
  conversationId?: string;
  suggestionId?: string;
  proposedBy: string;
}

export class ProposalNotFoundError extends Error {
  readonly code = 'proposal_not_found';
  constructor(id: string) {
    super(`no question proposal ${id}`);
    this.name = 'ProposalNotFoundError';
  }
}

/** Approving or rejecting twice would rewrite who decided: a decision stands, a new one needs a new proposal. */
export class ProposalDecidedError extends Error {
  readonly code = 'proposal_decided';
  constructor(id: string, status: ProposalStatus) {
    super(`question proposal ${id} is already ${status}`);
    this.name = 'ProposalDecidedError';
  }
}

interface ProposalRow {
  id: string;
  document_id: string;
  external_id: string;
  title: string;
  question: string;
  status: ProposalStatus;
  origin: ProposalOrigin;
  conversation_id: string | null;
  suggestion_id: string | null;
  proposed_by: string | null;
  times_proposed: number;
  decided_by: string | null;
  decided_at: unknown;
  comment: string | null;
  approved_version: number | null;
  created_at: unknown;
  updated_at: unknown;
}

const iso = (value: unknown): string | null => (value === null || value === undefined ? null : new Date(value as string).toISOString());

function toProposal(row: ProposalRow): Proposal {
  return {
    id: row.id,
    documentId: row.document_id,
    externalId: row.external_id,
    title: row.title,
    question: row.question,
    status: row.status,
    origin: row.origin,
    conversationId: row.conversation_id,
    suggestionId: row.suggestion_id,
    proposedBy: row.proposed_by,
    timesProposed: Number(row.times_proposed),
    decidedBy: row.decided_by,
    decidedAt: iso(row.decided_at),
    comment: row.comment,
    approvedVersion: row.approved_version === null ? null : Number(row.approved_version),
    createdAt: iso(row.created_at) ?? '',
    updatedAt: iso(row.updated_at) ?? '',
  };
}

const selectProposals = `select p.*, d.external_id, v.title from question_proposals p
  join documents d on d.id = p.document_id join document_versions v on v.document_id = d.id and v.version = d.current_version`;

/**
 * Customers' own questions proposed as phrasings (相似问) of the FAQ rows that answered them, from agents'
 * feedback. A proposal changes nothing searchable: only a knowledge owner's approval adds the phrasing (a new
 * version of the row); the proposal keeps who proposed, who decided, when and why.
 */
export class QuestionProposals {
  readonly #database: Database;
  readonly #knowledge: KnowledgeService;

  constructor(database: Database, knowledge: KnowledgeService) {
    this.#database = database;
    this.#knowledge = knowledge;
  }

  /**
   * Records the question for each FAQ row among `documentIds` that does not already have it as a phrasing.
   * Other documents (Markdown, products) keep their phrasings in their files and get no proposal. The text is
   * masked before it is stored: a customer's card or phone number never becomes knowledge. Returns how many
   * rows got a new or repeated proposal.
   */
  async propose(input: ProposeInput): Promise<number> {
    const question = maskText(input.question).trim();
    const key = questionKey(question);
    if (key === '' || input.documentIds.length === 0) return 0;
    const candidates = await this.#database.query<{ id: string; questions: string[] }>(
      `select d.id, v.questions from documents d join document_versions v on v.document_id = d.id and v.version = d.current_version
        where d.id = any($1::uuid[]) and d.retired_at is null and v.answer is not null`,
      [[...new Set(input.documentIds)]],
    );
    const documentIds = candidates.rows.filter((row) => !(row.questions ?? []).some((existing) => questionKey(existing) === key)).map((row) => row.id);
    if (documentIds.length === 0) return 0;
    const result = await this.#database.query(
      `insert into question_proposals (id, document_id, question, normalized, origin, conversation_id, suggestion_id, proposed_by)
       select data.id, data.document_id, $3, $4, $5, $6, $7, $8 from unnest($1::uuid[], $2::uuid[]) as data(id, document_id)
       on conflict (document_id, normalized) do update
         set times_proposed = question_proposals.times_proposed + 1, updated_at = now()`,
      [documentIds.map(() => randomUUID()), documentIds, question, key, input.origin, input.conversationId ?? null, input.suggestionId ?? null, input.proposedBy],
    );
    return result.rowCount;
  }

  async list(filter: { documentId?: string; status?: ProposalStatus; limit: number; cursor?: string }): Promise<{ items: Proposal[]; nextCursor?: string }> {
    const conditions: string[] = [];
    const parameters: unknown[] = [];
    if (filter.documentId) {
      parameters.push(filter.documentId);
      conditions.push(`p.document_id = $${parameters.length}`);
    }
    if (filter.status) {
      parameters.push(filter.status);
      conditions.push(`p.status = $${parameters.length}`);
    }
    if (filter.cursor) {
      const [createdAt, id] = filter.cursor.split('|');
      parameters.push(createdAt, id);
      conditions.push(`(p.created_at, p.id) > ($${parameters.length - 1}::timestamptz, $${parameters.length}::uuid)`);
    }
    parameters.push(filter.limit + 1);
    const result = await this.#database.query<ProposalRow>(
      `${selectProposals} ${conditions.length > 0 ? `where ${conditions.join(' and ')}` : ''} order by p.created_at, p.id limit $${parameters.length}`,
      parameters,
    );
    const rows = result.rows.slice(0, filter.limit);
    const items = rows.map(toProposal);
    const last = items[items.length - 1];
    return result.rows.length > filter.limit && last ? { items, nextCursor: `${last.createdAt}|${last.id}` } : { items };
  }

  async get(id: string): Promise<Proposal> {
    const result = await this.#database.query<ProposalRow>(`${selectProposals} where p.id = $1`, [id]);
    const row = result.rows[0];
    if (!row) throw new ProposalNotFoundError(id);
    return toProposal(row);
  }

  /** Adds the phrasing to its FAQ row (a new version). Approving what the row already says just records the decision. */
  async approve(id: string, actor: Actor, comment?: string): Promise<Proposal> {
    const proposal = await this.get(id);
    if (proposal.status !== 'proposed') throw new ProposalDecidedError(id, proposal.status);
    let version: number;
    try {
      version = (await this.#knowledge.addQuestions(proposal.documentId, [proposal.question], actor)).version;
    } catch (error) {
      if (!(error instanceof IngestError && error.code === 'duplicate_question')) throw error;
      version = (await this.#knowledge.get(proposal.documentId)).currentVersion;
    }
    return this.#decide(id, 'approved', actor, comment ?? null, version);
  }

  async reject(id: string, actor: Actor, comment: string): Promise<Proposal> {
    return this.#decide(id, 'rejected', actor, comment, null);
  }

  async #decide(id: string, status: 'approved' | 'rejected', actor: Actor, comment: string | null, version: number | null): Promise<Proposal> {
    const result = await this.#database.query(
      `update question_proposals set status = $2, decided_by = $3, decided_at = now(), comment = $4, approved_version = $5, updated_at = now()
        where id = $1 and status = 'proposed'`,
      [id, status, actor.id, comment === null ? null : maskText(comment), version],
    );
    if (result.rowCount === 0) {
      const current = await this.get(id);
      throw new ProposalDecidedError(id, current.status);
    }
    return this.get(id);
  }
}
