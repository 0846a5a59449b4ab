/**
 * Fuzz of every route of the OpenAPI document against a freshly started server (own process, own data folder,
 * offline model), as an attacker or a careless client would: >= 10,000 generated requests (valid-ish and invalid
 * bodies, parameters and queries from the schemas, hostile strings, raw bytes, wrong content types, bad keys).
 * Reports the status histogram, responses >= 500 and hangs (no complete answer within 30 s); both must be 0.
 * Run: npx tsx bench/fuzz-bench.ts [requests] [seed]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { prepareFuzzContext, requestArbitraries, runFuzzRequests, type OpenapiLike, type Role } from '../test/support/openapi-fuzzer.js';
import { percentile, protectionOff, repositoryRoot } from './support.js';

const adminKey = 'fuzz-bench-admin-key-0123456789';
const hangBoundMs = 30_000;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function call(base: URL, method: string, path: string, key: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(new URL(path, base), {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: await response.json().catch(() => undefined) };
}

export async function main(): Promise<void> {
  const total = Number(process.argv[2] ?? 10_000);
  const seed = Number(process.argv[3] ?? 20_261_206);
  console.log(`== fuzz bench (${total} requests, seed ${seed})`);
  const dataDirectory = mkdtempSync(join(tmpdir(), 'agent-assist-fuzz-'));
  const port = await freePort();
  const base = new URL(`http://127.0.0.1:${port}`);
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], {
    cwd: repositoryRoot,
    env: { ...process.env, ...protectionOff, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDirectory, LOG_LEVEL: 'fatal', ADMIN_API_KEY: adminKey, SEED_SAMPLE_KNOWLEDGE: 'false', OPENAI_API_KEY: '' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  let exitedEarly = false;
  child.once('exit', () => {
    exitedEarly = true;
  });
  try {
    const started = performance.now();
    while (!(await fetch(new URL('/readyz', base)).then((response) => response.ok, () => false))) {
      if (exitedEarly || performance.now() - started > 180_000) throw new Error('the server did not become ready');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const document = (await (await fetch(new URL('/openapi.json', base))).json()) as OpenapiLike;
    const context = await prepareFuzzContext(
      async (role: Role) => (role === 'admin' ? adminKey : ((await call(base, 'POST', '/v1/keys', adminKey, { role, name: `fuzz ${role}` })).json as { key: string }).key),
      (method, path, key, body) => call(base, method, path, key, body),
    );
    const arbitraries = requestArbitraries(document, context);
    const requests = fc.sample(fc.oneof(...arbitraries), { numRuns: total, seed });
    const fuzzStarted = performance.now();
    const outcomes = await runFuzzRequests(base, requests, { boundMs: hangBoundMs, concurrency: 4 });
    const seconds = (performance.now() - fuzzStarted) / 1000;

    const sent = outcomes.filter((outcome) => !outcome.result.unsendable);
    const histogram = new Map<number, number>();
    for (const { result } of sent) histogram.set(result.status, (histogram.get(result.status) ?? 0) + 1);
    const failures = sent.filter(({ result }) => result.hung || result.status >= 500 || result.status === 0);
    const notProblem = sent.filter(({ result }) => result.status >= 400 && !result.contentType.includes('application/problem+json'));
    const byOperation = new Map<string, { count: number; success: number }>();
    for (const { request, result } of sent) {
      const entry = byOperation.get(request.operation) ?? { count: 0, success: 0 };
      entry.count += 1;
      if (result.status < 300) entry.success += 1;
      byOperation.set(request.operation, entry);
    }
    console.log(`operations: ${byOperation.size}; requests sent: ${sent.length} (${outcomes.length - sent.length} refused by the client library) in ${seconds.toFixed(1)} s, ${(sent.length / seconds).toFixed(0)}/s`);
    console.log(`statuses: ${[...histogram.entries()].sort(([a], [b]) => a - b).map(([status, count]) => `${status}: ${count}`).join(', ')}`);
    console.log(`responses >= 500: ${sent.filter(({ result }) => result.status >= 500).length}; hangs (> ${hangBoundMs / 1000} s): ${sent.filter(({ result }) => result.hung).length}; connection errors: ${sent.filter(({ result }) => result.status === 0 && !result.hung).length}; errors not problem+json: ${notProblem.length}`);
    console.log(`2xx share per operation: min ${Math.min(...[...byOperation.values()].map((entry) => entry.success / entry.count)).toFixed(2)}, median ${percentile([...byOperation.values()].map((entry) => entry.success / entry.count), 0.5).toFixed(2)}`);
    const neverAccepted = [...byOperation.entries()].filter(([, entry]) => entry.success === 0).map(([operation]) => operation);
    console.log(`operations never answered 2xx: ${neverAccepted.length === 0 ? 'none' : neverAccepted.join(', ')}`);
    for (const { request, result } of [...failures, ...notProblem].slice(0, 10)) {
      console.log(`  ${result.hung ? 'HANG' : result.status} ${request.method} ${request.path.slice(0, 160)} ${result.body.slice(0, 200)}`);
    }
    const alive = await fetch(new URL('/healthz', base)).then((response) => response.status, () => 0);
    console.log(`/healthz after the run: ${alive}`);
  } finally {
    if (!exitedEarly) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    rmSync(dataDirectory, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
