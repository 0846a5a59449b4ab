import { describe, expect, it } from 'vitest';
import { summarizeOffline } from '../../src/summaries/offline-summarizer.js';
import type { SummaryTurn } from '../../src/summaries/summary-context.js';
import { summarySchema } from '../../src/summaries/summary-schema.js';
import { contactReasonIds } from '../../src/summaries/summary-data.js';
import { fridayAfternoon, taxonomy } from './taxonomy-fixture.js';

function call(lines: [SummaryTurn['speaker'], string][]): SummaryTurn[] {
  return lines.map(([speaker, text], index) => ({ id: `c${index + 1}`, speaker, text }));
}

function summarize(turns: readonly SummaryTurn[]) {
  const summary = summarizeOffline(turns, { callEndedAt: fridayAfternoon, taxonomy, products: [] });
  expect(summarySchema.parse(summary)).toEqual(summary);
  return summary;
}

describe('contact reason and customer asks', () => {
  it('reads the main ask, not the first sentence (zh)', () => {
    const summary = summarize(call([
      ['agent', '您好，工号2201，请问有什么可以帮您？'],
      ['customer', '你好，我上周刚在你们网点开了个户。'],
      ['agent', '好的，您请说。'],
      ['customer', '我想问一下，你们的消费贷款现在年利率多少？能借多久？'],
      ['agent', '目前消费贷款年化利率在3.5%起，期限最长五年。'],
      ['customer', '那贷款提前还的话要不要违约金？'],
    ]));
    expect(summary.reasonCategory).toBe('loan');
    expect(summary.customerIntent).toBe('贷款');
    expect(summary.customerAsks?.[0]).toMatchObject({ category: 'loan' });
    expect(summary.customerAsks?.[0]?.text).toContain('消费贷款');
    expect(summary.evidence.customerIntent).toContain('c4');
  });

  it('reads the main ask in English and ignores what the agent offered', () => {
    const summary = summarize(call([
      ['agent', 'Thanks for calling, this is Priya. We also have a great insurance plan and new investment funds this month.'],
      ['customer', 'Hi. I moved house recently.'],
      ['customer', "I can't log in to online banking anymore, it says my password is locked. Can you unlock it?"],
      ['agent', 'I have reset the login for you; you will get a temporary password by text.'],
      ['customer', 'Great, thanks.'],
    ]));
    expect(summary.reasonCategory).toBe('account_or_password');
    expect(summary.customerIntent).toBe('account or password');
    // The agent's pitch about insurance and funds is not what the customer called about.
    expect(summary.customerAsks?.map((ask) => ask.category)).not.toContain('insurance');
    expect(summary.customerAsks?.map((ask) => ask.category)).not.toContain('wealth_or_fund_purchase');
  });

  it('lists a second topic the customer asked about as a further ask', () => {
    const summary = summarize(call([
      ['customer', '我的信用卡年费怎么扣了两次？能不能退一次？'],
      ['agent', '我看一下，确实重复收取，已为您退回一笔。'],
      ['customer', '另外我想转账到外地的账户，跨行转账要多久到账？'],
      ['agent', '跨行转账一般实时到账，最迟两小时。'],
    ]));
    expect(summary.reasonCategory).toBe('card_fees');
    expect(summary.customerAsks?.map((ask) => ask.category)).toEqual(['card_fees', 'transfer_or_remittance']);
  });

  it('recognises a complaint that never says 投诉: anger about a fee and asking for a manager (zh)', () => {
    const summary = summarize(call([
      ['customer', '你们这个年费也太黑了吧，我一次都没用过这张卡。'],
      ['agent', '非常抱歉，年费是按合同收取的。'],
      ['customer', '我不管，把钱退给我，叫你们领导来跟我说。'],
    ]));
    expect(summary.complaint).toMatchObject({ raised: true, implicit: true });
    expect(summary.reasonCategory).toBe('card_fees');
  });

  it('recognises an implicit complaint in English and does not read a relationship manager as one', () => {
    const angry = summarize(call([
      ['customer', "This is a rip-off. You charged me a late fee on my card although I paid on time. I want a refund."],
      ['agent', 'Let me look into that for you.'],
    ]));
    expect(angry.complaint).toMatchObject({ raised: true, implicit: true, category: 'fees' });
    const calm = summarize(call([
      ['customer', 'My relationship manager told me to call about a time deposit. What is the rate for one year?'],
      ['agent', 'The one-year time deposit rate is 1.5%.'],
      ['customer', 'Thanks, that helps.'],
    ]));
    expect(calm.complaint.raised).toBe(false);
    expect(calm.reasonCategory).toBe('deposit_rates');
  });

  it('marks an explicit complaint as not implicit, and uses the complaint category only when no topic is named', () => {
    const summary = summarize(call([
      ['customer', '我要投诉，你们的人太不负责了，我很不满意。'],
      ['agent', '非常抱歉，我已记录您的投诉，会在两个工作日内回复您。'],
    ]));
    expect(summary.complaint.raised).toBe(true);
    expect(summary.complaint.implicit).toBeUndefined();
    expect(summary.reasonCategory).toBe('complaint');
  });

  it('falls back to other when nothing names a category, and every reported category is in the data file', () => {
    const summary = summarize(call([
      ['customer', '请问你们周末营业到几点？'],
      ['agent', '周末网点营业到下午五点。'],
    ]));
    expect(summary.reasonCategory).toBe('other');
    expect(contactReasonIds()).toEqual(expect.arrayContaining(['other', 'complaint', 'card_fees', 'scam_report', 'loan']));
  });

  it('reads the category from the agent\'s answers only when the customer named no topic, and keeps the customer\'s ask', () => {
    const summary = summarize(call([
      ['customer', '你好，上次说的那个事情现在怎么样了？'],
      ['agent', '您申请的信用卡提额已经审批通过，新额度明天生效。'],
      ['customer', '好的，谢谢。'],
    ]));
    expect(summary.reasonCategory).toBe('card_application');
    expect(summary.customerAsks?.[0]?.text).toContain('怎么样了');
    expect(summary.customerAsks?.[0]?.category).toBe('card_application');
  });

  it('recognises a card application in English', () => {
    const summary = summarize(call([
      ['customer', "I'd like to apply for a credit card, what do I need?"],
      ['agent', 'You can apply in the app with your ID.'],
    ]));
    expect(summary.reasonCategory).toBe('card_application');
  });
});

