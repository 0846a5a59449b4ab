/**
 * Ingest throughput, the write path (issue 10), in one run:
 * - offline, one document at a time: the service call behind `POST /v1/knowledge/documents` (HNSW updated per row),
 * - offline, a folder of Markdown files through `ingestFiles` (the CLI `ingest`, a bulk load),
 * - the jining_bank_faq_dev FAQ base (../shared/benchmarks, read by path) as one FAQ set, offline embedder,
 * - the same FAQ set with the OpenAI-compatible embedder against a local mock answering each request in 20 ms.
 * Wall time and CPU time of this process (embedded PGlite runs in it) are both printed with the load average:
 * on a shared machine the CPU figure is the stable one. Goals: >= 500 chunks/s offline, >= 300 FAQ rows/s vs the mock.
 *
 * Run: npx tsx bench/ingest-bench.ts   (INGEST_BENCH_DOCUMENTS=1000: 10 sections each; the first 10 % one by one;
 * EMBEDDING_DIMENSIONS: the offline embedder's dimensions, as the server reads it, default the embedder's own;
 * INGEST_BENCH_STATEMENTS=1: the time of each kind of SQL statement in the folder load, per 1,000 chunks)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureEmbeddingIndex } from '../src/knowledge/embedding-index.js';
import { ingestFiles } from '../src/knowledge/ingest-files.js';
import { KnowledgeService } from '../src/knowledge/knowledge-service.js';
import type { Embedder } from '../src/llm/embedder.js';
import { createOfflineEmbedder } from '../src/llm/offline-embedder.js';
import { createOpenAIEmbedder } from '../src/llm/openai-embedder.js';
import { delayMilliseconds, dimensions, startMockEmbeddings } from './embedding-batch-bench.js';
import { loadJiningFaq } from './jining-faq.js';
import { syntheticCorpus } from './knowledge-bench.js';
import { StatementTimes } from './statement-times.js';
import { createBenchDatabase } from './support.js';

const actor = { id: 'bench' };
/** The offline embedder at the dimensions the server would use (EMBEDDING_DIMENSIONS), to see what HNSW costs at each. */
const offlineEmbedder = () => createOfflineEmbedder(process.env.EMBEDDING_DIMENSIONS ? { dimensions: Number(process.env.EMBEDDING_DIMENSIONS) } : {});

interface Measured {
  seconds: number;
  cpuSeconds: number;
}

async function measured(work: () => Promise<void>): Promise<Measured> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await work();
  const used = process.cpuUsage(cpu);
  return { seconds: (performance.now() - started) / 1000, cpuSeconds: (used.user + used.system) / 1e6 };
}

function rate(count: number, unit: string, time: Measured): string {
  return `${count} ${unit} in ${time.seconds.toFixed(1)} s = ${Math.round(count / time.seconds)} ${unit}/s (CPU ${time.cpuSeconds.toFixed(1)} s = ${Math.round(count / time.cpuSeconds)} ${unit}/CPU-s)`;
}

function load(): string {
  return `load ${loadavg().map((value) => value.toFixed(1)).join(' ')}`;
}

async function offlineDocuments(documents: number): Promise<void> {
  const bench = await createBenchDatabase();
  const directory = mkdtempSync(join(tmpdir(), 'agent-assist-ingest-bench-'));
  try {
    const embedder = offlineEmbedder();
    console.log(`offline embedder: ${embedder.dimensions} dimensions`);
    await ensureEmbeddingIndex(bench.embedded, embedder);
    const statements = new StatementTimes();
    const knowledge = new KnowledgeService(process.env.INGEST_BENCH_STATEMENTS === '1' ? statements.wrap(bench.embedded) : bench.embedded, embedder);
    const { markdown } = syntheticCorpus(documents, 10);
    const oneByOne = markdown.slice(0, Math.ceil(documents / 10));
    let chunks = 0;
    const apiTime = await measured(async () => {
      for (const body of oneByOne) chunks += (await knowledge.ingest({ format: 'markdown', body }, actor)).chunkCount;
    });
    console.log(`offline ingest, one document at a time (service call of POST /v1/knowledge/documents): ${rate(chunks, 'chunks', apiTime)}; ${load()}`);
    const files = markdown.slice(oneByOne.length).map((body, index) => {
      const path = join(directory, `document-${String(index).padStart(5, '0')}.md`);
      writeFileSync(path, body);
      return path;
    });
    let bulkChunks = 0;
    statements.recording = true;
    const bulkTime = await measured(async () => {
      for (const result of await ingestFiles(knowledge, files, { actor })) bulkChunks += result.chunks;
    });
    statements.recording = false;
    console.log(`offline ingest, folder of ${files.length} Markdown files (CLI ingest, bulk load onto ${chunks} chunks): ${rate(bulkChunks, 'chunks', bulkTime)} (goal >= 500); ${load()}`);
    statements.print(bulkChunks / 1000, 'ms/1,000 chunks');
  } finally {
    rmSync(directory, { recursive: true, force: true });
    await bench.close();
  }
}

async function faqSet(jsonl: string, rows: number, name: string, embedder: Embedder, goal: string): Promise<void> {
  const bench = await createBenchDatabase();
  try {
    await ensureEmbeddingIndex(bench.embedded, embedder);
    const knowledge = new KnowledgeService(bench.embedded, embedder);
    let created = 0;
    const time = await measured(async () => {
      created = (await knowledge.ingestFaqSet({ format: 'jsonl', kind: 'faq', language: 'zh', body: jsonl }, actor)).created;
    });
    if (created !== rows) throw new Error(`expected ${rows} rows created, got ${created}`);
    console.log(`FAQ set (jining_bank_faq_dev kb, one POST), ${name}: ${rate(rows, 'rows', time)}${goal}; ${load()}`);
  } finally {
    await bench.close();
  }
}

export async function main(): Promise<void> {
  console.log('== ingest bench');
  await offlineDocuments(Number(process.env.INGEST_BENCH_DOCUMENTS ?? 1000));
  const jining = loadJiningFaq();
  if (!jining) {
    console.log('jining_bank_faq_dev not found beside the repository: FAQ ingest figures skipped');
    return;
  }
  await faqSet(jining.jsonl, jining.kb.length, 'offline embedder', offlineEmbedder(), '');
  const mock = await startMockEmbeddings();
  try {
    const embedder = createOpenAIEmbedder({ apiKey: 'bench', baseURL: mock.baseURL, model: 'bench-embedding', dimensions, timeoutMs: 30_000 });
    await faqSet(jining.jsonl, jining.kb.length, `OpenAI-compatible embedder, mock answering in ${delayMilliseconds} ms`, embedder, ' (goal >= 300)');
    console.log(`  the mock served ${mock.requests} embedding requests of up to ${mock.largestBatch} texts (${mock.texts} texts)`);
  } finally {
    await mock.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
