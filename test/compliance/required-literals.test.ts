import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileRule, patternsOf } from '../../src/compliance/compiled-rule.js';
import { loadRulePacks, loadWordFamilies } from '../../src/compliance/load-rule-packs.js';
import { requiredLiterals } from '../../src/compliance/required-literals.js';
import { normalizeText } from '../../src/text/normalize-text.js';

const rulesDirectory = fileURLToPath(new URL('../../evals/rules', import.meta.url));

describe('required literals of a pattern', () => {
  it('lists the strings a match must contain, upper-cased for a case-insensitive pattern', () => {
    const sorted = (values: string[] | undefined): string[] | undefined => values?.sort();
    expect(requiredLiterals('late fee', 'i')).toEqual(['LATE FEE']);
    expect(sorted(requiredLiterals('保本|保息', 'i'))).toEqual(sorted(['保本', '保息']));
    expect(sorted(requiredLiterals('ab?c', 'i'))).toEqual(['ABC', 'AC']);
    expect(sorted(requiredLiterals('(?<!不)保证(收益|本金)', 'i'))).toEqual(sorted(['保证收益', '保证本金']));
    expect(requiredLiterals('\\d{1,3}%', 'i')).toEqual(['%']);
    expect(sorted(requiredLiterals('[您你]的本金', 'i'))).toEqual(sorted(['你的本金', '您的本金']));
  });

  it('requires nothing when a match can avoid every literal or the pattern is not understood', () => {
    expect(requiredLiterals('a?', 'i')).toBeUndefined();
    expect(requiredLiterals('.{0,3}', 'i')).toBeUndefined();
    expect(requiredLiterals('(a)\\1', 'i')).toBeUndefined();
    expect(requiredLiterals('fee|\\w{2,4}', 'i')).toBeUndefined();
    expect(requiredLiterals('[^a]', 'i')).toBeUndefined();
    expect(requiredLiterals('fee', 'iu')).toBeUndefined();
    // A line break joins the turns of a window: no literal may span one.
    expect(requiredLiterals('a\\nb', 'i')).toBeUndefined();
  });

  it('never excludes a real match: every pattern of the packs that matches an example text contains one of its literals', () => {
    const packs = loadRulePacks(rulesDirectory);
    const families = loadWordFamilies(`${rulesDirectory}/word-families`);
    const texts = new Set<string>();
    for (const pack of packs) {
      for (const rule of pack.rules) {
        for (const example of [...rule.examples.violating, ...rule.examples.compliant, ...(rule.paraphrases ?? [])]) {
          texts.add(normalizeText(typeof example === 'string' ? example : example.text).text);
        }
      }
    }
    for (const language of ['zh', 'en'] as const) for (const family of families[language].values()) for (const example of family.examples) texts.add(normalizeText(example).text);
    const patterns = [...new Set(packs.flatMap((pack) => pack.rules).map(compileRule).flatMap(patternsOf))];
    const upper = [...texts].map((text) => [text, text.toUpperCase()] as const);
    let matched = 0;
    let filtered = 0;
    const excluded: string[] = [];
    for (const pattern of patterns) {
      const literals = requiredLiterals(pattern.source, pattern.flags);
      if (literals) filtered += 1;
      for (const [text, upperText] of upper) {
        pattern.lastIndex = 0;
        if (!pattern.test(text)) continue;
        matched += 1;
        if (literals && !literals.some((literal) => upperText.includes(literal))) excluded.push(`/${pattern.source}/ on "${text}"`);
      }
    }
    expect(excluded).toEqual([]);
    // The check above means something only if the patterns matched texts and most had literals.
    expect(matched).toBeGreaterThan(1_000);
    expect(filtered).toBeGreaterThan(patterns.length * 0.9);
  });
});
