import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { composeApp, composeRuntime, type Runtime } from '../../src/compose.js';
import { loadConfig } from '../../src/config.js';
import type { Database } from '../../src/db/database.js';
import { adminKey } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let testDatabase: TestDatabase;
const opened: { app: FastifyInstance; runtime: Runtime }[] = [];

/** The real app with the given settings, on the one database of this file (the app owns nothing else). */
async function appWith(environment: Record<string, string> = {}, database: Database = testDatabase.database): Promise<{ app: FastifyInstance; runtime: Runtime; keyFor(role: 'agent' | 'compliance'): Promise<string> }> {
  // Lag-based shedding only where a test asks for it: a busy machine would otherwise refuse requests at random.
  const config = loadConfig({ ADMIN_API_KEY: adminKey, LOG_LEVEL: 'silent', SEED_SAMPLE_KNOWLEDGE: 'false', SHED_MAX_LAG_MS: '0', ...environment });
  const runtime = await composeRuntime(config, { database });
  const app = await composeApp(runtime);
  await app.ready();
  opened.push({ app, runtime });
  return {
    app,
    runtime,
    keyFor: async (role) => (await runtime.services.apiKeys.create(role, `test ${role}`)).key,
  };
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

beforeAll(async () => {
  testDatabase = await createTestDatabase('pglite');
});

afterAll(async () => {
  for (const { app, runtime } of opened) {
    await app.close();
    await runtime.services.evals.close();
  }
  await testDatabase.close();
});

describe('per-key rate limits', () => {
  it('answers 429 problem+json with retry-after once a key spends its role limit, per key and per role', async () => {
    const { app, keyFor } = await appWith({ RATE_LIMIT_AGENT_PER_MINUTE: '3', RATE_LIMIT_COMPLIANCE_PER_MINUTE: '5' });
    const agent = await keyFor('agent');
    const otherAgent = await keyFor('agent');
    const compliance = await keyFor('compliance');

    for (let index = 0; index < 3; index += 1) {
      const response = await app.inject({ method: 'GET', url: '/v1/compliance/rules', headers: bearer(agent) });
      expect(response.statusCode).toBe(200);
      expect(response.headers['x-ratelimit-limit']).toBe('3');
    }
    const limited = await app.inject({ method: 'GET', url: '/v1/compliance/rules', headers: bearer(agent) });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toContain('application/problem+json');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json()).toMatchObject({ status: 429, type: expect.stringContaining('rate_limited') });
    // The limit follows the key's id: the raw key appears nowhere in the answer.
    expect(limited.body).not.toContain(agent);

    expect((await app.inject({ method: 'GET', url: '/v1/compliance/rules', headers: bearer(otherAgent) })).statusCode).toBe(200);

    const complianceStatuses: number[] = [];
    for (let index = 0; index < 6; index += 1) {
      complianceStatuses.push((await app.inject({ method: 'GET', url: '/v1/compliance/rules', headers: bearer(compliance) })).statusCode);
    }
    expect(complianceStatuses).toEqual([200, 200, 200, 200, 200, 429]);
  });

  it('never limits /healthz, and 0 switches a role limit off', async () => {
    const { app, keyFor } = await appWith({ RATE_LIMIT_AGENT_PER_MINUTE: '0', RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1' });
    for (let index = 0; index < 5; index += 1) {
      const response = await app.inject({ method: 'GET', url: '/healthz' });
      expect(response.statusCode).toBe(200);
      expect(response.headers['x-ratelimit-limit']).toBeUndefined();
    }
    const agent = await keyFor('agent');
    for (let index = 0; index < 5; index += 1) expect((await app.inject({ method: 'GET', url: '/v1/compliance/rules', headers: bearer(agent) })).statusCode).toBe(200);
    // Routes without a key are limited per address.
    expect((await app.inject({ method: 'GET', url: '/openapi.json' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/openapi.json' })).statusCode).toBe(429);
  });
});

describe('bad-key lockout per client address', () => {
  it('refuses an address that sent too many bad keys without checking keys, and leaves other addresses and known keys alone', async () => {
    const { app, runtime, keyFor } = await appWith({ AUTH_FAILURE_LIMIT: '3', AUTH_LOCKOUT_SECONDS: '30' });
    const working = await keyFor('agent');
    const neverUsed = await keyFor('agent');
    const attacker = '10.9.0.1';
    // A desktop behind the same address already used its key: it keeps working through the lockout.
    expect((await app.inject({ method: 'GET', url: '/v1/compliance/rules', headers: bearer(working), remoteAddress: attacker })).statusCode).toBe(200);

    for (let index = 0; index < 3; index += 1) {
      const response = await app.inject({ method: 'GET', url: '/v1/compliance/rules', headers: bearer(`aa_guess_${index}`), remoteAddress: attacker });
      expect(response.statusCode).toBe(401);
    }
    const verify = vi.spyOn(runtime.services.apiKeys, 'verify');
    const locked = await app.inject({ method: 'GET', url: '/v1/compliance/rules', headers: bearer('aa_guess_next'), remoteAddress: attacker });
    expect(locked.statusCode).toBe(429);
    expect(locked.headers['content-type']).toContain('application/problem+json');
    expect(Number(locked.headers['retry-after'])).toBe(30);
    expect(locked.json()).toMatchObject({ type: expect.stringContaining('too_many_bad_keys') });
    // Not even a good key unknown to this address is checked while it is locked out.
    expect((await app.inject({ method: 'GET', url: '/v1/compliance/rules', headers: bearer(neverUsed), remoteAddress: attacker })).statusCode).toBe(429);
    expect(verify).not.toHaveBeenCalled();

    expect((await app.inject({ method: 'GET', url: '/v1/compliance/rules', headers: bearer(working), remoteAddress: attacker })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/v1/compliance/rules', headers: bearer(neverUsed), remoteAddress: '10.9.0.2' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/healthz', remoteAddress: attacker })).statusCode).toBe(200);
    verify.mockRestore();
  });

  it('believes x-forwarded-for only when TRUST_PROXY says so', async () => {
    const direct = await appWith({ AUTH_FAILURE_LIMIT: '2' });
    // Without a trusted proxy, rotating the header does not escape the lockout of the socket address.
    const statuses: number[] = [];
    for (let index = 0; index < 3; index += 1) {
      const response = await direct.app.inject({ method: 'GET', url: '/v1/compliance/rules', headers: { ...bearer('aa_bad'), 'x-forwarded-for': `192.0.2.${index}` }, remoteAddress: '10.8.0.1' });
      statuses.push(response.statusCode);
    }
    expect(statuses).toEqual([401, 401, 429]);

    const proxied = await appWith({ AUTH_FAILURE_LIMIT: '2', TRUST_PROXY: '10.7.0.1' });
    const throughProxy = (client: string) => proxied.app.inject({ method: 'GET', url: '/v1/compliance/rules', headers: { ...bearer('aa_bad'), 'x-forwarded-for': client }, remoteAddress: '10.7.0.1' });
    expect((await throughProxy('192.0.2.10')).statusCode).toBe(401);
    expect((await throughProxy('192.0.2.10')).statusCode).toBe(401);
    expect((await throughProxy('192.0.2.10')).statusCode).toBe(429);
    expect((await throughProxy('192.0.2.11')).statusCode).toBe(401);
  });
});

describe('load shedding', () => {
  it('answers 503 problem+json with retry-after past the in-flight cap, keeps /healthz answering, and admits again once work finishes', async () => {
    const { app } = await appWith({ SHED_MAX_IN_FLIGHT: '1', SHED_MAX_EVENT_LOOP_DELAY_MS: '0', SHED_RETRY_AFTER_SECONDS: '3' });
    // A request whose body has not finished arriving is work in progress.
    const slowBody = new PassThrough();
    const pending = app.inject({ method: 'POST', url: '/v1/compliance/check', headers: { ...bearer(adminKey), 'content-type': 'application/json' }, payload: slowBody });
    await new Promise((resolve) => setImmediate(resolve));

    const shed = await app.inject({ method: 'GET', url: '/v1/compliance/rules', headers: bearer(adminKey) });
    expect(shed.statusCode).toBe(503);
    expect(shed.headers['content-type']).toContain('application/problem+json');
    expect(shed.headers['retry-after']).toBe('3');
    expect(shed.json()).toMatchObject({ status: 503, type: expect.stringContaining('overloaded') });
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);

    slowBody.end(JSON.stringify({ text: '理财产品有风险，投资需谨慎' }));
    expect((await pending).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/v1/compliance/rules', headers: bearer(adminKey) })).statusCode).toBe(200);
  });

  it('holds a refusal for SHED_REFUSAL_HOLD_MS even after capacity is back, with its CORS and request-id headers, and sends held refusals at shutdown', async () => {
    const desk = 'https://desk.bank.example';
    const { app } = await appWith({ SHED_MAX_IN_FLIGHT: '1', SHED_REFUSAL_HOLD_MS: '10000', SHED_RETRY_AFTER_SECONDS: '4', CORS_ORIGINS: desk });
    const slowBody = new PassThrough();
    const pending = app.inject({ method: 'POST', url: '/v1/compliance/check', headers: { ...bearer(adminKey), 'content-type': 'application/json' }, payload: slowBody });
    await new Promise((resolve) => setImmediate(resolve));

    let settled = false;
    const shed = app.inject({ method: 'GET', url: '/v1/compliance/rules', headers: { ...bearer(adminKey), origin: desk, 'x-request-id': 'held-refusal-1' } }).then((response) => {
      settled = true;
      return response;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(settled).toBe(false);
    // Capacity comes back; the refused client still waits out the hold instead of retrying into the server at once.
    slowBody.end(JSON.stringify({ text: '理财产品有风险，投资需谨慎' }));
    expect((await pending).statusCode).toBe(200);
    // A held refusal is not work in progress: the next request is admitted although the cap is one.
    expect((await app.inject({ method: 'GET', url: '/v1/compliance/rules', headers: bearer(adminKey) })).statusCode).toBe(200);
    expect(settled).toBe(false);

    await app.close();
    const response = await shed;
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('4');
    expect(response.headers['access-control-allow-origin']).toBe(desk);
    expect(response.headers['x-request-id']).toBe('held-refusal-1');
    expect(response.json()).toMatchObject({ status: 503, title: 'Service overloaded', requestId: 'held-refusal-1', instance: '/v1/compliance/rules' });
  });

  it('refuses requests met while the event loop is already far behind, but not /healthz', async () => {
    const { app } = await appWith({ SHED_MAX_LAG_MS: '50', SHED_MAX_IN_FLIGHT: '0', SHED_LAG_MIN_IN_FLIGHT: '0' });
    // Before listening the lag clock does not run: in-process callers are never shed on lag.
    const blockFor = (milliseconds: number) => {
      const until = performance.now() + milliseconds;
      while (performance.now() < until) {
        // busy on purpose: earlier requests' work in the same loop turn
      }
    };
    const injectedEarly = app.inject({ method: 'GET', url: '/v1/compliance/rules', headers: bearer(adminKey) });
    blockFor(200);
    expect((await injectedEarly).statusCode).toBe(200);
    await app.listen({ port: 0, host: '127.0.0.1' });
    // Let the lag clock tick once, then arrive in a loop turn that has already been busy for 200 ms.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const behind = app.inject({ method: 'GET', url: '/v1/compliance/rules', headers: bearer(adminKey) });
    const health = app.inject({ method: 'GET', url: '/healthz' });
    blockFor(200);
    const shed = await behind;
    expect(shed.statusCode).toBe(503);
    expect(shed.json().detail).toMatch(/event loop \d+ ms behind/);
    expect(shed.headers['retry-after']).toBe('2');
    expect((await health).statusCode).toBe(200);
    // Once the loop has caught up, requests are admitted again.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await app.inject({ method: 'GET', url: '/v1/compliance/rules', headers: bearer(adminKey) })).statusCode).toBe(200);
  });

  it('sheds on lag only when enough requests are in progress to make a queue', async () => {
    const { app } = await appWith({ SHED_MAX_LAG_MS: '50', SHED_MAX_IN_FLIGHT: '0', SHED_LAG_MIN_IN_FLIGHT: '2' });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const blockFor = (milliseconds: number) => {
      const until = performance.now() + milliseconds;
      while (performance.now() < until) {
        // busy on purpose: one request's own work
      }
    };
    // Alone, a request met after a slow loop turn is admitted: the lag was not a queue.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const alone = app.inject({ method: 'GET', url: '/v1/compliance/rules', headers: bearer(adminKey) });
    blockFor(200);
    expect((await alone).statusCode).toBe(200);

    // With another request in progress, the same lag means a queue: refused.
    const slowBody = new PassThrough();
    const pending = app.inject({ method: 'POST', url: '/v1/compliance/check', headers: { ...bearer(adminKey), 'content-type': 'application/json' }, payload: slowBody });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const queued = app.inject({ method: 'GET', url: '/v1/compliance/rules', headers: bearer(adminKey) });
    blockFor(200);
    expect((await queued).statusCode).toBe(503);
    slowBody.end(JSON.stringify({ text: '理财产品有风险，投资需谨慎' }));
    expect((await pending).statusCode).toBe(200);
  });

  it('sheds while the oldest database call has waited past the limit, but not /healthz, and admits once the queue drains', async () => {
    // The queue's age as the worker adapter reports it; here set by the test, as the adapter is tested on its own.
    let waited = 0;
    const database: Database = { ...testDatabase.database, queueWaitMilliseconds: () => waited };
    const { app } = await appWith({ SHED_MAX_IN_FLIGHT: '0', SHED_MAX_DATABASE_WAIT_MS: '100' }, database);
    const rules = () => app.inject({ method: 'GET', url: '/v1/compliance/rules', headers: bearer(adminKey) });
    expect((await rules()).statusCode).toBe(200);
    waited = 250;
    const shed = await rules();
    expect(shed.statusCode).toBe(503);
    expect(shed.headers['content-type']).toContain('application/problem+json');
    expect(shed.headers['retry-after']).toBe('2');
    expect(shed.json().detail).toMatch(/database queue 250 ms behind/);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    waited = 100;
    expect((await rules()).statusCode).toBe(200);
  });

  it('sheds on sampled event-loop delay, but not /healthz', async () => {
    const { app } = await appWith({ SHED_MAX_IN_FLIGHT: '0', SHED_MAX_EVENT_LOOP_DELAY_MS: '1' });
    // Block the event loop well past the threshold, then let the overdue pressure sample run.
    const until = performance.now() + 400;
    while (performance.now() < until) {
      // busy on purpose: this is the pressure being simulated
    }
    // Wait for the pressure sample that saw the block. The overdue sample can run before the delay histogram has
    // recorded the block, and then the block shows in the next sample, one 250 ms interval later; so wait up to
    // four intervals rather than a few milliseconds (CI once saw 0 after 40 ms).
    const sampled = app as unknown as { memoryUsage(): { eventLoopDelay: number } };
    for (let attempt = 0; attempt < 100 && sampled.memoryUsage().eventLoopDelay <= 1; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(sampled.memoryUsage().eventLoopDelay).toBeGreaterThan(1);
    const shed = await app.inject({ method: 'GET', url: '/v1/compliance/rules', headers: bearer(adminKey) });
    expect(shed.statusCode).toBe(503);
    expect(shed.json().detail).toContain('eventLoopDelay');
    expect(Number(shed.headers['retry-after'])).toBeGreaterThan(0);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});

describe('security headers and CORS', () => {
  let app: FastifyInstance;
  let agent: string;
  const desk = 'https://desk.bank.example';

  beforeAll(async () => {
    const built = await appWith({ CORS_ORIGINS: `${desk},http://10.1.2.3:8080` });
    app = built.app;
    agent = await built.keyFor('agent');
  });

  it('sends security headers on API answers and keeps the /docs page loadable under its CSP', async () => {
    const response = await app.inject({ method: 'GET', url: '/healthz' });
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
    const policy = String(response.headers['content-security-policy']);
    expect(policy).toContain("default-src 'self'");
    expect(policy).not.toContain('upgrade-insecure-requests');

    const docs = await app.inject({ method: 'GET', url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(String(docs.headers['content-security-policy'])).toContain("script-src 'self'");
    // Every script of the page is a same-origin file: nothing inline for the CSP to block.
    const scripts = [...docs.body.matchAll(/<script([^>]*)>/g)].map((match) => match[1] ?? '');
    expect(scripts.length).toBeGreaterThan(0);
    for (const attributes of scripts) expect(attributes).toMatch(/src="(\.\/|\/docs\/)/);
    const initializer = await app.inject({ method: 'GET', url: '/docs/static/swagger-initializer.js' });
    expect(initializer.statusCode).toBe(200);
  });

  it('allows listed desktop origins, including the preflight of an authorised event stream, and refuses others', async () => {
    const allowed = await app.inject({ method: 'GET', url: '/v1/compliance/rules', headers: { ...bearer(agent), origin: desk } });
    expect(allowed.headers['access-control-allow-origin']).toBe(desk);
    expect(String(allowed.headers['access-control-expose-headers'])).toContain('retry-after');

    const refused = await app.inject({ method: 'GET', url: '/v1/compliance/rules', headers: { ...bearer(agent), origin: 'https://evil.example' } });
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();

    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/v1/conversations/00000000-0000-4000-8000-000000000000/events',
      headers: { origin: desk, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization,last-event-id' },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(desk);
    expect(String(preflight.headers['access-control-allow-headers'])).toMatch(/authorization.*last-event-id/);

    const refusedPreflight = await app.inject({
      method: 'OPTIONS',
      url: '/v1/compliance/check',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(refusedPreflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('carries the CORS headers on the event stream, which writes its own headers', async () => {
    const created = await app.inject({ method: 'POST', url: '/v1/conversations', headers: bearer(agent), payload: { language: 'zh' } });
    const conversationId = created.json().id as string;
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const headers = await new Promise<Record<string, string | string[] | undefined>>((resolve, reject) => {
      const request = httpRequest({ host: '127.0.0.1', port, path: `/v1/conversations/${conversationId}/events`, headers: { ...bearer(agent), origin: desk } }, (response) => {
        resolve(response.headers);
        request.destroy();
      });
      request.on('error', reject);
      request.end();
    });
    expect(headers['content-type']).toContain('text/event-stream');
    expect(headers['access-control-allow-origin']).toBe(desk);
    expect(headers['x-content-type-options']).toBe('nosniff');
  });

  it('allows no cross-origin caller by default', async () => {
    const { app: closed } = await appWith();
    const response = await closed.inject({ method: 'GET', url: '/healthz', headers: { origin: desk } });
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });
});
