import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DispositionTaxonomyError,
  loadDispositionTaxonomy,
  parseDispositionTaxonomy,
  pickDisposition,
} from '../../src/summaries/disposition-taxonomy.js';
import { foldText } from '../../src/text/segment-text.js';
import { dispositionsPath, taxonomy } from './taxonomy-fixture.js';

function problemsOf(content: string): string[] {
  try {
    parseDispositionTaxonomy(content, 'dispositions.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(DispositionTaxonomyError);
    expect((error as DispositionTaxonomyError).code).toBe('invalid_disposition_taxonomy');
    expect((error as Error).message).toContain('dispositions.yaml');
    return (error as DispositionTaxonomyError).problems;
  }
  throw new Error('expected the taxonomy to be rejected');
}

const validCode = `  - code: CARD-LOSS
    label: { zh: 挂失, en: Card loss }
    rules: { intents: [card_loss] }
`;

describe('loadDispositionTaxonomy', () => {
  it('loads the shipped taxonomy with bilingual labels and the fallback among the codes', () => {
    expect(taxonomy.source).toBe(dispositionsPath);
    const codes = taxonomy.codes.map((code) => code.code);
    expect(codes).toEqual(
      expect.arrayContaining(['CARD-LOSS', 'FEE-INQUIRY', 'COMPLAINT-FEE', 'WEALTH-INQUIRY', 'LOAN-INQUIRY', 'TRANSFER-ISSUE', 'FRAUD-REPORT', 'ACCOUNT-SERVICE', 'GENERAL-INQUIRY']),
    );
    expect(taxonomy.fallback).toBe('GENERAL-INQUIRY');
    for (const code of taxonomy.codes) expect(code.label.zh && code.label.en).toBeTruthy();
  });

  it('names the file and the code in validation errors', () => {
    const problems = problemsOf(`version: 1
fallback: GENERAL-INQUIRY
codes:
${validCode}  - code: FEE-INQUIRY
    label: { zh: 费用, en: Fees }
    priority: high
    rules: { intents: [fees_question] }
  - code: GENERAL-INQUIRY
    label: { zh: 一般, en: General }
`);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^codes\[1\] \(FEE-INQUIRY\)\.priority: /),
        expect.stringMatching(/^codes\[1\] \(FEE-INQUIRY\)\.rules\.intents\.0: /),
      ]),
    );
  });

  it('rejects duplicate codes, an unknown fallback, bad code names and empty rules', () => {
    const problems = problemsOf(`version: 1
fallback: OTHER
codes:
${validCode}${validCode}  - code: card loss
    label: { zh: 挂失, en: Card loss }
`);
    expect(problems).toEqual([expect.stringMatching(/^codes\[2\] \(card loss\)\.code: .*UPPER-KEBAB-CASE/)]);
    expect(
      problemsOf(`version: 1
fallback: OTHER
codes:
${validCode}${validCode}  - code: EMPTY
    label: { zh: 空, en: Empty }
    rules: {}
`),
    ).toEqual([
      'codes[1] (CARD-LOSS): duplicate code',
      'codes[2] (EMPTY).rules: needs intents, keywords or a complaint flag',
      "fallback: 'OTHER' is not one of the codes",
    ]);
  });

  it('rejects unknown fields, so a typo is not silently ignored', () => {
    expect(
      problemsOf(`version: 1
fallback: CARD-LOSS
codes:
  - code: CARD-LOSS
    label: { zh: 挂失, en: Card loss }
    rules: { intent: [card_loss] }
`),
    ).toEqual([expect.stringMatching(/^codes\[0\] \(CARD-LOSS\)\.rules: .*intent/)]);
  });

  it('reports YAML syntax errors and unreadable files with the path', () => {
    expect(problemsOf('version: [1\ncodes: {')[0]).toMatch(/^not valid YAML/);
    const directory = mkdtempSync(join(tmpdir(), 'dispositions-'));
    expect(() => loadDispositionTaxonomy(join(directory, 'missing.yaml'))).toThrow(/missing\.yaml: .*cannot read/s);
    const broken = join(directory, 'broken.yaml');
    writeFileSync(broken, 'version: 1\nfallback: X\ncodes: []\n');
    expect(() => loadDispositionTaxonomy(broken)).toThrow(/broken\.yaml.*codes/s);
  });
});

describe('pickDisposition', () => {
  const pick = (intent: Parameters<typeof pickDisposition>[1]['intent'], text: string, complaint = {}) =>
    pickDisposition(taxonomy, { intent, complaint: { raised: false, ...complaint }, foldedText: foldText(text) });

  it('prefers the higher priority among matching codes', () => {
    expect(pick('card_loss', '我的卡丢了要挂失')).toBe('CARD-LOSS');
    // A fraud keyword outranks the card-loss intent.
    expect(pick('card_loss', '卡丢了，还被盗刷了')).toBe('FRAUD-REPORT');
    expect(pick('fee_dispute', '年费怎么收', { raised: true, category: 'fees' })).toBe('COMPLAINT-FEE');
    expect(pick('loan', 'can i repay my loan early', { raised: true, category: 'other' })).toBe('COMPLAINT-OTHER');
  });

  it('respects complaint flags and falls back when nothing matches', () => {
    expect(pick('fee_dispute', '手续费')).toBe('FEE-INQUIRY');
    expect(pick('fee_dispute', '手续费', { raised: true })).toBe('COMPLAINT-OTHER');
    expect(pick('inquiry', 'hello')).toBe('GENERAL-INQUIRY');
    expect(pick('inquiry', 'what is the mortgage rate')).toBe('LOAN-INQUIRY');
  });

  it('matches keywords case- and width-insensitively', () => {
    expect(pick('inquiry', 'I have a question about a ＷＩＲＥ ＴＲＡＮＳＦＥＲ')).toBe('TRANSFER-ISSUE');
  });
});
