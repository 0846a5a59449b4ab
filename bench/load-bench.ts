/**
 * Load: a real server (its own process, embedded database, offline model, sample knowledge) under 200 concurrent
 * clients on an agent-desktop mix (customer turn, agent turn, suggestions, compliance check, search), each
 * conversation and key of its own. Reports p50/p99 of admitted (2xx) requests, the share shed (503) and limited
 * (429), and /healthz latency measured from a separate thread during the load (target p99 < 50 ms).
 *
 * Run: npx tsx bench/load-bench.ts
 * Runs twice: with shedding, limits and lockout off (the service before protection), then as configured.
 * Knobs (environment): LOAD_CLIENTS (200), LOAD_SECONDS (20), LOAD_SKIP_UNPROTECTED=true; LOAD_PORT (39892; the unprotected run uses the port below it), SHED_*, RATE_LIMIT_* and
 * AUTH_* variables reach the protected server, so thresholds can be fitted without editing code.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import autocannon from 'autocannon';
import { formatMs, percentile, repositoryRoot, seededRandom } from './support.js';

const adminKey = 'bench-admin-key-0123456789abcdef';
const customerUtterances = ['信用卡年费怎么收？', '我想了解一下大额存单的利率', '这个理财产品保本吗？', '我的卡被锁了怎么办', 'How do I raise my credit card limit?', '转账限额是多少'];
const agentUtterances = ['您好，请问有什么可以帮您？', '这款理财产品不保本，请您留意风险', '我帮您查一下年费标准', 'Let me check the fee schedule for you.'];
const checkTexts = ['这款理财保本保收益，您放心买', '理财产品有风险，投资需谨慎', 'Please tell me the SMS code you just received', '您的年费可以通过刷卡次数减免'];
const searchQueries = ['信用卡年费怎么收', '大额存单利率', '挂失补卡', 'credit card annual fee', '转账限额'];

interface Identity {
  key: string;
  conversationId: string;
}

interface LoadFigures {
  admitted: number[];
  statuses: Map<number, number>;
  healthz: number[];
  healthzFailures: number;
  seconds: number;
}

function pick<T>(items: readonly T[], index: number): T {
  return items[index % items.length]!;
}

async function startServer(port: number, dataDirectory: string, settings: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], {
    cwd: repositoryRoot,
    env: { ...process.env, ...settings, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDirectory, LOG_LEVEL: 'warn', ADMIN_API_KEY: adminKey },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const started = performance.now();
  for (;;) {
    if (performance.now() - started > 180_000) {
      // Not left running on its port (and its deleted data folder) when the bench gives up.
      child.kill('SIGKILL');
      throw new Error('server not ready within 180 s');
    }
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((response) => response.ok, () => false);
    if (ready) return child;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A well-behaved client: waits as long as retry-after says when shed or limited. */
async function post<T>(base: string, path: string, key: string, body: unknown): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    const response = await fetch(`${base}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if ((response.status === 503 || response.status === 429) && attempt < 10) {
      await response.body?.cancel();
      await new Promise((resolve) => setTimeout(resolve, Number(response.headers.get('retry-after') ?? 1) * 1000));
      continue;
    }
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }
}

/** One agent key and one open conversation per simulated desktop, as a contact centre has. */
async function prepareIdentities(base: string, count: number): Promise<Identity[]> {
  const identities: Identity[] = [];
  for (let index = 0; index < count; index += 1) {
    const { key } = await post<{ key: string }>(base, '/v1/keys', adminKey, { role: 'agent', name: `desk-${index}` });
    const { id } = await post<{ id: string }>(base, '/v1/conversations', key, { channel: 'voice', language: 'zh', customer: { riskLevel: 'C2' } });
    identities.push({ key, conversationId: id });
  }
  return identities;
}

/** Probes /healthz from its own thread, so the load generator's event loop does not inflate the figures. */
function startHealthProbe(url: string): { stop(): Promise<{ latencies: number[]; failures: number }> } {
  const worker = new Worker(
    `
    const { parentPort, workerData } = require('node:worker_threads');
    const http = require('node:http');
    const latencies = [];
    let failures = 0;
    let running = true;
    parentPort.on('message', () => { running = false; });
    const probe = () => new Promise((resolve) => {
      const started = performance.now();
      const request = http.get(workerData.url, { agent: false, timeout: 10000 }, (response) => {
        response.resume();
        response.on('end', () => { if (response.statusCode === 200) latencies.push(performance.now() - started); else failures += 1; resolve(); });
      });
      request.on('timeout', () => request.destroy(new Error('timeout')));
      request.on('error', () => { failures += 1; resolve(); });
    });
    (async () => {
      while (running) {
        await probe();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      parentPort.postMessage({ latencies, failures });
    })();
    `,
    { eval: true, workerData: { url } },
  );
  return {
    stop: () =>
      new Promise((resolve) => {
        worker.once('message', (result: { latencies: number[]; failures: number }) => {
          void worker.terminate();
          resolve(result);
        });
        worker.postMessage('stop');
      }),
  };
}

async function runLoad(base: string, identities: Identity[], clients: number, seconds: number): Promise<LoadFigures> {
  let loops = 0;
  const json = { 'content-type': 'application/json' };
  // autocannon resets the context at the start of each loop: the first request picks the desktop for the loop.
  const requests: autocannon.Request[] = [
    {
      method: 'POST',
      setupRequest: (request, context) => {
        const index = loops++;
        const identity = pick(identities, index);
        context.identity = identity;
        context.index = index;
        return { ...request, path: `/v1/conversations/${identity.conversationId}/turns`, headers: { ...json, authorization: `Bearer ${identity.key}` }, body: JSON.stringify({ speaker: 'customer', text: pick(customerUtterances, index) }) };
      },
    },
    {
      method: 'POST',
      setupRequest: (request, context) => {
        const identity = context.identity as Identity;
        return { ...request, path: `/v1/conversations/${identity.conversationId}/turns`, headers: { ...json, authorization: `Bearer ${identity.key}` }, body: JSON.stringify({ speaker: 'agent', text: pick(agentUtterances, context.index as number) }) };
      },
    },
    {
      method: 'POST',
      setupRequest: (request, context) => {
        const identity = context.identity as Identity;
        return { ...request, path: `/v1/conversations/${identity.conversationId}/suggestions`, headers: { ...json, authorization: `Bearer ${identity.key}` }, body: JSON.stringify({ n: 3 }) };
      },
    },
    {
      method: 'POST',
      setupRequest: (request, context) => {
        const identity = context.identity as Identity;
        return { ...request, path: '/v1/compliance/check', headers: { ...json, authorization: `Bearer ${identity.key}` }, body: JSON.stringify({ text: pick(checkTexts, context.index as number) }) };
      },
    },
    {
      method: 'POST',
      setupRequest: (request, context) => {
        const identity = context.identity as Identity;
        return { ...request, path: '/v1/knowledge/search', headers: { ...json, authorization: `Bearer ${identity.key}` }, body: JSON.stringify({ query: pick(searchQueries, context.index as number) }) };
      },
    },
  ];
  const admitted: number[] = [];
  const statuses = new Map<number, number>();
  const probe = startHealthProbe(`${base}/healthz`);
  const instance = autocannon({ url: base, connections: clients, duration: seconds, requests, timeout: 30 });
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1);
    if (statusCode >= 200 && statusCode < 300) admitted.push(responseTime);
  });
  const result = await instance;
  const health = await probe.stop();
  for (const [status, count] of [[0, result.errors + result.timeouts]] as const) if (count > 0) statuses.set(status, count);
  return { admitted, statuses, healthz: health.latencies, healthzFailures: health.failures, seconds };
}

/**
 * Desktops as they are written: each sends its next request when the previous one is answered, and waits as long
 * as `retry-after` says (with jitter) when shed or limited. autocannon's clients retry at once, which keeps a
 * shedding server saturated by refusals; these show what shedding buys real clients.
 */
async function runPoliteLoad(base: string, identities: Identity[], clients: number, seconds: number): Promise<LoadFigures> {
  const admitted: number[] = [];
  const statuses = new Map<number, number>();
  const probe = startHealthProbe(`${base}/healthz`);
  const deadline = performance.now() + seconds * 1000;
  const random = seededRandom(7);
  const desktop = async (index: number) => {
    const identity = pick(identities, index);
    const headers = { authorization: `Bearer ${identity.key}`, 'content-type': 'application/json' };
    const steps: [string, unknown][] = [
      [`/v1/conversations/${identity.conversationId}/turns`, { speaker: 'customer', text: pick(customerUtterances, index) }],
      [`/v1/conversations/${identity.conversationId}/turns`, { speaker: 'agent', text: pick(agentUtterances, index) }],
      [`/v1/conversations/${identity.conversationId}/suggestions`, { n: 3 }],
      ['/v1/compliance/check', { text: pick(checkTexts, index) }],
      ['/v1/knowledge/search', { query: pick(searchQueries, index) }],
    ];
    for (let step = 0; performance.now() < deadline; step += 1) {
      const [path, body] = steps[step % steps.length]!;
      const started = performance.now();
      let status = 0;
      let retryAfter = 1;
      try {
        const response = await fetch(`${base}${path}`, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
        await response.arrayBuffer();
        status = response.status;
        retryAfter = Number(response.headers.get('retry-after') ?? 1);
      } catch {
        status = 0;
      }
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (status >= 200 && status < 300) admitted.push(performance.now() - started);
      if (status === 503 || status === 429) await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000 * (0.5 + random())));
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, index) => desktop(index)));
  const health = await probe.stop();
  return { admitted, statuses, healthz: health.latencies, healthzFailures: health.failures, seconds };
}

function report(label: string, figures: LoadFigures): void {
  const total = [...figures.statuses.values()].reduce((sum, count) => sum + count, 0);
  const share = (predicate: (status: number) => boolean) =>
    [...figures.statuses.entries()].filter(([status]) => predicate(status)).reduce((sum, [, count]) => sum + count, 0) / Math.max(1, total);
  const breakdown = [...figures.statuses.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, count]) => `${status === 0 ? 'error/timeout' : status}: ${count}`)
    .join(', ');
  console.log(`${label}`);
  console.log(`  responses ${total} (${(total / figures.seconds).toFixed(0)}/s): ${breakdown}`);
  console.log(`  admitted ${figures.admitted.length} (${(figures.admitted.length / figures.seconds).toFixed(0)}/s): p50 ${formatMs(percentile(figures.admitted, 0.5))}, p99 ${formatMs(percentile(figures.admitted, 0.99))}`);
  console.log(`  shed (503) ${(share((status) => status === 503) * 100).toFixed(1)} %, limited (429) ${(share((status) => status === 429) * 100).toFixed(1)} %, other >= 500 or errors ${(share((status) => status === 0 || (status >= 500 && status !== 503)) * 100).toFixed(1)} %`);
  console.log(
    `  /healthz during load: ${figures.healthz.length} probes, p50 ${formatMs(percentile(figures.healthz, 0.5))}, p99 ${formatMs(percentile(figures.healthz, 0.99))}, max ${formatMs(Math.max(...figures.healthz))}, failed ${figures.healthzFailures}`,
  );
}

/** Service time of each request kind on an idle server, one at a time: what the load is made of. */
async function serviceTimes(base: string, identity: Identity): Promise<string> {
  const kinds: [string, string, unknown][] = [
    ['customer turn', `/v1/conversations/${identity.conversationId}/turns`, { speaker: 'customer', text: customerUtterances[0] }],
    ['agent turn', `/v1/conversations/${identity.conversationId}/turns`, { speaker: 'agent', text: agentUtterances[1] }],
    ['suggestions', `/v1/conversations/${identity.conversationId}/suggestions`, { n: 3 }],
    ['compliance check', '/v1/compliance/check', { text: checkTexts[0] }],
    ['search', '/v1/knowledge/search', { query: searchQueries[0] }],
  ];
  const parts: string[] = [];
  for (const [label, path, body] of kinds) {
    const timings: number[] = [];
    for (let index = 0; index < 20; index += 1) {
      const started = performance.now();
      await post(base, path, identity.key, body);
      timings.push(performance.now() - started);
    }
    parts.push(`${label} ${formatMs(percentile(timings, 0.5))}`);
  }
  return parts.join(', ');
}

/** No shedding, no limits, no lockout: the service as it was before protection, for comparison in the same run. */
const unprotected = { SHED_MAX_LAG_MS: '0', SHED_MAX_IN_FLIGHT: '0', SHED_MAX_DATABASE_WAIT_MS: '0', SHED_MAX_EVENT_LOOP_DELAY_MS: '0', SHED_MAX_EVENT_LOOP_UTILIZATION: '0', RATE_LIMIT_AGENT_PER_MINUTE: '0', AUTH_FAILURE_LIMIT: '0' };

export interface ScenarioFigures {
  autocannon: LoadFigures;
  polite: LoadFigures;
}

/** The figures a fit compares: throughput and latency of admitted requests, share shed, /healthz p99. */
export function summarize(figures: LoadFigures): { admittedPerSecond: number; admittedP99: number; shedShare: number; healthzP99: number; healthzFailures: number } {
  const total = [...figures.statuses.values()].reduce((sum, count) => sum + count, 0);
  return {
    admittedPerSecond: figures.admitted.length / figures.seconds,
    admittedP99: percentile(figures.admitted, 0.99),
    shedShare: (figures.statuses.get(503) ?? 0) / Math.max(1, total),
    healthzP99: percentile(figures.healthz, 0.99),
    healthzFailures: figures.healthzFailures,
  };
}

export async function scenario(label: string, settings: Record<string, string>, clients: number, seconds: number, port: number): Promise<ScenarioFigures> {
  const base = `http://127.0.0.1:${port}`;
  const dataDirectory = mkdtempSync(join(tmpdir(), 'agent-assist-load-'));
  let server: ChildProcess | undefined;
  try {
    server = await startServer(port, dataDirectory, settings);
    const identities = await prepareIdentities(base, clients);
    // Warm-up: JIT, caches and the first HNSW pages, so the figures describe a running service.
    await runLoad(base, identities, 20, 3);
    console.log(`${label}: service time one at a time (p50): ${await serviceTimes(base, identities[0]!)}`);
    const autocannonFigures = await runLoad(base, identities, clients, seconds);
    report(`${label}: ${clients} concurrent autocannon clients (retry at once), ${seconds} s, mix: customer turn, agent turn, suggestions (n=3), compliance check, search`, autocannonFigures);
    const politeFigures = await runPoliteLoad(base, identities, clients, seconds);
    report(`${label}: ${clients} concurrent desktops honouring retry-after, ${seconds} s, same mix`, politeFigures);
    return { autocannon: autocannonFigures, polite: politeFigures };
  } finally {
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((resolve) => server!.once('exit', resolve));
    }
    rmSync(dataDirectory, { recursive: true, force: true });
  }
}

export async function main(): Promise<void> {
  console.log('== load bench');
  const clients = Number(process.env.LOAD_CLIENTS ?? 200);
  const seconds = Number(process.env.LOAD_SECONDS ?? 20);
  const settings = Object.fromEntries(Object.entries(process.env).filter(([name]) => /^(SHED_|RATE_LIMIT_|AUTH_)/.test(name))) as Record<string, string>;
  // Two ports, so several people can run the bench on one machine: LOAD_PORT (protected) and LOAD_PORT - 1 (unprotected).
  const port = Number(process.env.LOAD_PORT ?? 39_892);
  if (process.env.LOAD_SKIP_UNPROTECTED !== 'true') await scenario('unprotected (shedding, limits and lockout off)', unprotected, clients, seconds, port - 1);
  await scenario(`protected (defaults${Object.keys(settings).length > 0 ? ` with ${Object.entries(settings).map(([name, value]) => `${name}=${value}`).join(' ')}` : ''})`, {}, clients, seconds, 39_892);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
