/**
 * Fits when a write rebuilds the HNSW index instead of inserting into it (src/knowledge/vector-index-maintenance.json).
 * Inserting a vector walks the graph on disk and rewrites its neighbours' pages; a build walks it in memory but
 * indexes every row of the table again. For a few table sizes this measures, in CPU time (the machine is shared,
 * so wall time says more about the neighbours than about us), the cost per row of inserting rows into an indexed
 * table (minus the same insert without the index) and of building the index over the whole table. A write of n rows
 * into a table of N rows after it is cheaper as a rebuild when n * insert > N * build, i.e. n / N >= build / insert:
 * that ratio, the median over the sizes, is written as `rebuildShare`.
 *
 * Run: npx tsx bench/fit-vector-index-maintenance.ts   (FIT_SIZES=1000,3000 for other table sizes; FIT_WRITE=0 to only print)
 */
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { ensureEmbeddingIndex } from '../src/knowledge/embedding-index.js';
import { KnowledgeService } from '../src/knowledge/knowledge-service.js';
import { createOfflineEmbedder } from '../src/llm/offline-embedder.js';
import { syntheticCorpus } from './knowledge-bench.js';
import { createBenchDatabase, repositoryRoot } from './support.js';

const insertedRows = 400;

function cpuMilliseconds(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

export async function main(): Promise<void> {
  const sizes = (process.env.FIT_SIZES ?? '1000,3000').split(',').map(Number);
  const bench = await createBenchDatabase();
  try {
    const embedder = createOfflineEmbedder();
    await ensureEmbeddingIndex(bench.embedded, embedder);
    const knowledge = new KnowledgeService(bench.embedded, embedder);
    const largest = Math.max(...sizes) + insertedRows;
    const { markdown } = syntheticCorpus(Math.ceil(largest / 10) + 10, 10);
    await knowledge.bulk(() => knowledge.ingestMany(markdown.map((body) => ({ format: 'markdown' as const, body })), { id: 'bench' }));
    const database = bench.embedded;
    const timed = async (sql: string): Promise<number> => {
      const started = process.cpuUsage();
      await database.exec(sql);
      return cpuMilliseconds(started);
    };
    const shares: number[] = [];
    for (const size of sizes) {
      // The same rows in the same order each time: `base` holds the first `size`, the next `insertedRows` are written.
      await database.exec(`drop table if exists fit_rows; create table fit_rows as select row_number() over (order by id) as n, embedding from chunks`);
      await database.exec(`drop table if exists fit_plain; create table fit_plain (embedding vector(${embedder.dimensions}))`);
      await database.exec(`drop table if exists fit_indexed; create table fit_indexed (embedding vector(${embedder.dimensions}))`);
      await database.exec(`insert into fit_indexed select embedding from fit_rows where n <= ${size}`);
      await database.exec(`set maintenance_work_mem = '256MB'; create index fit_indexed_idx on fit_indexed using hnsw (embedding vector_cosine_ops)`);
      await database.exec(`insert into fit_plain select embedding from fit_rows where n <= ${size}`);
      const plain = await timed(`insert into fit_plain select embedding from fit_rows where n > ${size} and n <= ${size + insertedRows}`);
      const indexed = await timed(`insert into fit_indexed select embedding from fit_rows where n > ${size} and n <= ${size + insertedRows}`);
      const insertPerRow = (indexed - plain) / insertedRows;
      const build = await timed(`set maintenance_work_mem = '256MB'; create index fit_plain_idx on fit_plain using hnsw (embedding vector_cosine_ops)`);
      const buildPerRow = build / (size + insertedRows);
      const share = buildPerRow / insertPerRow;
      shares.push(share);
      console.log(
        `table of ${size + insertedRows} rows: insert ${insertPerRow.toFixed(2)} ms/row into the index, build ${buildPerRow.toFixed(2)} ms/row of the table ` +
          `-> rebuild when the written rows are >= ${(share * 100).toFixed(1)} % of the table`,
      );
    }
    await database.exec('drop table if exists fit_rows; drop table if exists fit_plain; drop table if exists fit_indexed');
    const sorted = [...shares].sort((a, b) => a - b);
    const middle = (sorted.length - 1) / 2;
    const rebuildShare = Number(((sorted[Math.floor(middle)]! + sorted[Math.ceil(middle)]!) / 2).toFixed(3));
    console.log(`rebuildShare ${rebuildShare} (median over ${sizes.length} sizes; CPU time, offline embedder, ${embedder.dimensions} dimensions)`);
    if (process.env.FIT_WRITE !== '0') {
      const fit =
        `${new Date().toISOString().slice(0, 10)}, shared 2-core machine, CPU time, synthetic corpus from the sample sentences, ` +
        `${embedder.dimensions}-dimension offline vectors, ${insertedRows} rows written into tables of ${sizes.join(' and ')} rows: ` +
        `shares ${shares.map((share) => share.toFixed(3)).join(', ')}; median kept.`;
      writeFileSync(
        `${repositoryRoot}src/knowledge/vector-index-maintenance.json`,
        `${JSON.stringify({ rebuildShare, fittedBy: 'npx tsx bench/fit-vector-index-maintenance.ts', fit }, null, 2)}\n`,
      );
      console.log('written to src/knowledge/vector-index-maintenance.json');
    }
  } finally {
    await bench.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
