import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeApp, composeRuntime, type Runtime } from '../../src/compose.js';
import { loadConfig } from '../../src/config.js';
import type { Database } from '../../src/db/database.js';
import { readEventsAfter } from '../../src/conversations/event-log.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const adminKey = 'summary-admin-key-0123456789';
const headers = { authorization: `Bearer ${adminKey}` };
const config = loadConfig({ ADMIN_API_KEY: adminKey, LOG_LEVEL: 'silent', SEED_SAMPLE_KNOWLEDGE: 'false' });

/** A replica's view of the shared database whose close() leaves the database open (the test owns it). */
function shared(database: Database): Database {
  return { ...database, close: async () => undefined };
}

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const call = [
  { speaker: 'customer', text: '你好，我的信用卡昨天丢了，想挂失一下。' },
  { speaker: 'agent', text: '好的，请先配合核实身份。已为您办理临时挂失，新卡将在三个工作日内寄出。' },
  { speaker: 'customer', text: '好的，谢谢你。' },
];

describe('summary lifecycle', () => {
  let testDatabase: TestDatabase;
  const runtimes: Runtime[] = [];

  beforeAll(async () => {
    testDatabase = await createTestDatabase('pglite');
  });
  // A runtime whose background worker keeps running would take the next test's queued summary job: each test that
  // starts workers stops them before it ends.
  const closeRuntimes = async () => {
    for (const runtime of runtimes.splice(0)) await runtime.close();
  };
  afterAll(async () => {
    await closeRuntimes();
    await testDatabase?.close();
  });

  it('queues a persisted job at end, survives a restart and is written once by two replicas', async () => {
    // Replica 1 takes the call and ends it, then "crashes" before any worker ran.
    const first = await composeRuntime(config, { database: shared(testDatabase.database) });
    const app = await composeApp(first);
    const created = await app.inject({ method: 'POST', url: '/v1/conversations', headers, payload: { language: 'zh' } });
    const id = created.json().id as string;
    for (const turn of call) await app.inject({ method: 'POST', url: `/v1/conversations/${id}/turns`, headers, payload: turn });
    expect((await app.inject({ method: 'GET', url: `/v1/conversations/${id}/summary`, headers })).statusCode).toBe(409);
    expect((await app.inject({ method: 'POST', url: `/v1/conversations/${id}/end`, headers })).statusCode).toBe(202);
    const pending = await app.inject({ method: 'GET', url: `/v1/conversations/${id}/summary`, headers });
    expect(pending.statusCode).toBe(202);
    await app.close();
    await first.close();

    // Two fresh replicas start on the same database; the queued job is done exactly once.
    const replicas = [await composeRuntime(config, { database: shared(testDatabase.database) }), await composeRuntime(config, { database: shared(testDatabase.database) })];
    runtimes.push(...replicas);
    for (const replica of replicas) replica.startBackground();
    const replicaApp = await composeApp(replicas[1]!);
    const done = await waitFor(async () => {
      const response = await replicaApp.inject({ method: 'GET', url: `/v1/conversations/${id}/summary`, headers });
      return response.statusCode === 200 ? (response.json() as { summary: { actionsTaken: unknown[]; commitments: unknown[] } }) : undefined;
    });
    expect(done.summary).toMatchObject({ language: 'zh', provider: 'offline' });
    expect(done.summary.actionsTaken.length).toBeGreaterThan(0);
    expect(done.summary.commitments.length).toBeGreaterThan(0);
    await Promise.all(replicas.map((replica) => replica.services.summaries.idle()));
    const events = await readEventsAfter(testDatabase.database, id, 0);
    expect(events.filter((event) => event.type === 'summary')).toHaveLength(1);
    await replicaApp.close();
    await closeRuntimes();
  });

  it('summarises a transcript one-shot and rejects bad transcripts with 4xx', async () => {
    const runtime = await composeRuntime(config, { database: shared(testDatabase.database) });
    runtimes.push(runtime);
    const app = await composeApp(runtime);
    const ok = await app.inject({ method: 'POST', url: '/v1/summaries', headers, payload: { turns: call } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().summary.evidence.reason).toContain('t1');
    const english = await app.inject({
      method: 'POST',
      url: '/v1/summaries',
      headers,
      payload: { turns: [{ speaker: 'customer', text: 'I want to dispute a charge of $120 on my card.' }, { speaker: 'agent', text: "I've opened a dispute and I'll call you back within 3 business days." }] },
    });
    expect(english.json().summary.language).toBe('en');
    const oneSided = await app.inject({ method: 'POST', url: '/v1/summaries', headers, payload: { turns: [{ speaker: 'agent', text: '您好，请问有什么可以帮您？' }] } });
    expect(oneSided.statusCode).toBe(200);
    const long = Array.from({ length: 5_000 }, (_, index) => ({ speaker: index % 2 ? 'agent' : 'customer', text: index % 2 ? '好的，我帮您查一下。' : '我想问一下转账限额。' }));
    expect((await app.inject({ method: 'POST', url: '/v1/summaries', headers, payload: { turns: long } })).statusCode).toBe(200);
    for (const payload of [{ turns: [] }, { turns: [{ speaker: 'bob', text: 'hi' }] }, { turns: [...long, long[0]] }, {}, { turns: [{ speaker: 'agent', text: '' }] }]) {
      const response = await app.inject({ method: 'POST', url: '/v1/summaries', headers, payload });
      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
    }
    await app.close();
  });

  it('stores no raw card, ID or phone number the customer said, and reports catalogue products with their ids', async () => {
    // Made-up values: a public test card number, the standard sample resident ID and an unassigned-looking mobile.
    const card = '4111111111111111';
    const spacedCard = '4111 1111 1111 1111';
    const residentId = '11010519491231002X';
    const phone = '13987654321';
    const first = await composeRuntime(config, { database: shared(testDatabase.database) });
    const firstApp = await composeApp(first);
    const document = await firstApp.inject({
      method: 'POST',
      url: '/v1/knowledge/documents',
      headers,
      payload: { title: '星河安心宝180天理财产品说明', kind: 'product', format: 'markdown', language: 'zh', product: '星河安心宝180天', externalId: 'kb-test-anxin', body: '# 星河安心宝180天\n\nR2级理财产品，理财非存款，产品有风险，投资须谨慎。' },
    });
    expect(document.statusCode).toBe(201);
    await firstApp.close();
    await first.close();

    const runtime = await composeRuntime(config, { database: shared(testDatabase.database) });
    runtimes.push(runtime);
    runtime.startBackground();
    const app = await composeApp(runtime);
    const created = await app.inject({ method: 'POST', url: '/v1/conversations', headers, payload: { language: 'zh' } });
    const id = created.json().id as string;
    const turns = [
      { speaker: 'customer', text: `我的卡号是${spacedCard}，身份证${residentId}，手机${phone}，这张卡被盗刷了，我要把钱退给我！` },
      { speaker: 'agent', text: '已为您冻结该卡，我们会在三个工作日内回电告知调查结果。' },
      { speaker: 'customer', text: `另外星河安心宝180天还能买吗？我的手机号是${phone}，卡号${card}，有结果打给我。` },
      { speaker: 'agent', text: '安心宝180天目前可以购买，R2级，理财非存款，产品有风险。' },
      { speaker: 'customer', text: '好的。' },
    ];
    for (const turn of turns) await app.inject({ method: 'POST', url: `/v1/conversations/${id}/turns`, headers, payload: turn });
    await app.inject({ method: 'POST', url: `/v1/conversations/${id}/end`, headers });
    const done = await waitFor(async () => {
      const response = await app.inject({ method: 'GET', url: `/v1/conversations/${id}/summary`, headers });
      return response.statusCode === 200 ? (response.json() as { summary: Record<string, unknown> }) : undefined;
    });
    const stored = await testDatabase.database.query<{ summary: unknown }>('select summary from summary_jobs where conversation_id = $1', [id]);
    const storedText = typeof stored.rows[0]?.summary === 'string' ? (stored.rows[0]?.summary as string) : JSON.stringify(stored.rows[0]?.summary);
    const events = JSON.stringify(await readEventsAfter(testDatabase.database, id, 0));
    for (const text of [storedText, JSON.stringify(done.summary), events]) {
      for (const planted of [card, spacedCard, residentId, phone, '111111111111']) expect(text).not.toContain(planted);
    }
    // The facts survive the masking.
    expect(done.summary).toMatchObject({ reasonCategory: 'card_lost_or_fraud', outcome: 'callback_promised', complaint: { raised: true } });
    expect(done.summary.productsDiscussed).toEqual([expect.objectContaining({ name: '星河安心宝180天', productId: 'kb-test-anxin' })]);
    expect(String(done.summary.narrative)).toMatch(/^客户来电/u);
    await app.close();
    await closeRuntimes();
  });

  it('lets the agent of the call check, edit and confirm the summary, keeping the original and every revision', async () => {
    const runtime = await composeRuntime(config, { database: shared(testDatabase.database) });
    runtimes.push(runtime);
    const app = await composeApp(runtime);
    const createKey = async (body: object) => {
      const response = await app.inject({ method: 'POST', url: '/v1/keys', headers, payload: body });
      expect(response.statusCode, response.body).toBe(201);
      return { id: response.json().id as string, headers: { authorization: `Bearer ${response.json().key as string}` } };
    };
    const agentOfCall = await createKey({ role: 'agent', name: 'card desk agent', desk: 'cards-1' });
    const otherDesk = await createKey({ role: 'agent', name: 'wealth desk agent', desk: 'wealth-1' });
    const complianceKey = await createKey({ role: 'compliance', name: 'compliance officer' });
    const agentHeaders = agentOfCall.headers;

    const created = await app.inject({ method: 'POST', url: '/v1/conversations', headers: agentHeaders, payload: { language: 'zh' } });
    const id = created.json().id as string;
    for (const turn of call) await app.inject({ method: 'POST', url: `/v1/conversations/${id}/turns`, headers: agentHeaders, payload: turn });
    const put = (payload: unknown, as = agentHeaders) => app.inject({ method: 'PUT', url: `/v1/conversations/${id}/summary`, headers: as, payload: payload as object });

    expect((await put({ confirmed: true })).json()).toMatchObject({ status: 409, type: expect.stringMatching(/\/conversation_active$/) });
    await app.inject({ method: 'POST', url: `/v1/conversations/${id}/end`, headers: agentHeaders });
    // No worker runs yet: the summary is queued, not written.
    expect((await put({ confirmed: true })).json()).toMatchObject({ status: 409, type: expect.stringMatching(/\/summary_not_ready$/) });

    runtime.startBackground();
    const generated = await waitFor(async () => {
      const response = await app.inject({ method: 'GET', url: `/v1/conversations/${id}/summary`, headers: agentHeaders });
      return response.statusCode === 200 ? (response.json() as { summary: { reason: string; dispositionCode: string; compliance: unknown }; revision: number; confirmed: boolean; edited: boolean }) : undefined;
    });
    expect(generated).toMatchObject({ revision: 0, confirmed: false, edited: false });
    expect(generated).not.toHaveProperty('original');

    // Another desk does not see the call; a compliance key is not the call's agent.
    expect((await put({ confirmed: true }, otherDesk.headers)).statusCode).toBe(404);
    expect((await put({ confirmed: true }, complianceKey.headers)).statusCode).toBe(403);

    const badBodies: [unknown, string][] = [
      [{ confirmed: 'yes' }, 'confirmed'],
      [{}, 'confirmed'],
      [{ summary: { resolution: 'maybe' }, confirmed: false }, 'summary.resolution'],
      [{ summary: { compliance: { findings: [], missingDisclosures: [] } }, confirmed: true }, 'summary'],
      [{ summary: { actionsTaken: [{ text: 'x' }] }, confirmed: true }, 'summary.actionsTaken.0.turnIds'],
      [{ summary: { dispositionCode: 'NOT-A-CODE' }, confirmed: true }, 'summary.dispositionCode'],
      [{ confirmed: true, revision: -1 }, 'revision'],
    ];
    for (const [payload, field] of badBodies) {
      const response = await put(payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json().errors.map((error: { field: string }) => error.field)).toContain(field);
    }

    // A draft edit with a phone number typed in: stored and returned masked, the original kept.
    const phone = '13987654321';
    const draft = await put({ summary: { reason: `客户信用卡丢失，回拨${phone}`, resolution: 'follow_up', actionsTaken: [{ text: '已办理临时挂失', turnIds: ['t2'] }] }, confirmed: false, revision: 0 });
    expect(draft.statusCode, draft.body).toBe(200);
    const drafted = draft.json();
    expect(drafted).toMatchObject({ revision: 1, confirmed: false, edited: true, editedBy: agentOfCall.id, summary: { resolution: 'follow_up', dispositionCode: generated.summary.dispositionCode } });
    expect(drafted.summary.reason).toContain('客户信用卡丢失');
    expect(drafted.summary.compliance).toEqual(generated.summary.compliance);
    expect(drafted.original.reason).toBe(generated.summary.reason);
    expect(drafted).not.toHaveProperty('confirmedBy');

    // A save over a revision someone else replaced is refused.
    expect((await put({ summary: { reason: '覆盖' }, confirmed: true, revision: 0 })).json()).toMatchObject({ status: 409, type: expect.stringMatching(/\/summary_changed$/) });

    const confirmed = await put({ confirmed: true, revision: 1 });
    expect(confirmed.json()).toMatchObject({ revision: 2, confirmed: true, confirmedBy: agentOfCall.id, edited: true, editedBy: agentOfCall.id, editedAt: drafted.editedAt });
    const read = await app.inject({ method: 'GET', url: `/v1/conversations/${id}/summary`, headers: agentHeaders });
    expect(read.json()).toEqual(confirmed.json());

    // The generated original is untouched and every save is kept; no raw number anywhere.
    const job = await testDatabase.database.query<{ summary: unknown }>('select summary from summary_jobs where conversation_id = $1', [id]);
    const original = (typeof job.rows[0]?.summary === 'string' ? JSON.parse(job.rows[0].summary) : job.rows[0]?.summary) as { reason: string };
    expect(original.reason).toBe(generated.summary.reason);
    const revisions = await testDatabase.database.query<{ revision: number; confirmed: boolean; summary: unknown }>('select revision, confirmed, summary from summary_revisions where conversation_id = $1 order by revision', [id]);
    expect(revisions.rows.map((row) => [Number(row.revision), row.confirmed])).toEqual([[1, false], [2, true]]);
    expect(JSON.stringify(revisions.rows) + read.body).not.toContain(phone);

    // Confirming without changes is not an edit; an admin may confirm too.
    const second = await app.inject({ method: 'POST', url: '/v1/conversations', headers: agentHeaders, payload: { language: 'zh' } });
    const secondId = second.json().id as string;
    for (const turn of call) await app.inject({ method: 'POST', url: `/v1/conversations/${secondId}/turns`, headers: agentHeaders, payload: turn });
    await app.inject({ method: 'POST', url: `/v1/conversations/${secondId}/end`, headers: agentHeaders });
    await waitFor(async () => ((await app.inject({ method: 'GET', url: `/v1/conversations/${secondId}/summary`, headers })).statusCode === 200 ? true : undefined));
    const unchanged = await app.inject({ method: 'PUT', url: `/v1/conversations/${secondId}/summary`, headers, payload: { confirmed: true } });
    expect(unchanged.json()).toMatchObject({ revision: 1, confirmed: true, edited: false });
    expect(unchanged.json()).not.toHaveProperty('original');
    await app.close();
  });
});
