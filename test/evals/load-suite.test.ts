import { describe, expect, it } from 'vitest';
import { buildSuite, parseSuite } from '../../src/evals/load-suite.js';
import { SuiteError } from '../../src/evals/suite-error.js';
import { validateSuiteReferences } from '../../src/evals/validate-suite-references.js';
import { fakeTargets } from './fake-targets.js';

const valid = `name: demo
defaults:
  rules: [R-CRIT]
cases:
  - id: c1
    kind: compliance
    text: 保本保收益
    expect: { rules: [R-CRIT] }
  - id: r1
    kind: retrieval
    query: 年费
    expect: { goldDocuments: [doc-a] }
`;

function errorOf(work: () => unknown): SuiteError {
  try {
    work();
  } catch (error) {
    if (error instanceof SuiteError) return error;
    throw error;
  }
  throw new Error('expected a SuiteError');
}

describe('suite loading', () => {
  it('loads a valid suite with a content hash that changes with any case', () => {
    const suite = parseSuite('demo.yaml', valid);
    expect(suite.name).toBe('demo');
    expect(suite.version).toMatch(/^[0-9a-f]{12}$/);
    expect(suite.caseLines).toEqual({ c1: 5, r1: 9 });
    expect(parseSuite('demo.yaml', valid.replace('年费', '月费')).version).not.toBe(suite.version);
    // Formatting alone does not change the version: it hashes the validated content.
    expect(parseSuite('demo.yaml', `# comment\n${valid}`).version).toBe(suite.version);
  });

  it('names the file and line of a YAML error', () => {
    const error = errorOf(() => parseSuite('broken.yaml', 'name: x\ncases:\n  - id: a\n    text: [unclosed\n'));
    expect(error.file).toBe('broken.yaml');
    expect(error.line).toBeGreaterThanOrEqual(4);
    expect(error.message).toMatch(/YAML error/);
  });

  it('rejects an unknown case kind, naming the case and its line', () => {
    const error = errorOf(() => parseSuite('kinds.yaml', valid.replace('kind: retrieval', 'kind: vibes')));
    expect(error.caseId).toBe('r1');
    expect(error.line).toBe(10);
    expect(error.message).toMatch(/suggestion, compliance, summary or retrieval/);
  });

  it('rejects a duplicate case id with both lines', () => {
    const error = errorOf(() => parseSuite('dupes.yaml', valid.replace('id: r1', 'id: c1')));
    expect(error.caseId).toBe('c1');
    expect(error.line).toBe(9);
    expect(error.message).toMatch(/duplicate case id 'c1' \(first at line 5\)/);
  });

  it('rejects a bad mustNotMatch pattern and a case without expectations', () => {
    const suggestion = `cases:\n  - id: s1\n    kind: suggestion\n    turns: [{ customer: hi }]\n    expect: { mustNotMatch: ['(unclosed'] }\n`;
    expect(errorOf(() => parseSuite('regex.yaml', suggestion)).message).toMatch(/not a valid regular expression/);
    const empty = `cases:\n  - id: c1\n    kind: compliance\n    text: hi\n    expect: {}\n`;
    expect(errorOf(() => parseSuite('empty.yaml', empty)).message).toMatch(/expects rules, absent, verdict or clean/);
  });

  it('validates an inline suite (API) without lines', () => {
    const error = errorOf(() => buildSuite({ cases: [{ id: 'x', kind: 'retrieval', query: 'q', expect: {} }] }, '(inline)', 'inline'));
    expect(error.file).toBe('(inline)');
    expect(error.caseId).toBe('x');
  });

  it('rejects a gold document that does not exist and a rule no pack defines', async () => {
    const suite = parseSuite('refs.yaml', valid.replace('[doc-a]', '[doc-missing]'));
    const missingDocument = await validateSuiteReferences(suite, fakeTargets()).catch((error: unknown) => error);
    expect(missingDocument).toBeInstanceOf(SuiteError);
    expect((missingDocument as SuiteError).message).toBe("refs.yaml, line 9, case r1: document 'doc-missing' is not in the knowledge base");
    const unknownRule = await validateSuiteReferences(parseSuite('rules.yaml', valid.replace('rules: [R-CRIT] }', 'rules: [R-NOPE] }')), fakeTargets()).catch((error: unknown) => error);
    expect((unknownRule as SuiteError).message).toMatch(/line 5, case c1: no rule pack defines rule 'R-NOPE'/);
    await expect(validateSuiteReferences(parseSuite('ok.yaml', valid), fakeTargets())).resolves.toBeUndefined();
  });
});
