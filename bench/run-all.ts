/** `npm run bench`: every bench script in turn. Figures go to stdout; see each file for what it measures. */
const benches = [
  './knowledge-bench.ts',
  './ingest-bench.ts',
  './ingest-api-bench.ts',
  './lexical-leg-bench.ts',
  './search-stages-bench.ts',
  './search-latency-bench.ts',
  './knowledge-usage-bench.ts',
  './retrieval-bench.ts',
  './second-base-retrieval-bench.ts',
  './search-equivalence-bench.ts',
  './embedder-bench.ts',
  './embedding-batch-bench.ts',
  './replica-freshness-bench.ts',
  './compliance-bench.ts',
  './compliance-latency-bench.ts',
  './compliance-findings-digest.ts',
  './compliance-devset-bench.ts',
  './compliance-false-alarm-bench.ts',
  './profile-judge-bench.ts',
  './guard-bench.ts',
  './cross-language-bench.ts',
  './suggestion-bench.ts',
  './suggestion-profile.ts',
  './summary-bench.ts',
  './summary-facts-bench.ts',
  './eval-bench.ts',
  './publish-gate-bench.ts',
  './event-replay-bench.ts',
  './startup-bench.ts',
  './console-bench.ts',
  './pii-sink-bench.ts',
  './protection-bench.ts',
  './load-bench.ts',
  './fuzz-bench.ts',
  './crash-bench.ts',
  './inspection-bench.ts',
  './inspection-agreement.ts',
];
for (const path of benches) {
  const module = (await import(path).catch((error: unknown) => {
    console.log(`${path}: not runnable (${error instanceof Error ? error.message : String(error)})`);
    return undefined;
  })) as { main?: () => Promise<void> } | undefined;
  if (module?.main) await module.main();
}
