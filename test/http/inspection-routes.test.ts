import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';

// Our own small calls (not dev-set or benchmark material): enough to exercise every path of the routes.
function zhCall(externalId: string, startedAt: string, options: { complaint?: boolean; greeting?: boolean; team?: string; age?: number } = {}) {
  return {
    externalId,
    agent: 'agent-7',
    team: options.team ?? 'north',
    channel: 'voice',
    startedAt,
    ...(options.age ? { customer: { age: options.age } } : {}),
    turns: [
      { speaker: 'agent', text: options.greeting === false ? '喂。' : '您好，工号1234为您服务。' },
      { speaker: 'customer', text: options.complaint ? '你们乱收年费，我要投诉，太不合理了。' : '我想问一下信用卡年费怎么收。' },
      { speaker: 'agent', text: options.complaint ? '非常抱歉，已为您登记投诉，三个工作日内回电。' : '金卡年费每年两百元，刷卡满六次免次年年费。' },
      { speaker: 'agent', text: '请问还有其他可以帮您的吗？感谢您的来电。' },
    ],
  };
}


describe('inspections, call import and insights over HTTP', () => {
  let testApp: TestApp;
  let compliance: Record<string, string>;
  let agent: Record<string, string>;

  beforeAll(async () => {
    testApp = await createTestApp();
    compliance = await testApp.as('compliance');
    agent = await testApp.as('agent');
  });
  afterAll(async () => {
    await testApp?.close();
  });

  const importBody = (payload: string, contentType: string, url = '/v1/calls/import') => testApp.app.inject({ method: 'POST', url, headers: { ...compliance, 'content-type': contentType }, payload });

  it('imports JSONL, names every bad line, continues, and is idempotent by external id', async () => {
    const lines = [
      JSON.stringify(zhCall('c-1', '2026-11-03T09:00:00+08:00')),
      '{not json',
      JSON.stringify({ ...zhCall('c-2', '2026-11-03T10:00:00+08:00'), turns: [] }),
      JSON.stringify(zhCall('c-1', '2026-11-03T11:00:00+08:00')),
      JSON.stringify({ ...zhCall('c-3', '2026-11-04T10:00:00+08:00'), turns: [{ speaker: 'agent', text: 'a', at: '2026-11-04T10:05:00Z' }, { speaker: 'customer', text: 'b', at: '2026-11-04T10:01:00Z' }] }),
      JSON.stringify({ ...zhCall('c-4', '2026-11-04T10:00:00+08:00'), turns: [{ speaker: 'customer', text: 'x'.repeat(25_000) }] }),
      JSON.stringify(zhCall('c-5', '2026-11-05T09:00:00+08:00', { complaint: true, age: 72 })),
    ];
    const response = await importBody(lines.join('\n'), 'application/x-ndjson');
    expect(response.statusCode).toBe(200);
    const report = response.json();
    expect(report.imported).toBe(2);
    const problems = report.failed.map((problem: { position: string; problem: string }) => `${problem.position}: ${problem.problem}`);
    expect(problems).toEqual([
      expect.stringMatching(/line 2: not valid JSON/),
      expect.stringMatching(/line 3: turns: a call needs at least one turn/),
      expect.stringMatching(/line 4: duplicate external id 'c-1' \(first at body line 1\)/),
      expect.stringMatching(/line 5: turns\.1\.at: .*out of order/),
      expect.stringMatching(/line 6: turns\.0\.text: is longer than 20,000 characters/),
    ]);
    // Nothing half-imported: the refused calls left no conversation behind.
    const stored = await testApp.runtime.services.database.query<{ external_id: string }>('select external_id from conversations where external_id like $1 order by 1', ['c-%']);
    expect(stored.rows.map((row) => row.external_id)).toEqual(['c-1', 'c-5']);

    const again = (await importBody(lines[0]!, 'application/x-ndjson')).json();
    expect(again).toMatchObject({ imported: 0, skipped: 1 });
  });

  it('imports CSV grouped by external id and names a missing column', async () => {
    const csv = [
      'external_id,started_at,agent,team,speaker,text',
      'v-1,2026-11-06T09:00:00+08:00,agent-8,south,agent,"您好，工号5678为您服务。"',
      'v-1,2026-11-06T09:00:00+08:00,agent-8,south,customer,我想问一下理财产品',
      'v-1,2026-11-06T09:00:00+08:00,agent-8,south,agent,还有其他需要吗？',
      'v-2,2026-11-06T10:00:00+08:00,agent-8,south,robot,hello',
    ].join('\n');
    const report = (await importBody(csv, 'text/csv')).json();
    expect(report.imported).toBe(1);
    expect(report.failed[0]).toMatchObject({ externalId: 'v-2', problem: expect.stringMatching(/turns\.0\.speaker/) });
    const missing = (await importBody('external_id,speaker,text\nx,agent,hi', 'text/csv')).json();
    expect(missing.imported).toBe(0);
    expect(missing.failed[0].problem).toMatch(/missing column startedAt/);
  });

  it('imports a transcript with its metadata in the query string', async () => {
    const response = await importBody('坐席：您好，工号1234为您服务。\n客户：我的卡丢了。\n坐席：已为您挂失，还有其他需要吗？', 'text/plain', '/v1/calls/import?externalId=t-1&startedAt=2026-11-07T09:00:00%2B08:00&team=north');
    expect(response.json()).toMatchObject({ imported: 1 });
  });

  it('refuses bad requests with problems naming the field', async () => {
    const empty = await importBody('', 'text/csv');
    expect(empty.statusCode).toBe(400);
    const json = await testApp.app.inject({ method: 'POST', url: '/v1/calls/import', headers: compliance, payload: { calls: 'nope' } });
    expect(json.statusCode).toBe(400);
    expect(json.json().errors[0].field).toBe('calls');
    const forbidden = await testApp.app.inject({ method: 'POST', url: '/v1/calls/import', headers: { ...agent, 'content-type': 'application/x-ndjson' }, payload: '{}' });
    expect(forbidden.statusCode).toBe(403);
  });

  it('lists inspections with filters, shows evidence, and audits reviews through the state machine', async () => {
    const list = (await testApp.app.inject({ method: 'GET', url: '/v1/inspections?team=north&from=2026-11-01&to=2026-12-01', headers: compliance })).json();
    expect(list.items.map((item: { externalId: string }) => item.externalId).sort()).toEqual(['c-1', 'c-5', 't-1']);
    const complaintCall = list.items.find((item: { externalId: string }) => item.externalId === 'c-5');
    const detail = (await testApp.app.inject({ method: 'GET', url: `/v1/inspections/${complaintCall.id}`, headers: compliance })).json();
    const acknowledged = detail.items.find((item: { itemId: string }) => item.itemId === 'complaint-acknowledged');
    expect(acknowledged.status).toBe('passed');
    expect(acknowledged.evidence[0].turnId).toBe('t3');
    expect(detail.facts.vulnerable).toBe(true);

    const dispute = await testApp.app.inject({ method: 'POST', url: `/v1/inspections/${complaintCall.id}/review`, headers: agent, payload: { action: 'dispute', comment: '客户电话 13812345678 已回访' } });
    expect(dispute.statusCode).toBe(200);
    expect(dispute.json().reviewState).toBe('disputed');
    const agentConfirm = await testApp.app.inject({ method: 'POST', url: `/v1/inspections/${complaintCall.id}/review`, headers: agent, payload: { action: 'confirm' } });
    expect(agentConfirm.statusCode).toBe(403);
    const noComment = await testApp.app.inject({ method: 'POST', url: `/v1/inspections/${complaintCall.id}/review`, headers: compliance, payload: { action: 'overturn' } });
    expect(noComment.statusCode).toBe(400);
    expect(noComment.json().errors[0].field).toBe('comment');
    const overturn = await testApp.app.inject({ method: 'POST', url: `/v1/inspections/${complaintCall.id}/review`, headers: compliance, payload: { action: 'overturn', comment: 'agreed with the agent' } });
    expect(overturn.json().reviewState).toBe('overturned');
    const confirmAfter = await testApp.app.inject({ method: 'POST', url: `/v1/inspections/${complaintCall.id}/review`, headers: compliance, payload: { action: 'confirm' } });
    expect(confirmAfter.statusCode).toBe(409);
    const history = (await testApp.app.inject({ method: 'GET', url: `/v1/inspections/${complaintCall.id}`, headers: compliance })).json().reviews;
    expect(history.map((review: { fromState: string; toState: string }) => `${review.fromState}>${review.toState}`)).toEqual([`${complaintCall.reviewState}>disputed`, 'disputed>overturned']);
    expect(history[0].comment).not.toContain('13812345678');
    expect(history[0].actor.role).toBe('agent');

    const missing = await testApp.app.inject({ method: 'GET', url: '/v1/inspections/3f2b8c1e-5d4a-4e6b-9c7d-1a2b3c4d5e6f', headers: compliance });
    expect(missing.statusCode).toBe(404);
    const badState = await testApp.app.inject({ method: 'GET', url: '/v1/inspections?state=great', headers: compliance });
    expect(badState.json().errors[0].field).toBe('query.state');
  });

  it("finds a call's inspection by its conversation id and shows the call masked, for the drill-down from insights", async () => {
    const call = zhCall('pii-1', '2026-10-06T09:00:00+08:00', { team: 'east' });
    call.turns[1] = { speaker: 'customer', text: '我的手机号是13812345678，卡号6217999900001234567，年费怎么收？' };
    expect((await importBody(JSON.stringify(call), 'application/x-ndjson')).json().imported).toBe(1);
    const listed = (await testApp.app.inject({ method: 'GET', url: '/v1/inspections?team=east', headers: compliance })).json().items;
    expect(listed).toHaveLength(1);
    const found = (await testApp.app.inject({ method: 'GET', url: `/v1/inspections?conversation=${listed[0].conversationId}`, headers: compliance })).json().items;
    expect(found.map((item: { id: string }) => item.id)).toEqual([listed[0].id]);
    const other = (await testApp.app.inject({ method: 'GET', url: '/v1/inspections?conversation=3f2b8c1e-5d4a-4e6b-9c7d-1a2b3c4d5e6f', headers: compliance })).json().items;
    expect(other).toEqual([]);

    const detail = await testApp.app.inject({ method: 'GET', url: `/v1/inspections/${listed[0].id}`, headers: compliance });
    expect(detail.json().turns.map((turn: { speaker: string }) => turn.speaker)).toEqual(['agent', 'customer', 'agent', 'agent']);
    expect(detail.json().turns[1].text).toContain('年费怎么收');
    expect(detail.body).not.toContain('13812345678');
    expect(detail.body).not.toContain('6217999900001234567');

    const bad = await testApp.app.inject({ method: 'GET', url: '/v1/inspections?conversation=call-7', headers: compliance });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('query.conversation');
  });

  it('inspects a live call once its summary is written', async () => {
    const created = (await testApp.app.inject({ method: 'POST', url: '/v1/conversations', headers: agent, payload: { language: 'en', metadata: { agent: 'agent-9', team: 'west' } } })).json();
    for (const [speaker, text] of [['agent', 'Hello, my name is Sam.'], ['customer', 'What is my balance?'], ['agent', 'Your balance is 200 dollars.'], ['agent', 'Anything else? Thanks for calling.']]) {
      await testApp.app.inject({ method: 'POST', url: `/v1/conversations/${created.id}/turns`, headers: agent, payload: { speaker, text } });
    }
    await testApp.app.inject({ method: 'POST', url: `/v1/conversations/${created.id}/end`, headers: agent });
    testApp.runtime.services.summaries.start();
    await testApp.runtime.services.summaries.idle();
    for (let attempt = 0; attempt < 100; attempt += 1) {
      await testApp.runtime.services.summaries.idle();
      if ((await testApp.runtime.services.summaries.status(created.id)).status === 'done') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await testApp.runtime.services.summaries.stop();
    expect(await testApp.runtime.services.inspections.inspectPending()).toBe(1);
    const list = (await testApp.app.inject({ method: 'GET', url: '/v1/inspections?team=west', headers: compliance })).json();
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({ agent: 'agent-9', language: 'en', failedItems: expect.arrayContaining(['identity-before-account']) });
    expect(await testApp.runtime.services.inspections.inspectPending()).toBe(0);
  });

  it('aggregates insights with trends and examples, and exports CSV to compliance only', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: '/v1/insights?from=2026-11-01&to=2026-12-01&language=zh&groupBy=team', headers: compliance });
    expect(response.statusCode).toBe(200);
    const insights = response.json();
    expect(insights.totals.calls).toBe(4);
    expect(insights.totals.complaints).toBe(1);
    expect(insights.complaints[0]).toMatchObject({ calls: 1, previousCalls: 0 });
    expect(insights.complaints[0].exampleCalls).toHaveLength(1);
    expect(insights.vulnerableCustomers).toMatchObject({ calls: 1, complaints: 1 });
    expect(insights.groups.map((group: { key: string }) => group.key).sort()).toEqual(['north', 'south']);
    // A confirmed call leaves the calls waiting for review: the roll-up counts follow the stored states.
    const waitingCall = (await testApp.app.inject({ method: 'GET', url: '/v1/inspections?state=needs_review', headers: compliance })).json().items[0];
    const month = `from=${waitingCall.callStartedAt.slice(0, 7)}-01&to=${waitingCall.callStartedAt.slice(0, 7)}-28`;
    const before = (await testApp.app.inject({ method: 'GET', url: `/v1/insights?${month}`, headers: compliance })).json();
    await testApp.app.inject({ method: 'POST', url: `/v1/inspections/${waitingCall.id}/review`, headers: compliance, payload: { action: 'confirm' } });
    const after = (await testApp.app.inject({ method: 'GET', url: `/v1/insights?${month}`, headers: compliance })).json();
    expect(after.totals.needsReview).toBe(before.totals.needsReview - 1);
    expect(after.totals.calls).toBe(before.totals.calls);
    const waiting = await testApp.runtime.services.database.query<{ count: string }>(
      'select count(*) from inspections where review_state = $1 and call_started_at >= $2 and call_started_at < $3',
      ['needs_review', after.period.from, after.period.to],
    );
    expect(after.totals.needsReview).toBe(Number(waiting.rows[0]?.count));
    const csv = await testApp.app.inject({ method: 'GET', url: '/v1/insights/export?from=2026-11-01&to=2026-12-01', headers: compliance });
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.split('\n')[0]).toBe('section,key,calls,previous_calls,share_change_points,detail,example_calls');
    expect(csv.body).toContain('complaint_category,');
    const agentExport = await testApp.app.inject({ method: 'GET', url: '/v1/insights/export?from=2026-11-01&to=2026-12-01', headers: agent });
    expect(agentExport.statusCode).toBe(403);
    const backwards = await testApp.app.inject({ method: 'GET', url: '/v1/insights?from=2026-12-01&to=2026-11-01', headers: compliance });
    expect(backwards.json().errors[0].field).toBe('query.to');
  });
});
