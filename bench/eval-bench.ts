import { fileURLToPath } from 'node:url';
import { createComplianceEngine } from '../src/compliance/compliance-engine.js';
import type { ProductEntry } from '../src/compliance/compliance-types.js';
import { loadRulePacks } from '../src/compliance/load-rule-packs.js';
import { migrate } from '../src/db/migrate.js';
import { createPgliteDatabase } from '../src/db/pglite-database.js';
import { createEvalTargets } from '../src/evals/create-eval-targets.js';
import { runSuite } from '../src/evals/eval-runner.js';
import type { EvalTargets } from '../src/evals/eval-targets.js';
import { listSuiteFiles, loadSuiteFile } from '../src/evals/load-suite.js';
import { ensureEmbeddingIndex } from '../src/knowledge/embedding-index.js';
import { ingestFiles, listIngestibleFiles } from '../src/knowledge/ingest-files.js';
import { KnowledgeService } from '../src/knowledge/knowledge-service.js';
import { createOfflineEmbedder } from '../src/llm/offline-embedder.js';
import { PromptLibrary } from '../src/llm/prompt-library.js';
import { HybridSearch } from '../src/retrieval/hybrid-search.js';
import { createSuggestionPipeline } from '../src/suggestions/suggestion-pipeline.js';
import { loadDispositionTaxonomy } from '../src/summaries/disposition-taxonomy.js';

const root = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));

async function sampleTargets(): Promise<{ targets: EvalTargets; close: () => Promise<void> }> {
  const database = await createPgliteDatabase();
  await migrate(database);
  const embedder = createOfflineEmbedder();
  await ensureEmbeddingIndex(database, embedder);
  const knowledge = new KnowledgeService(database, embedder);
  await ingestFiles(knowledge, (await listIngestibleFiles([root('knowledge')])).files, { actor: { id: 'bench' } });
  const search = new HybridSearch(database, embedder);
  const products: readonly ProductEntry[] = await knowledge.products();
  const compliance = createComplianceEngine({ packs: loadRulePacks(root('evals/rules')), products: () => products });
  const prompts = new PromptLibrary(root('prompts'));
  const pipeline = createSuggestionPipeline({ search: (query) => search.search(query), compliance, prompts, budgetMs: 10_000, termStatistics: () => search.termStatistics() });
  const targets = createEvalTargets({ knowledge, search, compliance, pipeline, embedder, prompts, taxonomy: loadDispositionTaxonomy(root('knowledge/dispositions.yaml')) });
  return { targets, close: () => database.close() };
}

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

export async function main(): Promise<void> {
  console.log('eval bench');
  const suites = await Promise.all((await listSuiteFiles([root('evals/suites')])).map((file) => loadSuiteFile(file)));
  const { targets, close } = await sampleTargets();
  try {
    // (a) Offline, no cache: the time CI spends on the shipped suites, and suggestion cases per second.
    for (const concurrency of [1, 4]) {
      let cases = 0;
      let suggestionCases = 0;
      let suggestionMs = 0;
      let failures = 0;
      const started = performance.now();
      for (const suite of suites) {
        const result = await runSuite(suite, targets, { concurrency, repeat: 1 });
        cases += result.totals.cases;
        failures += result.totals.cases - result.totals.passed;
        if (suite.definition.cases.every((item) => item.kind === 'suggestion')) {
          suggestionCases += result.totals.cases;
          suggestionMs += result.durationMs;
        }
      }
      const totalMs = performance.now() - started;
      console.log(
        `(a) offline, concurrency ${concurrency}: ${cases} cases in ${totalMs.toFixed(0)} ms (${((cases / totalMs) * 1000).toFixed(1)} cases/s, ${failures} not passing); ` +
          `suggestion cases ${suggestionCases} in ${suggestionMs} ms = ${((suggestionCases / suggestionMs) * 1000).toFixed(1)} cases/s (goal >= 20)`,
      );
    }

    // (b) A model with a fixed 500 ms latency at concurrency 8: total time against ceil(cases / 8) * 500 ms.
    const suggestionSuites = suites.filter((suite) => suite.definition.cases.every((item) => item.kind === 'suggestion'));
    const slowTargets: EvalTargets = {
      ...targets,
      async suggest(input) {
        await sleep(500);
        return { suggestions: [{ text: input.turns.at(-1)?.text ?? '', citations: [], disclosures: [], compliance: { verdict: 'pass', findings: [] } }], knowledge: [], provider: 'mock', model: 'mock-500ms' };
      },
    };
    const merged = { ...suggestionSuites[0]!, definition: { ...suggestionSuites[0]!.definition, cases: suggestionSuites.flatMap((suite) => suite.definition.cases) } };
    const count = merged.definition.cases.length;
    const started = performance.now();
    await runSuite(merged, slowTargets, { concurrency: 8, repeat: 1 });
    const elapsed = performance.now() - started;
    const ideal = Math.ceil(count / 8) * 500;
    console.log(`(b) mock model 500 ms, concurrency 8: ${count} suggestion cases in ${elapsed.toFixed(0)} ms; ideal ${ideal} ms; ratio ${(elapsed / ideal).toFixed(2)} (goal <= 1.3)`);
  } finally {
    await close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
}
