import { describe, expect, it } from 'vitest';
import { maskSummary } from '../../src/summaries/mask-summary.js';
import { summarizeOffline } from '../../src/summaries/offline-summarizer.js';
import type { SummaryTurn } from '../../src/summaries/summary-context.js';
import { writeNarrative } from '../../src/summaries/write-narrative.js';
import { fridayAfternoon, taxonomy } from './taxonomy-fixture.js';

function sentencesOf(text: string): string[] {
  return text.split(/(?<=[。！？])|(?<=[.!?])\s+(?=[A-Z"])/u).map((sentence) => sentence.trim()).filter(Boolean);
}

function call(lines: [SummaryTurn['speaker'], string][]): SummaryTurn[] {
  return lines.map(([speaker, text], index) => ({ id: `n${index + 1}`, speaker, text }));
}

describe('narrative', () => {
  it('tells a Chinese call in 2-4 sentences: what was asked, what was done, the outcome and what is open', () => {
    const summary = summarizeOffline(call([
      ['customer', '我的借记卡今天在商场丢了，帮我挂失。'],
      ['agent', '已为您办理借记卡挂失，卡片已停止使用。'],
      ['agent', '补卡需要您本人带身份证到网点办理，请您明天去就近网点。'],
      ['customer', '好的，谢谢。'],
    ]), { callEndedAt: fridayAfternoon, taxonomy, products: [] });
    const narrative = summary.narrative ?? '';
    expect(sentencesOf(narrative).length).toBeGreaterThanOrEqual(2);
    expect(sentencesOf(narrative).length).toBeLessThanOrEqual(4);
    expect(narrative).toMatch(/^客户来电/u);
    expect(narrative).toContain('挂失');
    expect(narrative).toContain('坐席');
    // The agent's "您" is reported in the third person.
    expect(narrative).not.toContain('您');
    expect(narrative).toContain('客户需');
  });

  it('tells an English call with the promised call-back and its date', () => {
    const summary = summarizeOffline(call([
      ['customer', "There's a payment on my credit card I don't recognise."],
      ['agent', "I've blocked the card. Our fraud team will review the payment and I'll call you back by tomorrow."],
      ['customer', 'Thanks.'],
    ]), { callEndedAt: fridayAfternoon, taxonomy, products: [] });
    const narrative = summary.narrative ?? '';
    expect(sentencesOf(narrative).length).toBeGreaterThanOrEqual(2);
    expect(sentencesOf(narrative).length).toBeLessThanOrEqual(4);
    expect(narrative).toMatch(/^The customer called/u);
    expect(narrative).toContain('blocked the card');
    expect(summary.outcome).toBe('callback_promised');
    expect(narrative).toMatch(/Open by 2024-05-\d\d|promised/u);
    expect(narrative).not.toMatch(/\bI've\b|\byour\b/u);
  });

  it('says the complaint and each outcome in both languages', () => {
    const base = { reasonLabel: 'card fees', asks: [], products: [], actionsTaken: [], followUps: [], complaint: { raised: true } } as const;
    expect(writeNarrative({ ...base, language: 'en', outcome: 'transferred' })).toBe('The customer called to complain about card fees. The call was transferred to a specialist.');
    expect(writeNarrative({ ...base, language: 'zh', reasonLabel: '银行卡费用', outcome: 'unresolved' })).toBe('客户来电反映银行卡费用，并表达不满。问题在通话中未能解决。');
  });

  it('is masked with the rest of the summary', () => {
    const summary = summarizeOffline(call([
      ['customer', '我的手机号13912345678收不到验证码，帮我改一下预留手机号。'],
      ['agent', '已为您登记修改申请。'],
    ]), { callEndedAt: fridayAfternoon, taxonomy, products: [] });
    expect(summary.narrative).toContain('13912345678');
    expect(maskSummary(summary).narrative).not.toContain('13912345678');
    expect(maskSummary(summary).customerAsks?.[0]?.text).not.toContain('13912345678');
  });
});
