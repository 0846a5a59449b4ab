import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createComplianceEngine } from '../../src/compliance/compliance-engine.js';
import { loadRulePacks, loadWordFamilies, parseRulePack, parseWordFamilies, RulePackError } from '../../src/compliance/load-rule-packs.js';

// A small pack of our own: one frame built from pack-local word families, so each slot can be tested alone.
const families = `
families:
  wealth-product:
    description: 非存款产品
    patterns: ['理财|基金|这款']
    examples: [这款理财]
  likened-to-deposit:
    description: 说成存款
    patterns: ['(当成|就当|相当于)(是)?(存款|定期)', '(跟|和)(存款|定期)一样']
    examples: [就当是定期, 跟存款一样]
  not-a-deposit:
    description: 非存款揭示
    patterns: ['不是存款|非存款']
    examples: [这不是存款]
  asks-about-loss:
    description: 客户问会不会亏
    patterns: ['会不会亏|亏(吗|不)']
    examples: [会不会亏]
  calm-down:
    description: 安抚
    patterns: ['安心|踏实']
    examples: [您安心拿着]
  checked-identity:
    description: 核验过身份
    patterns: ['核验']
    examples: [已核验]
  tells-balance:
    description: 报余额
    patterns: ['余额(是|有)\\d']
    examples: [余额是300]
`;

function pack(frames: string, extra = families, id = 'frame-pack'): string {
  return `id: ${id}
jurisdiction: CN
language: zh
${extra}
rules:
  - id: CN-FRAME-001
    title: 不得把理财说成存款
    source: 测试
    severity: critical
    kind: forbidden_statement
    explanation: 测试说明
    fix: 测试修改建议
    detector:
      frames:
${frames}
    examples:
      violating: [这款理财就当是定期, 这款基金跟存款一样, 理财相当于存款]
      compliant: [这款理财不能当成存款, 理财不是存款, 定期存款利率是1.5%]
`;
}

const likenedFrame = `        - id: likened
          about: [wealth-product]
          claim: [likened-to-deposit]
          unlessSentence: [not-a-deposit]`;

const engineFor = (yaml: string) => createComplianceEngine({ packs: [parseRulePack('frames.yaml', yaml)] });
const ruleIds = (engine: ReturnType<typeof engineFor>, text: string, extra: object = {}) => engine.check({ text, language: 'zh', ...extra }).findings.map((finding) => finding.ruleId);

describe('meaning frames', () => {
  const engine = engineFor(pack(likenedFrame));

  it('fires when the claim is asserted about the subject, in the text or the conversation', () => {
    expect(ruleIds(engine, '这款理财您就当是定期')).toEqual(['CN-FRAME-001']);
    // The subject named only by the customer still counts.
    expect(ruleIds(engine, '您就当是定期', { context: [{ speaker: 'customer', text: '那个理财怎么样？' }] })).toEqual(['CN-FRAME-001']);
    // No subject anywhere: a deposit really is a deposit.
    expect(ruleIds(engine, '您就当是定期')).toEqual([]);
  });

  it('keeps negation, quotation, questions and the unless slot working', () => {
    expect(ruleIds(engine, '这款理财不能当成存款')).toEqual([]);
    expect(ruleIds(engine, '有人说“理财就当是定期”，这是不对的')).toEqual([]);
    expect(ruleIds(engine, '这款理财能当成存款吗？')).toEqual([]);
    expect(ruleIds(engine, '这款理财跟存款一样，随时能取。')).toEqual(['CN-FRAME-001']);
    // The caveat in the same sentence (unlessSentence) makes the comparison an explanation.
    expect(ruleIds(engine, '这款理财跟存款一样随时能取，但它不是存款。')).toEqual([]);
  });

  it('reads the conversation state: what was asked, what the customer said, what the agent did', () => {
    const asked = engineFor(
      pack(`        - id: calmed-loss-question
          asked: [asks-about-loss]
          claim: [calm-down]
        - id: balance-before-check
          claim: [tells-balance]
          state:
            agentNotSaid: [checked-identity]`),
    );
    expect(ruleIds(asked, '您安心拿着就行', { context: [{ speaker: 'customer', text: '这个会不会亏？' }] })).toEqual(['CN-FRAME-001']);
    expect(ruleIds(asked, '您安心拿着就行', { context: [{ speaker: 'customer', text: '怎么买？' }] })).toEqual([]);
    expect(ruleIds(asked, '您的余额是300元')).toEqual(['CN-FRAME-001']);
    expect(ruleIds(asked, '您的余额是300元', { context: [{ speaker: 'agent', text: '身份已核验通过' }] })).toEqual([]);
  });

  it('lets a frame with its own customer state fire where the rule\'s older situation list does not hold', () => {
    const yaml = pack(`        - id: balance-to-loss-asker
          state:
            customerSaid: [asks-about-loss]
          claim: [tells-balance]
      situation:
        customer: ['我是(他|她)的']`);
    const situated = engineFor(yaml.replace('violating: [这款理财就当是定期, 这款基金跟存款一样, 理财相当于存款]', "violating: [{ text: '余额是300', context: [{ speaker: customer, text: '会不会亏' }] }, { text: '余额有5', context: [{ speaker: customer, text: '亏吗' }] }, { text: '余额是9', context: [{ speaker: customer, text: '会不会亏' }] }]"));
    expect(ruleIds(situated, '余额是300', { context: [{ speaker: 'customer', text: '这个会不会亏' }] })).toEqual(['CN-FRAME-001']);
    expect(ruleIds(situated, '余额是300', { context: [{ speaker: 'customer', text: '怎么买' }] })).toEqual([]);
  });

  it('explains which frame fired on which words when asked, and only then', () => {
    const explained = engine.check({ text: '这款理财您就当是定期', language: 'zh', explain: true }).findings[0];
    expect(explained?.explain).toEqual({
      detector: 'frame',
      frame: 'likened',
      matches: [
        { slot: 'claim', family: 'likened-to-deposit', text: '就当是定期', in: 'text' },
        { slot: 'about', family: 'wealth-product', text: '这款', in: 'text' },
      ],
    });
    expect(engine.check({ text: '这款理财您就当是定期', language: 'zh' }).findings[0]).not.toHaveProperty('explain');
  });

  it('stays linear on a 20,000-character check full of near-misses', () => {
    const text = '这款理财不能当成存款，'.repeat(1_900).slice(0, 20_000);
    expect(text.length).toBe(20_000);
    expect(ruleIds(engine, text)).toEqual([]);
    expect(ruleIds(engine, `${text}这款理财就当是定期`)).toEqual(['CN-FRAME-001']);
  });
});

describe('rules listed active or advisory', () => {
  it('lists a rule whose detector misses its own violating examples as advisory, never silently inert', () => {
    const yaml = pack(likenedFrame).replace('violating: [这款理财就当是定期, 这款基金跟存款一样, 理财相当于存款]', 'violating: [这款理财就当是定期, 这款基金跟存款一样, 买理财稳赚]');
    const rules = engineFor(yaml).describe().packs[0]?.rules ?? [];
    expect(rules[0]).toMatchObject({ id: 'CN-FRAME-001', detection: 'advisory' });
    expect(rules[0]?.advisoryReason).toMatch(/misses 1 of its 3/);
    expect(engineFor(pack(likenedFrame)).describe().packs[0]?.rules[0]).toMatchObject({ detection: 'active' });
  });

  it('lists every shipped rule as active', () => {
    const shipped = createComplianceEngine({ packs: loadRulePacks(join(import.meta.dirname, '../../evals/rules')) }).describe();
    const advisory = shipped.packs.flatMap((entry) => entry.rules).filter((rule) => rule.detection !== 'active');
    expect(advisory).toEqual([]);
  });
});

describe('bad word families and frames fail start-up naming file and rule', () => {
  const errorOf = (action: () => unknown): RulePackError => {
    try {
      action();
    } catch (error) {
      if (error instanceof RulePackError) return error;
      throw error;
    }
    throw new Error('expected a RulePackError');
  };

  it('rejects a frame naming an unknown word family', () => {
    const error = errorOf(() => parseRulePack('frames.yaml', pack(likenedFrame.replace('[not-a-deposit]', '[no-such-family]'))));
    expect(error.file).toBe('frames.yaml');
    expect(error.ruleId).toBe('CN-FRAME-001');
    expect(error.message).toMatch(/unknown word family "no-such-family"/);
  });

  it('rejects a family pattern that could backtrack catastrophically, and a family its own examples disprove', () => {
    expect(errorOf(() => parseRulePack('frames.yaml', pack(likenedFrame, families.replace("'安心|踏实'", "'(安心+)+'")))).message).toMatch(/calm-down: bad pattern/);
    expect(errorOf(() => parseRulePack('frames.yaml', pack(likenedFrame, families.replace('examples: [您安心拿着]', 'examples: [您放心]')))).message).toMatch(/calm-down: its example "您放心"/);
  });

  it('rejects duplicate frame ids and duplicate family names across files', () => {
    expect(errorOf(() => parseRulePack('frames.yaml', pack(`${likenedFrame}\n${likenedFrame}`))).message).toMatch(/duplicate frame id likened/);
    const file = 'language: zh\nfamilies:\n  calm-down:\n    description: x\n    patterns: [安心]\n    examples: [安心]\n';
    const shared = parseWordFamilies('word-families/a.yaml', file);
    const error = errorOf(() => parseWordFamilies('word-families/b.yaml', file, shared));
    expect(error.file).toBe('word-families/b.yaml');
    expect(error.message).toMatch(/duplicate word family calm-down \(also in word-families\/a.yaml\)/);
  });

  it('resolves shared families from word-families/ next to the packs', () => {
    const directory = mkdtempSync(join(tmpdir(), 'frames-'));
    afterAll(() => rmSync(directory, { recursive: true, force: true }));
    mkdirSync(join(directory, 'word-families'));
    writeFileSync(join(directory, 'word-families', 'zh.yaml'), `language: zh\n${families}`);
    writeFileSync(join(directory, 'frames.yaml'), pack(likenedFrame, ''));
    expect(loadWordFamilies(join(directory, 'word-families')).zh.has('likened-to-deposit')).toBe(true);
    const engine = createComplianceEngine({ packs: loadRulePacks(directory) });
    expect(engine.check({ text: '这款理财您就当是定期', language: 'zh' }).findings.map((finding) => finding.ruleId)).toEqual(['CN-FRAME-001']);
  });
});
