import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contextWindowTurns, createComplianceEngine, JudgeNotConfiguredError } from '../../src/compliance/compliance-engine.js';
import type { ComplianceJudge } from '../../src/compliance/compliance-judge.js';
import type { ConversationTurn, ProductEntry } from '../../src/compliance/compliance-types.js';
import { loadRulePacks } from '../../src/compliance/load-rule-packs.js';

const packs = loadRulePacks(join(import.meta.dirname, '../../evals/rules'));
const engine = createComplianceEngine({ packs });
const ruleIds = (text: string, extra: Parameters<typeof engine.check>[0] extends infer T ? Partial<T> : never = {}) =>
  engine.check({ text, ...extra }).findings.map((finding) => finding.ruleId);

describe('negation, quotation, reported speech and questions', () => {
  it.each([
    ['理财产品不保本', []],
    ['我不能承诺收益', []],
    ['这款产品不保证不亏，请您注意风险', []],
    ['客户说保本吗？我跟他说不保本', []],
    ['“稳赚不赔”这种说法是不存在的', []],
    ['这款是保本的吗？', []],
  ])('treats %s as compliant', (text, expected) => {
    expect(ruleIds(text).filter((id) => id.startsWith('CN-SALES'))).toEqual(expected);
  });

  it.each(['保本保息，放心买', '稳赚不赔', '这个基本不会亏', '放心，不会亏的', '虽然不保本，但基本不会亏'])('flags %s', (text) => {
    expect(ruleIds(text).some((id) => id === 'CN-SALES-001' || id === 'CN-SALES-002')).toBe(true);
  });

  it('handles English negation, reported questions and double negation', () => {
    expect(ruleIds("we can't guarantee returns")).not.toContain('EN-SALES-001');
    expect(ruleIds('you asked whether it is guaranteed; it is not')).not.toContain('EN-SALES-001');
    expect(ruleIds("I can't promise you won't lose money")).not.toContain('EN-SALES-001');
    expect(ruleIds("you basically can't lose")).toContain('EN-SALES-001');
    expect(ruleIds('The returns are guaranteed.')).toContain('EN-SALES-001');
  });

  it('allows warnings that mention codes but flags requests for them', () => {
    expect(ruleIds('千万不要把短信验证码告诉任何人')).not.toContain('CN-FRAUD-001');
    expect(ruleIds('请把短信验证码告诉我')).toContain('CN-FRAUD-001');
    expect(ruleIds('您收到的验证码是多少？')).toContain('CN-FRAUD-001');
    expect(ruleIds('Never tell anyone your SMS code.')).not.toContain('EN-FRAUD-001');
    expect(ruleIds('Can you tell me the code we sent you?')).toContain('EN-FRAUD-001');
  });
});

describe('check results', () => {
  it('gives fail on critical findings, warn on minor only, pass otherwise', () => {
    expect(engine.check({ text: '这款理财保本保息' }).verdict).toBe('fail');
    expect(engine.check({ text: '顺便说一下您同事的电话号码' }).verdict).toBe('warn');
    expect(engine.check({ text: '请问还有什么可以帮您？' }).verdict).toBe('pass');
  });

  it('points evidence into the original text, through full-width and Chinese numerals', () => {
    const text = '您好！这款理财到期肯定能拿到百分之五，保本保息。';
    const finding = engine.check({ text }).findings.find((entry) => entry.ruleId === 'CN-SALES-001');
    expect(finding).toBeDefined();
    expect(text.slice(finding?.evidence.start, finding?.evidence.end)).toBe(finding?.evidence.text);
    expect(['肯定能拿到', '保本保息', '保本']).toContain(finding?.evidence.text);
    const wide = 'ＹＯＵ ＢＡＳＩＣＡＬＬＹ ＣＡＮ’Ｔ ＬＯＳＥ';
    const english = engine.check({ text: wide }).findings.find((entry) => entry.ruleId === 'EN-SALES-001');
    expect(english?.evidence.text).toBe('ＣＡＮ’Ｔ ＬＯＳＥ');
  });

  it('records the rules version, which is a content hash', () => {
    const result = engine.check({ text: '保本' });
    expect(result.rulesVersion).toBe(engine.rulesVersion);
    expect(createComplianceEngine({ packs }).rulesVersion).toBe(engine.rulesVersion);
    const changed = packs.map((pack, index) => (index === 0 ? { ...pack, rules: pack.rules.slice(1) } : pack));
    expect(createComplianceEngine({ packs: changed }).rulesVersion).not.toBe(engine.rulesVersion);
  });

  it('detects the language when none is given', () => {
    expect(ruleIds('这个理财保本保息')).toContain('CN-SALES-001');
    expect(ruleIds('It is a sure thing')).toContain('EN-SALES-001');
    // The language given is the primary one; Chinese sentences still meet the Chinese prohibitions.
    expect(ruleIds('这个理财保本保息', { language: 'en' })).toContain('CN-SALES-001');
  });

  it('checks agent turns by default and lets customers say anything', () => {
    expect(ruleIds('你们这个理财保本吗？保本我就买', { speaker: 'customer' })).toEqual([]);
    expect(ruleIds('保本保息')).toContain('CN-SALES-001');
  });
});

describe('context and conversation state', () => {
  it('requires the complaint channel when the customer complained earlier', () => {
    const context: ConversationTurn[] = [{ speaker: 'customer', text: '你们乱扣费，我要投诉' }];
    expect(ruleIds('好的，我看一下', { context })).toContain('CN-CMPL-001');
    expect(ruleIds('已为您登记投诉，会在规定时限内答复', { context })).not.toContain('CN-CMPL-001');
    expect(ruleIds('好的，我看一下')).not.toContain('CN-CMPL-001');
  });

  it('reads a customer who says they are not complaining, or cannot afford a loss, as neither complaint nor hardship', () => {
    const notComplaining: ConversationTurn[] = [{ speaker: 'customer', text: '我并不是要投诉，就想知道分期手续费' }];
    expect(ruleIds('好的，我看一下', { context: notComplaining })).not.toContain('CN-CMPL-001');
    const cautious: ConversationTurn[] = [{ speaker: 'customer', text: "I can't afford to lose any of my savings, what's safe?" }];
    expect(ruleIds('The full amount is still due on the 5th.', { language: 'en', context: cautious })).not.toContain('UK-COLL-001');
    const struggling: ConversationTurn[] = [{ speaker: 'customer', text: "I can't afford the repayments this month." }];
    expect(ruleIds('The full amount is still due on the 5th.', { language: 'en', context: struggling })).toContain('UK-COLL-001');
  });

  it('needs a verification step in earlier agent turns before account details', () => {
    expect(ruleIds('您的余额是5000元')).toContain('CN-PRIV-001');
    const verified: ConversationTurn[] = [
      { speaker: 'agent', text: '请提供身份证后4位验证身份' },
      { speaker: 'customer', text: '1234' },
      { speaker: 'agent', text: '核验通过' },
    ];
    expect(ruleIds('您的余额是5000元', { context: verified })).not.toContain('CN-PRIV-001');
    const failed: ConversationTurn[] = [{ speaker: 'agent', text: '身份验证没有通过' }];
    expect(ruleIds('您的余额是5000元', { context: failed })).toContain('CN-PRIV-001');
  });

  it('uses a bounded window of the latest turns, so a 10,000-turn context is fine', () => {
    const context: ConversationTurn[] = Array.from({ length: 10_000 }, (_, index) => ({
      speaker: index % 2 === 0 ? 'customer' : 'agent',
      text: index === 0 ? '我要投诉' : '好的',
    }));
    const result = engine.check({ text: '好的，我看一下', context });
    // The complaint is far outside the last contextWindowTurns turns.
    expect(contextWindowTurns).toBeLessThan(10_000);
    expect(result.findings.map((finding) => finding.ruleId)).not.toContain('CN-CMPL-001');
    context[context.length - 1] = { speaker: 'customer', text: '我要投诉' };
    expect(ruleIds('好的，我看一下', { context })).toContain('CN-CMPL-001');
  });

  it('compares customer risk level with product levels from the products callback', () => {
    let products: readonly ProductEntry[] = [{ name: '鑫享成长一号', riskLevel: 'R4' }];
    let calls = 0;
    const withProducts = createComplianceEngine({
      packs,
      products: () => {
        calls += 1;
        return products;
      },
    });
    const input = { text: '给您推荐鑫享成长一号，收益不错', customer: { riskLevel: 'C2' as const } };
    expect(withProducts.check(input).findings.map((finding) => finding.ruleId)).toContain('CN-SUIT-003');
    expect(withProducts.check({ ...input, customer: { riskLevel: 'C5' } }).findings.map((finding) => finding.ruleId)).not.toContain('CN-SUIT-003');
    products = [{ name: '鑫享成长一号', riskLevel: 'R2' }];
    expect(withProducts.check(input).findings.map((finding) => finding.ruleId)).not.toContain('CN-SUIT-003');
    expect(calls).toBe(3);
  });
});

describe('bad input', () => {
  it('passes empty and whitespace text', () => {
    expect(engine.check({ text: '' })).toMatchObject({ verdict: 'pass', findings: [] });
    expect(engine.check({ text: '   \n ' }).verdict).toBe('pass');
  });

  it('survives control characters and keeps offsets in range', () => {
    const text = '\u0000保\u0007本保息\u001b';
    const result = engine.check({ text });
    for (const finding of result.findings) {
      expect(finding.evidence.start).toBeGreaterThanOrEqual(0);
      expect(finding.evidence.end).toBeLessThanOrEqual(text.length);
    }
  });

  it('checks a 100 kB text and still finds a violation at the end', () => {
    const text = `${'您好，请问有什么可以帮您。'.repeat(7_700)}这款理财保本保息。`;
    expect(text.length).toBeGreaterThan(100_000);
    const result = engine.check({ text });
    expect(result.findings.map((finding) => finding.ruleId)).toContain('CN-SALES-001');
    expect(result.findings.find((finding) => finding.ruleId === 'CN-SALES-001')?.evidence.start).toBeGreaterThan(100_000);
  });
});

describe('requiredDisclosures', () => {
  it('returns approved wording in the input language for a raised topic the text lacks', () => {
    const due = engine.requiredDisclosures({ text: '这个分期每期手续费0.6%，分12期' });
    expect(due.map((entry) => entry.ruleId)).toContain('CN-DISC-003');
    expect(due.find((entry) => entry.ruleId === 'CN-DISC-003')?.text).toContain('年化');
    expect(engine.requiredDisclosures({ text: '分期每期手续费0.6%，折算年化利率约13%' }).map((entry) => entry.ruleId)).not.toContain('CN-DISC-003');
    const complaint = engine.requiredDisclosures({ text: "I'm sorry to hear that.", context: [{ speaker: 'customer', text: 'I want to complain.' }] });
    expect(complaint.map((entry) => entry.ruleId)).toEqual(['UK-CMPL-001']);
  });

  it("asks for a disclosure only on the rule's topic: a remittance fee in percent is no credit cost", () => {
    const remittance = { text: '境外汇款手续费是汇款金额的0.08%，电报费另收。', context: [{ speaker: 'customer' as const, text: '往国外汇学费，一年的额度够不够？手续费怎么算？' }] };
    expect(engine.requiredDisclosures(remittance).map((entry) => entry.ruleId)).not.toContain('CN-DISC-003');
    expect(engine.check(remittance).findings.map((finding) => finding.ruleId)).not.toContain('CN-DISC-003');
    const loan = { text: '手续费是每期0.6%。', context: [{ speaker: 'customer' as const, text: '消费贷分12期要多少钱？' }] };
    expect(engine.requiredDisclosures(loan).map((entry) => entry.ruleId)).toContain('CN-DISC-003');
  });

  it("on a call governed from elsewhere, leaves out another jurisdiction's disclosure and gives this one's in its place", () => {
    const text = "It's only 1.5% a month on the loan.";
    expect(engine.requiredDisclosures({ text, language: 'en' }).map((entry) => entry.ruleId)).toContain('US-DISC-002');
    const mainland = engine.requiredDisclosures({ text, language: 'en', callJurisdictions: ['CN'] });
    expect(mainland.map((entry) => entry.ruleId)).toEqual(['CN-DISC-003']);
    expect(mainland[0]?.text).toMatch(/APR/u);
    // With the mainland wording appended the reply owes nothing more.
    expect(engine.check({ text: `${text} ${mainland[0]?.text}`, language: 'en', callJurisdictions: ['CN'] }).findings.map((finding) => finding.ruleId)).toEqual([]);
    // A fund spoken of with no deposit claim owes no FDIC line on a mainland call, and does on a US one.
    const fund = { text: 'You could move your CD money into our bond fund for a better yield.', language: 'en' as const };
    expect(engine.check({ ...fund, callJurisdictions: ['US'] }).findings.map((finding) => finding.ruleId)).toContain('US-DISC-001');
    expect(engine.check({ ...fund, callJurisdictions: ['CN'] }).findings.map((finding) => finding.ruleId)).not.toContain('US-DISC-001');
    // What may never be said is checked wherever the call is governed from.
    expect(engine.check({ text: 'This annuity is insured just like your checking account.', language: 'en', callJurisdictions: ['CN'] }).findings.length).toBeGreaterThan(0);
  });
});

describe('describe and rule', () => {
  it('lists every pack and rule with its source', () => {
    const description = engine.describe();
    expect(description.rulesVersion).toBe(engine.rulesVersion);
    const rules = description.packs.flatMap((pack) => pack.rules);
    expect(rules.length).toBe(packs.flatMap((pack) => pack.rules).length);
    expect(rules.every((rule) => rule.source.length > 0)).toBe(true);
    expect(engine.rule('CN-SALES-001')?.title).toBe('不得承诺保本保收益');
    expect(engine.rule('NOPE-1')).toBeUndefined();
  });
});

describe('checkWithJudge', () => {
  it('adds judge findings for rules marked judge, and keeps deterministic ones', async () => {
    const seen: string[] = [];
    const judge: ComplianceJudge = {
      judge: async ({ rule }) => {
        seen.push(rule.id);
        return rule.id === 'CN-SALES-002' ? { verdict: 'violation', reason: '暗示无风险', evidence: '亏不到哪儿去' } : { verdict: 'compliant', reason: 'ok' };
      },
    };
    const judged = createComplianceEngine({ packs, judge });
    const text = '放这儿亏不到哪儿去的';
    expect(judged.check({ text }).findings.map((finding) => finding.ruleId)).not.toContain('CN-SALES-002');
    const result = await judged.checkWithJudge({ text });
    const finding = result.findings.find((entry) => entry.ruleId === 'CN-SALES-002');
    expect(finding).toMatchObject({ detectedBy: 'judge', evidence: { text: '亏不到哪儿去', start: 3 } });
    expect(result.verdict).toBe('fail');
    expect(seen.every((id) => judged.rule(id)?.judge === true)).toBe(true);
  });

  it('gives the rules\' verdict, marked unavailable, when the judge fails', async () => {
    const judged = createComplianceEngine({ packs, judge: { judge: async () => Promise.reject(Object.assign(new Error('secret upstream body'), { failure: 'server_error', status: 500 })) } });
    const result = await judged.checkWithJudge({ text: '这个理财保本保收益，收益挺稳的' });
    expect(result.judge).toBe('unavailable');
    expect(result.judgeError).toEqual({ code: 'server_error', status: 500, message: 'The model endpoint answered with a server error (HTTP 500).' });
    expect(JSON.stringify(result)).not.toContain('secret upstream body');
    expect(result.verdict).toBe('fail');
    expect(result.findings.map((finding) => finding.ruleId)).toContain('CN-SALES-001');
  });

  it('stops waiting for the judge at its budget and keeps the verdicts that came back', async () => {
    const judge: ComplianceJudge = {
      judge: ({ rule, signal }) =>
        rule.id === 'CN-SALES-002'
          ? Promise.resolve({ verdict: 'violation', reason: '暗示无风险', evidence: '挺稳' })
          // Never answers and ignores its signal: the budget must still end the wait.
          : new Promise(() => {
              void signal;
            }),
    };
    const judged = createComplianceEngine({ packs, judge, judgeBudgetMs: 50 });
    const result = await judged.checkWithJudge({ text: '放这儿亏不到哪儿去的' });
    expect(result.judge).toBe('unavailable');
    expect(result.judgeError?.code).toBe('timeout');
    expect(result.judgeError?.message).toContain('50 ms');
    expect(result.findings.find((finding) => finding.ruleId === 'CN-SALES-002')?.detectedBy).toBe('judge');
    expect(result.verdict).toBe('fail');
  });

  it('says the judge ran when every call answered', async () => {
    const judged = createComplianceEngine({ packs, judge: { judge: async () => ({ verdict: 'compliant', reason: 'ok' }) } });
    const result = await judged.checkWithJudge({ text: '这个理财收益挺稳的' });
    expect(result.judge).toBe('ok');
    expect(result.judgeError).toBeUndefined();
  });

  it('refuses to run without a judge', async () => {
    await expect(engine.checkWithJudge({ text: '你好' })).rejects.toBeInstanceOf(JudgeNotConfiguredError);
  });
});

describe('short answers read against the question they answer', () => {
  const asked = (question: string) => ({ context: [{ speaker: 'customer' as const, text: question }] });

  it('flags a bare reassurance only when it answers a question about loss, with the polarity the question sets', () => {
    expect(ruleIds('不会的，您放心。', asked('这个理财会不会亏？'))).toContain('CN-SALES-002');
    expect(ruleIds('不会的，您放心。', asked('你们明天上班吗？'))).not.toContain('CN-SALES-002');
    expect(ruleIds('没有保本的，净值会波动。', asked('这个保本吗？'))).not.toContain('CN-SALES-002');
    expect(ruleIds('No, not at all.', asked('Could I lose money on this?'))).toContain('EN-SALES-001');
    expect(ruleIds('No, not at all.', asked('Is this fund guaranteed?'))).not.toContain('EN-SALES-001');
    expect(ruleIds('Yes, absolutely.', asked('Is this fund guaranteed?'))).toContain('EN-SALES-001');
  });

  it('lets the caveat in the same answer make it honest', () => {
    expect(ruleIds('不会保证的，它有一定风险，可能亏损本金。', asked('会亏吗？'))).not.toContain('CN-SALES-002');
    expect(ruleIds("No - but it's not guaranteed either, the value can go down.", asked('Could I lose money on this?'))).not.toContain('EN-SALES-001');
  });
});

describe('third parties on the line', () => {
  const relative = { context: [{ speaker: 'customer' as const, text: '我是他老婆，帮他查一下卡里还有多少钱。' }] };

  it('treats any account datum told to a relative as a third-party disclosure, not a missed verification', () => {
    const ids = ruleIds('好的，还剩八千多。', relative);
    expect(ids).toContain('CN-PRIV-002');
    expect(ids).not.toContain('CN-PRIV-001');
  });

  it('still flags the account holder being told a datum without verification', () => {
    expect(ruleIds('好的，还剩八千多块。', { context: [{ speaker: 'customer', text: '帮我查一下卡里还有多少钱。' }] })).not.toContain('CN-PRIV-002');
    expect(ruleIds('您卡里还剩8000元。', { context: [{ speaker: 'customer', text: '帮我查一下卡里还有多少钱。' }] })).toContain('CN-PRIV-001');
  });

  it('does not read a product term as an account datum', () => {
    expect(ruleIds('提前结清收剩余本金1%的违约金。')).not.toContain('CN-PRIV-001');
  });
});

describe('every language a text is written in', () => {
  const zhConversation = { language: 'zh' as const };
  const enConversation = { language: 'en' as const };

  it('applies the English prohibitions to English sentences in a Chinese conversation', () => {
    expect(ruleIds('To verify your identity, please tell me the SMS code we just sent and your online banking password.', zhConversation)).toContain('EN-FRAUD-001');
    expect(ruleIds("This fund pays a guaranteed 8%, you can't lose.", zhConversation)).toContain('EN-SALES-001');
    expect(ruleIds("您好，感谢来电。This fund pays a guaranteed 8%, you can't lose.", zhConversation)).toContain('EN-SALES-001');
    // Code-switching inside one sentence: an English phrase is English speech.
    expect(ruleIds("您放心，guaranteed 8%, can't lose。", zhConversation)).toContain('EN-SALES-001');
  });

  it('catches a Chinese request that names the secret in English', () => {
    expect(ruleIds('您的password是多少？', zhConversation)).toContain('CN-FRAUD-001');
    expect(ruleIds('请告诉我您的SMS code。', zhConversation)).toContain('CN-FRAUD-001');
    expect(ruleIds('请不要把PIN码或SMS code告诉任何人。', zhConversation)).toEqual([]);
  });

  it('applies the Chinese prohibitions to Chinese sentences in an English conversation', () => {
    expect(ruleIds('这款理财保本保收益，稳赚不赔。', enConversation)).toContain('CN-SALES-001');
    expect(ruleIds('Thanks for waiting. 请把短信验证码告诉我。', enConversation)).toContain('CN-FRAUD-001');
  });

  it('reports the languages it checked, the primary one first', () => {
    expect(engine.check({ text: "您好。You can't lose.", language: 'zh' }).languages).toEqual(['zh', 'en']);
    expect(engine.check({ text: "您好。You can't lose.", language: 'en' }).languages).toEqual(['en', 'zh']);
    expect(engine.check({ text: '请在手机银行App里设置PIN码，OK吗？', language: 'zh' }).languages).toEqual(['zh']);
  });

  it('lets legitimate mixed wording pass: borrowed terms are not English speech', () => {
    for (const text of [
      '请在手机银行App里修改交易密码，OK的话我再发一条短信提醒您。',
      '请不要把PIN码或短信验证码告诉任何人，包括银行工作人员。',
      '您可以登录App，在“我的-安全中心”里查看登录记录。',
      '好的，OK，我帮您查一下信用卡的账单日。',
    ]) {
      expect(engine.check({ text, language: 'zh' }).verdict, text).toBe('pass');
    }
    expect(engine.check({ text: 'Our 稳盈90天 product is not a deposit; its value can go down as well as up.', language: 'en' }).verdict).toBe('pass');
    expect(engine.check({ text: 'Never share your PIN or the SMS code with anyone, including bank staff.', language: 'zh' }).verdict).toBe('pass');
  });

  it('takes duties (disclosures, procedures) from the primary language only', () => {
    const text = '这款理财产品的业绩比较基准是4.5%。';
    const disclosures = (language: 'zh' | 'en') =>
      engine.check({ text, language }).findings.filter((finding) => finding.kind === 'required_disclosure').map((finding) => finding.ruleId);
    expect(disclosures('zh').length).toBeGreaterThan(0);
    expect(disclosures('en')).toEqual([]);
  });

  it('points evidence from another language into the original text', () => {
    const text = '您好！This fund is ＧＵＡＲＡＮＴＥＥＤ to earn 8%.';
    const finding = engine.check({ text, language: 'zh' }).findings.find((entry) => entry.ruleId === 'EN-SALES-001');
    expect(finding).toBeDefined();
    expect(text.slice(finding!.evidence.start, finding!.evidence.end)).toBe(finding!.evidence.text);
    expect(finding!.evidence.text).toContain('ＧＵＡＲＡＮＴＥＥＤ');
  });
});

describe('what a check reuses between checks (normalised context turns, shared word-family patterns)', () => {
  const reused = createComplianceEngine({ packs });
  const ids = (text: string, context: ConversationTurn[]) =>
    reused.check({ text, language: 'en', speaker: 'agent', context }).findings.map((finding) => finding.ruleId);

  it('answers from the turns of each check, however often the same turns or texts come back', () => {
    const hardship: ConversationTurn[] = [{ speaker: 'customer', text: "I lost my job and can't pay this month." }];
    const question: ConversationTurn[] = [{ speaker: 'customer', text: 'When is my payment due?' }];
    const text = 'The full amount is still due on the 5th.';
    for (let round = 0; round < 3; round += 1) {
      expect(ids(text, hardship)).toContain('UK-COLL-001');
      expect(ids(text, question)).not.toContain('UK-COLL-001');
    }
    // The same turn, seen (and normalised) before as the customer's, said by the agent is not the customer's difficulty.
    expect(ids(text, [{ speaker: 'agent', text: "I lost my job and can't pay this month." }])).not.toContain('UK-COLL-001');
  });

  it('keeps a long context turn cut at the same place whether or not it was seen before', () => {
    const long = `${'The weather is fine today. '.repeat(120)} I'm her husband.`;
    const text = 'Her card is maxed out, that is why it was declined.';
    const first = ids(text, [{ speaker: 'customer', text: long }]);
    expect(ids(text, [{ speaker: 'customer', text: long }])).toEqual(first);
  });
});
