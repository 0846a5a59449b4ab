import type { Finding } from '../../compliance/compliance-types.js';
import { failed, passed, type ScoreResult } from './score-result.js';

function describe(findings: readonly Finding[]): string {
  return findings.map((finding) => `${finding.ruleId} (${finding.severity}) "${finding.evidence.text}"`).join('; ');
}

export function scoreRuleAbsent(findings: readonly Finding[], ruleId: string): ScoreResult {
  const hits = findings.filter((finding) => finding.ruleId === ruleId);
  return hits.length === 0 ? passed(`${ruleId} not triggered`) : failed(`${ruleId} triggered: ${describe(hits)}`);
}

export function scoreRulePresent(findings: readonly Finding[], ruleId: string): ScoreResult {
  const hits = findings.filter((finding) => finding.ruleId === ruleId);
  if (hits.length > 0) return passed(`${ruleId} found: "${hits[0]?.evidence.text ?? ''}"`);
  const others = findings.length > 0 ? `; found ${findings.map((finding) => finding.ruleId).join(', ')}` : '; no findings';
  return failed(`${ruleId} expected but not found${others}`);
}

/** No finding of major or critical severity from any rule (minor ones are coaching, not failures). */
export function scoreNoViolations(findings: readonly Finding[], ignoredRuleIds: readonly string[] = []): ScoreResult {
  const serious = findings.filter((finding) => finding.severity !== 'minor' && !ignoredRuleIds.includes(finding.ruleId));
  return serious.length === 0 ? passed('no major or critical finding') : failed(describe(serious));
}

export function scoreClean(findings: readonly Finding[]): ScoreResult {
  return findings.length === 0 ? passed('no findings') : failed(`expected no findings, got ${describe(findings)}`);
}

export function scoreVerdict(actual: string, expected: string): ScoreResult {
  return actual === expected ? passed(`verdict ${actual}`) : failed(`verdict ${actual}, expected ${expected}`);
}

export function scoreDisclosures(present: readonly string[], required: readonly string[]): ScoreResult {
  const missing = required.filter((ruleId) => !present.includes(ruleId));
  if (missing.length === 0) return passed(`carries ${required.join(', ')}`);
  return failed(`missing disclosure(s) ${missing.join(', ')}`, (required.length - missing.length) / required.length);
}
