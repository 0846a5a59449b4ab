/**
 * Per-request cost of the protection layer (src/http/protect-service.ts), in process with app.inject on one cheap
 * authenticated route (POST /v1/compliance/check of a greeting, key already cached): the app without protection, with protection
 * but limits off, and with everything on (per-key rate limit counted in this replica's memory). Rounds alternate
 * between the three so machine noise spreads evenly; the median round is reported.
 * Run: npx tsx bench/protection-bench.ts
 */
import { pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { composeApp, composeRuntime, openDatabase } from '../src/compose.js';
import { loadConfig } from '../src/config.js';
import { buildApp } from '../src/http/app.js';
import { complianceRoutes } from '../src/http/routes/compliance-routes.js';
import { percentile } from './support.js';

const adminKey = 'bench-admin-key-0123456789abcdef';
const requestsPerRound = 2_000;
const rounds = 7;

async function microsecondsPerRequest(app: FastifyInstance, headers: Record<string, string>): Promise<number> {
  const started = performance.now();
  for (let index = 0; index < requestsPerRound; index += 1) {
    const response = await app.inject({ method: 'POST', url: '/v1/compliance/check', headers, payload: { text: '您好' } });
    if (response.statusCode !== 200) throw new Error(`unexpected ${response.statusCode}: ${response.body.slice(0, 200)}`);
  }
  return ((performance.now() - started) * 1000) / requestsPerRound;
}

export async function main(): Promise<void> {
  console.log('== protection bench (per-request cost)');
  const base = { ADMIN_API_KEY: adminKey, LOG_LEVEL: 'silent', SEED_SAMPLE_KNOWLEDGE: 'false' };
  const database = await openDatabase(loadConfig(base), { inMemory: true });
  const limitsOff = loadConfig({ ...base, RATE_LIMIT_AGENT_PER_MINUTE: '0', AUTH_FAILURE_LIMIT: '0', SHED_MAX_LAG_MS: '0', SHED_MAX_IN_FLIGHT: '0' });
  // A limit no bench reaches: the counter is incremented and the headers written on every request. (The lag check
  // runs only in a listening server; its cost is one clock read per request.)
  const limitsOn = loadConfig({ ...base, RATE_LIMIT_AGENT_PER_MINUTE: '1000000000' });
  const runtime = await composeRuntime(limitsOn, { database });
  try {
    const { key } = await runtime.services.apiKeys.create('agent', 'bench desk');
    const headers = { authorization: `Bearer ${key}` };
    const variants: [string, FastifyInstance][] = [
      ['no protection', await buildApp(runtime.services, { bodyLimitBytes: limitsOn.BODY_LIMIT_BYTES, logLevel: 'silent', routes: [complianceRoutes] })],
      ['security headers only (limits, lockout and shedding off)', await composeApp({ ...runtime, config: limitsOff })],
      ['everything on (rate limit, lockout, in-flight cap, helmet)', await composeApp(runtime)],
    ];
    const timings = new Map<string, number[]>(variants.map(([label]) => [label, []]));
    for (const [, app] of variants) await microsecondsPerRequest(app, headers);
    for (let round = 0; round < rounds; round += 1) {
      for (const [label, app] of variants) timings.get(label)!.push(await microsecondsPerRequest(app, headers));
    }
    const baseline = percentile(timings.get('no protection')!, 0.5);
    for (const [label] of variants) {
      const median = percentile(timings.get(label)!, 0.5);
      console.log(`${label}: ${median.toFixed(1)} µs/request (+${(median - baseline).toFixed(1)} µs)`);
    }
    for (const [, app] of variants) await app.close();
  } finally {
    await runtime.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
