import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createComplianceEngine } from '../../src/compliance/compliance-engine.js';
import { loadComplianceProfiles, parseComplianceProfiles, resolveProfile, UnknownProfileError } from '../../src/compliance/compliance-profiles.js';
import type { ComplianceJudge } from '../../src/compliance/compliance-judge.js';
import { loadRulePacks, loadWordFamilies, parseRulePack, RulePackError, wordFamilyDirectory } from '../../src/compliance/load-rule-packs.js';

const rulesDirectory = join(import.meta.dirname, '../../evals/rules');
const profilesFile = join(import.meta.dirname, '../../evals/compliance-profiles.yaml');
const packs = loadRulePacks(rulesDirectory);
const wordFamilies = loadWordFamilies(join(rulesDirectory, wordFamilyDirectory));
const profiles = loadComplianceProfiles(profilesFile, packs);
const profilesText = readFileSync(profilesFile, 'utf8');

const engineUnder = (profile: string, judge?: ComplianceJudge) => createComplianceEngine({ packs, profiles, profile, ...(judge ? { judge } : {}) });
const ruleIds = (result: { findings: { ruleId: string }[] }) => result.findings.map((finding) => finding.ruleId);

// Written for these tests: an investment pitch (the non-deposit disclosure is due in the US), a complaint (the UK
// Ombudsman disclosure is due), a Chinese wealth-product pitch.
const investmentPitch = { text: 'You could move twenty thousand from savings into our growth fund today; it has averaged nine percent a year.', language: 'en' as const };
const complaint = { text: "I'm sorry to hear that.", language: 'en' as const, context: [{ speaker: 'customer' as const, text: 'I want to complain about this charge.' }] };

describe('profile file', () => {
  it('loads the shipped profiles: CN, US, UK and EU, each with its currency', () => {
    expect([...profiles.profiles.keys()]).toEqual(['CN', 'US', 'UK', 'EU']);
    expect(resolveProfile(profiles, 'cn')).toMatchObject({ id: 'CN', currency: 'CNY', jurisdictions: ['CN'] });
    expect(resolveProfile(profiles, 'uk, us')).toMatchObject({ id: 'US,UK', currency: 'USD', jurisdictions: ['US', 'UK'] });
    expect(resolveProfile(profiles, 'UK', 'EUR').currency).toBe('EUR');
  });

  it('fails naming the file and the pack when a profile names an unknown pack', () => {
    const broken = profilesText.replace('packs: [cn-sales,', 'packs: [cn-salez,');
    expect(() => parseComplianceProfiles('profiles.yaml', broken, packs)).toThrow(RulePackError);
    expect(() => parseComplianceProfiles('profiles.yaml', broken, packs)).toThrow(/profiles\.yaml.*profile CN names unknown rule pack cn-salez/);
  });

  it('fails on a judge context naming an unknown rule, or with a pattern that can backtrack', () => {
    expect(() => parseComplianceProfiles('p.yaml', profilesText.replace('rules: [CN-SALES-001,', 'rules: [CN-NOPE-*,'), packs)).toThrow(/unknown rule CN-NOPE-\*/);
    expect(() => parseComplianceProfiles('p.yaml', profilesText.replace("zh: ['理财|", "zh: ['(a+)+|理财|"), packs)).toThrow(/bad pattern/);
  });

  it('fails on a profile whose jurisdiction no rule of its packs applies in', () => {
    const broken = profilesText.replace('jurisdictions: [UK]', 'jurisdictions: [FR]');
    expect(() => parseComplianceProfiles('p.yaml', broken, packs)).toThrow(/profile UK: no rule of its packs applies in FR/);
  });

  it('rejects a rule whose jurisdictions are outside its pack', () => {
    const pack = readFileSync(join(rulesDirectory, 'en-sales-disclosure.yaml'), 'utf8').replace('jurisdictions: [US]', 'jurisdictions: [CN]');
    expect(() => parseRulePack('en-sales-disclosure.yaml', pack, wordFamilies)).toThrow(/US-SALES-002.*jurisdictions CN are not among the pack's \(US, UK\)/);
  });

  it('an unknown profile name throws UnknownProfileError listing the known ones', () => {
    expect(() => engineUnder('FR')).toThrow(UnknownProfileError);
    expect(() => engineUnder('CN').check({ text: 'x', profile: 'CN,XX' })).toThrow(/unknown compliance profile XX; known: CN, US, UK, EU/);
  });
});

describe('rules follow the profile', () => {
  it('a US deployment demands the US non-deposit disclosure; a UK one does not, and the reverse for the Ombudsman', () => {
    expect(ruleIds(engineUnder('US').check(investmentPitch))).toContain('US-DISC-001');
    expect(ruleIds(engineUnder('UK').check(investmentPitch))).not.toContain('US-DISC-001');
    expect(ruleIds(engineUnder('UK').check(complaint))).toContain('UK-CMPL-001');
    expect(ruleIds(engineUnder('US').check(complaint))).not.toContain('UK-CMPL-001');
  });

  it('a CN deployment runs no US or UK rule, whatever language is spoken', () => {
    const engine = engineUnder('CN');
    for (const input of [investmentPitch, complaint]) expect(ruleIds(engine.check(input)).filter((id) => !id.startsWith('CN-'))).toEqual([]);
    expect(engine.requiredDisclosures(investmentPitch)).toEqual([]);
    expect(engine.check({ text: '这款理财保本保收益，您放心买。' }).findings.map((finding) => finding.ruleId)).toContain('CN-SALES-001');
  });

  it('the guard appends only the profile\'s disclosures', () => {
    expect(engineUnder('US,UK').requiredDisclosures(complaint).map((entry) => entry.ruleId)).toEqual(['UK-CMPL-001']);
    expect(engineUnder('US').requiredDisclosures(complaint)).toEqual([]);
    expect(engineUnder('US').requiredDisclosures(investmentPitch).map((entry) => entry.ruleId)).toContain('US-DISC-001');
  });

  it('a check may override the deployment profile, and says which profile it ran under', () => {
    const engine = engineUnder('CN');
    expect(engine.check(investmentPitch).profile).toBe('CN');
    const overridden = engine.check({ ...investmentPitch, profile: 'us' });
    expect(overridden.profile).toBe('US');
    expect(ruleIds(overridden)).toContain('US-DISC-001');
  });

  it('joining US and UK runs every rule the two packs hold, as without profiles', () => {
    const all = createComplianceEngine({ packs });
    for (const input of [investmentPitch, complaint]) expect(ruleIds(engineUnder('US,UK').check(input))).toEqual(ruleIds(all.check(input)));
  });

  it('describe lists the active profile, its packs and rules only, and every profile', () => {
    const description = engineUnder('UK').describe();
    expect(description.profile).toMatchObject({ id: 'UK', currency: 'GBP', jurisdictions: ['UK'] });
    const listed = description.packs.flatMap((pack) => pack.rules.map((rule) => rule.id));
    expect(listed).toContain('UK-CMPL-001');
    expect(listed).toContain('EN-SALES-001');
    expect(listed.some((id) => id.startsWith('US-') || id.startsWith('CN-'))).toBe(false);
    expect(description.profiles?.map((profile) => profile.id)).toEqual(['CN', 'US', 'UK', 'EU']);
    const recent = engineUnder('CN').describe().packs.find((pack) => pack.id === 'cn-rules-2025-2026');
    expect(recent?.rules.map((rule) => [rule.id, rule.sourceStatus])).toEqual([['CN-SUIT-004', 'unconfirmed'], ['CN-ELDER-001', 'unconfirmed'], ['CN-AI-001', 'unconfirmed']]);
  });
});

describe('judge pass on a turn', () => {
  const recordingJudge = (answer: (ruleId: string) => 'violation' | 'compliant' | Error) => {
    const seen: string[] = [];
    const judge: ComplianceJudge = {
      judge: async ({ rule, language }) => {
        seen.push(`${rule.id}:${language}`);
        const outcome = answer(rule.id);
        if (outcome instanceof Error) throw outcome;
        return { verdict: outcome, reason: 'scripted', rubricVersion: 'rubric@test', ...(outcome === 'violation' ? { evidence: '稳稳的' } : {}) };
      },
    };
    return { judge, seen };
  };

  it('sends a risky turn to the judge with the rules of its context, and labels the findings', async () => {
    const { judge, seen } = recordingJudge((id) => (id === 'CN-SALES-002' ? 'violation' : 'compliant'));
    const engine = engineUnder('CN', judge);
    const judgement = await engine.judgeTurn({ text: '这款理财稳稳的，您就放心吧。', language: 'zh' }, { alreadyFlagged: ['CN-SALES-001'] });
    expect(judgement?.contexts).toContain('non_deposit_sales');
    expect(judgement?.rulesJudged).toContain('CN-SALES-002');
    expect(judgement?.rulesJudged).not.toContain('CN-SALES-001');
    expect(judgement?.rulesJudged.length).toBeLessThanOrEqual(profiles.judge.maximumRulesPerTurn);
    expect(seen.every((entry) => entry.endsWith(':zh'))).toBe(true);
    expect(judgement).toMatchObject({ judge: 'ok', rubricVersion: 'rubric@test', profile: 'CN' });
    expect(judgement?.findings).toEqual([expect.objectContaining({ ruleId: 'CN-SALES-002', detectedBy: 'judge', rubricVersion: 'rubric@test', evidence: expect.objectContaining({ text: '稳稳的' }) })]);
  });

  it('judges a vulnerable customer\'s turn by their profile, and nothing when the turn is not risky', async () => {
    const { judge } = recordingJudge(() => 'compliant');
    const engine = engineUnder('CN', judge);
    const vulnerable = await engine.judgeTurn({ text: '您好，请问还有什么可以帮您？', language: 'zh', customer: { age: 81 } }, {});
    expect(vulnerable?.contexts).toEqual(['vulnerable_customer']);
    expect(vulnerable?.rulesJudged).toContain('CN-VULN-001');
    expect(engine.judgeTurn({ text: '您好，今天天气不错。', language: 'zh' }, {})).toBeUndefined();
    expect(engineUnder('CN').judgeTurn({ text: '这款理财稳稳的。', language: 'zh' }, {})).toBeUndefined();
  });

  it('reports a failed judge as unavailable, never as a pass, keeping verdicts that came back', async () => {
    const { judge } = recordingJudge((id) => (id === 'CN-SALES-002' ? 'violation' : Object.assign(new Error('boom'), { failure: 'server_error', status: 500 })));
    const judgement = await engineUnder('CN', judge).judgeTurn({ text: '这款理财稳稳的，您就放心吧。', language: 'zh' }, {});
    expect(judgement).toMatchObject({ judge: 'unavailable', judgeError: { code: 'server_error', status: 500 } });
    expect(judgement?.findings.map((finding) => finding.ruleId)).toEqual(['CN-SALES-002']);
  });

  it('judges only the profile\'s rules: a UK collections turn never reaches a US rule', async () => {
    const { judge, seen } = recordingJudge(() => 'compliant');
    await engineUnder('UK', judge).judgeTurn({ text: 'Your account is in arrears and the debt is overdue.', language: 'en' }, {});
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.some((entry) => entry.startsWith('US-'))).toBe(false);
    expect(seen.map((entry) => entry.split(':')[1])).toContain('en');
  });
});
