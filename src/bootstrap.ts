import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Runtime } from './compose.js';
import { ingestFiles, listIngestibleFiles, summarizeIngest } from './knowledge/ingest-files.js';

/**
 * First start: load the sample knowledge into an empty base (so `npm start` answers at once) and, when there
 * is no key at all and no ADMIN_API_KEY, create an admin key and print it once.
 */
export async function prepareFirstStart(runtime: Runtime, print: (line: string) => void): Promise<void> {
  const { config, services } = runtime;
  await seedSampleKnowledge(runtime, print);
  if (!config.ADMIN_API_KEY && (await services.apiKeys.count()) === 0) {
    const { key } = await services.apiKeys.create('admin', 'first-start admin');
    print('');
    print('No API keys existed, so an admin key was created. It is shown only this once; keep it safe:');
    print(`  ${key}`);
    print('Create role keys with POST /v1/keys or `npx agent-assist keys create --role agent --name desk-1`.');
    print('');
  }
}

/** Loads `knowledge/` into an empty base (unless SEED_SAMPLE_KNOWLEDGE=false); a base with documents is left alone. */
export async function seedSampleKnowledge(runtime: Runtime, print: (line: string) => void): Promise<void> {
  const { config, services } = runtime;
  if (config.SEED_SAMPLE_KNOWLEDGE) {
    const counts = await services.knowledge.counts();
    const directory = resolve(config.KNOWLEDGE_DIR);
    if (counts.documents === 0 && existsSync(directory)) {
      const { files } = await listIngestibleFiles([directory]);
      const results = await ingestFiles(services.knowledge, files, { actor: { id: 'seed', reviewExempt: true }, source: 'sample', baseDirectory: directory });
      await services.search.refreshStatistics();
      const summary = summarizeIngest(results);
      const documents = results.reduce((total, result) => total + result.documents, 0);
      print(`Loaded the sample knowledge base: ${documents} documents from ${files.length} files (${summary.rejected} rejected).`);
      for (const rejected of results.filter((result) => result.status === 'rejected')) print(`  rejected ${rejected.path}: ${rejected.reason}`);
    }
  }
}
