import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createComplianceEngine } from '../../src/compliance/compliance-engine.js';
import type { CheckInput } from '../../src/compliance/compliance-types.js';
import { loadRulePacks } from '../../src/compliance/load-rule-packs.js';
import type { RuleExample } from '../../src/compliance/rule-pack-schema.js';

// One generated case per example in every rule pack: a rule cannot exist untested.
const directory = fileURLToPath(new URL('../../evals/rules/', import.meta.url));
const packs = loadRulePacks(directory);
const engine = createComplianceEngine({ packs });

function toInput(example: RuleExample, language: 'zh' | 'en'): CheckInput {
  if (typeof example === 'string') return { text: example, language };
  const input: CheckInput = { text: example.text, language };
  if (example.speaker) input.speaker = example.speaker;
  if (example.context) input.context = example.context;
  if (example.customer) input.customer = example.customer;
  return input;
}

const label = (example: RuleExample): string => (typeof example === 'string' ? example : example.text);

for (const pack of packs) {
  describe(`rule pack ${pack.id}`, () => {
    for (const rule of pack.rules) {
      describe(rule.id, () => {
        for (const example of rule.examples.violating) {
          it(`flags: ${label(example)}`, () => {
            const result = engine.check(toInput(example, pack.language));
            expect(result.findings.map((finding) => finding.ruleId)).toContain(rule.id);
            expect(result.verdict).not.toBe('pass');
            const finding = result.findings.find((entry) => entry.ruleId === rule.id);
            const text = label(example);
            expect(text.slice(finding?.evidence.start, finding?.evidence.end)).toBe(finding?.evidence.text);
            expect(finding?.rulesVersion).toBe(engine.rulesVersion);
          });
        }
        for (const example of rule.paraphrases ?? []) {
          it(`flags the paraphrase: ${label(example)}`, () => {
            expect(engine.check(toInput(example, pack.language)).findings.map((finding) => finding.ruleId)).toContain(rule.id);
          });
        }
        for (const example of rule.examples.compliant) {
          it(`passes: ${label(example)}`, () => {
            const result = engine.check(toInput(example, pack.language));
            expect(result.findings.map((finding) => finding.ruleId)).not.toContain(rule.id);
          });
        }
      });
    }
  });
}
