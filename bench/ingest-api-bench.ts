/**
 * Ingest through the HTTP API as a running server does it (issue 10): `POST /v1/knowledge/documents`, one Markdown
 * document per request, in the server's own wiring (composeRuntime + composeApp, app.inject), so the write's
 * follow-up work (this replica's BM25 index catching up, the product caches, the offline embedder's drift check,
 * the generation bump) is counted, which the service-level figure of ingest-bench.ts leaves out.
 * - one request at a time, then the same number of documents with 4 requests in flight;
 * - on the server's default database (PGlite in a worker thread, a data directory); INGEST_API_ADAPTER=embedded
 *   runs PGlite in this thread instead.
 * EMBEDDING_DIMENSIONS (offline embedder) is read as the server reads it. Wall and CPU time with the load average.
 *
 * Run: npx tsx bench/ingest-api-bench.ts   (INGEST_API_DOCUMENTS=100: documents per phase, 10 sections each;
 * INGEST_API_STATEMENTS=1 prints the time spent in each kind of SQL statement during the one-at-a-time phase)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { composeApp, composeRuntime, openDatabase } from '../src/compose.js';
import { loadConfig } from '../src/config.js';
import { syntheticCorpus } from './knowledge-bench.js';
import { StatementTimes } from './statement-times.js';
import { protectionOff, repositoryDirectories } from './support.js';

const adminKey = 'bench-admin-key-0123456789abcdef';

function load(): string {
  return `load ${loadavg().map((value) => value.toFixed(1)).join(' ')}`;
}

export async function main(): Promise<void> {
  const documents = Number(process.env.INGEST_API_DOCUMENTS ?? 100);
  const concurrency = 4;
  const adapter = process.env.INGEST_API_ADAPTER === 'embedded' ? 'embedded' : 'worker';
  const dataDirectory = mkdtempSync(join(tmpdir(), 'agent-assist-ingest-api-'));
  const config = loadConfig({
    ...protectionOff,
    ADMIN_API_KEY: adminKey,
    LOG_LEVEL: 'silent',
    SEED_SAMPLE_KNOWLEDGE: 'false',
    DATA_DIR: dataDirectory,
    PGLITE_IN_WORKER: adapter === 'worker' ? 'true' : 'false',
    ...repositoryDirectories,
    ...(process.env.EMBEDDING_DIMENSIONS ? { EMBEDDING_DIMENSIONS: process.env.EMBEDDING_DIMENSIONS } : {}),
  });
  const statements = new StatementTimes();
  const database = process.env.INGEST_API_STATEMENTS === '1' ? statements.wrap(await openDatabase(config)) : undefined;
  const runtime = await composeRuntime(config, database ? { database } : {});
  const app = await composeApp(runtime);
  await app.ready();
  try {
    const { markdown } = syntheticCorpus(documents * 2, 10);
    const post = async (body: string): Promise<number> => {
      const response = await app.inject({
        method: 'POST',
        url: '/v1/knowledge/documents',
        headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
        payload: JSON.stringify({ format: 'markdown', body }),
      });
      if (response.statusCode !== 201) throw new Error(`POST answered ${response.statusCode}: ${response.body.slice(0, 300)}`);
      return (JSON.parse(response.body) as { chunkCount: number }).chunkCount;
    };
    const phase = async (label: string, bodies: readonly string[], inFlight: number) => {
      let chunks = 0;
      let next = 0;
      const cpu = process.cpuUsage();
      const started = performance.now();
      await Promise.all(
        Array.from({ length: inFlight }, async () => {
          while (next < bodies.length) {
            const stored = await post(bodies[next++]!);
            chunks += stored;
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      const used = process.cpuUsage(cpu);
      const cpuSeconds = (used.user + used.system) / 1e6;
      console.log(
        `${label}: ${chunks} chunks in ${seconds.toFixed(1)} s = ${Math.round(chunks / seconds)} chunks/s, ${(seconds * 1000 / bodies.length).toFixed(1)} ms/document (CPU ${cpuSeconds.toFixed(1)} s, all threads); ${load()}`,
      );
    };
    console.log(`== ingest API bench (${adapter} PGlite, ${runtime.embedder.dimensions ?? '?'} dimensions)`);
    statements.recording = true;
    await phase('POST /v1/knowledge/documents, one at a time', markdown.slice(0, documents), 1);
    statements.recording = false;
    statements.print(documents);
    await phase(`POST /v1/knowledge/documents, ${concurrency} in flight`, markdown.slice(documents), concurrency);
  } finally {
    await app.close();
    await runtime.close();
    rmSync(dataDirectory, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
