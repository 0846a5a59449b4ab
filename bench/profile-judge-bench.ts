import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { composeRuntime, openDatabase } from '../src/compose.js';
import { createComplianceEngine, type ComplianceEngine } from '../src/compliance/compliance-engine.js';
import { loadComplianceProfiles } from '../src/compliance/compliance-profiles.js';
import type { ComplianceJudge } from '../src/compliance/compliance-judge.js';
import { loadRulePacks } from '../src/compliance/load-rule-packs.js';
import { loadConfig } from '../src/config.js';
import type { ChatModel, ChatRequest, ChatResult, ChatStreamPart } from '../src/llm/chat-model.js';
import { measureFlagRate } from './compliance-bench.js';
import { formatMs, percentile, readJsonl, repositoryRoot } from './support.js';
import { protectionOff } from '../test/support/protection-off.js';

/**
 * Jurisdiction profiles and the judge tier.
 * 1. The labelled dev set (../shared/devsets/compliance-dev.jsonl, read in place, never copied) checked under each
 *    profile, scored as score-compliance.mjs scores it (an item is flagged when the verdict is not pass): recall and
 *    precision per language, so a profile that drops what the packs catch shows here.
 * 2. The turn path with the judge tier on: agent turns through ConversationService with no model, then with a mock
 *    model that answers after a delay. The turn's answer must not wait for the judge.
 */

interface DevItem {
  id: string;
  lang: 'zh' | 'en';
  context?: string;
  utterance: string;
  violations: string[];
}

const devSet = fileURLToPath(new URL('../../shared/devsets/compliance-dev.jsonl', import.meta.url));
const rulesDirectory = `${repositoryRoot}evals/rules`;
const profilesFile = `${repositoryRoot}evals/compliance-profiles.yaml`;

function score(engine: ComplianceEngine, items: readonly DevItem[], profile: string | undefined): { recall: string; precision: string; p99: number } {
  let truePositive = 0;
  let falsePositive = 0;
  let violating = 0;
  const times: number[] = [];
  // One unmeasured pass: the first call of each rule compiles its expressions.
  for (const item of items) engine.check({ text: item.utterance, speaker: 'agent', language: item.lang, ...(profile ? { profile } : {}) });
  for (const item of items) {
    const context = item.context?.trim() ? [{ speaker: 'customer' as const, text: item.context }] : [];
    const started = performance.now();
    const result = engine.check({ text: item.utterance, speaker: 'agent', language: item.lang, context, ...(profile ? { profile } : {}) });
    times.push(performance.now() - started);
    const flagged = result.verdict !== 'pass' || result.findings.length > 0;
    if (item.violations.length > 0) violating += 1;
    if (flagged && item.violations.length > 0) truePositive += 1;
    if (flagged && item.violations.length === 0) falsePositive += 1;
  }
  const ratio = (part: number, whole: number) => `${part}/${whole} (${whole === 0 ? '-' : ((100 * part) / whole).toFixed(1)}%)`;
  return { recall: ratio(truePositive, violating), precision: ratio(truePositive, truePositive + falsePositive), p99: percentile(times, 0.99) };
}

function profileSection(): void {
  if (!existsSync(devSet)) {
    console.log(`profiles: ${devSet} not found, dev-set figures skipped`);
    return;
  }
  const items = readJsonl<DevItem>(devSet);
  const packs = loadRulePacks(rulesDirectory);
  const profiles = loadComplianceProfiles(profilesFile, packs);
  const withoutProfiles = createComplianceEngine({ packs });
  const engine = createComplianceEngine({ packs, profiles, profile: 'CN,US,UK' });
  console.log(`\nprofiles on the dev set (${items.length} items; flagged = verdict not pass, as score-compliance.mjs counts)`);
  const rows: [string, ComplianceEngine, string | undefined, 'zh' | 'en'][] = [
    ['zh, every pack (no profiles)', withoutProfiles, undefined, 'zh'],
    ['zh, profile CN', engine, 'CN', 'zh'],
    ['zh, profile CN,US,UK', engine, 'CN,US,UK', 'zh'],
    ['en, every pack (no profiles)', withoutProfiles, undefined, 'en'],
    ['en, profile US,UK', engine, 'US,UK', 'en'],
    ['en, profile CN,US,UK', engine, 'CN,US,UK', 'en'],
    ['en, profile US', engine, 'US', 'en'],
    ['en, profile UK', engine, 'UK', 'en'],
    ['en, profile CN', engine, 'CN', 'en'],
  ];
  for (const [label, chosen, profile, language] of rows) {
    const figures = score(chosen, items.filter((item) => item.lang === language), profile);
    console.log(`  ${label.padEnd(30)} recall ${figures.recall.padEnd(16)} precision ${figures.precision.padEnd(16)} check p99 ${formatMs(figures.p99)}`);
  }
}

/** A model that answers every judge call after `delayMs` with the same verdict, in process (no network). */
class DelayedJudgeModel implements ChatModel {
  readonly provider = 'bench';
  readonly model = 'delayed-judge';
  calls = 0;
  constructor(readonly delayMs: number) {}
  async generate<T = unknown>(request: ChatRequest): Promise<ChatResult<T>> {
    this.calls += 1;
    await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    request.signal?.throwIfAborted();
    return { text: '', parsed: { verdict: 'violation', reason: 'bench', evidence: '稳' } as T };
  }
  async *stream(): AsyncIterable<ChatStreamPart> {
    throw new Error('the judge never streams');
  }
}

// Our own phrasings: sales talk that puts a turn in a risky context, and plain service talk.
const riskyTurns = ['这款理财挺稳的，您可以考虑一下。', '基金的收益率去年还不错，现在申购手续费打折。', '这份保险每年交一万，交十年。'];
const plainTurns = ['您好，请问还有什么可以帮您？', '好的，我帮您查一下账单日。', '转账一般两小时内到账。'];

async function turnPath(label: string, chatModel: ChatModel | undefined, turns: number): Promise<void> {
  const config = loadConfig({ LOG_LEVEL: 'silent', SEED_SAMPLE_KNOWLEDGE: 'false', COMPLIANCE_PROFILE: 'CN', LLM_TIMEOUT_MS: '5000', ...protectionOff });
  const database = await openDatabase(config, { inMemory: true });
  const runtime = await composeRuntime(config, { database, ...(chatModel ? { chatModel } : {}) });
  try {
    const conversations = runtime.services.conversations;
    const conversation = await conversations.create({ language: 'zh' });
    const risky: number[] = [];
    const plain: number[] = [];
    for (let index = 0; index < turns; index += 1) {
      const isRisky = index % 2 === 0;
      const text = (isRisky ? riskyTurns : plainTurns)[index % 3]!;
      const started = performance.now();
      await conversations.addTurn(conversation.id, { speaker: 'agent', text });
      (isRisky ? risky : plain).push(performance.now() - started);
    }
    const settleStarted = performance.now();
    await conversations.judgementsSettled();
    const settle = performance.now() - settleStarted;
    const calls = chatModel instanceof DelayedJudgeModel ? chatModel.calls : 0;
    console.log(
      `  ${label.padEnd(34)} risky turns p50 ${formatMs(percentile(risky, 0.5))} p99 ${formatMs(percentile(risky, 0.99))} | plain turns p50 ${formatMs(percentile(plain, 0.5))} p99 ${formatMs(percentile(plain, 0.99))} | judge calls ${calls}, last verdicts ${formatMs(settle)} after the last turn`,
    );
  } finally {
    await runtime.close();
  }
}

function selectionCost(): void {
  const packs = loadRulePacks(rulesDirectory);
  const profiles = loadComplianceProfiles(profilesFile, packs);
  const judge: ComplianceJudge = { judge: async () => ({ verdict: 'compliant', reason: 'bench' }) };
  const engine = createComplianceEngine({ packs, profiles, profile: 'CN', judge });
  const times: number[] = [];
  for (let round = 0; round < 200; round += 1) void engine.judgeTurn({ text: riskyTurns[round % 3]!, language: 'zh', speaker: 'agent' }, {});
  for (let round = 0; round < 2_000; round += 1) {
    const text = riskyTurns[round % 3]!;
    const started = performance.now();
    void engine.judgeTurn({ text, language: 'zh', speaker: 'agent' }, {});
    times.push(performance.now() - started);
  }
  console.log(`  judge selection on the turn path (sync part of judgeTurn, risky text): p50 ${formatMs(percentile(times, 0.5))} p99 ${formatMs(percentile(times, 0.99))}`);
}

/** Flag rate on real agent text per profile: a profile must not add false alarms, and the rules of 2025-2026 are named. */
function flagRateSection(): void {
  const packs = loadRulePacks(rulesDirectory);
  const profiles = loadComplianceProfiles(profilesFile, packs);
  const recent = new Set(['CN-SUIT-004', 'CN-ELDER-001', 'CN-AI-001', 'EU-AI-001']);
  for (const profile of ['CN', 'US', 'UK', 'CN,US,UK,EU']) {
    const engine = createComplianceEngine({ packs, profiles, profile });
    console.log(`\nprofile ${profile}`);
    for (const output of measureFlagRate(engine)) console.log(output);
    const counting: ComplianceEngine = {
      ...engine,
      check: (input) => {
        const result = engine.check(input);
        for (const finding of result.findings) if (recent.has(finding.ruleId)) newRuleFlags.set(finding.ruleId, (newRuleFlags.get(finding.ruleId) ?? 0) + 1);
        return result;
      },
    };
    const newRuleFlags = new Map<string, number>();
    measureFlagRate(counting);
    console.log(`  2025-2026 rules on that text: ${[...recent].map((id) => `${id}=${newRuleFlags.get(id) ?? 0}`).join(' ')}`);
  }
}

export async function main(): Promise<void> {
  console.log('\n== profile-judge-bench ==');
  profileSection();
  flagRateSection();
  console.log('\njudge tier on the turn path (PGlite in memory, 40 agent turns, half in a risky context)');
  await turnPath('no model (rules only)', undefined, 40);
  await turnPath('mock judge answering after 400 ms', new DelayedJudgeModel(400), 40);
  selectionCost();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
}
