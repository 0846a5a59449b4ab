import { describe, expect, it } from 'vitest';
import { createComplianceEngine } from '../../src/compliance/compliance-engine.js';
import { loadComplianceProfiles } from '../../src/compliance/compliance-profiles.js';
import { loadRulePacks } from '../../src/compliance/load-rule-packs.js';
import { SuggestionGuard } from '../../src/suggestions/suggestion-guard.js';
import { topicDisclosures, topicsOn } from '../../src/suggestions/topic-disclosures.js';
import { ruleEngine, rulesDirectory } from './suggestion-fixtures.js';

const engine = ruleEngine();
const ids = (text: string, language: 'zh' | 'en', discussed?: { name: string; riskLevel?: string }) =>
  topicsOn({ language, text, ...(discussed ? { discussed } : {}) }).map((topic) => topic.id);

describe('topicsOn (topic-disclosures.yaml)', () => {
  it('finds the cost of credit from the whole exchange, the product named or the words said (zh and en)', () => {
    expect(ids('我上个月办了分期。\n好的。\n那提前还的话之前那些手续费还收吗？', 'zh')).toContain('credit-cost');
    expect(ids('利息大概多少？', 'zh', { name: '青松安居贷' })).toContain('credit-cost');
    expect(ids('My card was used for cash advances abroad.\nWhat does that cost me?', 'en')).toContain('credit-cost');
    expect(ids('And can I pay it back early without a penalty?', 'en', { name: 'Qingsong Home Loan' })).toContain('credit-cost');
  });

  it('does not take an annual fee or a transfer question for the cost of credit', () => {
    expect(ids('信用卡年费怎么免？', 'zh')).not.toContain('credit-cost');
    expect(ids('我拿借记卡去别家银行的ATM取点钱，要收多少手续费？', 'zh')).not.toContain('credit-cost');
    expect(ids('How much is the fee for sending money abroad?', 'en')).not.toContain('credit-cost');
  });

  it('asks for risk wording whenever the product under discussion carries a risk level', () => {
    expect(ids('什么时候能赎回？', 'zh', { name: '青松稳健180天', riskLevel: 'R2' })).toContain('risk-rated-product');
    expect(ids('什么时候能赎回？', 'zh', { name: '青松定期存款' })).not.toContain('risk-rated-product');
  });

  it('asks for the not-a-deposit wording when a non-deposit product is weighed against a deposit (zh and en)', () => {
    expect(ids('这个跟我存三年定期比哪个稳当？', 'zh', { name: '青松稳健180天', riskLevel: 'R2' })).toContain('non-deposit-against-deposit');
    expect(ids('我存单快到期了，转去买基金好还是接着存？', 'zh')).toContain('non-deposit-named-against-deposit');
    expect(ids("Is it just a deposit that pays a bit more, or is my term deposit the safer place?", 'en', { name: 'Pine Steady 180', riskLevel: 'R2' })).toContain('non-deposit-against-deposit');
    // The product alone, or a fund's regular investment plan, weighs nothing against a deposit.
    expect(ids('什么时候能赎回？', 'zh', { name: '青松稳健180天', riskLevel: 'R2' })).not.toContain('non-deposit-against-deposit');
    expect(ids('基金定期定额怎么设置？', 'zh')).not.toContain('non-deposit-named-against-deposit');
  });

  it('brings the rule remedy that says a wealth product is not a deposit', () => {
    const due = topicDisclosures(engine, { language: 'zh', text: '跟定期比哪个好？', discussed: { name: '青松稳健180天', riskLevel: 'R2' } });
    expect(due.map((item) => item.ruleId)).toContain('CN-DISC-001');
    expect(due.find((item) => item.ruleId === 'CN-DISC-001')?.text).toMatch(/非存款|不是存款/u);
  });

  it('asks for the cooling-off wording when the customer wants out of an insurance policy', () => {
    expect(ids('我不想要了，能退吗？', 'zh', { name: '松鹤养老年金保险', riskLevel: 'R2' })).toContain('insurance-cancellation');
    expect(ids('这个年金每年分红多少？', 'zh', { name: '松鹤养老年金保险', riskLevel: 'R2' })).not.toContain('insurance-cancellation');
  });

  it('brings the English cooling-off wording (EN-DISC-004) when an English-speaking customer wants out of a policy', () => {
    const due = topicDisclosures(engine, { language: 'en', text: "I don't want it. Can I get out of it?", discussed: { name: 'Songhe Retirement Annuity', riskLevel: 'R2' } });
    expect(due.map((item) => item.ruleId)).toContain('EN-DISC-004');
    expect(due.find((item) => item.ruleId === 'EN-DISC-004')?.satisfiedBy?.test('you have a 15-day cooling-off period')).toBe(true);
  });

  it('reads a credit word in its plural ("minimum payments")', () => {
    expect(ids("I'm making the minimum payments every month. Does the interest keep going on the rest?", 'en')).toContain('credit-cost');
  });

  it('takes the interest on an unpaid card balance for the cost of credit', () => {
    expect(ids('I paid most of the statement balance and now there is interest on the rest. I thought purchases were interest-free?', 'en')).toContain('credit-cost');
  });
});

describe('arrears and hardship (UK-COLL-001)', () => {
  it('signposts debt advice in every English reply when the difficulty was said in the turn before the question', () => {
    const exchange = 'I was made redundant, so I lost my job in spring and I am behind on the card.\nI understand.\nIs it better to borrow from a friend to clear it?';
    expect(ids(exchange, 'en')).toContain('arrears-hardship');
    const due = topicDisclosures(engine, { language: 'en', text: exchange });
    expect(due.map((item) => item.ruleId)).toContain('UK-COLL-001');
    expect(due.find((item) => item.ruleId === 'UK-COLL-001')?.satisfiedBy?.test('free debt advice is available from StepChange')).toBe(true);
  });

  it("does not take caution about losing money (\"I can't afford to lose any of it\") for hardship", () => {
    expect(ids("It's my rainy day money, I can't afford to lose any of it. Is the 90-day product safe?", 'en')).not.toContain('arrears-hardship');
    expect(ids("I can't afford the repayments this month.", 'en')).toContain('arrears-hardship');
  });

  it('is not due for an ordinary payment question or in a Chinese conversation', () => {
    expect(ids('How do I pay my card bill from another bank?', 'en')).not.toContain('arrears-hardship');
    expect(topicDisclosures(engine, { language: 'zh', text: '我失业了，behind on 信用卡，怎么办？' }).map((item) => item.ruleId)).not.toContain('UK-COLL-001');
  });
});

describe('topic disclosures under a compliance profile', () => {
  const packs = loadRulePacks(rulesDirectory);
  const profiles = loadComplianceProfiles(new URL('../../evals/compliance-profiles.yaml', import.meta.url).pathname, packs);
  const profiled = createComplianceEngine({ packs, profiles, profile: 'US,UK' });
  const hardship = 'I lost my job and I have missed two payments on the card.\nI am sorry to hear that.\nWhat can I do about the interest?';
  const due = (profile?: string) => topicDisclosures(profiled, { language: 'en', text: hardship, ...(profile ? { profile } : {}) }).map((item) => item.ruleId);

  it('leaves out a rule of a jurisdiction the conversation is not under (UK debt advice on a US call)', () => {
    expect(due('US')).not.toContain('UK-COLL-001');
    expect(due('UK')).toContain('UK-COLL-001');
  });

  it("follows the deployment's profile when the conversation names none", () => {
    expect(due()).toContain('UK-COLL-001');
    const usOnly = createComplianceEngine({ packs, profiles, profile: 'US' });
    expect(topicDisclosures(usOnly, { language: 'en', text: hardship }).map((item) => item.ruleId)).not.toContain('UK-COLL-001');
  });
});

describe('topics for certain jurisdictions (a UK complaint)', () => {
  const complaint = "I'd like this raised as a complaint.\nOf course, I'm writing it down.\nHow long do you get to answer, and who can I go to after that?";
  const due = (jurisdictions?: string[]) => topicDisclosures(engine, { language: 'en', text: complaint, ...(jurisdictions ? { jurisdictions } : {}) });

  it('is due only on a call governed from the topic\'s jurisdiction', () => {
    expect(due(['UK']).map((item) => item.ruleId)).toContain('UK-CMPL-001');
    expect(due(['US']).map((item) => item.ruleId)).not.toContain('UK-CMPL-001');
    expect(due().map((item) => item.ruleId)).not.toContain('UK-CMPL-001');
  });

  it("counts as given only when the reply says the topic's own words, not when it merely logs the complaint", () => {
    const ombudsman = due(['UK']).find((item) => item.ruleId === 'UK-CMPL-001');
    expect(ombudsman?.satisfiedBy?.test("I've logged it and you'll hear from us soon.")).toBe(false);
    expect(ombudsman?.satisfiedBy?.test('After our final response you can go to the Financial Ombudsman Service.')).toBe(true);
    expect(ombudsman?.text).toContain('Ombudsman');
  });
});

describe('topics a situation makes due', () => {
  it('signposts debt advice on a UK call in arrears told in any words, and not on a US one', () => {
    const said = "They've cut my shifts and the card's gone unpaid two months.\nI see.\nWhat can I do?";
    const due = (jurisdictions: string[]) => topicDisclosures(engine, { language: 'en', text: said, jurisdictions, situations: ['collections_hardship'] }).map((item) => item.ruleId);
    expect(due(['UK'])).toContain('UK-COLL-001');
    expect(due(['US'])).not.toContain('UK-COLL-001');
    expect(topicDisclosures(engine, { language: 'en', text: said, jurisdictions: ['UK'], situations: [] }).map((item) => item.ruleId)).not.toContain('UK-COLL-001');
  });
});

describe('topicDisclosures', () => {
  it("brings the rule pack's own remedy and test of whether a text already gives it", () => {
    const [apr] = topicDisclosures(engine, { language: 'zh', text: '借款利息怎么算？' });
    expect(apr?.ruleId).toBe('CN-DISC-003');
    expect(apr?.text).toBe(engine.rule('CN-DISC-003')?.remedy);
    expect(apr?.satisfiedBy?.test('年化利率约7.2%')).toBe(true);
    const [english] = topicDisclosures(engine, { language: 'en', text: 'What interest does the loan charge?' });
    expect(english?.ruleId).toBe('US-DISC-002');
  });

  it('skips a rule the engine does not know', () => {
    const topics = [{ id: 'made-up', rules: { zh: ['NO-SUCH-RULE'], en: [] } }];
    expect(topicDisclosures(engine, { language: 'zh', text: '随便问问', topics })).toEqual([]);
  });
});

describe('SuggestionGuard with topic disclosures', () => {
  const turns = [
    { speaker: 'customer' as const, text: '上个月买电脑办了信用卡分期。' },
    { speaker: 'agent' as const, text: '好的。' },
    { speaker: 'customer' as const, text: '要是提前全部还上，已经交的手续费退不退？' },
  ];

  it('appends the disclosure to a reply that answers the follow-up without raising the topic itself (zh)', () => {
    const due = topicDisclosures(engine, { language: 'zh', text: turns.map((turn) => turn.text).join('\n') });
    const guard = new SuggestionGuard(engine, { turns, customer: undefined, language: 'zh', topicDisclosures: due });
    const guarded = guard.finalize({ text: '提前结清时，已收取的分期手续费不退，剩余未出账的部分不再收取。', citations: [], origin: 'extractive' });
    expect(guarded.ok).toBe(true);
    if (guarded.ok) {
      expect(guarded.suggestion.text).toContain('年化');
      expect(guarded.suggestion.disclosures).toContain('CN-DISC-003');
    }
  });

  it('leaves a reply that already gives it as it is (en)', () => {
    const english = [{ speaker: 'customer' as const, text: 'What will the loan cost me each month?' }];
    const due = topicDisclosures(engine, { language: 'en', text: english[0]!.text });
    const guard = new SuggestionGuard(engine, { turns: english, customer: undefined, language: 'en', topicDisclosures: due });
    const text = 'The loan has an APR of 6.5% to 12%, set by your credit assessment.';
    const guarded = guard.finalize({ text, citations: [], origin: 'extractive' });
    expect(guarded.ok && guarded.suggestion.text).toBe(text);
  });
});

describe('disclosures in the law that governs the call', () => {
  const fund = { name: 'Pine Balanced Fund', riskLevel: 'R3' };
  const due = (jurisdictions: string[], text = 'When can I sell my units?') =>
    topicDisclosures(engine, { language: 'en', text, discussed: fund, jurisdictions }).map((item) => item.ruleId);

  it('gives an English-speaking customer of a mainland branch the mainland risk wording in English, not the FDIC line', () => {
    expect(due(['CN'])).toContain('CN-DISC-002');
    expect(due(['CN'])).not.toContain('US-DISC-001');
    const wording = topicDisclosures(engine, { language: 'en', text: 'When can I sell my units?', discussed: fund, jurisdictions: ['CN'] }).find((item) => item.ruleId === 'CN-DISC-002');
    expect(wording?.text).toMatch(/not principal-protected/u);
    expect(wording?.text).not.toMatch(/[\u3400-\u9fff]/u);
    expect(wording?.satisfiedBy?.test('this fund is not principal-protected')).toBe(true);
  });

  it('keeps the FDIC line for a US call, and gives neither on a UK one', () => {
    expect(due(['US'])).toContain('US-DISC-001');
    expect(due(['US'])).not.toContain('CN-DISC-002');
    expect(due(['UK'])).not.toContain('US-DISC-001');
  });

  it('keeps the rules of the language pack when the jurisdiction is not known', () => {
    expect(topicDisclosures(engine, { language: 'en', text: 'When can I sell?', discussed: fund }).map((item) => item.ruleId)).toContain('US-DISC-001');
  });

  it('owes no topic disclosure when the reply withholds answers and only warns (a scam in progress)', () => {
    const text = 'They said they would approve a low-interest loan if I first pay a fee. What does the loan cost?';
    expect(topicsOn({ language: 'en', text }).map((topic) => topic.id)).toContain('credit-cost');
    expect(topicsOn({ language: 'en', text, answersWithheld: true })).toEqual([]);
  });

  it('says the benchmark and past performance are no promise when the customer asks what it will earn or whether it will recover', () => {
    expect(ids('这个到期能拿多少，能保证吗？', 'zh', { name: '青松稳健180天', riskLevel: 'R2' })).toContain('return-or-recovery-asked');
    expect(ids("It's down eight percent, will it come back?", 'en', fund)).toContain('return-or-recovery-asked');
    expect(ids('什么时候能赎回？', 'zh', { name: '青松稳健180天', riskLevel: 'R2' })).not.toContain('return-or-recovery-asked');
    expect(due(['CN'], 'So what return will I get, is it guaranteed?')).toContain('CN-SALES-003');
    expect(ids('It did well last year. How much would I make if I stayed in?', 'en', fund)).toContain('return-or-recovery-asked');
  });
});

describe('SuggestionGuard on a call governed from the mainland, held in English', () => {
  const turns = [
    { speaker: 'customer' as const, text: 'I live in Suzhou and I hold your bond fund.' },
    { speaker: 'customer' as const, text: 'Is the bond fund basically like a CD?' },
  ];

  it('appends no FDIC line: that is US law, and the mainland wording comes in its place', () => {
    const guard = new SuggestionGuard(engine, { turns, customer: undefined, language: 'en', callJurisdictions: ['CN'] });
    const guarded = guard.finalize({ text: 'The bond fund invests in government and policy-bank bonds.', citations: [], origin: 'extractive' });
    expect(guarded.ok).toBe(true);
    if (guarded.ok) {
      expect(guarded.suggestion.text).not.toMatch(/FDIC/u);
      expect(guarded.suggestion.text).toMatch(/not deposits/u);
      expect(guarded.suggestion.disclosures).toContain('CN-DISC-001');
    }
  });

  it('appends the FDIC line on a call with no jurisdiction told', () => {
    const guard = new SuggestionGuard(engine, { turns, customer: undefined, language: 'en' });
    const guarded = guard.finalize({ text: 'The bond fund invests in government and policy-bank bonds.', citations: [], origin: 'extractive' });
    expect(guarded.ok && guarded.suggestion.text).toMatch(/FDIC/u);
  });
});
