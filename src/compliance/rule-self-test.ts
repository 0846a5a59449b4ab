import { createHash } from 'node:crypto';
import { createComplianceEngine } from './compliance-engine.js';
import type { CheckInput } from './compliance-types.js';
import { RulePackError } from './rule-pack-error.js';
import type { RuleExample, RulePack } from './rule-pack-schema.js';

export type RuleCaseKind = 'violating' | 'compliant' | 'paraphrase';

export interface RuleCaseFailure {
  kind: RuleCaseKind;
  text: string;
  /** What went wrong: the rule missed a violating phrasing, or flagged a compliant one. */
  problem: 'missed' | 'false_alarm';
}

export interface RuleTestReport {
  ruleId: string;
  packId: string;
  file: string;
  counts: Record<RuleCaseKind, { passed: number; total: number }>;
  failures: RuleCaseFailure[];
}

/** A rule-pack example as the check it stands for (its speaker, context and customer kept). */
export function exampleInput(example: RuleExample, language: 'zh' | 'en'): CheckInput {
  if (typeof example === 'string') return { text: example, language };
  const input: CheckInput = { text: example.text, language };
  if (example.speaker) input.speaker = example.speaker;
  if (example.context) input.context = example.context;
  if (example.customer) input.customer = example.customer;
  return input;
}

export const exampleText = (example: RuleExample): string => (typeof example === 'string' ? example : example.text);

/**
 * Runs every rule's examples and paraphrases through an engine holding every pack (profiles aside: a rule's cases
 * hold whichever deployment runs it). A violating example or a paraphrase must be flagged by its rule; a compliant
 * example must not be.
 */
export function testRulePacks(packs: readonly RulePack[]): RuleTestReport[] {
  const engine = createComplianceEngine({ packs: [...packs] });
  const reports: RuleTestReport[] = [];
  for (const pack of packs) {
    for (const rule of pack.rules) {
      const report: RuleTestReport = {
        ruleId: rule.id,
        packId: pack.id,
        file: pack.file ?? pack.id,
        counts: { violating: { passed: 0, total: 0 }, compliant: { passed: 0, total: 0 }, paraphrase: { passed: 0, total: 0 } },
        failures: [],
      };
      const cases: [RuleCaseKind, RuleExample][] = [
        ...rule.examples.violating.map((example): [RuleCaseKind, RuleExample] => ['violating', example]),
        ...rule.examples.compliant.map((example): [RuleCaseKind, RuleExample] => ['compliant', example]),
        ...(rule.paraphrases ?? []).map((example): [RuleCaseKind, RuleExample] => ['paraphrase', example]),
      ];
      for (const [kind, example] of cases) {
        const flagged = engine.check(exampleInput(example, pack.language)).findings.some((finding) => finding.ruleId === rule.id);
        const shouldFlag = kind !== 'compliant';
        report.counts[kind].total += 1;
        if (flagged === shouldFlag) report.counts[kind].passed += 1;
        else report.failures.push({ kind, text: exampleText(example), problem: shouldFlag ? 'missed' : 'false_alarm' });
      }
      reports.push(report);
    }
  }
  return reports;
}

/** Contents already found passing in this process: a second runtime over the same packs (tests, CLI) skips the run. */
const passingContents = new Set<string>();

/** Start-up gate: a rule whose examples or paraphrases fail stops the service, naming the file, the rule and the case. */
export function assertRulePacksPass(packs: readonly RulePack[]): void {
  const contents = createHash('sha256').update(JSON.stringify(packs.map(({ file: _file, ...pack }) => pack))).digest('hex');
  if (passingContents.has(contents)) return;
  const failing = testRulePacks(packs).find((report) => report.failures.length > 0);
  if (!failing) {
    passingContents.add(contents);
    return;
  }
  const failure = failing.failures[0]!;
  const more = failing.failures.length > 1 ? ` (and ${failing.failures.length - 1} more; run \`agent-assist rules test\`)` : '';
  const what = failure.problem === 'missed' ? `${failure.kind} case not flagged` : 'compliant example flagged';
  throw new RulePackError(failing.file, failing.ruleId, `${what}: "${failure.text}"${more}`);
}

/** One block per pack: a row per rule with passed/total per kind of case, then each failing case under its rule. */
export function formatRuleTestTable(reports: readonly RuleTestReport[]): string {
  const cell = (count: { passed: number; total: number }): string => (count.total === 0 ? '-' : `${count.passed}/${count.total}`);
  const lines: string[] = [];
  const widths = [18, 10, 10, 12, 6];
  const row = (values: string[]): string => values.map((value, index) => value.padEnd(widths[index] ?? 0)).join('  ').trimEnd();
  let pack: string | undefined;
  for (const report of reports) {
    if (report.packId !== pack) {
      pack = report.packId;
      if (lines.length > 0) lines.push('');
      lines.push(`${report.packId} (${report.file})`);
      lines.push(row(['rule', 'violating', 'compliant', 'paraphrases', 'status']));
    }
    lines.push(row([report.ruleId, cell(report.counts.violating), cell(report.counts.compliant), cell(report.counts.paraphrase), report.failures.length === 0 ? 'ok' : 'FAIL']));
    for (const failure of report.failures) lines.push(`    ${failure.problem === 'missed' ? 'missed' : 'false alarm on'} ${failure.kind}: ${failure.text}`);
  }
  const failing = reports.filter((report) => report.failures.length > 0).length;
  const cases = reports.reduce((sum, report) => sum + report.counts.violating.total + report.counts.compliant.total + report.counts.paraphrase.total, 0);
  lines.push('', `${reports.length} rules, ${cases} cases: ${failing === 0 ? 'all pass' : `${failing} rule${failing === 1 ? '' : 's'} failing`}`);
  return `${lines.join('\n')}\n`;
}
