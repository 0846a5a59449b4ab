import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../db/database.js';
import type { Actor, DocumentKind, DocumentStatus } from './document-input.js';
import { holdSearchIndexOrder } from './hold-search-index-order.js';
import { DocumentNotFoundError, type KnowledgeService } from './knowledge-service.js';

/** What the eval gate of one submitted version found (see src/evals/publish-gate.ts). */
export interface GateCheck {
  checkId: string;
  documentId: string;
  version: number;
  /** `blocked`: some suite case that passed in its baseline fails with this version in place. */
  status: 'running' | 'passed' | 'blocked' | 'error';
  regressions: number;
  suites: GateSuiteResult[];
  error: string | null;
  requestedBy: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export interface GateSuiteResult {
  suite: string;
  suiteVersion: string;
  runId: string;
  status: string;
  passed: number;
  cases: number;
  /** Where the comparison came from: `approved` (the suite's approved baseline) or `live run <id>`. */
  baseline: string;
  regressions: { id: string; before: string; after: string; reasons: string[] }[];
}

export interface GateTarget {
  documentId: string;
  version: number;
  kind: DocumentKind;
  product: string | null;
}

/** The publish gate as the review workflow sees it: validate and start a check, read checks back. */
export interface PublishGatePort {
  /** Validates the suites that apply (throws a SuiteError naming the suite) and starts the check in the background. */
  start(target: GateTarget, requestedBy: string): Promise<GateCheck>;
  checks(documentId: string, version: number): Promise<GateCheck[]>;
}

export interface ReviewEvent {
  action: 'submit' | 'approve' | 'reject' | 'override';
  actor: string;
  comment: string | null;
  details: Record<string, unknown>;
  createdAt: string;
}

export interface ReviewState {
  documentId: string;
  version: number;
  status: DocumentStatus;
  createdBy: string | null;
  submittedBy: string | null;
  submittedAt: string | null;
  reviewedBy: string | null;
  reviewedAt: string | null;
  reviewComment: string | null;
}

/** A transition the version's state does not allow (approve a rejected version, submit an approved one). */
export class ReviewStateError extends Error {
  constructor(
    readonly code: 'version_rejected' | 'version_not_submitted' | 'version_already_decided' | 'gate_running' | 'gate_blocked',
    message: string,
  ) {
    super(message);
    this.name = 'ReviewStateError';
  }
}

/** Four eyes: the key that wrote or submitted a version may not approve it. */
export class FourEyesError extends Error {
  readonly code = 'four_eyes_required';
  constructor(documentId: string, version: number) {
    super(`version ${version} of document ${documentId} was written or submitted by this key: another key must approve it (four eyes)`);
    this.name = 'FourEyesError';
  }
}

function toIso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();
}

interface VersionRow {
  status: DocumentStatus;
  kind: DocumentKind;
  product: string | null;
  created_by: string | null;
  submitted_by: string | null;
  submitted_at: unknown;
  reviewed_by: string | null;
  reviewed_at: unknown;
  review_comment: string | null;
}

function stateOf(documentId: string, version: number, row: VersionRow): ReviewState {
  return {
    documentId,
    version,
    status: row.status,
    createdBy: row.created_by,
    submittedBy: row.submitted_by,
    submittedAt: toIso(row.submitted_at),
    reviewedBy: row.reviewed_by,
    reviewedAt: toIso(row.reviewed_at),
    reviewComment: row.review_comment,
  };
}

const versionColumns = 'status, kind, product, created_by, submitted_by, submitted_at, reviewed_by, reviewed_at, review_comment';

/**
 * Review before publish: draft -> submitted (the eval gate runs) -> approved | rejected. Only approval makes a
 * version's chunks retrievable; every transition is recorded with who, when and why (document_review_events).
 */
export class DocumentReview {
  readonly #database: Database;
  readonly #knowledge: KnowledgeService;
  readonly #gate: PublishGatePort;

  constructor(options: { database: Database; knowledge: KnowledgeService; gate: PublishGatePort }) {
    this.#database = options.database;
    this.#knowledge = options.knowledge;
    this.#gate = options.gate;
  }

  async #read(queryable: Queryable, documentId: string, version: number, lock = false): Promise<VersionRow> {
    const result = await queryable.query<VersionRow>(
      `select ${versionColumns} from document_versions where document_id = $1 and version = $2${lock ? ' for update' : ''}`,
      [documentId, version],
    );
    const row = result.rows[0];
    if (!row) throw new DocumentNotFoundError(`${documentId} version ${version}`);
    return row;
  }

  async #audit(queryable: Queryable, documentId: string, version: number, event: Omit<ReviewEvent, 'createdAt'>): Promise<void> {
    await queryable.query(
      'insert into document_review_events (id, document_id, version, action, actor, comment, details, created_at) values ($1, $2, $3, $4, $5, $6, $7, clock_timestamp())',
      [randomUUID(), documentId, version, event.action, event.actor, event.comment, JSON.stringify(event.details)],
    );
  }

  /**
   * Submits a draft (or a submitted version again, to re-run its gate): the gate's suites are validated first, so
   * an invalid suite refuses the submission and the draft stays as it was; the gate then runs in the background.
   */
  async submit(documentId: string, version: number, actor: Actor, comment?: string): Promise<ReviewState & { check: GateCheck }> {
    const row = await this.#read(this.#database, documentId, version);
    if (row.status === 'rejected') throw new ReviewStateError('version_rejected', `version ${version} was rejected: upload the corrected document as a new version`);
    if (row.status !== 'draft' && row.status !== 'submitted') {
      throw new ReviewStateError('version_already_decided', `version ${version} is ${row.status}: only a draft can be submitted`);
    }
    const check = await this.#gate.start({ documentId, version, kind: row.kind, product: row.product }, actor.id);
    const state = await this.#database.transaction(async (transaction) => {
      await holdSearchIndexOrder(transaction);
      const locked = await this.#read(transaction, documentId, version, true);
      if (locked.status !== 'draft' && locked.status !== 'submitted') {
        throw new ReviewStateError('version_already_decided', `version ${version} became ${locked.status} meanwhile`);
      }
      await transaction.query(
        `update document_versions set status = 'submitted', submitted_by = $3, submitted_at = now() where document_id = $1 and version = $2`,
        [documentId, version, actor.id],
      );
      await transaction.query(`update chunks set status = 'submitted' where document_id = $1 and version = $2`, [documentId, version]);
      await this.#audit(transaction, documentId, version, { action: 'submit', actor: actor.id, comment: comment ?? null, details: { checkId: check.checkId } });
      return stateOf(documentId, version, await this.#read(transaction, documentId, version));
    });
    return { ...state, check };
  }

  /**
   * Approves a submitted version: another key than its author and submitter; its gate finished and found no
   * regression, or the approver overrides a blocked or failed gate with a reason (recorded as its own event).
   */
  async approve(documentId: string, version: number, actor: Actor, options: { comment?: string; override?: string } = {}): Promise<ReviewState> {
    // Read before the transaction: embedded PGlite has one connection, which the transaction holds.
    const check = (await this.#gate.checks(documentId, version))[0];
    const state = await this.#database.transaction(async (transaction) => {
      await holdSearchIndexOrder(transaction);
      const row = await this.#read(transaction, documentId, version, true);
      if (row.status === 'rejected') throw new ReviewStateError('version_rejected', `version ${version} was rejected on ${toIso(row.reviewed_at)}: a rejected version cannot be approved`);
      if (row.status === 'approved' || row.status === 'retired') throw new ReviewStateError('version_already_decided', `version ${version} is already ${row.status}`);
      if (row.status !== 'submitted') throw new ReviewStateError('version_not_submitted', `version ${version} is a draft: submit it first so its eval gate runs`);
      if (row.created_by === actor.id || row.submitted_by === actor.id) throw new FourEyesError(documentId, version);
      if (!check || check.status === 'running') throw new ReviewStateError('gate_running', `the eval gate of version ${version} has not finished: wait for GET .../checks`);
      if (check.status !== 'passed' && !options.override) {
        const why = check.status === 'error' ? `failed to run (${check.error ?? 'error'})` : `found ${check.regressions} regression(s)`;
        throw new ReviewStateError('gate_blocked', `the eval gate of version ${version} ${why}: fix the document, submit again, or approve with an "override" reason`);
      }
      await transaction.query(
        `update document_versions set status = 'approved', reviewed_by = $3, reviewed_at = now(), review_comment = $4 where document_id = $1 and version = $2`,
        [documentId, version, actor.id, options.comment ?? null],
      );
      await transaction.query(`update chunks set status = 'approved' where document_id = $1 and version = $2`, [documentId, version]);
      if (check.status !== 'passed') {
        await this.#audit(transaction, documentId, version, {
          action: 'override',
          actor: actor.id,
          comment: options.override ?? null,
          details: { checkId: check.checkId, gateStatus: check.status, regressions: check.regressions, cases: check.suites.flatMap((suite) => suite.regressions.map((item) => `${suite.suite}:${item.id}`)) },
        });
      }
      await this.#audit(transaction, documentId, version, { action: 'approve', actor: actor.id, comment: options.comment ?? null, details: { checkId: check.checkId, gateStatus: check.status } });
      return stateOf(documentId, version, await this.#read(transaction, documentId, version));
    });
    await this.#knowledge.notifyChanged();
    return state;
  }

  /** Rejects a draft or submitted version, saying why; it stays in the history and is never retrievable. */
  async reject(documentId: string, version: number, actor: Actor, comment: string): Promise<ReviewState> {
    return this.#database.transaction(async (transaction) => {
      await holdSearchIndexOrder(transaction);
      const row = await this.#read(transaction, documentId, version, true);
      if (row.status !== 'draft' && row.status !== 'submitted') {
        throw new ReviewStateError('version_already_decided', `version ${version} is ${row.status}: only a draft or submitted version can be rejected`);
      }
      await transaction.query(
        `update document_versions set status = 'rejected', reviewed_by = $3, reviewed_at = now(), review_comment = $4 where document_id = $1 and version = $2`,
        [documentId, version, actor.id, comment],
      );
      await transaction.query(`update chunks set status = 'rejected' where document_id = $1 and version = $2`, [documentId, version]);
      await this.#audit(transaction, documentId, version, { action: 'reject', actor: actor.id, comment, details: {} });
      return stateOf(documentId, version, await this.#read(transaction, documentId, version));
    });
  }

  /** The version's review state, its gate checks (newest first) and its review trail (oldest first). */
  async checks(documentId: string, version: number): Promise<ReviewState & { checks: GateCheck[]; events: ReviewEvent[] }> {
    const row = await this.#read(this.#database, documentId, version);
    const events = await this.#database.query<{ action: ReviewEvent['action']; actor: string; comment: string | null; details: Record<string, unknown>; created_at: unknown }>(
      'select action, actor, comment, details, created_at from document_review_events where document_id = $1 and version = $2 order by sequence',
      [documentId, version],
    );
    return {
      ...stateOf(documentId, version, row),
      checks: await this.#gate.checks(documentId, version),
      events: events.rows.map((event) => ({ action: event.action, actor: event.actor, comment: event.comment, details: event.details ?? {}, createdAt: toIso(event.created_at) ?? '' })),
    };
  }
}
