import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeApp, composeRuntime, type Runtime } from '../../src/compose.js';
import { loadConfig } from '../../src/config.js';
import { createPostgresDatabase } from '../../src/db/postgres-database.js';
import type { FastifyInstance } from 'fastify';
import { adminKey, createTestApp, withoutLimits, type TestApp } from '../support/test-app.js';

/**
 * Two replicas of the service on one Postgres (the `pg` adapter to one PGlite over the wire): a knowledge write
 * on one is searchable on the other at once, although each replica caches "now" searches for 5 s.
 */
describe('knowledge writes across replicas', () => {
  let first: TestApp;
  let second: { runtime: Runtime; app: FastifyInstance };

  beforeAll(async () => {
    first = await createTestApp({ adapter: 'postgres' });
    const config = loadConfig({ ADMIN_API_KEY: adminKey, LOG_LEVEL: 'silent', SEED_SAMPLE_KNOWLEDGE: 'false', ...withoutLimits });
    const database = await createPostgresDatabase({ connectionString: first.testDatabase.connectionString!, maxConnections: 2 });
    const runtime = await composeRuntime(config, { database });
    second = { runtime, app: await composeApp(runtime) };
    await second.app.ready();
  });
  afterAll(async () => {
    await second?.app.close();
    await second?.runtime.close();
    await first?.close();
  });

  it('clears the other replica caches when a document is written, updated or retired', async () => {
    const agent = await first.as('agent');
    const owner = await first.as('knowledge_owner');
    const search = async () =>
      (await first.app.inject({ method: 'POST', url: '/v1/knowledge/search', headers: agent, payload: { query: '外币现钞兑换手续费', topK: 3 } })).json().results as Array<{ externalId: string; version: number }>;
    const heard = () => new Promise<void>((resolve) => {
      const stop = first.runtime.services.knowledge.onChange(() => {
        stop();
        resolve();
      });
    });

    // The first replica has cached an answer without the document.
    expect((await search()).map((result) => result.externalId)).not.toContain('replica-fx-fee');

    let notified = heard();
    const created = await second.app.inject({
      method: 'POST',
      url: '/v1/knowledge/documents',
      headers: owner,
      payload: { externalId: 'replica-fx-fee', title: '外币现钞兑换手续费', kind: 'product', format: 'text', body: '外币现钞兑换不收手续费，按当日牌价结算。' },
    });
    expect(created.statusCode).toBe(201);
    await notified;
    expect((await search())[0]).toMatchObject({ externalId: 'replica-fx-fee', version: 1 });

    notified = heard();
    await second.app.inject({
      method: 'PUT',
      url: `/v1/knowledge/documents/${created.json().documentId}`,
      headers: owner,
      payload: { title: '外币现钞兑换手续费', kind: 'product', format: 'text', body: '外币现钞兑换不收手续费，按当日现钞买入价结算。' },
    });
    await notified;
    expect((await search())[0]).toMatchObject({ externalId: 'replica-fx-fee', version: 2 });

    notified = heard();
    await second.app.inject({ method: 'DELETE', url: `/v1/knowledge/documents/${created.json().documentId}`, headers: owner });
    await notified;
    expect((await search()).map((result) => result.externalId)).not.toContain('replica-fx-fee');
  });

  it('does not hear its own writes twice', async () => {
    let calls = 0;
    const stop = first.runtime.services.knowledge.onChange(() => {
      calls += 1;
    });
    const owner = await first.as('knowledge_owner');
    await first.app.inject({ method: 'POST', url: '/v1/knowledge/documents', headers: owner, payload: { externalId: 'replica-own', title: '自有写入', kind: 'product', format: 'text', body: '本副本写入的文档。' } });
    // A round trip through the database lets any notification of this write arrive before counting.
    await first.runtime.services.database.query('select 1');
    await new Promise((resolve) => setTimeout(resolve, 50));
    stop();
    expect(calls).toBe(1);
  });
});
