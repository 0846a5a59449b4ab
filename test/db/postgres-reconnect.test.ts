import { request as httpRequest, type ClientRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { composeApp, composeRuntime, type Runtime } from '../../src/compose.js';
import { loadConfig } from '../../src/config.js';
import type { Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { createPostgresDatabase } from '../../src/db/postgres-database.js';

const adminKey = 'test-admin-key-0123456789abcdef';
const headers = { authorization: `Bearer ${adminKey}` };

/**
 * The `pg` adapter against a database that goes away and comes back: PGlite served by pglite-socket, whose
 * stop() drops every open connection the way a Postgres restart does.
 */
describe('pg adapter across a database restart', () => {
  let pglite: PGlite;
  let server: PGLiteSocketServer;
  let port: number;
  let database: Database;
  let runtime: Runtime;
  let app: FastifyInstance;
  let base: string;
  let stream: ClientRequest | undefined;
  let streamed = '';
  const listenerStates: string[] = [];

  const serve = async () => {
    server = new PGLiteSocketServer({ db: pglite, port, host: '127.0.0.1', maxConnections: 20 });
    await server.start();
  };
  // A non-compliant agent turn: stored with a `compliance` event that the stream must deliver.
  const postTurn = (conversationId: string, turnId: string) =>
    app.inject({ method: 'POST', url: `/v1/conversations/${conversationId}/turns`, headers, payload: { turnId, speaker: 'agent', text: '这款理财保本保收益，您放心买。' } });

  beforeAll(async () => {
    pglite = await PGlite.create({ extensions: { vector } });
    port = 0;
    await serve();
    port = Number(server.getServerConn().split(':').at(-1));
    database = await createPostgresDatabase({
      connectionString: `postgresql://postgres:postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
      maxConnections: 4,
      reconnect: { initialMilliseconds: 50, maxMilliseconds: 500 },
      onListenerState: (state) => listenerStates.push(state),
    });
    await migrate(database);
    runtime = await composeRuntime(loadConfig({ ADMIN_API_KEY: adminKey, LOG_LEVEL: 'silent', SEED_SAMPLE_KNOWLEDGE: 'false' }), { database });
    app = await composeApp(runtime);
    runtime.startBackground();
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    stream?.destroy();
    await app?.close();
    await runtime?.close();
    await server?.stop();
    await pglite?.close();
  });

  it('stays up, fails readiness and requests with 503 while the database is away, then recovers with no event lost', async () => {
    const created = await app.inject({ method: 'POST', url: '/v1/conversations', headers, payload: { channel: 'chat', language: 'zh' } });
    expect(created.statusCode).toBe(201);
    const conversationId = (created.json() as { id: string }).id;

    // A desktop's event stream, open across the outage.
    stream = httpRequest(`${base}/v1/conversations/${conversationId}/events`, { headers: { accept: 'text/event-stream', ...headers } }, (response) => {
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (streamed += chunk));
    });
    stream.on('error', () => undefined);
    stream.end();

    // A stream opened without Last-Event-ID starts live: the turn is posted once it is connected.
    await vi.waitFor(() => expect(streamed).toContain('connected'), { timeout: 10_000 });
    expect((await postTurn(conversationId, 'before-outage')).statusCode).toBe(201);
    await vi.waitFor(() => expect(streamed).toContain('before-outage'), { timeout: 10_000 });
    await vi.waitFor(() => expect(listenerStates).toContain('listening'), { timeout: 10_000 });

    await server.stop();
    await vi.waitFor(() => expect(listenerStates.at(-1)).toBe('reconnecting'), { timeout: 10_000 });

    const notReady = await app.inject({ method: 'GET', url: '/readyz' });
    expect(notReady.statusCode).toBe(503);
    expect((notReady.json() as { checks: Record<string, string> }).checks.database).toMatch(/^unreachable/);
    const refused = await postTurn(conversationId, 'during-outage');
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.headers['retry-after']).toBe('5');
    expect((refused.json() as { type: string }).type).toMatch(/database_unavailable$/);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);

    await serve();
    await vi.waitFor(async () => expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200), { timeout: 15_000, interval: 100 });
    await vi.waitFor(() => expect(listenerStates.at(-1)).toBe('listening'), { timeout: 15_000 });

    expect((await postTurn(conversationId, 'after-restart')).statusCode).toBe(201);
    await vi.waitFor(() => expect(streamed).toContain('after-restart'), { timeout: 10_000 });
    // The turn refused during the outage was never stored, so a retry with the same turnId stores it once.
    expect((await postTurn(conversationId, 'during-outage')).statusCode).toBe(201);
    await vi.waitFor(() => expect(streamed).toContain('during-outage'), { timeout: 10_000 });
    const eventIds = [...streamed.matchAll(/^id: (\d+)$/gm)].map((match) => Number(match[1]));
    expect(eventIds).toEqual([...new Set(eventIds)].sort((a, b) => a - b));
  }, 120_000);
});
