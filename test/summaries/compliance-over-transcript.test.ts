import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createComplianceEngine } from '../../src/compliance/compliance-engine.js';
import { loadComplianceProfiles } from '../../src/compliance/compliance-profiles.js';
import { loadRulePacks } from '../../src/compliance/load-rule-packs.js';
import { complianceOverTranscript } from '../../src/summaries/summary-service.js';

const packs = loadRulePacks(join(import.meta.dirname, '../../evals/rules'));
const profiles = loadComplianceProfiles(join(import.meta.dirname, '../../evals/compliance-profiles.yaml'), packs);
const engine = createComplianceEngine({ packs, profiles, profile: 'CN,US,UK' });

// Our own call: a complaint handled without the UK Ombudsman wording, and an investment offered against savings.
const call = [
  { id: 't1', speaker: 'customer' as const, text: 'I want to complain about the fee you charged me.' },
  { id: 't2', speaker: 'agent' as const, text: "I'm sorry to hear that." },
  { id: 't3', speaker: 'agent' as const, text: 'You could also move your savings into our growth fund for a better yield.' },
];

describe("the summary's compliance section follows the conversation's profile", () => {
  it('lists the UK disclosure under UK, the US one under US, and neither under CN', () => {
    expect(complianceOverTranscript(engine, call, 'en', 'UK').missingDisclosures).toEqual(['UK-CMPL-001']);
    const us = complianceOverTranscript(engine, call, 'en', 'US').missingDisclosures;
    expect(us).toContain('US-DISC-001');
    expect(us).not.toContain('UK-CMPL-001');
    expect(complianceOverTranscript(engine, call, 'en', 'CN')).toEqual({ findings: [], missingDisclosures: [] });
    expect(complianceOverTranscript(engine, call, 'en').missingDisclosures).toEqual(expect.arrayContaining(['UK-CMPL-001', 'US-DISC-001']));
  });
});
