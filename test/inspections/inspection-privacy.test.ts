import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';

// Well-known test values (a Luhn-valid test card, the standard example 身份证号 with its check digit, a mobile number),
// planted in every place of an imported call a number could travel from: customer and agent turns, spoken digits.
const card = '4111111111111111';
const chinaId = '11010519491231002X';
const phone = '13812345678';
const planted = [card, chinaId, phone, '4111 1111 1111 1111', '138-1234-5678'];

function call(externalId: string, language: 'zh' | 'en', day: number) {
  const turns =
    language === 'zh'
      ? [
          { speaker: 'agent', text: '您好，工号1234为您服务。' },
          { speaker: 'customer', text: `我的卡号是${card}，身份证${chinaId}，手机${phone}，你们乱扣年费，我要投诉。` },
          { speaker: 'agent', text: `好的，卡号${card}，手机138-1234-5678，已为您登记投诉，三个工作日内回电。` },
          { speaker: 'customer', text: '卡号是 4111 1111 1111 1111，电话幺三八一二三四五六七八。' },
          { speaker: 'agent', text: '请问还有其他可以帮您的吗？感谢您的来电。' },
        ]
      : [
          { speaker: 'agent', text: 'Hello, my name is Sam, how can I help?' },
          { speaker: 'customer', text: `My card ${card} was charged a fee twice, call me on ${phone}, I want to complain.` },
          { speaker: 'agent', text: `I see card ${card}. I have logged a complaint and we will call you back within two business days.` },
          { speaker: 'customer', text: 'The card is 4111 1111 1111 1111 and my number is 138-1234-5678.' },
          { speaker: 'agent', text: 'Anything else I can help with? Thanks for calling.' },
        ];
  return { externalId, agent: 'agent-3', team: 'east', channel: 'voice', language, startedAt: `2026-11-${String(day).padStart(2, '0')}T10:00:00Z`, turns };
}

describe('inspections and insights never hold raw card, ID or phone numbers', () => {
  let testApp: TestApp;
  let compliance: Record<string, string>;

  beforeAll(async () => {
    testApp = await createTestApp();
    compliance = await testApp.as('compliance');
    const lines = Array.from({ length: 12 }, (_, index) => JSON.stringify(call(`pii-${index}`, index % 2 === 0 ? 'zh' : 'en', 1 + index)));
    const response = await testApp.app.inject({ method: 'POST', url: '/v1/calls/import', headers: { ...compliance, 'content-type': 'application/x-ndjson' }, payload: lines.join('\n') });
    expect(response.json()).toMatchObject({ imported: 12, failed: [] });
  });
  afterAll(async () => {
    await testApp?.close();
  });

  const holdsPlanted = (text: string) => planted.filter((value) => text.includes(value));

  it('keeps none in the stored inspection rows, roll-ups or reviews', async () => {
    const database = testApp.runtime.services.database;
    // The transcript itself keeps what was said (turns): everything derived from it for inspection must not.
    const turns = await database.query<{ text: string }>("select text from turns where text like '%' || $1 || '%'", [card]);
    expect(turns.rows.length).toBeGreaterThan(0);
    for (const table of ['inspections', 'insight_rollups', 'insight_term_rollups', 'inspection_reviews']) {
      const rows = await database.query<{ row: string }>(`select row_to_json(t)::text as row from ${table} t`);
      expect(holdsPlanted(rows.rows.map((row) => row.row).join('\n')), table).toEqual([]);
    }
    const terms = await database.query<{ term: string }>('select distinct unnest(terms) as term from inspections');
    // Spoken digits are a number too: no term is a run of digit words.
    expect(terms.rows.filter((row) => /[零〇幺一二两三四五六七八九]{4,}/u.test(row.term))).toEqual([]);
  });

  it('shows none in inspections, insights, examples or the CSV export', async () => {
    const list = (await testApp.app.inject({ method: 'GET', url: '/v1/inspections?from=2026-11-01&to=2026-12-01', headers: compliance })).json();
    expect(list.items).toHaveLength(12);
    for (const item of list.items) {
      const detail = await testApp.app.inject({ method: 'GET', url: `/v1/inspections/${item.id}`, headers: compliance });
      expect(holdsPlanted(detail.body)).toEqual([]);
      const review = await testApp.app.inject({ method: 'POST', url: `/v1/inspections/${item.id}/review`, headers: compliance, payload: { action: 'overturn', comment: `customer ${phone} card ${card} called back` } });
      expect(holdsPlanted(review.body)).toEqual([]);
    }
    for (const query of ['', '&groupBy=agent', '&language=zh', '&team=east&channel=voice']) {
      const insights = await testApp.app.inject({ method: 'GET', url: `/v1/insights?from=2026-11-01&to=2026-12-01${query}`, headers: compliance });
      expect(insights.statusCode).toBe(200);
      expect(insights.json().totals.calls).toBeGreaterThan(0);
      expect(holdsPlanted(insights.body)).toEqual([]);
      const csv = await testApp.app.inject({ method: 'GET', url: `/v1/insights/export?from=2026-11-01&to=2026-12-01${query}`, headers: compliance });
      expect(holdsPlanted(csv.body)).toEqual([]);
    }
    const database = testApp.runtime.services.database;
    const reviews = await database.query<{ row: string }>('select row_to_json(t)::text as row from inspection_reviews t');
    expect(reviews.rows).toHaveLength(12);
    expect(holdsPlanted(reviews.rows.map((row) => row.row).join('\n'))).toEqual([]);
  });
});
