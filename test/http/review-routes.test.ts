import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedSampleKnowledge } from '../../src/bootstrap.js';
import { PublishGate } from '../../src/evals/publish-gate.js';
import { DocumentReview, type GateCheck } from '../../src/knowledge/document-review.js';
import { reviewChecksSchema, reviewQueueSchema, submitResultSchema } from '../../src/http/response-schemas.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

// Our own documents and suite, written for this test: a card-fee sheet the gate suite expects to be found.
const gateSuite = `name: review-gate
gate: { kinds: [product] }
cases:
  - id: platinum-fee-found
    kind: retrieval
    query: 铂金信用卡年费多少
    k: 1
    expect: { goldDocuments: [rv-platinum-fee] }
`;
const feeSheet = '# 铂金信用卡年费\n\n铂金信用卡主卡年费每年2000元，当年消费满20万元免次年年费。';
const unrelatedText = '# 网点营业时间\n\n工作日九点至十七点营业，周末部分网点营业。';
// Approved FAQ rows (faq needs no review here) that compete for the same query, so the gate case can fail.
const distractors = [
  { id: 'rv-faq-gold-fee', question: '金卡年费多少', answer: '金卡年费每年200元，刷卡满6次免次年年费。' },
  { id: 'rv-faq-card-fee-waiver', question: '信用卡年费怎么减免', answer: '普卡和金卡可通过刷卡次数减免年费。' },
]
  .map((row) => JSON.stringify(row))
  .join('\n');
const seedDocument = '---\nexternalId: rv-seed-deposit\ntitle: 通知存款\nkind: product\n---\n# 通知存款\n\n七天通知存款五万元起存，支取前七天通知银行。';

describe('review before publish: four eyes, eval-gated approval, review queue', () => {
  let testApp: TestApp;
  let suites: string;
  let author: Record<string, string>;
  let approver: Record<string, string>;
  let agent: Record<string, string>;
  let documentId: string;

  const inject = (method: 'GET' | 'POST' | 'PUT', url: string, headers: Record<string, string>, payload?: unknown) =>
    testApp.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  const search = async (query: string) =>
    ((await inject('POST', '/v1/knowledge/search', agent, { query, topK: 5 })).json().results as Array<{ externalId: string; version: number; text: string }>);
  const versionUrl = (version: number, action: string) => `/v1/knowledge/documents/${documentId}/versions/${version}/${action}`;
  /** Waits for the gate run started by a submission (it runs in the background). */
  const settledCheck = async (version: number): Promise<GateCheck> => {
    for (;;) {
      const response = await inject('GET', versionUrl(version, 'checks'), approver);
      const check = response.json().checks[0] as GateCheck;
      if (check.status !== 'running') return check;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  /** A gate over the real suites and database whose suite runs are `runWithTargets` (they fail or hang as a test needs). */
  const gateRunning = (runWithTargets: () => Promise<never>, options: { heartbeatMilliseconds?: number; staleSeconds?: number } = {}) => {
    const { database, evals } = testApp.runtime.services;
    return new PublishGate({
      database,
      evals: {
        allSuites: () => evals.allSuites(),
        validateReferences: (suite) => evals.validateReferences(suite),
        approvedBaseline: () => Promise.resolve(undefined),
        runWithTargets,
      },
      liveTargets: {} as never,
      shadowTargets: () => ({ documentExists: () => Promise.resolve(new Set(['rv-platinum-fee'])), ruleExists: () => true }) as never,
      ...options,
    });
  };

  beforeAll(async () => {
    suites = await mkdtemp(join(tmpdir(), 'review-suites-'));
    await writeFile(join(suites, 'review-gate.yaml'), gateSuite);
    testApp = await createTestApp({ environment: { REVIEW_REQUIRED_KINDS: 'product,compliance', EVALS_DIR: suites } });
    author = await testApp.as('knowledge_owner');
    approver = await testApp.as('compliance');
    agent = await testApp.as('agent');
  });
  afterAll(async () => {
    await testApp?.close();
    await rm(suites, { recursive: true, force: true });
  });

  it('publishes the sample knowledge of a first start as approved, even where review is required', async () => {
    const knowledgeDirectory = await mkdtemp(join(tmpdir(), 'review-seed-'));
    try {
      await mkdir(join(knowledgeDirectory, 'zh'));
      await writeFile(join(knowledgeDirectory, 'zh', 'deposit.md'), seedDocument);
      await seedSampleKnowledge({ ...testApp.runtime, config: { ...testApp.runtime.config, SEED_SAMPLE_KNOWLEDGE: true, KNOWLEDGE_DIR: knowledgeDirectory } }, () => undefined);
      const listed = await inject('GET', '/v1/knowledge/documents?q=rv-seed', agent);
      expect(listed.json().items.map((item: { status: string }) => item.status)).toEqual(['approved']);
      expect((await search('七天通知存款起存金额')).map((result) => result.externalId)).toContain('rv-seed-deposit');
    } finally {
      await rm(knowledgeDirectory, { recursive: true, force: true });
    }
  });

  it('keeps a new version of a review-required kind a draft that nothing retrieves; other kinds publish at once', async () => {
    const created = await inject('POST', '/v1/knowledge/documents', author, { externalId: 'rv-platinum-fee', kind: 'product', format: 'markdown', body: feeSheet, owner: 'team-cards' });
    expect(created.statusCode).toBe(201);
    expect(created.json().status).toBe('draft');
    documentId = created.json().documentId;
    expect((await search('铂金信用卡年费多少')).map((result) => result.externalId)).not.toContain('rv-platinum-fee');
    const faq = await inject('POST', '/v1/knowledge/documents', author, { externalId: 'rv-faq-hours', kind: 'faq', format: 'markdown', body: unrelatedText });
    expect(faq.json().status).toBe('approved');
    expect((await inject('POST', '/v1/knowledge/documents', author, { kind: 'faq', format: 'jsonl', body: distractors })).statusCode).toBe(201);
  });

  it('refuses to approve a draft that was never submitted', async () => {
    const response = await inject('POST', versionUrl(1, 'approve'), approver, {});
    expect(response.statusCode).toBe(409);
    expect(response.json().type).toMatch(/version_not_submitted$/);
  });

  it('runs the gate on submission, refuses the author as approver (four eyes), and publishes on another key', async () => {
    const submitted = await inject('POST', versionUrl(1, 'submit'), author, { comment: 'new platinum fee sheet' });
    expect(submitted.statusCode).toBe(202);
    expect(submitResultSchema.parse(submitted.json()).status).toBe('submitted');
    const check = await settledCheck(1);
    // On the live base the document is not retrievable (the case fails there); in the shadow view it is found.
    expect(check.status).toBe('passed');
    expect(check.suites.map((suite) => [suite.suite, suite.passed, suite.cases, suite.baseline.startsWith('live run')])).toEqual([['review-gate', 1, 1, true]]);
    expect((await search('铂金信用卡年费多少')).map((result) => result.externalId)).not.toContain('rv-platinum-fee');

    const ownApproval = await inject('POST', versionUrl(1, 'approve'), author, {});
    expect(ownApproval.statusCode).toBe(403);
    expect(ownApproval.json().type).toMatch(/four_eyes_required$/);

    const approved = await inject('POST', versionUrl(1, 'approve'), approver, { comment: 'matches the fee notice' });
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'approved', reviewComment: 'matches the fee notice' });
    expect((await search('铂金信用卡年费多少')).map((result) => result.externalId)).toContain('rv-platinum-fee');
    const trail = reviewChecksSchema.parse((await inject('GET', versionUrl(1, 'checks'), approver)).json());
    expect(trail.events.map((event) => event.action)).toEqual(['submit', 'approve']);
  });

  it('blocks approval of a version that breaks a gate case, until an approver overrides it with a reason (audited)', async () => {
    const updated = await inject('PUT', `/v1/knowledge/documents/${documentId}`, author, { kind: 'product', format: 'markdown', body: unrelatedText, owner: 'team-cards' });
    expect(updated.json()).toMatchObject({ version: 2, status: 'draft' });
    // The draft does not replace the live version.
    expect((await search('铂金信用卡年费多少')).find((result) => result.externalId === 'rv-platinum-fee')?.version).toBe(1);

    await inject('POST', versionUrl(2, 'submit'), author, {});
    const check = await settledCheck(2);
    expect(check.status).toBe('blocked');
    expect(check.suites[0]?.regressions.map((item) => item.id)).toEqual(['platinum-fee-found']);

    const blocked = await inject('POST', versionUrl(2, 'approve'), approver, {});
    expect(blocked.statusCode).toBe(409);
    expect(blocked.json().type).toMatch(/gate_blocked$/);
    expect((await search('铂金信用卡年费多少')).find((result) => result.externalId === 'rv-platinum-fee')?.version).toBe(1);

    const overridden = await inject('POST', versionUrl(2, 'approve'), approver, { override: 'the fee sheet moves to another document this week' });
    expect(overridden.statusCode).toBe(200);
    const trail = reviewChecksSchema.parse((await inject('GET', versionUrl(2, 'checks'), approver)).json());
    expect(trail.events.map((event) => event.action)).toEqual(['submit', 'override', 'approve']);
    expect(trail.events[1]).toMatchObject({ comment: 'the fee sheet moves to another document this week', details: { gateStatus: 'blocked', regressions: 1 } });
    // The approved version 2 now serves; version 1 (the fee sheet) is shadowed by it.
    const served = (await search('铂金信用卡年费多少')).filter((result) => result.externalId === 'rv-platinum-fee');
    expect(served.every((result) => result.version === 2)).toBe(true);
    expect(served.some((result) => result.text.includes('2000元'))).toBe(false);
  });

  it('never approves a rejected version, and never retrieves it', async () => {
    const updated = await inject('PUT', `/v1/knowledge/documents/${documentId}`, author, { kind: 'product', format: 'markdown', body: feeSheet.replace('2000元', '3000元'), owner: 'team-cards' });
    expect(updated.json().version).toBe(3);
    await inject('POST', versionUrl(3, 'submit'), author, {});
    await settledCheck(3);
    const rejected = await inject('POST', versionUrl(3, 'reject'), approver, { comment: 'the fee notice says 2000' });
    expect(rejected.json()).toMatchObject({ status: 'rejected', reviewComment: 'the fee notice says 2000' });
    const approve = await inject('POST', versionUrl(3, 'approve'), approver, { override: 'try anyway' });
    expect(approve.statusCode).toBe(409);
    expect(approve.json().type).toMatch(/version_rejected$/);
    expect((await search('铂金信用卡年费3000元')).some((result) => result.text.includes('3000'))).toBe(false);
    // Uploading the rejected content again is a new draft to review, not "unchanged".
    const again = await inject('PUT', `/v1/knowledge/documents/${documentId}`, author, { kind: 'product', format: 'markdown', body: feeSheet.replace('2000元', '3000元'), owner: 'team-cards' });
    expect(again.json()).toMatchObject({ version: 4, outcome: 'updated', status: 'draft' });
  });

  it('refuses a submission while a gate suite is invalid, naming the suite, and leaves the draft a draft', async () => {
    await writeFile(join(suites, 'broken-gate.yaml'), 'name: broken-gate\ngate: { kinds: [product] }\ncases:\n  - id: x\n    kind: retrieval\n');
    try {
      const response = await inject('POST', versionUrl(4, 'submit'), author, {});
      expect(response.statusCode).toBe(422);
      expect(response.json().type).toMatch(/invalid_gate_suite$/);
      expect(response.json().detail).toContain('broken-gate.yaml');
      expect((await inject('GET', versionUrl(4, 'checks'), approver)).json()).toMatchObject({ status: 'draft', checks: [] });
    } finally {
      await rm(join(suites, 'broken-gate.yaml'));
    }
  });

  it('leaves the version submitted, not approved and not lost, when the gate run fails', async () => {
    const { database, knowledge } = testApp.runtime.services;
    const failingGate = gateRunning(() => Promise.reject(new Error('eval worker went away')));
    const review = new DocumentReview({ database, knowledge, gate: failingGate });
    const submitted = await review.submit(documentId, 4, { id: 'someone' });
    const check = await failingGate.settled(submitted.check.checkId);
    expect(check).toMatchObject({ status: 'error', error: 'eval worker went away' });
    const state = await inject('GET', versionUrl(4, 'checks'), approver);
    expect(state.json()).toMatchObject({ status: 'submitted' });
    const approve = await inject('POST', versionUrl(4, 'approve'), approver, {});
    expect(approve.statusCode).toBe(409);
    expect(approve.json().type).toMatch(/gate_blocked$/);
    expect((await inject('GET', `/v1/knowledge/documents/${documentId}/versions/4`, agent)).json().status).toBe('submitted');
  });

  it('marks a check whose replica stopped as interrupted, so the version can be submitted again; a live one keeps running', async () => {
    const { database, knowledge } = testApp.runtime.services;
    let release: () => void = () => undefined;
    const slowGate = gateRunning(() => new Promise((_resolve, reject) => (release = () => reject(new Error('stopped by the test')))), { heartbeatMilliseconds: 20, staleSeconds: 60 });
    const review = new DocumentReview({ database, knowledge, gate: slowGate });
    const live = await review.submit(documentId, 4, { id: 'someone' });
    // A check left by a replica that stopped an hour ago: still 'running', its heartbeat long stale.
    const orphan = '00000000-0000-4000-8000-00000000dead';
    await database.query(
      `insert into document_checks (id, document_id, version, status, requested_by, created_at, heartbeat_at)
       values ($1, $2, 4, 'running', 'someone', now() - interval '1 hour', now() - interval '1 hour')`,
      [orphan, documentId],
    );
    // The live check's replica beats its heartbeat while it runs.
    await database.query(`update document_checks set heartbeat_at = now() - interval '10 minutes' where id = $1`, [live.check.checkId]);
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const beat = await database.query<{ fresh: boolean }>(`select heartbeat_at > now() - interval '1 minute' as fresh from document_checks where id = $1`, [live.check.checkId]);
      if (beat.rows[0]?.fresh) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const checks = await slowGate.checks(documentId, 4);
    expect(checks.find((check) => check.checkId === orphan)).toMatchObject({ status: 'error', error: expect.stringMatching(/^interrupted/) });
    expect(checks.find((check) => check.checkId === live.check.checkId)).toMatchObject({ status: 'running' });
    release();
    expect(await slowGate.settled(live.check.checkId)).toMatchObject({ status: 'error', error: 'stopped by the test' });
    await slowGate.close();
  });

  it('lists what awaits an owner or approver, filtered by owner', async () => {
    const soon = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    await inject('POST', '/v1/knowledge/documents', author, { externalId: 'rv-script-expiring', kind: 'script', format: 'markdown', body: '# 分期话术\n\n分期手续费按期收取。', owner: 'team-credit', effectiveUntil: soon });
    const faq = await inject('POST', '/v1/knowledge/documents', author, { kind: 'faq', format: 'jsonl', body: JSON.stringify({ id: 'rv-faq-limit', question: '转账限额是多少', answer: '手机银行单日转账限额五万元。' }) });
    await testApp.runtime.services.proposals.propose({ documentIds: [faq.json().documents[0].documentId], question: '一天最多能转多少钱', origin: 'card_helpful', proposedBy: 'agent-key' });

    const queue = reviewQueueSchema.parse((await inject('GET', '/v1/knowledge/review-queue', approver)).json());
    expect(queue.submitted.map((item) => [item.externalId, item.version, item.check?.status])).toEqual([['rv-platinum-fee', 4, 'error']]);
    expect(queue.expiring.map((item) => item.externalId)).toEqual(['rv-script-expiring']);
    expect(queue.proposals.map((item) => item.question)).toEqual(['一天最多能转多少钱']);
    // Gaps come from the usage capability: none here, since no customer asked anything.
    expect(queue.gaps).toEqual([]);

    const cards = reviewQueueSchema.parse((await inject('GET', '/v1/knowledge/review-queue?owner=team-cards', approver)).json());
    expect(cards.submitted).toHaveLength(1);
    expect(cards.expiring).toEqual([]);
    const credit = reviewQueueSchema.parse((await inject('GET', '/v1/knowledge/review-queue?owner=team-credit', approver)).json());
    expect(credit.submitted).toEqual([]);
    expect(credit.expiring.map((item) => item.externalId)).toEqual(['rv-script-expiring']);
  });

  it('answers bad input with a problem naming the field', async () => {
    const badVersion = await inject('POST', `/v1/knowledge/documents/${documentId}/versions/0/submit`, author, {});
    expect(badVersion.statusCode).toBe(400);
    const noReason = await inject('POST', versionUrl(4, 'reject'), approver, {});
    expect(noReason.statusCode).toBe(400);
    expect(JSON.stringify(noReason.json().errors)).toContain('comment');
    const agentApproval = await inject('POST', versionUrl(4, 'approve'), agent, {});
    expect(agentApproval.statusCode).toBe(403);
    const missing = await inject('POST', `/v1/knowledge/documents/${documentId}/versions/99/submit`, author, {});
    expect(missing.statusCode).toBe(404);
  });
});
