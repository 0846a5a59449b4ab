import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEventsAfter } from '../../src/conversations/event-log.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

let testApp: TestApp;

beforeAll(async () => {
  testApp = await createTestApp();
  const headers = await testApp.as('admin');
  // One document of our own, so customer turns get cards (and so a knowledge event).
  const created = await testApp.app.inject({
    method: 'POST',
    url: '/v1/knowledge/documents',
    headers,
    payload: { title: '信用卡挂失与补卡', kind: 'product', format: 'markdown', language: 'zh', body: '# 挂失\n\n信用卡丢失或被盗，请立即挂失冻结，再申请补卡。' },
  });
  expect(created.statusCode).toBe(201);
  const english = await testApp.app.inject({
    method: 'POST',
    url: '/v1/knowledge/documents',
    headers,
    payload: { title: 'Lost or stolen cards', kind: 'product', format: 'markdown', language: 'en', body: '# Lost card\n\nIf your card is lost or stolen, block it at once, then order a replacement card.' },
  });
  expect(english.statusCode).toBe(201);
});

afterAll(async () => {
  await testApp.close();
});

async function knowledgeEventOf(language: 'zh' | 'en', text: string): Promise<{ situations?: { id: string }[] }> {
  const headers = await testApp.as('agent');
  const conversation = await testApp.app.inject({ method: 'POST', url: '/v1/conversations', headers, payload: { language } });
  const id = conversation.json().id as string;
  const turn = await testApp.app.inject({ method: 'POST', url: `/v1/conversations/${id}/turns`, headers, payload: { speaker: 'customer', text } });
  expect(turn.statusCode).toBe(201);
  const events = await readEventsAfter(testApp.runtime.services.database, id, 0);
  const knowledge = events.find((event) => event.type === 'knowledge');
  expect(knowledge).toBeDefined();
  return knowledge?.data as { situations?: { id: string }[] };
}

describe('the knowledge event names the situations detected in the customer turn', () => {
  it('lists a lost card, in Chinese and in English', async () => {
    expect((await knowledgeEventOf('zh', '我的信用卡昨天在地铁上被偷了，怎么办？')).situations).toContainEqual({ id: 'lost_stolen_card' });
    expect((await knowledgeEventOf('en', 'My card was stolen on the train yesterday, what should I do?')).situations).toContainEqual({ id: 'lost_stolen_card' });
  });

  it('is an empty list for a plain question', async () => {
    expect((await knowledgeEventOf('zh', '补卡需要多久？')).situations).toEqual([]);
  });
});
