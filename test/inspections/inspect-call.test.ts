import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectCall, type InspectedTurn } from '../../src/inspections/inspect-call.js';
import { loadScorecards, scorecardFor } from '../../src/inspections/load-scorecards.js';
import type { Summary } from '../../src/summaries/summary-schema.js';

const scorecards = loadScorecards(join(import.meta.dirname, '../../evals/scorecards'));
const zh = scorecardFor(scorecards, { language: 'zh', channel: 'voice' })!;
const en = scorecardFor(scorecards, { language: 'en', channel: 'voice' })!;
// The shipped cards send every call to review (their fitted threshold is 1); a card that trusts its detectors more:
const trustingZh = { ...zh, review: { ...zh.review, autoPassConfidence: 0.7 } };
const kinds: Record<string, string> = { 'R-GUARANTEE': 'forbidden_statement', 'R-RISK': 'required_disclosure', 'R-PASSWORD': 'forbidden_request' };
const ruleKind = (id: string) => kinds[id];

function summary(overrides: Partial<Pick<Summary, 'complaint' | 'productsDiscussed' | 'compliance'>> = {}): Pick<Summary, 'complaint' | 'productsDiscussed' | 'compliance'> {
  return { complaint: { raised: false }, productsDiscussed: [], compliance: { findings: [], missingDisclosures: [] }, ...overrides };
}

const turns = (...lines: [InspectedTurn['speaker'], string][]): InspectedTurn[] => lines.map(([speaker, text], index) => ({ id: `t${index + 1}`, speaker, text }));
const item = (result: ReturnType<typeof inspectCall>, id: string) => result.items.find((candidate) => candidate.itemId === id)!;

describe('inspectCall', () => {
  const goodZh = turns(
    ['agent', '您好，工号1234为您服务。'],
    ['customer', '我想查一下信用卡账单。'],
    ['agent', '好的，先核实一下您的身份，请报一下身份证后四位。'],
    ['customer', '5678。'],
    ['agent', '您本期账单金额是三千元。'],
    ['agent', '请问还有其他可以帮您的吗？感谢您的来电。'],
  );

  it('passes a call that follows every step, automatically when the card trusts its detectors', () => {
    const result = inspectCall({ turns: goodZh, summary: summary(), scorecard: trustingZh, ruleKind });
    expect(item(result, 'greeting').status).toBe('passed');
    expect(item(result, 'identity-before-account').status).toBe('passed');
    expect(item(result, 'closing').status).toBe('passed');
    expect(item(result, 'complaint-acknowledged').status).toBe('not_applicable');
    expect(result.score).toBe(100);
    expect(result.reviewState).toBe('auto_passed');
    expect(inspectCall({ turns: goodZh, summary: summary(), scorecard: zh, ruleKind }).reviewState).toBe('needs_review');
  });

  it('fails identity verification given after the account details, pointing at the turn that needed it', () => {
    const late = turns(['agent', '您好，工号1234为您服务。'], ['agent', '您本期账单金额是三千元。'], ['agent', '先核实一下您的身份。'], ['agent', '还有其他需要吗？']);
    const result = inspectCall({ turns: late, summary: summary(), scorecard: zh, ruleKind });
    const identity = item(result, 'identity-before-account');
    expect(identity.status).toBe('failed');
    expect(identity.evidence[0]?.turnId).toBe('t2');
    expect(result.reviewState).toBe('needs_review');
  });

  it('sends every critical rule finding to review, with its evidence masked', () => {
    const result = inspectCall({
      turns: goodZh,
      summary: summary({ compliance: { findings: [{ ruleId: 'R-PASSWORD', severity: 'critical', title: 'asks for a code', turnId: 't3', evidence: '身份证后四位' }], missingDisclosures: [] } }),
      scorecard: zh,
      ruleKind,
    });
    const sensitive = item(result, 'no-sensitive-requests');
    expect(sensitive.status).toBe('failed');
    expect(sensitive.evidence[0]).toMatchObject({ turnId: 't3' });
    expect(result.severity).toBe('critical');
    expect(result.reviewState).toBe('needs_review');
  });

  it('counts a missing disclosure only when products were discussed', () => {
    const missing = summary({ compliance: { findings: [], missingDisclosures: ['R-RISK'] } });
    expect(item(inspectCall({ turns: goodZh, summary: missing, scorecard: zh, ruleKind }), 'product-disclosures').status).toBe('not_applicable');
    const withProduct = inspectCall({ turns: goodZh, summary: { ...missing, productsDiscussed: [{ name: '稳盈', turnIds: ['t2'] }] }, scorecard: zh, ruleKind });
    expect(item(withProduct, 'product-disclosures')).toMatchObject({ status: 'failed', note: 'R-RISK (not given)' });
  });

  it('checks complaint handling only in complaint calls, for channel and time limit', () => {
    const complaint = summary({ complaint: { raised: true, category: 'fees' } });
    const acknowledged = turns(['agent', 'Hello, my name is Sam.'], ['customer', 'This fee is outrageous.'], ['agent', 'I have logged your complaint and we will call you back within two business days.'], ['agent', 'Anything else I can help with?']);
    expect(item(inspectCall({ turns: acknowledged, summary: complaint, scorecard: en, ruleKind }), 'complaint-acknowledged').status).toBe('passed');
    const brushedOff = turns(['agent', 'Hello, my name is Sam.'], ['customer', 'This fee is outrageous.'], ['agent', 'I understand.'], ['agent', 'Anything else?']);
    expect(item(inspectCall({ turns: brushedOff, summary: complaint, scorecard: en, ruleKind }), 'complaint-acknowledged').status).toBe('failed');
  });

  it('matches English cues as whole words and flags prohibited behaviour', () => {
    const noGreeting = turns(['agent', 'Sure, this account is fine.'], ['agent', 'That is not my problem, calm down.']);
    const result = inspectCall({ turns: noGreeting, summary: summary(), scorecard: en, ruleKind });
    expect(item(result, 'greeting').status).toBe('failed');
    expect(item(result, 'no-rude-language')).toMatchObject({ status: 'failed', decidedBy: 'cues' });
    expect(item(result, 'no-rude-language').evidence[0]?.turnId).toBe('t2');
  });

  it('leaves model-judged items not applicable without a model, and labels the model when it answered', () => {
    const card = { ...en, items: [...en.items, { id: 'empathy', kind: 'model_judged' as const, title: 'Empathy', weight: 5, severity: 'minor' as const, question: 'Did the agent show empathy?' }] };
    const calm = turns(['agent', 'Hello, my name is Sam.'], ['agent', 'Anything else?']);
    expect(item(inspectCall({ turns: calm, summary: summary(), scorecard: card, ruleKind }), 'empathy').status).toBe('not_applicable');
    const judged = new Map([['empathy', { answer: 'no' as const, turnIds: ['t1', 'nope'], reason: 'flat tone' }]]);
    expect(item(inspectCall({ turns: calm, summary: summary(), scorecard: card, ruleKind, judged }), 'empathy')).toMatchObject({ status: 'failed', decidedBy: 'model', evidence: [{ turnId: 't1' }] });
  });
});
