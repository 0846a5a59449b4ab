import { describe, expect, it } from 'vitest';
import { decideAttempt, decideRepeats } from '../../src/evals/decide-case.js';
import { scoreCitationsRequired, scoreGoldCitations, scoreNoCitations } from '../../src/evals/scorers/score-citations.js';
import { scoreFaithfulness } from '../../src/evals/scorers/score-faithfulness.js';
import type { CheckResult } from '../../src/evals/scorers/score-result.js';
import { scoreForbiddenDocuments, scoreRetrieval } from '../../src/evals/scorers/score-retrieval.js';
import { scoreClean, scoreDisclosures, scoreNoViolations, scoreRuleAbsent, scoreRulePresent, scoreVerdict } from '../../src/evals/scorers/score-rules.js';
import { scoreField, scoreProducts, scoreProductsAbsent } from '../../src/evals/scorers/score-summary.js';
import { lexicalOverlap, scoreMustInclude, scoreMustNotMatch, scoreReferenceOverlap } from '../../src/evals/scorers/score-text.js';
import { finding } from './fake-targets.js';

describe('text scorers', () => {
  it('mustInclude matches any phrasing after the rule engine normalisation', () => {
    expect(scoreMustInclude(['白金卡年费１，２００元'], ['1200元']).pass).toBe(true);
    expect(scoreMustInclude(['年费为百分之五'], ['5%']).pass).toBe(true);
    expect(scoreMustInclude(['The fee is CNY 1,200'], [['cny 1200', 'waived']]).pass).toBe(true);
    const partial = scoreMustInclude(['持有满90天'], ['90天', ['T+1', '一个工作日']]);
    expect(partial).toMatchObject({ pass: false, score: 0.5 });
    expect(partial.reason).toContain('"T+1" | "一个工作日"');
  });

  it('mustNotMatch fails on a match in any answer and says what matched', () => {
    expect(scoreMustNotMatch(['不保本', '这款保本保息'], ['(?<!不)保本保']).reason).toContain('保本保');
    expect(scoreMustNotMatch(['不保本'], ['(?<!不)保本']).pass).toBe(true);
  });

  it('lexical overlap is 1 for the same text, 0 for disjoint text, and thresholded', () => {
    expect(lexicalOverlap('年费1200元', '年费1200元')).toBe(1);
    expect(lexicalOverlap('abc', '年费')).toBe(0);
    expect(scoreReferenceOverlap('annual fee CNY 1,200', 'the annual fee is CNY 1,200', 0.5).pass).toBe(true);
    expect(scoreReferenceOverlap('lost card', 'the annual fee is CNY 1,200', 0.5).pass).toBe(false);
  });
});

describe('citation, rule and retrieval scorers', () => {
  it('scores citations against gold documents, required and none', () => {
    expect(scoreGoldCitations(['faq-1', 'kb-2'], ['kb-2', 'kb-3']).pass).toBe(true);
    expect(scoreGoldCitations(['faq-1'], ['kb-2']).reason).toBe('cites faq-1; expected one of kb-2');
    expect(scoreCitationsRequired(0).pass).toBe(false);
    expect(scoreNoCitations([]).pass).toBe(true);
    expect(scoreNoCitations(['kb-2']).pass).toBe(false);
  });

  it('scores rule findings', () => {
    const findings = [finding('R-CRIT', 'critical', '保本'), finding('R-MINOR', 'minor', '嗯')];
    expect(scoreRulePresent(findings, 'R-CRIT').pass).toBe(true);
    expect(scoreRulePresent(findings, 'R-OTHER').reason).toContain('found R-CRIT, R-MINOR');
    expect(scoreRuleAbsent(findings, 'R-CRIT').pass).toBe(false);
    expect(scoreNoViolations([findings[1]!]).pass).toBe(true);
    expect(scoreNoViolations(findings).pass).toBe(false);
    expect(scoreClean(findings).pass).toBe(false);
    expect(scoreVerdict('fail', 'fail').pass).toBe(true);
    expect(scoreDisclosures(['R-A'], ['R-A', 'R-B'])).toMatchObject({ pass: false, score: 0.5 });
  });

  it('scores retrieval recall at k with any/all and forbidden documents', () => {
    expect(scoreRetrieval(['x', 'a', 'b'], ['a'], 2, 'any')).toMatchObject({ pass: true, reason: '1/1 gold in top 2 (first gold at rank 2)' });
    expect(scoreRetrieval(['x', 'y', 'a'], ['a'], 2, 'any').pass).toBe(false);
    expect(scoreRetrieval(['a', 'x'], ['a', 'b'], 2, 'all')).toMatchObject({ pass: false, score: 0.5 });
    expect(scoreForbiddenDocuments(['a', 'old'], ['old']).pass).toBe(false);
  });

  it('scores summary fields and products', () => {
    expect(scoreField('resolution', 'resolved', ['resolved', 'follow_up']).pass).toBe(true);
    expect(scoreField('complaint.raised', false, [true]).reason).toBe('complaint.raised = false, expected true');
    expect(scoreProducts(['蓝海稳盈90天'], ['蓝海稳盈90天']).pass).toBe(true);
    expect(scoreProducts([], [['蓝海白金信用卡', '白金卡']]).pass).toBe(false);
    expect(scoreProductsAbsent(['蓝海稳盈90天'], ['蓝海稳盈90天']).pass).toBe(false);
  });

  it('scores faithfulness claim by claim', () => {
    expect(scoreFaithfulness({ claims: [{ claim: 'a', supported: true }, { claim: 'b', supported: false, reason: 'not in passage' }] })).toMatchObject({ pass: false, score: 0.5 });
    expect(scoreFaithfulness({ claims: [] }).pass).toBe(true);
  });
});

describe('case decision', () => {
  const check = (name: string, status: CheckResult['status'], options: Partial<CheckResult> = {}): CheckResult => ({
    name, status, pass: status === 'pass', score: status === 'pass' ? 1 : 0, reason: name, critical: false, weight: 1, ...options,
  });

  it('a failed critical check fails the case whatever the score', () => {
    const checks = [check('a', 'pass'), check('b', 'pass'), check('c', 'pass'), check('rule', 'fail', { critical: true })];
    expect(decideAttempt(checks, 0.5).status).toBe('fail');
  });

  it('a non-critical miss passes only under a relaxed threshold', () => {
    const checks = [check('a', 'pass'), check('b', 'pass'), check('c', 'pass'), check('d', 'fail')];
    expect(decideAttempt(checks, 1)).toEqual({ status: 'fail', score: 0.75 });
    expect(decideAttempt(checks, 0.7)).toEqual({ status: 'pass', score: 0.75 });
  });

  it('an errored check is error, never pass; skipped checks do not count', () => {
    expect(decideAttempt([check('a', 'pass'), check('judge', 'error')], 0).status).toBe('error');
    expect(decideAttempt([check('a', 'pass'), check('judge', 'skipped', { weight: 0 })], 1)).toEqual({ status: 'pass', score: 1 });
  });

  it('repeats that disagree are flaky', () => {
    const attempt = (status: 'pass' | 'fail' | 'error') => ({ status, score: 0, latencyMs: 0, cached: false });
    expect(decideRepeats([attempt('pass'), attempt('pass')])).toBe('pass');
    expect(decideRepeats([attempt('pass'), attempt('fail')])).toBe('flaky');
    expect(decideRepeats([attempt('fail'), attempt('error')])).toBe('fail');
    expect(decideRepeats([attempt('error'), attempt('error')])).toBe('error');
  });
});
