import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createComplianceEngine, type ComplianceEngine } from '../src/compliance/compliance-engine.js';
import type { CheckInput, ConversationTurn, CustomerProfile } from '../src/compliance/compliance-types.js';
import { loadRulePacks } from '../src/compliance/load-rule-packs.js';

/**
 * Accuracy of the deterministic rules on our labelled set (evals/compliance/*.jsonl), utterance-level and
 * rule-level, per language and per rule, and the flag rate on real agent text (latency: compliance-latency-bench.ts).
 */
interface LabelledUtterance {
  id: string;
  language: 'zh' | 'en';
  text: string;
  speaker?: 'agent' | 'customer';
  context?: ConversationTurn[];
  customer?: CustomerProfile;
  expected: string[];
  note?: string;
  /** The obligation an item was written for (blind set), reported per category at utterance level. */
  category?: string;
}

interface Counts {
  truePositive: number;
  falsePositive: number;
  falseNegative: number;
}

const root = fileURLToPath(new URL('..', import.meta.url));

export function readLabelledSet(file: string): LabelledUtterance[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as LabelledUtterance);
}

function toInput(row: LabelledUtterance): CheckInput {
  const input: CheckInput = { text: row.text, language: row.language };
  if (row.speaker) input.speaker = row.speaker;
  if (row.context) input.context = row.context;
  if (row.customer) input.customer = row.customer;
  return input;
}

const empty = (): Counts => ({ truePositive: 0, falsePositive: 0, falseNegative: 0 });

function scores(counts: Counts): { precision: number; recall: number; f1: number } {
  const precision = counts.truePositive + counts.falsePositive === 0 ? 1 : counts.truePositive / (counts.truePositive + counts.falsePositive);
  const recall = counts.truePositive + counts.falseNegative === 0 ? 1 : counts.truePositive / (counts.truePositive + counts.falseNegative);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}

function line(label: string, counts: Counts): string {
  const { precision, recall, f1 } = scores(counts);
  const figure = (value: number) => value.toFixed(3);
  return `${label.padEnd(16)} P=${figure(precision)} R=${figure(recall)} F1=${figure(f1)}  (tp=${counts.truePositive} fp=${counts.falsePositive} fn=${counts.falseNegative})`;
}

export function measureAccuracy(engine: ComplianceEngine, rows: readonly LabelledUtterance[]): string[] {
  const utterance = new Map<string, Counts>();
  const ruleLevel = new Map<string, Counts>();
  const perRule = new Map<string, Counts>();
  const perCategory = new Map<string, Counts & { trueNegative: number }>();
  const misses: string[] = [];
  const bump = (map: Map<string, Counts>, key: string, field: keyof Counts) => {
    const counts = map.get(key) ?? empty();
    counts[field] += 1;
    map.set(key, counts);
  };
  for (const row of rows) {
    const predicted = new Set(engine.check(toInput(row)).findings.map((finding) => finding.ruleId));
    const expected = new Set(row.expected);
    for (const language of [row.language, 'all']) {
      if (expected.size > 0 && predicted.size > 0) bump(utterance, language, 'truePositive');
      else if (expected.size === 0 && predicted.size > 0) bump(utterance, language, 'falsePositive');
      else if (expected.size > 0 && predicted.size === 0) bump(utterance, language, 'falseNegative');
      for (const ruleId of predicted) bump(ruleLevel, language, expected.has(ruleId) ? 'truePositive' : 'falsePositive');
      for (const ruleId of expected) if (!predicted.has(ruleId)) bump(ruleLevel, language, 'falseNegative');
    }
    if (row.category) {
      const counts = perCategory.get(row.category) ?? { ...empty(), trueNegative: 0 };
      if (expected.size > 0) counts[predicted.size > 0 ? 'truePositive' : 'falseNegative'] += 1;
      else if (predicted.size > 0) counts.falsePositive += 1;
      else counts.trueNegative += 1;
      perCategory.set(row.category, counts);
    }
    for (const ruleId of predicted) bump(perRule, ruleId, expected.has(ruleId) ? 'truePositive' : 'falsePositive');
    for (const ruleId of expected) if (!predicted.has(ruleId)) bump(perRule, ruleId, 'falseNegative');
    const missing = [...expected].filter((ruleId) => !predicted.has(ruleId));
    const extra = [...predicted].filter((ruleId) => !expected.has(ruleId));
    if (missing.length || extra.length) misses.push(`  ${row.id}: missed [${missing.join(', ')}] extra [${extra.join(', ')}]  ${row.text}`);
  }
  const output = ['Utterance level (any finding vs any expected):'];
  for (const language of ['zh', 'en', 'all']) output.push(`  ${line(language, utterance.get(language) ?? empty())}`);
  output.push('Rule level (each expected/predicted rule id):');
  for (const language of ['zh', 'en', 'all']) output.push(`  ${line(language, ruleLevel.get(language) ?? empty())}`);
  output.push('Per rule:');
  for (const ruleId of [...perRule.keys()].sort()) output.push(`  ${line(ruleId, perRule.get(ruleId) ?? empty())}`);
  if (perCategory.size > 0) {
    output.push('Per category (utterance level: violations caught / missed, compliant flagged / passed):');
    for (const [category, counts] of [...perCategory.entries()].sort()) {
      output.push(`  ${category.padEnd(26)} caught=${counts.truePositive} missed=${counts.falseNegative} falseAlarm=${counts.falsePositive} passed=${counts.trueNegative}`);
    }
  }
  output.push(`Disagreements (${misses.length}):`, ...misses);
  return output;
}

interface DialogueTurn {
  speaker: string;
  text: string;
}

/**
 * How often the rules fire on real agent turns nobody on the team wrote (../shared/benchmarks, read by path,
 * aggregate figures only, never used to tune rules). Unlabelled and mostly ordinary service talk, so the flag
 * rate is a rough upper bound on false alarms.
 */
export function measureFlagRate(engine: ComplianceEngine): string[] {
  const benchmarks = `${root}../shared/benchmarks`;
  const output: string[] = [];
  const sources: { label: string; file: string; language: 'zh' | 'en'; turns: (line: string) => DialogueTurn[] | undefined; answer?: (line: string) => string }[] = [
    { label: 'csds agent turns (zh)', file: `${benchmarks}/csds/sample_200.jsonl`, language: 'zh', turns: (line) => (JSON.parse(line) as { turns: DialogueTurn[] }).turns },
    { label: 'tweetsumm agent turns (en)', file: `${benchmarks}/tweetsumm/test.jsonl`, language: 'en', turns: (line) => (JSON.parse(line) as { turns: DialogueTurn[] }).turns },
    { label: 'bank FAQ answers (en)', file: `${benchmarks}/english_bank_faq/kb.jsonl`, language: 'en', turns: () => undefined, answer: (line) => (JSON.parse(line) as { answer: string }).answer },
  ];
  for (const source of sources) {
    if (!existsSync(source.file)) continue;
    let checked = 0;
    let flagged = 0;
    const byRule = new Map<string, number>();
    for (const line of readFileSync(source.file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const checks: CheckInput[] = [];
      if (source.answer) checks.push({ text: source.answer(line), language: source.language });
      for (const [index, turn] of (source.turns(line) ?? []).entries()) {
        if (turn.speaker !== 'agent') continue;
        const context = (source.turns(line) ?? []).slice(0, index).map((earlier) => ({ speaker: earlier.speaker === 'agent' ? ('agent' as const) : ('customer' as const), text: earlier.text }));
        checks.push({ text: turn.text, language: source.language, context });
      }
      for (const input of checks) {
        const findings = engine.check(input).findings;
        checked += 1;
        if (findings.length > 0) flagged += 1;
        for (const finding of findings) byRule.set(finding.ruleId, (byRule.get(finding.ruleId) ?? 0) + 1);
      }
    }
    const top = [...byRule.entries()].sort((left, right) => right[1] - left[1]).slice(0, 6).map(([ruleId, count]) => `${ruleId}=${count}`);
    output.push(`  ${source.label.padEnd(28)} ${flagged}/${checked} flagged (${((100 * flagged) / Math.max(1, checked)).toFixed(1)}%)  ${top.join(' ')}`);
  }
  return output.length ? ['Flag rate on real, unlabelled agent text (aggregate only):', ...output] : [];
}

export async function main(): Promise<void> {
  const packs = loadRulePacks(`${root}evals/rules`);
  const engine = createComplianceEngine({ packs });
  const counts = packs.reduce(
    (total, pack) => ({ ...total, [pack.language]: (total[pack.language] ?? 0) + pack.rules.length }),
    {} as Record<string, number>,
  );
  console.log(`rulesVersion=${engine.rulesVersion} rules: zh=${counts.zh ?? 0} en=${counts.en ?? 0}`);
  // labelled-utterances: the development set (its misses guided lexicon work). holdout-utterances: written
  // after the rules were frozen and never tuned on, so it is the better estimate of generality.
  // blind-utterances: written from the obligations before the rules were read, labelled by category and then
  // mapped to rule ids; its first-run figures are the honest estimate, later runs are tuned on it.
  // fresh-utterances: a small check written after the blind-set fixes and never tuned on.
  // wave3-fresh-utterances: 24 new phrasings written after the dev-set work (issue 12, wave 3); first run recall
  // 6/12 violating, 0/12 compliant flagged; its misses then fixed by mechanism, so later runs are tuned on it.
  // wave4-fresh-utterances: 120 phrasings (60 zh, 60 en, 66 violating) written from the rule explanations before
  // the wave-4 rule changes (issue 12); first run recall 35/66 (zh 18/33, en 17/33), precision 35/39; its misses
  // then fixed by mechanism (paraphrase classes in the word families), so later runs are tuned on it.
  // wave4-holdout-utterances: 48 phrasings written after those fixes; first run recall 13/28 (zh 9/14, en 4/14),
  // precision 13/13 (the rules before wave 4: 11/28); its misses then fixed by mechanism too.
  // wave4-check-utterances: 24 phrasings written after both passes; first run recall 4/14 (zh 2/7, en 2/7),
  // precision 4/4 (the rules before wave 4: 3/14): phrasings nobody listed stay hard for patterns alone.
  const rows: LabelledUtterance[] = [];
  for (const name of ['labelled-utterances', 'holdout-utterances', 'blind-utterances', 'fresh-utterances', 'wave3-fresh-utterances', 'wave4-fresh-utterances', 'wave4-holdout-utterances', 'wave4-check-utterances']) {
    const file = `${root}evals/compliance/${name}.jsonl`;
    if (!existsSync(file)) continue;
    const set = readLabelledSet(file);
    rows.push(...set);
    const zhRows = set.filter((row) => row.language === 'zh').length;
    console.log(`\n== ${name}: ${set.length} utterances (zh=${zhRows}, en=${set.length - zhRows}, compliant=${set.filter((row) => row.expected.length === 0).length})`);
    for (const output of measureAccuracy(engine, set)) console.log(output);
  }
  console.log('');
  for (const output of measureFlagRate(engine)) console.log(output);
  // Latency is measured by compliance-latency-bench.ts (live turns with context, every rule in force, one pinned core).
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
