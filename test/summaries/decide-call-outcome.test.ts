import { describe, expect, it } from 'vitest';
import { summarizeOffline } from '../../src/summaries/offline-summarizer.js';
import type { SummaryTurn } from '../../src/summaries/summary-context.js';
import { fridayAfternoon, taxonomy } from './taxonomy-fixture.js';

function call(lines: [SummaryTurn['speaker'], string][]): SummaryTurn[] {
  return lines.map(([speaker, text], index) => ({ id: `o${index + 1}`, speaker, text }));
}

const summarize = (turns: readonly SummaryTurn[]) => summarizeOffline(turns, { callEndedAt: fridayAfternoon, taxonomy, products: [] });

describe('call outcome', () => {
  it('a promised call-back is not resolved, even when the customer thanks the agent (zh)', () => {
    const summary = summarize(call([
      ['customer', '我上个月的还款好像没有入账，帮我查一下。'],
      ['agent', '我这边暂时看不到明细，我会在两个工作日内给您回电告知结果。'],
      ['customer', '好的，谢谢。'],
    ]));
    expect(summary.outcome).toBe('callback_promised');
    expect(summary.resolution).toBe('follow_up');
    expect(summary.evidence.resolution).toContain('o2');
    expect(summary.followUps.some((followUp) => followUp.owner !== 'customer')).toBe(true);
  });

  it('a case passed to another team is callback_promised and escalated (en)', () => {
    const summary = summarize(call([
      ['customer', 'A transfer I sent on Monday never reached my landlord.'],
      ['agent', "I've raised a case with our payments investigation team; they will contact you within 3 business days."],
      ['customer', 'Okay, thank you.'],
    ]));
    expect(summary.outcome).toBe('callback_promised');
    expect(summary.resolution).toBe('escalated');
    expect(summary.narrative).toMatch(/^The customer called/u);
  });

  it('a live transfer at the end is transferred; an offer to transfer the customer declines is not', () => {
    const transferred = summarize(call([
      ['customer', '我想咨询一下基金定投怎么设置。'],
      ['agent', '这个需要理财专席为您讲解，现在为您转接理财专线，请稍等。'],
    ]));
    expect(transferred.outcome).toBe('transferred');
    expect(transferred.resolution).toBe('escalated');
    const declined = summarize(call([
      ['customer', 'How do I set up a recurring investment in a fund?'],
      ['agent', 'You can do it in the app under Funds. Would you like me to transfer you to a specialist?'],
      ['customer', "No need, that's clear, thanks."],
    ]));
    expect(declined.outcome).toBe('resolved');
  });

  it('a call where the agent cannot help and the customer gives up is unresolved (zh and en)', () => {
    const zh = summarize(call([
      ['customer', '我想把定期存款提前取出来，但是人在外地。'],
      ['agent', '抱歉，定期提前支取需要您本人到网点办理，电话里无法办理。'],
      ['customer', '那算了，还是不行。'],
    ]));
    expect(zh.outcome).toBe('unresolved');
    const en = summarize(call([
      ['customer', 'Can you raise the daily limit on my account today?'],
      ['agent', "I'm sorry, I'm unable to change limits over the phone."],
      ['customer', 'Forget it, that is a waste of time.'],
    ]));
    expect(en.outcome).toBe('unresolved');
    expect(en.resolution).toBe('unresolved');
  });

  it('a need met on the call is resolved', () => {
    const summary = summarize(call([
      ['customer', 'I lost my debit card this morning.'],
      ['agent', "I've blocked the card, nobody can use it now."],
      ['customer', 'Perfect, that is all I needed.'],
    ]));
    expect(summary.outcome).toBe('resolved');
    expect(summary.resolution).toBe('resolved');
  });

  it('a booked appointment or a written reply is something the customer still waits for (zh and en)', () => {
    const zh = summarize(call([
      ['customer', '我想办理大额转账，需要去网点吗？'],
      ['agent', '需要的，我已为您预约了明天上午十点的柜台。'],
      ['customer', '好的。'],
    ]));
    expect(zh.outcome).toBe('callback_promised');
    const en = summarize(call([
      ['customer', 'I want to know why my application was declined.'],
      ['agent', 'The underwriting team will send you a letter explaining the decision.'],
    ]));
    expect(en.outcome).toBe('callback_promised');
  });

  it('an information call the agent answered is resolved without a thank-you; a greeting alone is not', () => {
    const answered = summarize(call([
      ['customer', 'What time does the branch on Main Street close on Saturdays?'],
      ['agent', 'It closes at 4 pm on Saturdays.'],
      ['customer', 'Okay bye.'],
    ]));
    expect(answered.outcome).toBe('resolved');
    const greeting = summarize(call([
      ['customer', '喂，你好。'],
      ['agent', '您好，请问有什么可以帮您？'],
    ]));
    expect(greeting.outcome).toBe('unresolved');
  });
});

