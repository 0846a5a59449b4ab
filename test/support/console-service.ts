import { existsSync, readdirSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser } from 'playwright-core';
import { composeApp, composeRuntime, type Runtime } from '../../src/compose.js';
import { loadConfig } from '../../src/config.js';
import { ingestFiles } from '../../src/knowledge/ingest-files.js';
import { adminKey } from './test-app.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { protectionOff } from './protection-off.js';

/** Debian's chromium: CI installs it (.ci/run); playwright-core drives it, no browser download. */
export const chromiumPath = '/usr/bin/chromium';
export const consoleSources = resolve('console');
export const consoleBuild = resolve('dist/console');

/**
 * Without chromium the browser tests are skipped with a message, locally; in CI (.ci/run sets
 * CONSOLE_BROWSER_TESTS=required after installing it) a missing browser fails instead of silently skipping.
 */
export function requireOrSkipBrowser(hasChromium: boolean): void {
  if (hasChromium) return;
  if (process.env.CONSOLE_BROWSER_TESTS === 'required') throw new Error(`${chromiumPath} is missing: .ci/run installs it with apt-get install -y chromium`);
  console.warn(`Skipping the console's browser tests: ${chromiumPath} is not installed (apt-get install -y chromium).`);
}

function newestModification(path: string): number {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  return Math.max(info.mtimeMs, ...readdirSync(path).map((name) => newestModification(join(path, name))));
}

/**
 * Builds the console when dist/console is missing or older than its sources (CI has a fresh build from
 * `npm ci` -> prepare; a developer may have edited the console since their last build).
 */
export async function ensureConsoleBuilt(): Promise<void> {
  const index = join(consoleBuild, 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newestModification(consoleSources)) return;
  const { build } = await import('vite');
  await build({ configFile: join(consoleSources, 'vite.config.ts'), logLevel: 'warn' });
}

export interface ConsoleService {
  baseUrl: string;
  app: FastifyInstance;
  runtime: Runtime;
  adminKey: string;
  createKey(role: 'agent' | 'knowledge_owner' | 'compliance' | 'admin'): Promise<{ id: string; key: string }>;
  close(): Promise<void>;
}

/** The real service (every route, the console, background jobs) on a fresh database and an ephemeral port. */
export async function startConsoleService(options: { knowledgeFiles?: string[]; environment?: Record<string, string> } = {}): Promise<ConsoleService> {
  const testDatabase: TestDatabase = await createTestDatabase('pglite');
  const config = loadConfig({ ADMIN_API_KEY: adminKey, LOG_LEVEL: 'silent', SEED_SAMPLE_KNOWLEDGE: 'false', CONSOLE_DIR: consoleBuild, ...protectionOff, ...options.environment });
  const runtime = await composeRuntime(config, { database: testDatabase.database });
  if (options.knowledgeFiles?.length) {
    const knowledgeDirectory = resolve('knowledge');
    await ingestFiles(runtime.services.knowledge, options.knowledgeFiles.map((file) => join(knowledgeDirectory, file)), { actor: { id: 'test' }, source: 'sample', baseDirectory: knowledgeDirectory });
    await runtime.services.search.refreshStatistics();
  }
  const app = await composeApp(runtime);
  runtime.startBackground();
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    app,
    runtime,
    adminKey,
    createKey: async (role) => {
      const created = await runtime.services.apiKeys.create(role, `browser test ${role}`);
      return { id: created.id, key: created.key };
    },
    async close() {
      await app.close();
      await runtime.close();
      await testDatabase.close().catch(() => undefined);
    },
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-background-networking', '--disable-dev-shm-usage'] });
}
