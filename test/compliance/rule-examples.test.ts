import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createComplianceEngine } from '../../src/compliance/compliance-engine.js';
import { loadRulePacks } from '../../src/compliance/load-rule-packs.js';
import { exampleInput, exampleText } from '../../src/compliance/rule-self-test.js';

// One generated case per example in every rule pack: a rule cannot exist untested.
const directory = fileURLToPath(new URL('../../evals/rules/', import.meta.url));
const packs = loadRulePacks(directory);
const engine = createComplianceEngine({ packs });


for (const pack of packs) {
  describe(`rule pack ${pack.id}`, () => {
    for (const rule of pack.rules) {
      describe(rule.id, () => {
        for (const example of rule.examples.violating) {
          it(`flags: ${exampleText(example)}`, () => {
            const result = engine.check(exampleInput(example, pack.language));
            expect(result.findings.map((finding) => finding.ruleId)).toContain(rule.id);
            expect(result.verdict).not.toBe('pass');
            const finding = result.findings.find((entry) => entry.ruleId === rule.id);
            const text = exampleText(example);
            expect(text.slice(finding?.evidence.start, finding?.evidence.end)).toBe(finding?.evidence.text);
            expect(finding?.rulesVersion).toBe(engine.rulesVersion);
          });
        }
        for (const example of rule.paraphrases ?? []) {
          it(`flags the paraphrase: ${exampleText(example)}`, () => {
            expect(engine.check(exampleInput(example, pack.language)).findings.map((finding) => finding.ruleId)).toContain(rule.id);
          });
        }
        for (const example of rule.examples.compliant) {
          it(`passes: ${exampleText(example)}`, () => {
            const result = engine.check(exampleInput(example, pack.language));
            expect(result.findings.map((finding) => finding.ruleId)).not.toContain(rule.id);
          });
        }
      });
    }
  });
}
