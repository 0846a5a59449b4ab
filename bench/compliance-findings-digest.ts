import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createComplianceEngine, type ComplianceEngine } from '../src/compliance/compliance-engine.js';
import { loadComplianceProfiles } from '../src/compliance/compliance-profiles.js';
import type { CheckInput, Language } from '../src/compliance/compliance-types.js';
import { loadRulePacks } from '../src/compliance/load-rule-packs.js';
import type { RuleExample } from '../src/compliance/rule-pack-schema.js';
import { sources as falseAlarmSources } from './compliance-false-alarm-bench.js';
import { workload } from './compliance-latency-bench.js';

/**
 * The findings-identity guard of engine speed work: a faster engine must find exactly what the slower one found.
 *
 * Every utterance of the shared dev set, the false-alarm corpus (the false-alarm bench's sources), the latency
 * bench's workload and every rule's examples and paraphrases is checked, under both engines the service builds
 * (all packs, as the self-test and the false-alarm bench do; every profile, as the latency bench does), in its own
 * language and in the other one (the other language's prohibitions run on mixed-language text), with `explain`.
 * The disclosures the guard would append are asked for too. All of it is hashed, except timings.
 *
 * `--record` stores the digest in bench/compliance-findings-digest.json next to the rules version it was taken on;
 * without it the digest is compared with the stored one (exit 1 on a difference). The digest is only comparable
 * for the same rules: when the packs change (rulesVersion differs) it says so and is to be recorded again on the
 * engine before the change. `--dump <file>` writes one line per check (outside the repository: it holds dev-set text).
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const devSet = `${root}../shared/devsets/compliance-dev.jsonl`;
const recordFile = `${root}bench/compliance-findings-digest.json`;

interface Stored {
  rulesVersion: string;
  checks: number;
  digest: string;
}

function exampleInput(example: RuleExample, language: Language): CheckInput {
  return typeof example === 'string' ? { text: example, language } : { ...example, language };
}

function inputs(): { label: string; checks: CheckInput[] }[] {
  const groups: { label: string; checks: CheckInput[] }[] = [];
  if (existsSync(devSet)) {
    const checks: CheckInput[] = [];
    for (const line of readFileSync(devSet, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const item = JSON.parse(line) as { lang: Language; context?: string; utterance: string };
      checks.push({ text: item.utterance, language: item.lang, speaker: 'agent', ...(item.context ? { context: [{ speaker: 'customer' as const, text: item.context }] } : {}) });
    }
    groups.push({ label: 'dev set', checks });
  }
  for (const source of falseAlarmSources) {
    if (!existsSync(source.file)) continue;
    const checks: CheckInput[] = [];
    for (const line of readFileSync(source.file, 'utf8').split('\n')) if (line.trim()) checks.push(...source.checks(line));
    groups.push({ label: source.label, checks });
  }
  groups.push({ label: 'latency workload', checks: workload() });
  const examples: CheckInput[] = [];
  for (const pack of loadRulePacks(`${root}evals/rules`)) {
    for (const rule of pack.rules) {
      for (const example of [...rule.examples.violating, ...rule.examples.compliant, ...(rule.paraphrases ?? [])]) examples.push(exampleInput(example, pack.language));
    }
  }
  groups.push({ label: 'rule examples and paraphrases', checks: examples });
  return groups;
}

function describeCheck(engine: ComplianceEngine, input: CheckInput): string {
  const { tookMs: _tookMs, ...result } = engine.check({ ...input, explain: true });
  return JSON.stringify([result, engine.requiredDisclosures(input)]);
}

export function digest(dump?: string): { stored: Stored; lines: string[] } {
  const packs = loadRulePacks(`${root}evals/rules`);
  const profiles = loadComplianceProfiles(`${root}evals/compliance-profiles.yaml`, packs);
  const engines: [string, ComplianceEngine][] = [
    ['all packs', createComplianceEngine({ packs })],
    ['every profile', createComplianceEngine({ packs, profiles, profile: [...profiles.profiles.keys()].join(',') })],
  ];
  const hash = createHash('sha256');
  const dumped: string[] = [];
  const lines: string[] = [];
  let checks = 0;
  let findings = 0;
  for (const group of inputs()) {
    const groupHash = createHash('sha256');
    for (const [engineLabel, engine] of engines) {
      for (const input of group.checks) {
        for (const language of ['zh', 'en'] as const) {
          const line = describeCheck(engine, { ...input, language });
          findings += (JSON.parse(line) as [{ findings: unknown[] }])[0].findings.length;
          hash.update(line).update('\n');
          groupHash.update(line).update('\n');
          checks += 1;
          if (dump) dumped.push(`${group.label}\t${engineLabel}\t${language}\t${line}`);
        }
      }
    }
    lines.push(`  ${group.label}: ${group.checks.length} utterances, digest ${groupHash.digest('hex').slice(0, 16)}`);
  }
  if (dump) writeFileSync(dump, `${dumped.join('\n')}\n`);
  lines.push(`  ${checks} checks, ${findings} findings`);
  return { stored: { rulesVersion: engines[0]?.[1].rulesVersion ?? '', checks, digest: hash.digest('hex') }, lines };
}

export async function main(): Promise<void> {
  const dumpIndex = process.argv.indexOf('--dump');
  const { stored, lines } = digest(dumpIndex >= 0 ? process.argv[dumpIndex + 1] : undefined);
  console.log('Compliance findings digest (every check of the dev set, false-alarm corpus, latency workload and rule examples):');
  for (const line of lines) console.log(line);
  console.log(`  rules ${stored.rulesVersion}: digest ${stored.digest}`);
  if (process.argv.includes('--record')) {
    writeFileSync(recordFile, `${JSON.stringify(stored, null, 2)}\n`);
    console.log(`  recorded in ${recordFile}`);
    return;
  }
  if (!existsSync(recordFile)) {
    console.log('  no recorded digest (run with --record on the engine before a change)');
    return;
  }
  const recorded = JSON.parse(readFileSync(recordFile, 'utf8')) as Stored;
  if (recorded.rulesVersion !== stored.rulesVersion) {
    console.log(`  recorded on rules ${recorded.rulesVersion}: the packs changed since, so the digests are not comparable (record again before an engine change)`);
    return;
  }
  if (recorded.digest === stored.digest && recorded.checks === stored.checks) {
    console.log('  identical to the recorded digest: the engine finds exactly what it found');
    return;
  }
  console.log(`  DIFFERS from the recorded digest ${recorded.digest} (${recorded.checks} checks): findings changed`);
  process.exitCode = 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
