import { describe, expect, it } from 'vitest';
import { summarizeOffline } from '../../src/summaries/offline-summarizer.js';
import type { SummaryContext, SummaryTurn } from '../../src/summaries/summary-context.js';
import { summarySchema } from '../../src/summaries/summary-schema.js';
import {
  agentOnlyCall,
  cardLossCall,
  disputeCall,
  feeComplaintCall,
  greetingsOnlyCall,
  wealthInquiryCall,
} from './call-transcripts.js';
import { fridayAfternoon, taxonomy } from './taxonomy-fixture.js';

const context: SummaryContext = {
  callEndedAt: fridayAfternoon,
  taxonomy,
  products: [
    { name: '稳盈30天', aliases: ['稳盈'] },
    { name: '大额存单' },
    { name: '借记卡' },
    { name: 'Platinum Credit Card', aliases: ['platinum card'] },
    { name: 'Gold Savings' },
  ],
};

function summarize(turns: readonly SummaryTurn[], overrides: Partial<SummaryContext> = {}) {
  const summary = summarizeOffline(turns, { ...context, ...overrides });
  // Every summary honours the API contract, whatever the input.
  expect(summarySchema.parse(summary)).toEqual(summary);
  return summary;
}

function allTurnIds(summary: ReturnType<typeof summarizeOffline>): string[] {
  return [
    ...summary.productsDiscussed.flatMap((item) => item.turnIds),
    ...summary.actionsTaken.flatMap((item) => item.turnIds),
    ...summary.commitments.flatMap((item) => item.turnIds),
    ...summary.followUps.flatMap((item) => item.turnIds),
    ...Object.values(summary.evidence).flat(),
  ];
}

describe('summarizeOffline', () => {
  it('summarises a card-loss call with a replacement due in three business days', () => {
    const summary = summarize(cardLossCall);
    expect(summary).toMatchObject({
      provider: 'offline',
      model: 'extractive-v1',
      promptVersion: 'offline',
      language: 'zh',
      customerIntent: '挂失/盗刷',
      dispositionCode: 'CARD-LOSS',
      resolution: 'resolved',
      complaint: { raised: false },
      sentiment: { end: 'positive' },
    });
    expect(summary.degraded).toBeUndefined();
    expect(summary.reason).toContain('借记卡');
    expect(summary.reason).toContain('挂失');
    expect(summary.reason).not.toMatch(/你好|身份证/);
    expect(summary.evidence.reason).toEqual(['t4']);
    expect(summary.productsDiscussed.map((product) => product.name)).toEqual(['借记卡']);
    expect(summary.actionsTaken.map((action) => action.text)).toEqual(
      expect.arrayContaining([expect.stringContaining('临时挂失'), expect.stringContaining('补卡申请')]),
    );
    // Friday + 3 business days skips the weekend: Mon 20, Tue 21, Wed 22.
    expect(summary.commitments).toEqual([
      expect.objectContaining({ text: expect.stringContaining('三个工作日内'), due: '2024-05-22', turnIds: ['t9'] }),
    ]);
    // The identity check is an in-call request, not a follow-up.
    expect(summary.followUps).toEqual([]);
  });

  it('flags a fee complaint threatening the regulator as high severity with follow-ups', () => {
    const summary = summarize(feeComplaintCall);
    expect(summary.complaint).toEqual({ raised: true, category: 'fees', severity: 'high' });
    expect(summary.evidence.complaint).toEqual(expect.arrayContaining(['t6']));
    expect(summary.dispositionCode).toBe('COMPLAINT-FEE');
    expect(summary.customerIntent).toBe('银行卡费用');
    expect(summary.resolution).toBe('escalated');
    expect(summary.sentiment).toEqual({ start: 'negative', end: 'negative' });
    expect(summary.followUps).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ owner: 'bank', due: '2024-05-18', action: expect.stringContaining('回电') }),
        expect.objectContaining({ owner: 'customer', due: '2024-05-18', action: expect.stringContaining('带身份证到就近网点') }),
      ]),
    );
    expect(summary.actionsTaken.map((action) => action.text)).toEqual([expect.stringContaining('投诉登记')]);
  });

  it('lists only knowledge-base products in a wealth inquiry and invents no actions', () => {
    const summary = summarize(wealthInquiryCall);
    expect(summary.productsDiscussed).toEqual([
      { name: '稳盈30天', turnIds: ['t2', 't3', 't7'] },
      { name: '大额存单', turnIds: ['t4', 't5'] },
    ]);
    expect(summary.dispositionCode).toBe('WEALTH-INQUIRY');
    expect(summary.actionsTaken).toEqual([]);
    expect(summary.commitments).toEqual([]);
    expect(summary.resolution).toBe('resolved');
    expect(summary.reason).toContain('稳盈30天');
  });

  it('summarises an English dispute call with a callback commitment', () => {
    const summary = summarize(disputeCall);
    expect(summary.language).toBe('en');
    expect(summary.reason).toMatch(/^There's a charge of \$480 on my Platinum credit card/);
    expect(summary.evidence.reason).toEqual(['t5']);
    expect(summary.customerIntent).toBe('lost card or fraud');
    expect(summary.dispositionCode).toBe('FRAUD-REPORT');
    expect(summary.productsDiscussed).toEqual([{ name: 'Platinum Credit Card', turnIds: ['t5'] }]);
    expect(summary.actionsTaken).toEqual([
      { text: "I've blocked the card and raised a dispute for the $480 transaction", turnIds: ['t6'] },
    ]);
    expect(summary.followUps).toEqual([
      expect.objectContaining({ owner: 'agent', due: '2024-05-22', action: expect.stringContaining('call you back') }),
    ]);
    expect(summary.commitments).toEqual(
      expect.arrayContaining([expect.objectContaining({ due: '2024-05-24', text: expect.stringContaining('by Friday') })]),
    );
    // "Our disputes team will review it": the case went to another team, and the agent owes a call-back.
    expect(summary.resolution).toBe('escalated');
    expect(summary.outcome).toBe('callback_promised');
    expect(summary.complaint.raised).toBe(false);
  });

  it('keeps an unresolvable time phrase in the text and leaves due out', () => {
    const summary = summarize([
      { id: 'a', speaker: 'customer', text: '我的转账三天了还没到账，怎么回事？' },
      { id: 'b', speaker: 'agent', text: '我这边会尽快联系清算部门核实，有结果后给您回电。' },
    ]);
    expect(summary.commitments).toEqual([{ text: expect.stringContaining('尽快'), turnIds: ['b'] }]);
    expect(summary.followUps[0]).toMatchObject({ owner: 'agent' });
    expect(summary.followUps[0]?.due).toBeUndefined();
    expect(summary.dispositionCode).toBe('TRANSFER-ISSUE');
  });

  it('handles a one-sided (agent-only) recording without inventing a complaint', () => {
    const summary = summarize(agentOnlyCall);
    expect(summary.reason).toContain('信用卡账单');
    expect(summary.reason).not.toContain('有什么可以帮');
    expect(summary.complaint).toEqual({ raised: false });
    expect(summary.sentiment).toEqual({ start: 'neutral', end: 'neutral' });
  });

  it('returns an empty summary for a greetings-only call', () => {
    const summary = summarize(greetingsOnlyCall);
    expect(summary).toMatchObject({
      reason: '',
      customerIntent: '',
      productsDiscussed: [],
      actionsTaken: [],
      commitments: [],
      followUps: [],
      complaint: { raised: false },
      resolution: 'unresolved',
      dispositionCode: 'GENERAL-INQUIRY',
    });
  });

  it('handles an empty transcript', () => {
    const summary = summarize([], { language: 'en' });
    expect(summary.reason).toBe('');
    expect(summary.language).toBe('en');
  });

  it('cites only turn ids that exist', () => {
    for (const call of [cardLossCall, feeComplaintCall, wealthInquiryCall, disputeCall, agentOnlyCall]) {
      const ids = new Set(call.map((turn) => turn.id));
      for (const id of allTurnIds(summarize(call))) expect(ids.has(id)).toBe(true);
    }
  });

  it('matches products case- and width-insensitively, whole words only for Latin names', () => {
    const summary = summarize([
      { id: 'x1', speaker: 'customer', text: 'Is my ＧＯＬＤ ＳＡＶＩＮＧＳ account affected? I also use PLATINUM CARD.' },
      { id: 'x2', speaker: 'customer', text: 'Not Goldman Savingsbank, to be clear.' },
    ]);
    expect(summary.productsDiscussed).toHaveLength(2);
    expect(summary.productsDiscussed).toEqual(
      expect.arrayContaining([
        { name: 'Platinum Credit Card', turnIds: ['x1'] },
        { name: 'Gold Savings', turnIds: ['x1'] },
      ]),
    );
  });

  it('does not read a negated complaint as one, and reads dissatisfaction as low severity', () => {
    const notComplaining = summarize([
      { id: 'c1', speaker: 'customer', text: '我不是要投诉，就是想问一下信用卡年费怎么收。' },
      { id: 'c2', speaker: 'agent', text: '白金卡年费是每年600元，刷卡满六次可以免次年年费。' },
      { id: 'c3', speaker: 'customer', text: '好的，明白了，谢谢。' },
    ]);
    expect(notComplaining.complaint).toEqual({ raised: false });
    expect(notComplaining.dispositionCode).toBe('FEE-INQUIRY');
    expect(notComplaining.resolution).toBe('resolved');

    const unhappy = summarize([
      { id: 'u1', speaker: 'customer', text: 'I waited forty minutes on hold, this is unacceptable.' },
      { id: 'u2', speaker: 'agent', text: 'I apologise for the wait.' },
    ]);
    expect(unhappy.complaint).toEqual({ raised: true, category: 'service_attitude', severity: 'low' });
    expect(unhappy.dispositionCode).toBe('COMPLAINT-SERVICE');
  });

  it('marks transfers to a supervisor as escalated', () => {
    const summary = summarize([
      { id: 'e1', speaker: 'customer', text: 'I was mis-sold this investment, nobody told me I could lose money. I want to complain.' },
      { id: 'e2', speaker: 'agent', text: "I understand. I'm transferring you to my supervisor now." },
    ]);
    expect(summary.resolution).toBe('escalated');
    expect(summary.evidence.resolution).toEqual(['e2']);
    expect(summary.complaint).toEqual({ raised: true, category: 'product_mis_selling', severity: 'medium' });
    expect(summary.dispositionCode).toBe('COMPLAINT-MIS-SELLING');
  });

  it('uses the language given in the context and the compliance summary from the caller', () => {
    const findings = [{ ruleId: 'CP-001', severity: 'high', title: 'Guaranteed return promised', turnId: 't3' }];
    const summary = summarize(wealthInquiryCall, {
      language: 'en',
      compliance: (turns) => ({ findings, missingDisclosures: turns.length > 0 ? ['risk-disclosure'] : [] }),
    });
    expect(summary.language).toBe('en');
    expect(summary.customerIntent).toBe('wealth or fund product');
    expect(summary.compliance).toEqual({ findings, missingDisclosures: ['risk-disclosure'] });
  });

  it('survives a 5,000-turn call and keeps lists bounded', () => {
    const pool = [...cardLossCall, ...feeComplaintCall, ...disputeCall, ...wealthInquiryCall];
    const turns = Array.from({ length: 5000 }, (_, index) => {
      const source = pool[index % pool.length] as SummaryTurn;
      return { ...source, id: `t${index + 1}`, text: `${source.text} (${index})` };
    });
    const summary = summarize(turns);
    expect(summary.reason).toContain('借记卡');
    for (const list of [summary.actionsTaken, summary.commitments, summary.followUps]) {
      expect(list.length).toBeGreaterThan(0);
      expect(list.length).toBeLessThanOrEqual(20);
    }
    expect(summary.complaint.raised).toBe(true);
  });
});
