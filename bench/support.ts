import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type { Database } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { openPglite, wrapPglite } from '../src/db/pglite-database.js';
import { createPgliteWorkerDatabase } from '../src/db/pglite-worker-database.js';
import { createPostgresDatabase } from '../src/db/postgres-database.js';
import { vectorSearchSessionSql } from '../src/knowledge/vector-search-session-sql.js';

export const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));
export const benchmarksDirectory = fileURLToPath(new URL('../../shared/benchmarks/', import.meta.url));

/** The repository's own knowledge, evals, rules, prompts and profiles, as configuration for a bench's runtime. */
export const repositoryDirectories = {
  KNOWLEDGE_DIR: `${repositoryRoot}/knowledge`,
  EVALS_DIR: `${repositoryRoot}/evals/suites`,
  RULES_DIR: `${repositoryRoot}/evals/rules`,
  PROMPTS_DIR: `${repositoryRoot}/prompts`,
  COMPLIANCE_PROFILES_FILE: `${repositoryRoot}/evals/compliance-profiles.yaml`,
} as const;

export function percentile(values: readonly number[], fraction: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))]!;
}

export function formatMs(value: number): string {
  return `${value.toFixed(2)} ms`;
}

export function readJsonl<T>(path: string): T[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as T);
}

export function benchmarkFile(...parts: string[]): string | undefined {
  const path = join(benchmarksDirectory, ...parts);
  return existsSync(path) ? path : undefined;
}

/** Same session settings as production (compose.ts): the fitted HNSW search width, iterative scans. */
const sessionSql = vectorSearchSessionSql;

export interface BenchDatabase {
  embedded: Database;
  /** The same PGlite served over the wire protocol and reached through the `pg` adapter. */
  wire(): Promise<Database>;
  /** The same data directory reopened in a worker thread (the server's default adapter); `embedded` and `wire` end. */
  inWorker(): Promise<Database>;
  /** The wire's connection string (after wire()), for more connections as other replicas would open. */
  connectionString(): string | undefined;
  close(): Promise<void>;
}

/** An embedded PGlite in a temporary data directory (as `npm start` uses), optionally served over a socket too. */
export async function createBenchDatabase(): Promise<BenchDatabase> {
  const directory = mkdtempSync(join(tmpdir(), 'agent-assist-bench-'));
  // The server's own settings (relaxed durability among them), so ingest and latency figures are the server's.
  const pglite = await openPglite(directory);
  const embedded = wrapPglite(pglite);
  await migrate(embedded);
  await embedded.exec(sessionSql);
  let server: PGLiteSocketServer | undefined;
  let wired: Database | undefined;
  let worker: Database | undefined;
  let pgliteOpen = true;
  let connectionString: string | undefined;
  return {
    embedded,
    connectionString: () => connectionString,
    async wire() {
      if (wired) return wired;
      server = new PGLiteSocketServer({ db: pglite, port: 0, host: '127.0.0.1', maxConnections: 20 });
      await server.start();
      connectionString = `postgresql://postgres:postgres@${server.getServerConn()}/postgres?sslmode=disable`;
      wired = await createPostgresDatabase({ connectionString, maxConnections: 1, sessionSql });
      return wired;
    },
    async inWorker() {
      if (worker) return worker;
      await wired?.close();
      await server?.stop();
      wired = undefined;
      server = undefined;
      await pglite.close();
      pgliteOpen = false;
      worker = await createPgliteWorkerDatabase({ dataDirectory: directory, sessionSql });
      return worker;
    },
    async close() {
      // A runtime given the wire closes it too, and a second close of a pool throws: the socket server must still
      // stop, or its listener keeps the bench process alive after the figures are printed.
      await wired?.close().catch(() => undefined);
      await server?.stop();
      if (pgliteOpen) await pglite.close();
      await worker?.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** Sentences of the sample knowledge base (our own text), to build large synthetic corpora from. */
export function sampleSentences(): string[] {
  const sentences: string[] = [];
  const walk = (directory: string) => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.md') && entry.name !== 'README.md') {
        const body = readFileSync(path, 'utf8').replace(/^---[\s\S]*?---/, '');
        for (const sentence of body.split(/(?<=[。！？.!?])\s*|\n+/)) {
          const clean = sentence.replace(/[#|>*`-]+/g, ' ').trim();
          if (clean.length >= 12) sentences.push(clean);
        }
      }
    }
  };
  walk(join(repositoryRoot, 'knowledge'));
  return sentences;
}

/** Deterministic pseudo-random numbers (mulberry32), so every bench run builds the same corpus. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

export { protectionOff } from '../test/support/protection-off.js';
