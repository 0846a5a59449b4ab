/**
 * Replay of a long conversation's event log over the real HTTP route: 100,000 stored events sent to one
 * client that connects with `Last-Event-ID: 0`, while a second client probes `/healthz` every 10 ms. Reports
 * events/s, total time, time to first event, `/healthz` p50/p99/max during the replay and the server's peak
 * RSS. The clients run in a child process so their parsing does not share the server's event loop.
 * Run: npx tsx bench/event-replay-bench.ts [events]
 */
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { composeApp, composeRuntime } from '../src/compose.js';
import { loadConfig } from '../src/config.js';
import { createBenchDatabase, formatMs, percentile } from './support.js';

const adminKey = 'bench-admin-key-0123456789abcdef';

/** Plain JavaScript for the child process: counts events (checking ids arrive once, in order) and probes /healthz. */
const clientScript = `
import http from 'node:http';
const { STREAM_URL, HEALTH_URL, API_KEY, EXPECTED } = process.env;
const expected = Number(EXPECTED);
const started = performance.now();
let count = 0, last = 0, inOrder = true, firstMs, totalMs, done = false, buffer = '';
const latencies = [];
const finished = new Promise((resolve, reject) => {
  const request = http.get(STREAM_URL, { headers: { accept: 'text/event-stream', authorization: 'Bearer ' + API_KEY, 'last-event-id': '0' } }, (response) => {
    if (response.statusCode !== 200) reject(new Error('status ' + response.statusCode));
    response.setEncoding('utf8');
    response.on('data', (chunk) => {
      buffer += chunk;
      const cut = buffer.lastIndexOf('\\n');
      const lines = buffer.slice(0, cut).split('\\n');
      buffer = buffer.slice(cut + 1);
      for (const line of lines) {
        if (!line.startsWith('id: ')) continue;
        const id = Number(line.slice(4));
        if (id !== last + 1) inOrder = false;
        last = id;
        count += 1;
        if (count === 1) firstMs = performance.now() - started;
        if (count === expected) {
          totalMs = performance.now() - started;
          done = true;
          request.destroy();
          resolve();
        }
      }
    });
    response.on('end', () => resolve());
  });
  request.on('error', (error) => { if (!done) reject(error); });
});
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const probe = () => new Promise((resolve, reject) => {
  const at = performance.now();
  http.get(HEALTH_URL, { agent }, (response) => { response.resume(); response.on('end', () => resolve(performance.now() - at)); }).on('error', reject);
});
const probing = (async () => {
  while (!done) {
    latencies.push(await probe());
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
})();
await finished;
done = true;
await probing;
agent.destroy();
process.stdout.write(JSON.stringify({ count, inOrder, firstMs, totalMs, latencies }));
`;

interface ClientResult {
  count: number;
  inOrder: boolean;
  firstMs: number;
  totalMs: number;
  latencies: number[];
}

function runClient(environment: Record<string, string>): Promise<ClientResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', clientScript], { env: { ...process.env, ...environment }, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (output += chunk));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(output) as ClientResult) : reject(new Error(`replay client exited with ${code}`))));
  });
}

export async function main(eventCount = 100_000): Promise<void> {
  console.log('== event replay bench');
  const bench = await createBenchDatabase();
  // The bench closes its own database (and removes its folder) after the runtime is done with it.
  const database = { ...bench.embedded, close: async () => undefined };
  const runtime = await composeRuntime(loadConfig({ ADMIN_API_KEY: adminKey, LOG_LEVEL: 'silent', SEED_SAMPLE_KNOWLEDGE: 'false' }), { database });
  const app = await composeApp(runtime);
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const created = await app.inject({ method: 'POST', url: '/v1/conversations', headers: { authorization: `Bearer ${adminKey}` }, payload: { language: 'zh' } });
    const conversationId = created.json().id as string;
    // Events shaped like pushed suggestions (about 600 bytes of JSON each), stored in batches.
    const loadStarted = performance.now();
    const batch = 10_000;
    for (let from = 0; from < eventCount; from += batch) {
      const size = Math.min(batch, eventCount - from);
      await bench.embedded.query(
        `insert into conversation_events (conversation_id, id, type, data)
         select $1, g, 'suggestion', jsonb_build_object('index', g, 'suggestions', jsonb_build_array(jsonb_build_object('text', repeat('您好，金卡年费每年200元，刷卡满6次免次年年费。', 4), 'citations', jsonb_build_array('chunk-' || g))))
           from generate_series($2::int + 1, $2::int + $3::int) g`,
        [conversationId, from, size],
      );
    }
    await bench.embedded.query('update conversations set event_sequence = $2 where id = $1', [conversationId, eventCount]);
    console.log(`stored ${eventCount.toLocaleString('en')} events in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s`);

    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 100);
    const startRss = process.memoryUsage().rss;
    const result = await runClient({ STREAM_URL: `${base}/v1/conversations/${conversationId}/events`, HEALTH_URL: `${base}/healthz`, API_KEY: adminKey, EXPECTED: String(eventCount) });
    clearInterval(sampler);
    const seconds = result.totalMs / 1000;
    console.log(`replayed ${result.count.toLocaleString('en')} of ${eventCount.toLocaleString('en')} events, each once and in order: ${result.inOrder && result.count === eventCount ? 'yes' : 'NO'}`);
    console.log(`total ${seconds.toFixed(2)} s, ${Math.round(result.count / seconds).toLocaleString('en')} events/s, first event after ${formatMs(result.firstMs)}`);
    console.log(
      `/healthz during the replay (${result.latencies.length} probes): p50 ${formatMs(percentile(result.latencies, 0.5))}, p99 ${formatMs(percentile(result.latencies, 0.99))}, max ${formatMs(Math.max(...result.latencies))}`,
    );
    console.log(`server RSS: ${(startRss / 2 ** 20).toFixed(0)} MiB before, peak ${(peakRss / 2 ** 20).toFixed(0)} MiB during the replay`);
  } finally {
    await app.close();
    await runtime.close();
    await bench.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main(process.argv[2] ? Number(process.argv[2]) : undefined);
