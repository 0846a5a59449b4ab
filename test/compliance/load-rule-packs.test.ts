import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadRulePacks, parseRulePack, RulePackError } from '../../src/compliance/load-rule-packs.js';
import { patternProblem } from '../../src/compliance/safe-pattern.js';

const examples = `
    examples:
      violating: [保本保息, 保本的, 绝对保本]
      compliant: [不保本, 不能承诺保本, 理财非存款]`;

function pack(ruleBody: string, id = 'test-pack'): string {
  return `id: ${id}
jurisdiction: CN
language: zh
rules:
  - id: CN-TEST-001
    title: 测试规则
    source: 测试来源
    severity: critical
    kind: forbidden_statement
    explanation: 测试说明
    fix: 测试修改建议
${ruleBody}`;
}

const goodDetector = `    detector:
      cues: ['保本']`;

function errorOf(action: () => unknown): RulePackError {
  try {
    action();
  } catch (error) {
    if (error instanceof RulePackError) return error;
    throw error;
  }
  throw new Error('expected a RulePackError');
}

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

function directoryWith(files: Record<string, string>): string {
  const directory = mkdtempSync(join(tmpdir(), 'rule-packs-'));
  directories.push(directory);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(directory, name), text);
  return directory;
}

describe('loadRulePacks', () => {
  it('loads a valid pack and stamps each rule with its pack language and jurisdiction', () => {
    const packs = loadRulePacks(directoryWith({ 'a.yaml': pack(goodDetector + examples) }));
    expect(packs).toHaveLength(1);
    expect(packs[0]?.rules[0]).toMatchObject({ id: 'CN-TEST-001', language: 'zh', jurisdiction: 'CN', packId: 'test-pack' });
  });

  it('names the file and the rule for a bad regular expression', () => {
    const error = errorOf(() => loadRulePacks(directoryWith({ 'bad-regex.yaml': pack(`    detector:\n      cues: ['保本(']` + examples) })));
    expect(error.message).toContain('bad-regex.yaml');
    expect(error.message).toContain('CN-TEST-001');
    expect(error.code).toBe('invalid_rule_pack');
  });

  it("takes a remedy's translation into the other language, and refuses one in the pack's own language or without a remedy", () => {
    const translated = (language: string, remedy = "    remedy: '温馨提示：理财非存款。'\n") => pack(`${remedy}    remedyIn:\n      ${language}:\n        text: 'Please note: wealth products are not deposits.'\n        satisfiedBy: ['not (a )?deposits?']\n${goodDetector}${examples}`);
    expect(parseRulePack('translated.yaml', translated('en')).rules[0]?.remedyIn?.en?.text).toMatch(/not deposits/u);
    expect(errorOf(() => parseRulePack('own.yaml', translated('zh'))).message).toMatch(/remedyIn\.zh is the pack's own language/u);
    expect(errorOf(() => parseRulePack('none.yaml', translated('en', ''))).message).toMatch(/translates a remedy the rule does not have/u);
  });

  it('rejects patterns that could backtrack catastrophically', () => {
    const error = errorOf(() => parseRulePack('slow.yaml', pack(`    detector:\n      cues: ['(a+)+b']` + examples)));
    expect(error.message).toMatch(/slow\.yaml rule CN-TEST-001: bad pattern/);
    expect(patternProblem('(保本.{0,4}){2,5}')).toMatch(/nested quantifier/);
    expect(patternProblem('保本.*收益')).toMatch(/unbounded/);
    expect(patternProblem('x{3,}')).toMatch(/unbounded/);
    expect(patternProblem('(?<core>保本)(收益)?.{0,6}(?!等级)')).toBeUndefined();
  });

  it('requires at least three violating and three compliant examples', () => {
    const tooFew = `
    examples:
      violating: [保本保息, 保本的]
      compliant: [不保本, 不能承诺保本, 理财非存款]`;
    const error = errorOf(() => parseRulePack('few.yaml', pack(goodDetector + tooFew)));
    expect(error.message).toContain('few.yaml rule CN-TEST-001');
    expect(error.message).toContain('violating');
  });

  it('reports YAML syntax errors with the file name', () => {
    const error = errorOf(() => loadRulePacks(directoryWith({ 'broken.yaml': 'id: [unclosed\n  rules: :' })));
    expect(error.message).toContain('broken.yaml');
    expect(error.message).toContain('YAML error');
  });

  it('reports schema errors with the rule id', () => {
    const error = errorOf(() => parseRulePack('schema.yaml', pack(goodDetector + examples).replace('severity: critical', 'severity: catastrophic')));
    expect(error.message).toContain('schema.yaml rule CN-TEST-001');
    expect(error.message).toContain('severity');
  });

  it('requires remedy, trigger and satisfiedBy on required_disclosure rules', () => {
    const text = pack(goodDetector + examples).replace('kind: forbidden_statement', 'kind: required_disclosure');
    expect(errorOf(() => parseRulePack('disclosure.yaml', text)).message).toContain('trigger');
  });

  it('rejects duplicate rule ids across files', () => {
    const directory = directoryWith({ 'a.yaml': pack(goodDetector + examples, 'pack-a'), 'b.yaml': pack(goodDetector + examples, 'pack-b') });
    const error = errorOf(() => loadRulePacks(directory));
    expect(error.message).toContain('CN-TEST-001');
    expect(error.message).toContain('duplicate');
  });

  it('refuses an empty directory rather than running with no rules', () => {
    expect(() => loadRulePacks(directoryWith({}))).toThrow(RulePackError);
  });

  it('loads the shipped packs with at least 30 Chinese and 20 English rules', () => {
    const packs = loadRulePacks(join(import.meta.dirname, '../../evals/rules'));
    const count = (language: string) => packs.filter((entry) => entry.language === language).reduce((total, entry) => total + entry.rules.length, 0);
    expect(count('zh')).toBeGreaterThanOrEqual(30);
    expect(count('en')).toBeGreaterThanOrEqual(20);
    for (const entry of packs) {
      for (const rule of entry.rules) if (rule.kind === 'required_disclosure') expect(rule.remedy, rule.id).toBeTruthy();
    }
  });
});

describe('situation cues', () => {
  it('need a situation to gate them', () => {
    const error = errorOf(() => parseRulePack('situation.yaml', pack(`    detector:\n      situationCues: ['余额']` + examples)));
    expect(error.message).toContain('situationCues needs detector.situation');
  });
});
