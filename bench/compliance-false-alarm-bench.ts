import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createComplianceEngine, type ComplianceEngine } from '../src/compliance/compliance-engine.js';
import type { CheckInput, ConversationTurn } from '../src/compliance/compliance-types.js';
import { loadRulePacks } from '../src/compliance/load-rule-packs.js';

/**
 * Flag rate on real agent text nobody on the team wrote (../shared/benchmarks, read by path, aggregate figures
 * only): CSDS and TweetSumm agent turns with the turns before them as context, and the answers of two bank FAQs.
 * Careful service talk should almost never be flagged, so every flag here is a likely false alarm (goal < 1%).
 * Per rule, the share of checked texts it flagged; `--show` prints the flagged texts for review.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const benchmarks = `${root}../shared/benchmarks`;

interface RawTurn {
  speaker: string;
  text: string;
}

export interface Source {
  label: string;
  file: string;
  language: 'zh' | 'en';
  checks: (line: string) => CheckInput[];
}

function agentTurns(language: 'zh' | 'en') {
  return (line: string): CheckInput[] => {
    const turns = (JSON.parse(line) as { turns: RawTurn[] }).turns;
    const checks: CheckInput[] = [];
    const context: ConversationTurn[] = [];
    for (const turn of turns) {
      const speaker = turn.speaker === 'agent' ? 'agent' : 'customer';
      if (speaker === 'agent' && turn.text.trim()) checks.push({ text: turn.text, speaker, language, context: [...context] });
      context.push({ speaker, text: turn.text });
    }
    return checks;
  };
}

function faqAnswers(language: 'zh' | 'en') {
  return (line: string): CheckInput[] => {
    const row = JSON.parse(line) as { answer: string; question?: string; standard_questions?: string[] };
    const question = row.question ?? row.standard_questions?.[0];
    return [{ text: row.answer, speaker: 'agent', language, ...(question ? { context: [{ speaker: 'customer' as const, text: question }] } : {}) }];
  };
}

export const sources: Source[] = [
  { label: 'csds agent turns (zh)', file: `${benchmarks}/csds/sample_200.jsonl`, language: 'zh', checks: agentTurns('zh') },
  { label: 'jining bank FAQ answers (zh)', file: `${benchmarks}/jining_bank_faq_dev/kb.jsonl`, language: 'zh', checks: faqAnswers('zh') },
  { label: 'tweetsumm agent turns (en)', file: `${benchmarks}/tweetsumm/test.jsonl`, language: 'en', checks: agentTurns('en') },
  { label: 'tweetsumm valid agent turns (en)', file: `${benchmarks}/tweetsumm/valid.jsonl`, language: 'en', checks: agentTurns('en') },
  { label: 'english bank FAQ answers (en)', file: `${benchmarks}/english_bank_faq/kb.jsonl`, language: 'en', checks: faqAnswers('en') },
];

export function measureFalseAlarms(engine: ComplianceEngine, show = false): string[] {
  const output: string[] = [];
  let totalChecked = 0;
  let totalFlagged = 0;
  const overallByRule = new Map<string, number>();
  for (const source of sources) {
    if (!existsSync(source.file)) continue;
    let checked = 0;
    let flagged = 0;
    const byRule = new Map<string, number>();
    for (const line of readFileSync(source.file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      for (const input of source.checks(line)) {
        const findings = engine.check(input).findings;
        checked += 1;
        if (findings.length === 0) continue;
        flagged += 1;
        for (const finding of findings) {
          byRule.set(finding.ruleId, (byRule.get(finding.ruleId) ?? 0) + 1);
          overallByRule.set(finding.ruleId, (overallByRule.get(finding.ruleId) ?? 0) + 1);
          if (show) output.push(`    ${finding.ruleId} «${finding.evidence.text}» in: ${input.text.slice(0, 160)}`);
        }
      }
    }
    totalChecked += checked;
    totalFlagged += flagged;
    const rules = [...byRule.entries()].sort((left, right) => right[1] - left[1]).map(([ruleId, count]) => `${ruleId} ${((100 * count) / checked).toFixed(2)}%`);
    output.push(`  ${source.label.padEnd(34)} ${flagged}/${checked} flagged (${((100 * flagged) / Math.max(1, checked)).toFixed(2)}%)  ${rules.join(', ')}`);
  }
  const perRule = [...overallByRule.entries()].sort((left, right) => right[1] - left[1]).map(([ruleId, count]) => `${ruleId} ${((100 * count) / totalChecked).toFixed(2)}%`);
  output.push(`  overall ${totalFlagged}/${totalChecked} flagged (${((100 * totalFlagged) / Math.max(1, totalChecked)).toFixed(2)}%; goal < 1%)`);
  output.push(`  per rule, share of all checked texts: ${perRule.join(', ') || 'none'}`);
  return ['False alarms on real agent text (flag rate; aggregate only):', ...output];
}

export async function main(): Promise<void> {
  if (!existsSync(benchmarks)) {
    console.log(`compliance false alarms: ${benchmarks} not found, skipped`);
    return;
  }
  const engine = createComplianceEngine({ packs: loadRulePacks(`${root}evals/rules`) });
  for (const line of measureFalseAlarms(engine, process.argv.includes('--show'))) console.log(line);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
