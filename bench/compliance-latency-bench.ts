import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createComplianceEngine, contextWindowTurns, type ComplianceEngine } from '../src/compliance/compliance-engine.js';
import { loadComplianceProfiles } from '../src/compliance/compliance-profiles.js';
import type { CheckInput, ConversationTurn, Language } from '../src/compliance/compliance-types.js';
import { loadRulePacks } from '../src/compliance/load-rule-packs.js';

/**
 * The synchronous tier's latency target: one agent utterance against every rule in force (every pack of every
 * profile, frames included), p99 <= 1 ms and >= 20,000 utterances/s on one core.
 *
 * What is checked is what the service checks on a live turn: the agent's text with the turns before it (up to the
 * 30-turn window), its language given. The utterances are real and varied: the team's labelled sets, CSDS and
 * TweetSumm agent turns with their conversations (../shared/benchmarks, by path), and the shared dev set.
 *
 * One core: the process re-runs itself under `taskset` on one CPU, so the JIT and garbage-collector threads share
 * that core with the checks; throughput is checks per CPU-second of the whole process. The machine is shared, so
 * wall-clock samples include time the process waited for the CPU: the p99 is reported both raw and as the p99
 * over utterances of each one's median of several runs (a wait hits a few runs of an utterance, not most of them).
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const benchmarks = `${root}../shared/benchmarks`;
const devSet = `${root}../shared/devsets/compliance-dev.jsonl`;
const maximumChecks = 4_000;
const runsPerUtterance = 7;

interface RawTurn {
  speaker: string;
  text: string;
}

function liveTurns(file: string, language: Language, limit: number): CheckInput[] {
  if (!existsSync(file)) return [];
  const checks: CheckInput[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim() || checks.length >= limit) continue;
    const context: ConversationTurn[] = [];
    for (const turn of (JSON.parse(line) as { turns: RawTurn[] }).turns) {
      const speaker = turn.speaker === 'agent' ? 'agent' : 'customer';
      if (speaker === 'agent' && turn.text.trim()) checks.push({ text: turn.text, speaker, language, context: context.slice(-contextWindowTurns) });
      context.push({ speaker, text: turn.text });
    }
  }
  return checks.slice(0, limit);
}

function labelledTurns(): CheckInput[] {
  const checks: CheckInput[] = [];
  for (const name of ['labelled-utterances', 'holdout-utterances', 'blind-utterances', 'fresh-utterances']) {
    const file = `${root}evals/compliance/${name}.jsonl`;
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const row = JSON.parse(line) as { text: string; language: Language; speaker?: 'agent' | 'customer'; context?: ConversationTurn[]; customer?: CheckInput['customer'] };
      checks.push({ text: row.text, language: row.language, speaker: row.speaker ?? 'agent', ...(row.context ? { context: row.context } : {}), ...(row.customer ? { customer: row.customer } : {}) });
    }
  }
  if (existsSync(devSet)) {
    for (const line of readFileSync(devSet, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const item = JSON.parse(line) as { lang: Language; context: string; utterance: string };
      checks.push({ text: item.utterance, language: item.lang, speaker: 'agent', ...(item.context ? { context: [{ speaker: 'customer' as const, text: item.context }] } : {}) });
    }
  }
  return checks;
}

export function workload(): CheckInput[] {
  const labelled = labelledTurns();
  const rest = Math.max(0, maximumChecks - labelled.length);
  return [
    ...labelled,
    ...liveTurns(`${benchmarks}/csds/sample_200.jsonl`, 'zh', Math.ceil(rest / 2)),
    ...liveTurns(`${benchmarks}/tweetsumm/test.jsonl`, 'en', Math.floor(rest / 2)),
  ];
}

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))] ?? 0;
}

const milliseconds = (value: number): string => `${value.toFixed(4)} ms`;

/** Per-check timings and throughput of `check` over `inputs` (each input is one utterance against every rule in force). */
export function measure(check: (input: CheckInput) => unknown, inputs: readonly CheckInput[]): string[] {
  // Warm up the JIT and the regular-expression code caches.
  for (let round = 0; round < 5; round += 1) for (const input of inputs) check(input);
  const perInput: number[][] = inputs.map(() => []);
  const samples: number[] = [];
  for (let round = 0; round < runsPerUtterance; round += 1) {
    for (const [index, input] of inputs.entries()) {
      const started = process.hrtime.bigint();
      check(input);
      const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
      samples.push(elapsed);
      perInput[index]?.push(elapsed);
    }
  }
  samples.sort((left, right) => left - right);
  const medians = perInput.map((runs) => [...runs].sort((left, right) => left - right)[runs.length >> 1] ?? 0).sort((left, right) => left - right);
  const cpuStarted = process.cpuUsage();
  const wallStarted = performance.now();
  let checked = 0;
  while (performance.now() - wallStarted < 3_000) {
    for (const input of inputs) check(input);
    checked += inputs.length;
  }
  const wallSeconds = (performance.now() - wallStarted) / 1_000;
  const cpu = process.cpuUsage(cpuStarted);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return [
    `    wall samples (${samples.length.toLocaleString('en-US')}): p50 ${milliseconds(percentile(samples, 0.5))}  p99 ${milliseconds(percentile(samples, 0.99))}  max ${milliseconds(samples[samples.length - 1] ?? 0)}`,
    `    per utterance, median of ${runsPerUtterance} runs (${medians.length.toLocaleString('en-US')} utterances): p50 ${milliseconds(percentile(medians, 0.5))}  p99 ${milliseconds(percentile(medians, 0.99))}  max ${milliseconds(medians[medians.length - 1] ?? 0)}`,
    `    throughput: ${Math.round(checked / cpuSeconds).toLocaleString('en-US')} utterances per CPU-second (${Math.round(checked / wallSeconds).toLocaleString('en-US')}/s wall, CPU share ${((100 * cpuSeconds) / wallSeconds).toFixed(0)}%)`,
  ];
}

/** Checks of the longest texts stay linear: near-misses every frame must scope (negated, quoted, asked), and a 100 kB one. */
function measureLongTexts(engine: ComplianceEngine): string[] {
  const nearMisses = {
    zh: '这款理财不能当成存款，也没人能说“稳赚”，您问会不会亏吗？不保本的。',
    en: "I can't promise it's like a CD; nobody can say it \"can't lose\". Is it guaranteed? No. ",
  };
  const output: string[] = [];
  for (const language of ['zh', 'en'] as const) {
    const timings: string[] = [];
    for (const length of [5_000, 10_000, 20_000]) {
      const text = nearMisses[language].repeat(Math.ceil(length / nearMisses[language].length)).slice(0, length);
      const cpu = process.cpuUsage();
      const findings = engine.check({ text, language, context: [{ speaker: 'customer', text: '这个理财会不会亏? is it safe?' }] }).findings.length;
      const used = process.cpuUsage(cpu);
      timings.push(`${length.toLocaleString('en-US')} chars ${((used.user + used.system) / 1_000).toFixed(1)} ms CPU (${findings} findings)`);
    }
    output.push(`  ${language} near-miss text, growth with length: ${timings.join(', ')}`);
  }
  const cpu = process.cpuUsage();
  engine.check({ text: '这款理财保本保息，'.repeat(11_000).slice(0, 100_000), language: 'zh' });
  const used = process.cpuUsage(cpu);
  output.push(`  100 kB utterance: ${((used.user + used.system) / 1_000).toFixed(1)} ms CPU`);
  return output;
}

function pinnedCpu(): string | undefined {
  const index = process.argv.indexOf('--pinned');
  return index >= 0 ? process.argv[index + 1] : undefined;
}

export function run(): string[] {
  const packs = loadRulePacks(`${root}evals/rules`);
  const profiles = loadComplianceProfiles(`${root}evals/compliance-profiles.yaml`, packs);
  const everyProfile = [...profiles.profiles.keys()].join(',');
  const engine: ComplianceEngine = createComplianceEngine({ packs, profiles, profile: everyProfile });
  const inForce = engine.describe().packs.flatMap((pack) => pack.rules.map(() => pack.language));
  const frames = packs.flatMap((pack) => pack.rules).reduce((total, rule) => total + (rule.detector.frames?.length ?? 0), 0);
  const inputs = workload();
  const withContext = inputs.filter((input) => (input.context?.length ?? 0) > 0).length;
  const output = [
    `Compliance latency: one utterance against every rule in force (profile ${everyProfile}: ${inForce.length} rules, zh ${inForce.filter((language) => language === 'zh').length}, en ${inForce.filter((language) => language === 'en').length}; ${frames} meaning frames)`,
    `  ${inputs.length.toLocaleString('en-US')} live agent turns (${withContext.toLocaleString('en-US')} with the turns before them), ${pinnedCpu() === undefined ? 'not pinned (taskset unavailable)' : `pinned to CPU ${pinnedCpu()}`}; load average ${loadavg().map((value) => value.toFixed(2)).join(' ')} on ${cpus().length} cores`,
    '  engine.check (the primary language pack in full, prohibitions of any other language a sentence is in):',
    ...measure((input) => engine.check(input), inputs),
    // The upper bound: both languages' packs in full on every utterance.
    '  every rule of both languages on every utterance (two checks, zh and en packs in full):',
    ...measure((input) => {
      engine.check({ ...input, language: 'zh' });
      engine.check({ ...input, language: 'en' });
    }, inputs),
    ...measureLongTexts(engine),
    `  load average after ${loadavg().map((value) => value.toFixed(2)).join(' ')}`,
  ];
  return output;
}

export async function main(): Promise<void> {
  if (pinnedCpu() !== undefined || process.argv.includes('--unpinned')) {
    for (const line of run()) console.log(line);
    return;
  }
  // Re-run pinned to one CPU, so "one core" holds for every thread of the process.
  const script = fileURLToPath(import.meta.url);
  const pinned = spawnSync('taskset', ['-c', '0', process.execPath, '--import', 'tsx', script, '--pinned', '0'], { cwd: root, stdio: 'inherit' });
  if (pinned.error || pinned.status !== 0) {
    for (const line of run()) console.log(line);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
