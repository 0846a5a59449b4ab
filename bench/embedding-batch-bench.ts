/**
 * Ingest throughput with the OpenAI-compatible embedder (issue 10): a local HTTP server plays the embeddings API
 * with a fixed delay per request (20 ms, a fast provider), and the knowledge service ingests
 * - a FAQ set in one POST (one document per row),
 * - a sync of as many separate documents,
 * - a folder of files (the CLI `ingest` path),
 * counting the requests the embedder made. Goal: >= 300 FAQ rows/s. Run alone: `npx tsx bench/embedding-batch-bench.ts`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureEmbeddingIndex } from '../src/knowledge/embedding-index.js';
import { ingestFiles } from '../src/knowledge/ingest-files.js';
import { KnowledgeService } from '../src/knowledge/knowledge-service.js';
import { createOpenAIEmbedder } from '../src/llm/openai-embedder.js';
import { benchmarkFile, createBenchDatabase, readJsonl } from './support.js';

export const delayMilliseconds = 20;
export const dimensions = 256;
const actor = { id: 'bench' };

export interface MockEmbeddings {
  baseURL: string;
  requests: number;
  texts: number;
  largestBatch: number;
  close(): Promise<void>;
}

/** A deterministic vector per text: the bench measures the pipeline, not the model. */
function vectorOf(text: string): number[] {
  let state = 2166136261;
  for (let index = 0; index < text.length; index += 1) state = Math.imul(state ^ text.charCodeAt(index), 16777619) >>> 0;
  const vector = new Array<number>(dimensions);
  for (let index = 0; index < dimensions; index += 1) {
    state = Math.imul(state ^ (state >>> 13), 0x5bd1e995) >>> 0;
    vector[index] = (state / 4294967296) - 0.5;
  }
  return vector;
}

/** A local server playing the OpenAI embeddings API with a fixed delay per request (never the network). */
export async function startMockEmbeddings(): Promise<MockEmbeddings> {
  const mock = { requests: 0, texts: 0, largestBatch: 0 };
  const server: Server = createServer((request, response) => {
    const parts: Buffer[] = [];
    request.on('data', (part: Buffer) => parts.push(part));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(parts).toString('utf8')) as { input: string | string[] };
      const inputs = Array.isArray(body.input) ? body.input : [body.input];
      mock.requests += 1;
      mock.texts += inputs.length;
      mock.largestBatch = Math.max(mock.largestBatch, inputs.length);
      setTimeout(() => {
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({
          object: 'list',
          model: 'bench-embedding',
          data: inputs.map((input, index) => ({ object: 'embedding', index, embedding: vectorOf(input) })),
          usage: { prompt_tokens: inputs.length, total_tokens: inputs.length },
        }));
      }, delayMilliseconds);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(mock, {
    baseURL: `http://127.0.0.1:${port}/v1`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

interface Row {
  id: string;
  questions: string[];
  answer: string;
}

/** FAQ rows nobody on the team wrote: the BQ corpus's 4,809 questions (as the issue measured) or the jining base. */
function benchRows(): Row[] | undefined {
  const bq = benchmarkFile('bq_corpus', 'retrieval_corpus.jsonl');
  if (bq) return readJsonl<{ doc_id: string; text: string }>(bq).map((item) => ({ id: `bq-${item.doc_id}`, questions: [item.text], answer: item.text }));
  const jining = benchmarkFile('jining_bank_faq_dev', 'kb.jsonl');
  if (jining) return readJsonl<{ faq_id: string; standard_questions: string[]; answer: string }>(jining).map((item) => ({ id: item.faq_id, questions: item.standard_questions, answer: item.answer }));
  return undefined;
}

async function measure(name: string, rows: number, unit: string, work: (knowledge: KnowledgeService) => Promise<void>): Promise<void> {
  const mock = await startMockEmbeddings();
  const bench = await createBenchDatabase();
  try {
    const embedder = createOpenAIEmbedder({ apiKey: 'bench', baseURL: mock.baseURL, model: 'bench-embedding', dimensions, timeoutMs: 30_000 });
    await ensureEmbeddingIndex(bench.embedded, embedder);
    const knowledge = new KnowledgeService(bench.embedded, embedder);
    const started = performance.now();
    await work(knowledge);
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `openai-compatible ingest, ${name}: ${rows} ${unit} in ${seconds.toFixed(2)} s = ${Math.round(rows / seconds)} ${unit}/s ` +
        `(${mock.requests} embedding requests of up to ${mock.largestBatch} texts, ${delayMilliseconds} ms each; goal >= 300 rows/s)`,
    );
  } finally {
    await bench.close();
    await mock.close();
  }
}

export async function main(): Promise<void> {
  const rows = benchRows();
  if (!rows) {
    console.log('bq_corpus / jining_bank_faq_dev not found beside the repository: embedding batch bench skipped');
    return;
  }
  const jsonl = rows.map((row) => JSON.stringify(row)).join('\n');
  await measure('FAQ set in one POST', rows.length, 'rows', async (knowledge) => {
    await knowledge.ingestFaqSet({ format: 'jsonl', kind: 'faq', body: jsonl }, actor);
  });
  await measure('sync of separate documents', rows.length, 'documents', async (knowledge) => {
    const documents = rows.map((row) => ({ externalId: row.id, title: row.questions[0] ?? row.id, kind: 'faq' as const, format: 'text' as const, body: row.answer, language: 'zh' as const }));
    await knowledge.sync('bench', documents, { deleteMissing: false }, actor);
  });
  const directory = mkdtempSync(join(tmpdir(), 'agent-assist-embedding-bench-'));
  try {
    const files = rows.slice(0, 1000).map((row, index) => {
      const path = join(directory, `document-${String(index).padStart(4, '0')}.md`);
      writeFileSync(path, `# ${row.questions[0] ?? row.id}\n\n${row.answer}\n`);
      return path;
    });
    await measure('folder of Markdown files (CLI ingest)', files.length, 'files', async (knowledge) => {
      await ingestFiles(knowledge, files, { actor });
    });
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
