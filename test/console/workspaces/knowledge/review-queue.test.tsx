// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { checkRows, gapRows, parseReviewChecks, parseReviewQueue, usageRows } from '../../../../console/src/workspaces/knowledge/review-queue';

const check = {
  checkId: 'c-1',
  documentId: 'd-1',
  version: 2,
  status: 'blocked',
  regressions: 1,
  suites: [{ suite: 'retrieval-zh', suiteVersion: '3', runId: 'r-1', status: 'failed', passed: 9, cases: 10, baseline: 'approved', regressions: [{ id: 'x', before: 'passed', after: 'failed', reasons: [] }] }],
  error: null,
  requestedBy: 'k-1',
  createdAt: '2026-01-02T03:04:05.000Z',
  finishedAt: null,
};

const version = (status: 'draft' | 'submitted', extra: object = {}) => ({
  documentId: 'd-1',
  externalId: 'fees',
  version: 2,
  title: 'Card fees',
  kind: 'product',
  product: null,
  owner: 'cards',
  status,
  createdBy: 'k-author',
  createdAt: '2026-01-01T00:00:00.000Z',
  submittedBy: status === 'submitted' ? 'k-author' : null,
  submittedAt: null,
  check: status === 'submitted' ? check : null,
  ...extra,
});

describe('parseReviewQueue (GET /v1/knowledge/review-queue)', () => {
  it('reads submitted versions with their gate check and drafts, not the gaps list beside them', () => {
    const queue = parseReviewQueue({
      owner: null,
      submitted: [version('submitted')],
      drafts: [version('draft', { documentId: 'd-2', version: 1 })],
      proposals: [],
      expiring: [],
      oftenDismissed: [],
      gaps: [{ gapId: 'g', label: 'q', count: 3, examples: [] }],
    });
    expect(queue.submitted).toHaveLength(1);
    expect(queue.submitted[0]).toMatchObject({ documentId: 'd-1', version: 2, status: 'submitted', check: { status: 'blocked', regressions: 1, suites: [{ suite: 'retrieval-zh', passed: 9, cases: 10 }] } });
    expect(queue.drafts).toEqual([expect.objectContaining({ documentId: 'd-2', version: 1, status: 'draft', check: null })]);
  });

  it('drops rows without ids and survives a malformed answer', () => {
    expect(parseReviewQueue({ submitted: [{ title: 'no id' }, null, 'x'], drafts: 'nope' })).toEqual({ submitted: [], drafts: [] });
    expect(parseReviewQueue(undefined)).toEqual({ submitted: [], drafts: [] });
  });
});

describe('parseReviewChecks (GET .../checks)', () => {
  it('reads the checks newest first and lays each out as one row', () => {
    const parsed = parseReviewChecks({ documentId: 'd-1', version: 2, status: 'submitted', checks: [check, { status: 'passed' }], events: [] });
    expect(parsed.status).toBe('submitted');
    expect(parsed.checks).toHaveLength(1);
    expect(checkRows(parsed.checks)).toEqual([{ status: 'blocked', regressions: 1, suites: ['retrieval-zh 9/10'], createdAt: '2026-01-02T03:04:05.000Z' }]);
  });
});

describe('usageRows and gapRows', () => {
  it('flattens usage counts into columns', () => {
    const rows = usageRows({
      from: '2026-01-01',
      to: '2026-01-31',
      items: [{ documentId: 'd-1', externalId: 'fees', title: 'Card fees', counts: { shown: 5, cited: 2, accepted: 1, edited: 0, dismissed: 1, helpful: 3, not_helpful: 1 }, reasons: [{ kind: 'dismissed', reason: 'outdated', count: 1 }], chunks: [] }],
    });
    expect(rows).toEqual([{ title: 'Card fees', shown: 5, cited: 2, accepted: 1, edited: 0, dismissed: 1, helpful: 3, not_helpful: 1, reasons: ['outdated ×1'] }]);
  });

  it('shows a gap by its question, count, outcomes and closest document', () => {
    const rows = gapRows({
      from: '2026-01-01',
      to: '2026-01-31',
      items: [{ id: 'g-1', language: 'en', label: 'can I pay in yen', status: 'open', count: 4, outcomes: { noResult: 3, lowConfidence: 1 }, firstAskedAt: 'a', lastAskedAt: 'b', examples: [], closest: { documentId: 'd', title: 'FX fees', confidence: 0.31 }, documentId: null }],
    });
    expect(rows).toEqual([{ question: 'can I pay in yen', count: 4, status: 'open', noResult: 3, lowConfidence: 1, closest: 'FX fees (0.31)', lastAskedAt: 'b' }]);
  });
});
