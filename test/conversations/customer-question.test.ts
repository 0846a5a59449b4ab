import { describe, expect, it } from 'vitest';
import { customerQuestion, type SpokenTurn } from '../../src/conversations/customer-question.js';

const turns: SpokenTurn[] = [
  { id: 't1', speaker: 'customer', text: '你好。' },
  { id: 't2', speaker: 'agent', text: '您好，请问有什么可以帮您？' },
  { id: 't3', speaker: 'customer', text: '我想问一下' },
  { id: 't4', speaker: 'customer', text: '手机银行转账限额是多少？' },
  { id: 't5', speaker: 'agent', text: '我帮您查一下。' },
];

describe('customerQuestion', () => {
  it('joins the run of customer turns that ends at the turn, skipping the agent turns after it', () => {
    expect(customerQuestion(turns, 't4', 500)).toBe('我想问一下 手机银行转账限额是多少？');
    expect(customerQuestion(turns, 't5', 500)).toBe('我想问一下 手机银行转账限额是多少？');
    expect(customerQuestion(turns, undefined, 500)).toBe('我想问一下 手机银行转账限额是多少？');
    expect(customerQuestion(turns, 't2', 500)).toBe('你好。');
  });

  it('keeps the last sentences within the limit, and gives nothing without a customer turn', () => {
    const long: SpokenTurn[] = [{ id: 'a', speaker: 'customer', text: `${'前面说了很多背景情况。'.repeat(10)}请问年费怎么免？` }];
    expect(customerQuestion(long, 'a', 30)).toBe('前面说了很多背景情况。 请问年费怎么免？');
    expect(customerQuestion([{ id: 'b', speaker: 'customer', text: '一句非常长的话'.repeat(10) }], 'b', 20)).toBeUndefined();
    expect(customerQuestion([{ id: 'c', speaker: 'agent', text: '您好' }], 'c', 500)).toBeUndefined();
  });
});
