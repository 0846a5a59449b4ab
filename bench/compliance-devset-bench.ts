import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createComplianceEngine, type ComplianceEngine } from '../src/compliance/compliance-engine.js';
import type { CheckInput } from '../src/compliance/compliance-types.js';
import { loadRulePacks } from '../src/compliance/load-rule-packs.js';

/**
 * The shared development set (../shared/devsets/compliance-dev.jsonl, read by path and never copied), scored
 * in process the way score-compliance.mjs scores the HTTP service: an utterance is flagged when it has any
 * finding. Aggregate figures per language and per rule family; `--misses` lists the disagreements by id only.
 */
interface DevItem {
  id: string;
  lang: 'zh' | 'en';
  context: string;
  utterance: string;
  violations: string[];
}

const root = fileURLToPath(new URL('..', import.meta.url));
const defaultFile = `${root}../shared/devsets/compliance-dev.jsonl`;

function toInput(item: DevItem): CheckInput {
  const input: CheckInput = { text: item.utterance, speaker: 'agent', language: item.lang };
  if (item.context) input.context = [{ speaker: 'customer', text: item.context }];
  return input;
}

interface Tally {
  violating: number;
  caught: number;
  compliant: number;
  falseAlarms: number;
  expectedRule: number;
}

const percent = (part: number, whole: number): string => `${part}/${whole} (${((100 * part) / Math.max(1, whole)).toFixed(1)}%)`;

export function scoreDevSet(engine: ComplianceEngine, items: readonly DevItem[], listMisses = false): string[] {
  const tallies = new Map<string, Tally>();
  const misses: string[] = [];
  const tally = (key: string): Tally => {
    const found = tallies.get(key) ?? { violating: 0, caught: 0, compliant: 0, falseAlarms: 0, expectedRule: 0 };
    tallies.set(key, found);
    return found;
  };
  for (const item of items) {
    const found = engine.check(toInput(item)).findings.map((finding) => finding.ruleId);
    const flagged = found.length > 0;
    for (const key of ['all', item.lang]) {
      const counts = tally(key);
      if (item.violations.length > 0) {
        counts.violating += 1;
        if (flagged) counts.caught += 1;
        if (item.violations.some((ruleId) => found.includes(ruleId))) counts.expectedRule += 1;
      } else {
        counts.compliant += 1;
        if (flagged) counts.falseAlarms += 1;
      }
    }
    if (listMisses && (item.violations.length > 0) !== flagged) misses.push(`  ${item.id} expected [${item.violations.join(',')}] found [${found.join(',')}]`);
    else if (listMisses && flagged && !item.violations.some((ruleId) => found.includes(ruleId))) misses.push(`  ${item.id} expected [${item.violations.join(',')}] found [${found.join(',')}] (other rule)`);
  }
  const output: string[] = [];
  for (const key of ['all', 'zh', 'en']) {
    const counts = tally(key);
    const flagged = counts.caught + counts.falseAlarms;
    output.push(
      `  ${key.padEnd(3)} recall ${percent(counts.caught, counts.violating)} | precision ${percent(counts.caught, flagged)} | false alarms ${percent(counts.falseAlarms, counts.compliant)} | expected rule ${percent(counts.expectedRule, counts.violating)}`,
    );
  }
  return [...output, ...misses];
}

export async function main(): Promise<void> {
  const file = process.env.COMPLIANCE_DEVSET ?? defaultFile;
  if (!existsSync(file)) {
    console.log(`compliance dev set: ${file} not found, skipped`);
    return;
  }
  const items = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as DevItem);
  const engine = createComplianceEngine({ packs: loadRulePacks(`${root}evals/rules`) });
  console.log(`Compliance dev set (${items.length} utterances, ${file}), utterance level:`);
  for (const line of scoreDevSet(engine, items, process.argv.includes('--misses'))) console.log(line);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
