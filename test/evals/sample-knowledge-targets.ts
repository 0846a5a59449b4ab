import { fileURLToPath } from 'node:url';
import { createComplianceEngine } from '../../src/compliance/compliance-engine.js';
import { loadRulePacks } from '../../src/compliance/load-rule-packs.js';
import type { ProductEntry } from '../../src/compliance/compliance-types.js';
import { createEvalTargets } from '../../src/evals/create-eval-targets.js';
import type { EvalTargets } from '../../src/evals/eval-targets.js';
import { ensureEmbeddingIndex } from '../../src/knowledge/embedding-index.js';
import { ingestFiles, listIngestibleFiles } from '../../src/knowledge/ingest-files.js';
import { KnowledgeService } from '../../src/knowledge/knowledge-service.js';
import { createOfflineEmbedder } from '../../src/llm/offline-embedder.js';
import { PromptLibrary } from '../../src/llm/prompt-library.js';
import { HybridSearch } from '../../src/retrieval/hybrid-search.js';
import { createSuggestionPipeline } from '../../src/suggestions/suggestion-pipeline.js';
import { loadDispositionTaxonomy } from '../../src/summaries/disposition-taxonomy.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

export interface SampleKnowledge {
  testDatabase: TestDatabase;
  knowledge: KnowledgeService;
  targets: EvalTargets;
}

/** The real services over the sample knowledge base (offline embedder, offline generation), as compose wires them. */
export async function createSampleKnowledgeTargets(): Promise<SampleKnowledge> {
  const testDatabase = await createTestDatabase('pglite');
  const { database } = testDatabase;
  const embedder = createOfflineEmbedder();
  await ensureEmbeddingIndex(database, embedder);
  const knowledge = new KnowledgeService(database, embedder);
  const { files } = await listIngestibleFiles([root('knowledge')]);
  await ingestFiles(knowledge, files, { actor: { id: 'test' } });
  const search = new HybridSearch(database, embedder);
  let products: readonly ProductEntry[] = await knowledge.products();
  knowledge.onChange(() => {
    void knowledge.products().then((fresh) => {
      products = fresh;
    });
  });
  const compliance = createComplianceEngine({ packs: loadRulePacks(root('evals/rules')), products: () => products });
  const prompts = new PromptLibrary(root('prompts'));
  // The base's word counts and products, as compose.ts gives them: the suites are judged on the service's own
  // relevance and its products-not-offered check.
  const pipeline = createSuggestionPipeline({ search: (query) => search.search(query), compliance, prompts, budgetMs: 10_000, products: () => products, termStatistics: () => search.termStatistics() });
  const targets = createEvalTargets({
    knowledge,
    search,
    compliance,
    pipeline,
    embedder,
    prompts,
    taxonomy: loadDispositionTaxonomy(root('knowledge/dispositions.yaml')),
  });
  return { testDatabase, knowledge, targets };
}
