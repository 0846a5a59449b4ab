/**
 * Readers of the review routes' answers (GET /v1/knowledge/review-queue, .../checks, /v1/knowledge/usage and
 * /v1/knowledge/gaps, shapes in docs/api.md). They keep what the views show, tolerate fields a newer server adds
 * and drop entries without the ids the actions need, so a view never breaks on one odd row.
 */
type Row = Record<string, unknown>;

export interface GateCheck {
  checkId: string;
  status: 'running' | 'passed' | 'blocked' | 'error';
  regressions: number;
  suites: { suite: string; status: string; passed: number; cases: number }[];
  error: string | null;
  createdAt: string;
}

export interface QueueVersion {
  documentId: string;
  externalId: string;
  version: number;
  title: string;
  kind: string;
  owner: string | null;
  status: 'draft' | 'submitted';
  createdBy: string | null;
  submittedBy: string | null;
  check: GateCheck | null;
}

export interface ReviewQueue {
  submitted: QueueVersion[];
  drafts: QueueVersion[];
}

const isRow = (value: unknown): value is Row => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
const rows = (value: unknown): Row[] => (Array.isArray(value) ? value.filter(isRow) : []);

export function parseGateCheck(value: unknown): GateCheck | null {
  if (!isRow(value) || typeof value.checkId !== 'string') return null;
  const status = value.status === 'passed' || value.status === 'blocked' || value.status === 'error' ? value.status : 'running';
  return {
    checkId: value.checkId,
    status,
    regressions: count(value.regressions),
    suites: rows(value.suites).map((suite) => ({ suite: text(suite.suite) ?? '', status: text(suite.status) ?? '', passed: count(suite.passed), cases: count(suite.cases) })),
    error: text(value.error),
    createdAt: text(value.createdAt) ?? '',
  };
}

function parseQueueVersion(value: Row): QueueVersion | undefined {
  if (typeof value.documentId !== 'string' || typeof value.version !== 'number') return undefined;
  return {
    documentId: value.documentId,
    externalId: text(value.externalId) ?? '',
    version: value.version,
    title: text(value.title) ?? '',
    kind: text(value.kind) ?? '',
    owner: text(value.owner),
    status: value.status === 'submitted' ? 'submitted' : 'draft',
    createdBy: text(value.createdBy),
    submittedBy: text(value.submittedBy),
    check: parseGateCheck(value.check),
  };
}

/** `{owner, submitted, drafts, proposals, expiring, oftenDismissed, gaps}`: the versions awaiting a decision. */
export function parseReviewQueue(answer: unknown): ReviewQueue {
  const body = isRow(answer) ? answer : {};
  const versions = (value: unknown) => rows(value).map(parseQueueVersion).filter((version): version is QueueVersion => version !== undefined);
  return { submitted: versions(body.submitted), drafts: versions(body.drafts) };
}

/** `GET .../checks`: the version's state and its gate checks, newest (the deciding one) first. */
export function parseReviewChecks(answer: unknown): { status: string; checks: GateCheck[] } {
  const body = isRow(answer) ? answer : {};
  return { status: text(body.status) ?? '', checks: rows(body.checks).map(parseGateCheck).filter((check): check is GateCheck => check !== null) };
}

/** One line per check for a table: the outcome, regressions and each suite's passed/cases. */
export function checkRows(checks: readonly GateCheck[]): Row[] {
  return checks.map((check) => ({
    status: check.status,
    regressions: check.regressions,
    suites: check.suites.map((suite) => `${suite.suite} ${suite.passed}/${suite.cases}`),
    ...(check.error ? { error: check.error } : {}),
    createdAt: check.createdAt,
  }));
}

/** `GET /v1/knowledge/usage` items: a document's counts flattened into columns (its chunks are left out). */
export function usageRows(answer: unknown): Row[] {
  return rows(isRow(answer) ? answer.items : undefined).map((item) => {
    const counts = isRow(item.counts) ? item.counts : {};
    return {
      title: text(item.title) ?? text(item.externalId) ?? text(item.documentId) ?? '',
      shown: count(counts.shown),
      cited: count(counts.cited),
      accepted: count(counts.accepted),
      edited: count(counts.edited),
      dismissed: count(counts.dismissed),
      helpful: count(counts.helpful),
      not_helpful: count(counts.not_helpful),
      reasons: rows(item.reasons).map((reason) => `${text(reason.reason) || '-'} ×${count(reason.count)}`),
    };
  });
}

/** `GET /v1/knowledge/gaps` items: the question, how often, what happened and the closest document. */
export function gapRows(answer: unknown): Row[] {
  return rows(isRow(answer) ? answer.items : undefined).map((gap) => {
    const outcomes = isRow(gap.outcomes) ? gap.outcomes : {};
    const closest = isRow(gap.closest) ? gap.closest : undefined;
    return {
      question: text(gap.label) ?? '',
      count: count(gap.count),
      status: text(gap.status) ?? '',
      noResult: count(outcomes.noResult),
      lowConfidence: count(outcomes.lowConfidence),
      closest: closest ? `${text(closest.title) ?? ''} (${count(closest.confidence).toFixed(2)})` : '',
      lastAskedAt: text(gap.lastAskedAt) ?? '',
    };
  });
}
