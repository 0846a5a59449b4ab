/**
 * Publish gate (issue 14): wall time from submitting a one-document change to its gate's verdict, against the
 * shipped suites (every suite with `gate:` under evals/suites) and the sample knowledge, offline, in the server's
 * own wiring (composeRuntime, an embedded PGlite data directory). Goal: < 10 s.
 *
 * (a) no approved baseline yet: each gate suite runs twice (the live base, then the shadow view);
 * (b) approved baselines: the shadow run alone.
 * Each figure is over several documents of different kinds, each changed by one appended sentence.
 */
import { pathToFileURL } from 'node:url';
import { seedSampleKnowledge } from '../src/bootstrap.js';
import { composeRuntime, type Runtime } from '../src/compose.js';
import { loadConfig } from '../src/config.js';
import type { GateCheck } from '../src/knowledge/document-review.js';
import { createBenchDatabase, formatMs, percentile, protectionOff, repositoryDirectories } from './support.js';

const changedSentence = '\n\n本页内容以本行最新公告为准。';

async function waitForGate(runtime: Runtime, documentId: string, version: number): Promise<GateCheck> {
  for (;;) {
    const state = await runtime.services.review.checks(documentId, version);
    const check = state.checks[0];
    if (check && check.status !== 'running') return check;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function changeAndGate(runtime: Runtime, documentId: string): Promise<{ milliseconds: number; check: GateCheck }> {
  const { knowledge, review } = runtime.services;
  const current = await knowledge.getVersion(documentId, (await knowledge.get(documentId)).currentVersion);
  const stored = await knowledge.update(
    documentId,
    { format: 'text', body: `${current.title}\n\n${current.body}${changedSentence}`, kind: current.kind, title: current.title, language: current.language as 'zh' | 'en', ...(current.product ? { product: current.product } : {}) },
    { id: 'bench-author' },
  );
  const started = performance.now();
  await review.submit(documentId, stored.version, { id: 'bench-author' });
  const check = await waitForGate(runtime, documentId, stored.version);
  return { milliseconds: performance.now() - started, check };
}

export async function main(): Promise<void> {
  console.log('publish gate bench');
  const bench = await createBenchDatabase();
  const config = loadConfig({
    ...protectionOff,
    LOG_LEVEL: 'silent',
    REVIEW_REQUIRED_KINDS: 'product,compliance,script,faq',
    ...repositoryDirectories,
  });
  // The runtime closes what it is given; the bench database closes (and removes its directory) itself.
  const database = Object.assign(Object.create(bench.embedded) as typeof bench.embedded, { close: async () => undefined });
  const runtime = await composeRuntime(config, { database });
  try {
    await seedSampleKnowledge(runtime, () => undefined);
    const gated = (await runtime.services.evals.allSuites()).filter((suite) => suite.definition.gate);
    const cases = gated.reduce((total, suite) => total + suite.definition.cases.length, 0);
    // One document of each kind from the sample base, in a fixed order.
    const picks: string[] = [];
    for (const kind of ['product', 'faq', 'script', 'compliance'] as const) {
      const page = await runtime.services.knowledge.list({ kind, limit: 2 });
      picks.push(...page.items.map((item) => item.documentId));
    }
    const report = (label: string, runs: { milliseconds: number; check: GateCheck }[]) => {
      const times = runs.map((run) => run.milliseconds);
      const verdicts = runs.map((run) => run.check.status).join(',');
      console.log(
        `${label}: ${gated.length} suites / ${cases} cases per gate; ${runs.length} one-document changes: median ${formatMs(percentile(times, 0.5))}, max ${formatMs(Math.max(...times))} (goal < 10 s); verdicts ${verdicts}`,
      );
    };
    const half = Math.ceil(picks.length / 2);
    const first: { milliseconds: number; check: GateCheck }[] = [];
    for (const documentId of picks.slice(0, half)) first.push(await changeAndGate(runtime, documentId));
    report('(a) no approved baseline (live + shadow run per suite)', first);

    // Approve the live runs of the last gate as the suites' baselines.
    const lastCheck = first.at(-1)!.check;
    for (const suite of lastCheck.suites) {
      const liveRunId = /^live run (\S+)$/.exec(suite.baseline)?.[1];
      if (liveRunId) await runtime.services.evals.approve(liveRunId, 'bench');
    }
    const second: { milliseconds: number; check: GateCheck }[] = [];
    for (const documentId of picks.slice(half)) second.push(await changeAndGate(runtime, documentId));
    report('(b) approved baselines (shadow run only)', second);
  } finally {
    await runtime.close();
    await bench.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
