/**
 * `kill -9` of a real server (`node dist/cli.js serve`, embedded PGlite) in the middle of work, then a look at
 * the data folder before the next start and a restart:
 * - during a 5,000-row FAQ set ingest (POST /v1/knowledge/documents, kind faq, csv): is the set all previous
 *   edition or all new edition (never mixed), is an acknowledged ingest current, is the HNSW index still there
 *   before the start-up repair could put it back, and do searches use it after the restart;
 * - during turn posting by 8 concurrent clients: how many acknowledged (2xx) turns are missing after the crash.
 * Needs `npm run build` first. Run: npx tsx bench/crash-bench.ts (CRASH_TRIALS=5, CRASH_SCENARIOS=faq,turns, CRASH_PORT=39881 by default).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createPgliteDatabase } from '../src/db/pglite-database.js';
import { inspectSearchIndexes } from '../src/knowledge/search-indexes.js';
import { formatMs, percentile, protectionOff, repositoryRoot, sampleSentences, seededRandom } from './support.js';

const adminKey = 'bench-admin-key-0123456789abcdef';
const headers = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' };
const faqRows = 5_000;

interface Server {
  child: ChildProcess;
  base: string;
  readyMs: number;
  output: () => string;
}

async function startServer(dataDirectory: string, port: number): Promise<Server> {
  const started = performance.now();
  let output = '';
  const child = spawn(process.execPath, ['dist/cli.js', 'serve'], {
    cwd: repositoryRoot,
    env: { ...process.env, ...protectionOff, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDirectory, LOG_LEVEL: 'warn', ADMIN_API_KEY: adminKey, SEED_SAMPLE_KNOWLEDGE: 'false', OPENAI_API_KEY: '', DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const base = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode} before it was ready:\n${output.slice(-2000)}`);
    if (performance.now() - started > 300_000) throw new Error(`not ready within 300 s:\n${output.slice(-2000)}`);
    const ready = await fetch(`${base}/readyz`).then((response) => response.ok, () => false);
    if (ready) return { child, base, readyMs: performance.now() - started, output: () => output };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function killHard(server: Server): Promise<void> {
  if (server.child.exitCode !== null) return;
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGKILL');
  await exited;
}

async function stopGently(server: Server): Promise<void> {
  if (server.child.exitCode !== null) return;
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  await exited;
}

function faqSet(edition: number, sentences: readonly string[]): string {
  const random = seededRandom(edition + 1);
  const quote = (text: string) => `"${text.replaceAll('"', '""')}"`;
  const rows = ['id,question,answer'];
  for (let index = 0; index < faqRows; index += 1) {
    const pick = () => sentences[Math.floor(random() * sentences.length)]!;
    rows.push([`crash-faq-${index}`, quote(`${pick().slice(0, 30)}（问题${index}）？`), quote(`${pick()} ${pick()}（第${edition}版）`)].join(','));
  }
  return rows.join('\n');
}

function postFaqSet(base: string, csv: string): Promise<number> {
  return fetch(`${base}/v1/knowledge/documents`, { method: 'POST', headers, body: JSON.stringify({ format: 'csv', kind: 'faq', body: csv }) }).then(
    async (response) => {
      await response.text();
      return response.status;
    },
    () => 0,
  );
}

/** What the data folder holds right after the crash, before a start-up could repair anything. */
async function inspectAfterCrash(dataDirectory: string, work: (database: Awaited<ReturnType<typeof createPgliteDatabase>>) => Promise<void>): Promise<void> {
  const database = await createPgliteDatabase({ dataDirectory });
  try {
    await work(database);
  } finally {
    await database.close();
  }
}

/** Median of a second round of searches: the first round after a start reads cold pages. */
async function searchLatency(base: string): Promise<number> {
  let timings: number[] = [];
  for (let round = 0; round < 2; round += 1) timings = await searchRound(base);
  return percentile(timings, 0.5);
}

async function searchRound(base: string): Promise<number[]> {
  const timings: number[] = [];
  for (const query of ['信用卡年费怎么收', '转账手续费', '理财产品风险等级', '挂失补卡', '贷款利率', '积分兑换', '手机银行密码重置', '外汇汇款']) {
    const started = performance.now();
    await fetch(`${base}/v1/knowledge/search`, { method: 'POST', headers, body: JSON.stringify({ query, topK: 5, kinds: ['faq'] }) }).then((response) => response.text());
    timings.push(performance.now() - started);
  }
  return timings;
}

async function faqTrials(trials: number, port: number): Promise<void> {
  const dataDirectory = mkdtempSync(join(tmpdir(), 'agent-assist-crash-faq-'));
  const sentences = sampleSentences();
  const random = seededRandom(7);
  try {
    let server = await startServer(dataDirectory, port);
    const loadStarted = performance.now();
    const first = await postFaqSet(server.base, faqSet(0, sentences));
    const fullIngestMs = performance.now() - loadStarted;
    if (first !== 201) throw new Error(`the first FAQ set load answered ${first}`);
    // A replacement (every answer changed) is the window the kills aim at; time one that runs to the end.
    const replaceStarted = performance.now();
    const replaced = await postFaqSet(server.base, faqSet(1, sentences));
    const replaceMs = performance.now() - replaceStarted;
    if (replaced !== 201) throw new Error(`the first FAQ set replacement answered ${replaced}`);
    console.log(`FAQ set of ${faqRows} rows: first load ${(fullIngestMs / 1000).toFixed(1)} s, full replacement ${(replaceMs / 1000).toFixed(1)} s; search p50 ${formatMs(await searchLatency(server.base))}`);
    let current = 1;
    let mixed = 0;
    let acknowledgedLost = 0;
    let acknowledged = 0;
    let indexPresent = 0;
    let keptPrevious = 0;
    let tookNew = 0;
    const readyTimes: number[] = [];
    const searchTimes: number[] = [];
    for (let trial = 1; trial <= trials; trial += 1) {
      const edition = trial + 1;
      let status = -1;
      const posting = postFaqSet(server.base, faqSet(edition, sentences)).then((code) => (status = code));
      // From early in the replacement to just past its usual end, so some kills land after the answer.
      const delay = replaceMs * (0.1 + 1.05 * random());
      await new Promise((resolve) => setTimeout(resolve, delay));
      await killHard(server);
      await posting;
      const wasAcknowledged = status === 201;
      if (wasAcknowledged) acknowledged += 1;
      let editions: { edition: number; documents: number }[] = [];
      await inspectAfterCrash(dataDirectory, async (database) => {
        const result = await database.query<{ edition: string | null; n: string }>(
          `select substring(v.body from '第(\\d+)版') as edition, count(*) as n
             from documents d join document_versions v on v.document_id = d.id and v.version = d.current_version
            where d.external_id like 'crash-faq-%' group by 1 order by 1`,
        );
        editions = result.rows.map((row) => ({ edition: Number(row.edition), documents: Number(row.n) }));
        const vector = (await inspectSearchIndexes(database)).find((index) => index.name === 'chunks_embedding_idx');
        if (vector?.state === 'present') indexPresent += 1;
      });
      const whole = editions.length === 1 && editions[0]!.documents === faqRows;
      if (!whole) mixed += 1;
      const now = editions[0]?.edition ?? -1;
      if (whole && now === edition) tookNew += 1;
      else if (whole && now === current) keptPrevious += 1;
      if (wasAcknowledged && now !== edition) acknowledgedLost += 1;
      if (whole) current = now;
      console.log(
        `  trial ${trial}: killed after ${(delay / 1000).toFixed(1)} s, ${wasAcknowledged ? 'acknowledged' : 'not acknowledged'}; current set: ${editions.map((item) => `edition ${item.edition} x${item.documents}`).join(' + ')}`,
      );
      server = await startServer(dataDirectory, port);
      readyTimes.push(server.readyMs);
      searchTimes.push(await searchLatency(server.base));
    }
    await stopGently(server);
    console.log(`FAQ set kill -9 x${trials}: mixed sets ${mixed}, acknowledged ingests lost ${acknowledgedLost} of ${acknowledged}, previous set kept ${keptPrevious}, new set complete ${tookNew}`);
    console.log(`  vector index present right after the crash (before any start-up repair): ${indexPresent}/${trials}`);
    console.log(`  restart to ready p50 ${(percentile(readyTimes, 0.5) / 1000).toFixed(1)} s, max ${(Math.max(...readyTimes) / 1000).toFixed(1)} s; search p50 after restart ${formatMs(percentile(searchTimes, 0.5))}`);
  } finally {
    rmSync(dataDirectory, { recursive: true, force: true });
  }
}

async function turnTrials(trials: number, port: number): Promise<void> {
  const dataDirectory = mkdtempSync(join(tmpdir(), 'agent-assist-crash-turns-'));
  const random = seededRandom(11);
  const texts = ['您好，我想查一下信用卡年费怎么收。', '这款理财产品不保本，过往业绩不代表未来表现。', '我的卡丢了，要挂失。', '手机银行境内转账免手续费。'];
  try {
    let server = await startServer(dataDirectory, port);
    let totalAcknowledged = 0;
    let totalLost = 0;
    for (let trial = 1; trial <= trials; trial += 1) {
      const acknowledgedTurns: string[] = [];
      let stop = false;
      const worker = async (index: number) => {
        const created = await fetch(`${server.base}/v1/conversations`, { method: 'POST', headers, body: JSON.stringify({ channel: 'chat', language: 'zh' }) });
        const { id } = (await created.json()) as { id: string };
        for (let sequence = 0; !stop; sequence += 1) {
          const turnId = `crash-${trial}-${index}-${sequence}`;
          const speaker = sequence % 2 === 0 ? 'customer' : 'agent';
          const status = await fetch(`${server.base}/v1/conversations/${id}/turns`, { method: 'POST', headers, body: JSON.stringify({ turnId, speaker, text: texts[sequence % texts.length] }) }).then(
            async (response) => {
              await response.text();
              return response.status;
            },
            () => 0,
          );
          if (status === 200 || status === 201) acknowledgedTurns.push(turnId);
          if (status === 0) return;
        }
      };
      const workers = Array.from({ length: 8 }, (_, index) => worker(index).catch(() => undefined));
      // Kill once posting is in full swing (the first acknowledgements), at a random point after.
      const waitStarted = performance.now();
      while (acknowledgedTurns.length < 8 && performance.now() - waitStarted < 60_000) await new Promise((resolve) => setTimeout(resolve, 20));
      const delay = 1_000 + 4_000 * random();
      await new Promise((resolve) => setTimeout(resolve, delay));
      await killHard(server);
      stop = true;
      await Promise.all(workers);
      let found = 0;
      await inspectAfterCrash(dataDirectory, async (database) => {
        const result = await database.query<{ n: string }>('select count(*) as n from turns where client_turn_id = any($1::text[])', [acknowledgedTurns]);
        found = Number(result.rows[0]?.n ?? 0);
      });
      const lost = acknowledgedTurns.length - found;
      totalAcknowledged += acknowledgedTurns.length;
      totalLost += lost;
      console.log(`  trial ${trial}: killed ${(delay / 1000).toFixed(1)} s into steady posting; ${acknowledgedTurns.length} turns acknowledged, ${lost} missing after the crash`);
      server = await startServer(dataDirectory, port);
    }
    await stopGently(server);
    console.log(`turn posting kill -9 x${trials}: ${totalLost} of ${totalAcknowledged} acknowledged turns lost`);
  } finally {
    rmSync(dataDirectory, { recursive: true, force: true });
  }
}

export async function main(): Promise<void> {
  // Timings (load, restart, search) depend on what else the machine runs; the loss counts do not.
  console.log(`== crash bench (kill -9 of a real server, embedded database; load average ${loadavg()[0]!.toFixed(1)})`);
  if (!existsSync(join(repositoryRoot, 'dist', 'cli.js'))) {
    console.log('dist/cli.js missing: run `npm run build` first');
    return;
  }
  const trials = Number.parseInt(process.env.CRASH_TRIALS ?? '5', 10);
  const scenarios = (process.env.CRASH_SCENARIOS ?? 'faq,turns').split(',');
  // CRASH_PORT: several people can run the bench on one machine (the turns scenario uses the next port).
  const port = Number.parseInt(process.env.CRASH_PORT ?? '39881', 10);
  if (scenarios.includes('faq')) await faqTrials(trials, port);
  if (scenarios.includes('turns')) await turnTrials(trials, port + 1);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
