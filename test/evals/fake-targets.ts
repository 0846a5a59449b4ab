import type { CheckInput, CheckResult, Finding } from '../../src/compliance/compliance-types.js';
import type { EvalSuggestionBatch, EvalTargets } from '../../src/evals/eval-targets.js';
import type { SearchResult } from '../../src/retrieval/hybrid-search.js';
import type { Summary } from '../../src/summaries/summary-schema.js';

export function finding(ruleId: string, severity: Finding['severity'], text: string): Finding {
  return { ruleId, severity, kind: 'forbidden_statement', title: ruleId, source: 'test', evidence: { start: 0, end: text.length, text }, explanation: 'test' };
}

export function passage(externalId: string, text: string): SearchResult {
  return { chunkId: `chunk-${externalId}`, documentId: `doc-${externalId}`, externalId, version: 1, title: externalId, kind: 'product', text, score: 1, confidence: 1, headingPath: [], language: 'zh' };
}

export function batch(text: string, cited: SearchResult[] = [], findings: Finding[] = []): EvalSuggestionBatch {
  return {
    suggestions: [{ text, citations: cited.map((item) => ({ chunkId: item.chunkId, documentId: item.documentId, version: 1, title: item.title })), disclosures: [], compliance: { verdict: findings.length ? 'warn' : 'pass', findings }, origin: 'extractive' }],
    knowledge: cited,
    provider: 'fake',
    model: 'fake-1',
  };
}

export function summary(overrides: Partial<Summary> = {}): Summary {
  return {
    reason: '', customerIntent: '', productsDiscussed: [], actionsTaken: [], resolution: 'resolved', followUps: [], commitments: [],
    complaint: { raised: false }, sentiment: { start: 'neutral', end: 'neutral' }, compliance: { findings: [], missingDisclosures: [] },
    evidence: { reason: [], customerIntent: [], resolution: [], complaint: [] }, dispositionCode: 'GENERAL-INQUIRY', language: 'zh',
    provider: 'fake', model: 'fake-1', promptVersion: 'test', ...overrides,
  };
}

/** Fake targets: answers come from the given functions; rules and documents are the sets given. */
export function fakeTargets(overrides: Partial<EvalTargets> & { rules?: string[]; documents?: string[] } = {}): EvalTargets {
  const rules = new Set(overrides.rules ?? ['R-CRIT', 'R-MAJOR']);
  const documents = new Set(overrides.documents ?? ['doc-a', 'doc-b']);
  const { rules: _rules, documents: _documents, ...rest } = overrides;
  return {
    suggest: async () => batch('hello'),
    check: (input: CheckInput): CheckResult => {
      const findings = input.text.includes('guaranteed') ? [finding('R-CRIT', 'critical', 'guaranteed')] : [];
      return { verdict: findings.length ? 'fail' : 'pass', findings, rulesVersion: 'rules-1', tookMs: 0 };
    },
    summarize: async () => summary(),
    search: async () => ({ results: [], tookMs: 0 }),
    documentExists: async (ids) => new Set(ids.filter((id) => documents.has(id))),
    ruleExists: (id) => rules.has(id),
    describeRun: () => ({ provider: 'fake', model: 'fake-1', promptHashes: { suggestions: 'abc' }, rulesVersion: 'rules-1', embedder: 'fake-embedder' }),
    knowledgeState: async () => 'state-1',
    ...rest,
  };
}
