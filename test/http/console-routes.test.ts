import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeApp, composeRuntime, type Runtime } from '../../src/compose.js';
import { loadConfig } from '../../src/config.js';
import { adminKey } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let testDatabase: TestDatabase;
let built: string;
const opened: { app: FastifyInstance; runtime: Runtime }[] = [];

/** The real app serving the console from `directory`, anonymous requests limited to `perMinute`. */
async function appServing(directory: string, perMinute = '0'): Promise<FastifyInstance> {
  const config = loadConfig({ ADMIN_API_KEY: adminKey, LOG_LEVEL: 'silent', SEED_SAMPLE_KNOWLEDGE: 'false', SHED_MAX_LAG_MS: '0', CONSOLE_DIR: directory, RATE_LIMIT_ANONYMOUS_PER_MINUTE: perMinute });
  const runtime = await composeRuntime(config, { database: testDatabase.database });
  const app = await composeApp(runtime);
  await app.ready();
  opened.push({ app, runtime });
  return app;
}

beforeAll(async () => {
  testDatabase = await createTestDatabase('pglite');
  // A build as Vite lays it out: index.html and hashed assets.
  built = mkdtempSync(join(tmpdir(), 'console-build-'));
  mkdirSync(join(built, 'assets'));
  writeFileSync(join(built, 'index.html'), '<!doctype html><html><head><script type="module" src="/console/assets/app-1a2b.js"></script></head><body><div id="root"></div></body></html>');
  writeFileSync(join(built, 'assets', 'app-1a2b.js'), 'console.log("console");');
});

afterAll(async () => {
  for (const { app, runtime } of opened) {
    await app.close();
    await runtime.services.evals.close();
  }
  await testDatabase.close();
  rmSync(built, { recursive: true, force: true });
});

describe('the web console at /console', () => {
  it('redirects /console to /console/ and serves index.html there, revalidated on every load', async () => {
    const app = await appServing(built);
    const redirect = await app.inject({ method: 'GET', url: '/console' });
    expect(redirect.statusCode).toBe(301);
    expect(redirect.headers.location).toBe('/console/');
    const page = await app.inject({ method: 'GET', url: '/console/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('<div id="root">');
    expect(page.headers['cache-control']).toBe('no-cache');
  });

  it('serves hashed assets as immutable and a missing asset as a 404 problem, not the page', async () => {
    const app = await appServing(built);
    const asset = await app.inject({ method: 'GET', url: '/console/assets/app-1a2b.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    const missing = await app.inject({ method: 'GET', url: '/console/assets/gone-9z.js' });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it("answers the app's own pages (deep links, reloads) with index.html", async () => {
    const app = await appServing(built);
    for (const url of ['/console/agent', '/console/knowledge/documents', '/console/compliance?tab=rules']) {
      const page = await app.inject({ method: 'GET', url });
      expect(page.statusCode, url).toBe(200);
      expect(page.body, url).toContain('<div id="root">');
    }
  });

  it('sends a CSP that allows only its own scripts: no inline script, no other origin', async () => {
    const app = await appServing(built);
    const page = await app.inject({ method: 'GET', url: '/console/' });
    const policy = String(page.headers['content-security-policy']);
    const scriptSource = /script-src ([^;]+)/.exec(policy)?.[1] ?? /default-src ([^;]+)/.exec(policy)?.[1];
    const sources = scriptSource?.trim().split(/\s+/) ?? [];
    expect(sources[0]).toBe("'self'");
    // Beside its own files only the eval report's one script, by its hash (the report is shown inside the console).
    expect(sources.slice(1).every((source) => /^'sha256-[A-Za-z0-9+/=]+'$/.test(source))).toBe(true);
    expect(scriptSource).not.toContain('unsafe');
    expect(policy).toContain("frame-ancestors 'self'");
    expect(policy).toContain("object-src 'none'");
  });

  it('is not held to the anonymous rate limit: a whole contact centre loads it from one address', async () => {
    const app = await appServing(built, '2');
    const statuses = [];
    for (let index = 0; index < 6; index += 1) statuses.push((await app.inject({ method: 'GET', url: '/console/assets/app-1a2b.js' })).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
    // Routes without a key other than the console still are.
    const documents = [];
    for (let index = 0; index < 4; index += 1) documents.push((await app.inject({ method: 'GET', url: '/openapi.json' })).statusCode);
    expect(documents).toContain(429);
  });

  it('says how to build the console when it is not built, and the API still runs', async () => {
    const app = await appServing(join(built, 'not-there'));
    for (const url of ['/console', '/console/', '/console/agent']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(503);
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(response.json().detail).toContain('npm run build');
    }
    const health = await app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
  });
});
