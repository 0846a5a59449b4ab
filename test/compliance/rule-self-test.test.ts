import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRulePacks, parseRulePack, RulePackError } from '../../src/compliance/load-rule-packs.js';
import { assertRulePacksPass, formatRuleTestTable, testRulePacks } from '../../src/compliance/rule-self-test.js';

const rulesDirectory = join(import.meta.dirname, '../../evals/rules');
const packs = loadRulePacks(rulesDirectory);
const packText = readFileSync(join(rulesDirectory, 'cn-rules-2025-2026.yaml'), 'utf8');
const others = packs.filter((pack) => pack.id !== 'cn-rules-2025-2026');

/** The 2025-2026 pack with one more paraphrase under CN-SUIT-004 (a phrasing its cues do not reach). */
function withParaphrase(paraphrase: string) {
  const edited = packText.replace('    paraphrases:\n      - 测评不够也没事', `    paraphrases:\n      - ${paraphrase}\n      - 测评不够也没事`);
  return [...others, parseRulePack('cn-rules-2025-2026.yaml', edited)];
}

describe('rule self-test', () => {
  it('passes on the shipped packs: every example and paraphrase holds', () => {
    const reports = testRulePacks(packs);
    expect(reports.length).toBe(packs.flatMap((pack) => pack.rules).length);
    expect(reports.filter((report) => report.failures.length > 0)).toEqual([]);
    expect(() => assertRulePacksPass(packs)).not.toThrow();
    const suitability = reports.find((report) => report.ruleId === 'CN-SUIT-004');
    expect(suitability?.counts.paraphrase).toEqual({ passed: 2, total: 2 });
  });

  it('a paraphrase the rule misses fails the start-up, naming the file, the rule and the phrasing', () => {
    const missed = '这款您买了绝对划算。';
    const edited = withParaphrase(missed);
    const report = testRulePacks(edited).find((entry) => entry.ruleId === 'CN-SUIT-004');
    expect(report?.failures).toEqual([{ kind: 'paraphrase', text: missed, problem: 'missed' }]);
    expect(() => assertRulePacksPass(edited)).toThrow(RulePackError);
    expect(() => assertRulePacksPass(edited)).toThrow(/cn-rules-2025-2026\.yaml.*CN-SUIT-004.*paraphrase case not flagged: "这款您买了绝对划算。"/);
  });

  it('a compliant example the rule flags fails too', () => {
    const edited = packText.replace('      compliant:\n        - 您的测评是C2', '      compliant:\n        - 您签一份自愿声明就能买。\n        - 您的测评是C2');
    const flagged = [...others, parseRulePack('cn-rules-2025-2026.yaml', edited)];
    expect(() => assertRulePacksPass(flagged)).toThrow(/CN-SUIT-004.*compliant example flagged/);
  });

  it('prints one table per pack with passed/total per kind and the failing cases under their rule', () => {
    const table = formatRuleTestTable(testRulePacks(withParaphrase('这款您买了绝对划算。')).filter((report) => report.packId === 'cn-rules-2025-2026'));
    expect(table).toContain('cn-rules-2025-2026 (cn-rules-2025-2026.yaml)');
    expect(table).toMatch(/CN-SUIT-004\s+4\/4\s+3\/3\s+2\/3\s+FAIL/);
    expect(table).toContain('missed paraphrase: 这款您买了绝对划算。');
    expect(table).toMatch(/CN-AI-001\s+3\/3\s+4\/4\s+1\/1\s+ok/);
    expect(table).toContain('3 rules');
    expect(table).toContain('1 rule failing');
  });

  it('rejects a paraphrase of the wrong shape, naming the rule', () => {
    const edited = packText.replace('      - 测评不够也没事，填一张主动购买申请就行。', '      - { words: 测评不够也没事 }');
    expect(() => parseRulePack('cn-rules-2025-2026.yaml', edited)).toThrow(/CN-SUIT-004.*paraphrases/);
  });
});
