/**
 * Inspections bench. `tsx bench/inspection-bench.ts [import N [batch]] [digest N [batch]] [batch-fit N sizes] [insights N]`:
 * - import: N synthetic calls (our own templates, with CSDS and TweetSumm dialogues from ../shared/benchmarks read
 *   by path for realism) streamed from a JSONL file through import -> offline summary -> inspection -> store, into
 *   an on-disk PGlite as in production; prints calls/s, calls per CPU second, peak RSS, CPU by thread (main, database
 *   worker, the rest) and the wall time of each stage.
 * - digest: the same import, then a digest of every call's inspection and summary and of the roll-ups: a change that
 *   should not alter outcomes (batching, caching) must print the same digest.
 * - batch-fit: the import at each batch size, in calls per CPU second.
 * - insights: N inspected calls in a month (and as many in the month before, for trends), then the insights query
 *   under several filters; prints p50/p95 wall and CPU time and peak RSS. `insights N DIR` fills DIR once and keeps it.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readCallFiles } from '../src/calls/read-call-entries.js';
import { composeRuntime } from '../src/compose.js';
import { loadConfig } from '../src/config.js';
import { rebuildRollups } from '../src/insights/insight-rollups.js';
import { benchmarkFile, percentile, readJsonl } from './support.js';

const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

// Our own templates: a plausible spread of service calls, not benchmark text.
const zh = {
  openings: ['您好，工号{n}为您服务，请问有什么可以帮您？', '您好，很高兴为您服务。', '喂，您说。'],
  customer: [
    '我想查一下这个月的信用卡账单。', '我的借记卡好像被吞了，怎么办？', '你们这个年费怎么又扣了，我没同意过。', '我想了解一下大额存单的利率。',
    '手机银行登录不上去，一直提示错误。', '上次说给我回电话，一直没人打过来。', '我妈妈七十多了，想帮她开通短信提醒。', '有人打电话说我账户异常要转到安全账户。',
    '分期手续费太高了，能不能提前还款？', '嗯，好的，我明白了。', '那大概要多久能处理好？', '能不能帮我把额度调高一点？',
  ],
  agent: [
    '好的，先核实一下您的身份，请提供身份证后四位。', '您本期账单应还金额已经为您查到。', '已为您登记，三个工作日内给您回电。', '这款产品风险等级为R2，理财非存款，投资须谨慎。',
    '请您不要向任何人透露验证码，银行不会要求转账到安全账户。', '非常抱歉给您带来不便。', '提前还款需要支付剩余本金，手续费按合同约定收取。', '我这边帮您提交申请，结果以短信通知您。',
  ],
  closings: ['请问还有其他可以帮您的吗？感谢您的来电。', '好的，祝您生活愉快，再见。', '就这样吧。'],
};
const en = {
  openings: ['Hello, my name is Alex, how can I help you today?', 'Thanks for calling, this is Jordan speaking.', 'Yeah, go ahead.'],
  customer: [
    'I want to check my credit card statement.', 'There is a fee on my account I never agreed to.', 'My card was declined at the store.', 'What rate do you pay on the fixed deposit?',
    'I cannot log in to the mobile app.', 'Someone called saying my account was frozen and I should move the money.', 'You promised a callback last week and nobody called.', 'Okay, I see.',
    'How long will that take?', 'Can you raise my credit limit?',
  ],
  agent: [
    'Before we go on, let me verify your identity with your date of birth.', 'Your balance shows the payment posted yesterday.', 'I have logged a complaint and we will call you back within two business days.',
    'This product is not a deposit and its value can go down.', 'The bank will never ask you to move money to a safe account.', 'I am sorry about the trouble.', 'I will raise a request and you will get a text when it is done.',
  ],
  closings: ['Is there anything else I can help with? Thanks for calling.', 'Have a good day, goodbye.', 'Okay, bye.'],
};

interface Turn {
  speaker: string;
  text: string;
}

function templateCall(random: () => number, language: 'zh' | 'en'): Turn[] {
  const bank = language === 'zh' ? zh : en;
  const pick = (list: readonly string[]) => list[Math.floor(random() * list.length)]!;
  const turns: Turn[] = [{ speaker: 'agent', text: pick(bank.openings).replace('{n}', String(1000 + Math.floor(random() * 9000))) }];
  const length = 8 + Math.floor(random() * 24);
  for (let index = 0; index < length; index += 1) turns.push(index % 2 === 0 ? { speaker: 'customer', text: pick(bank.customer) } : { speaker: 'agent', text: pick(bank.agent) });
  turns.push({ speaker: 'agent', text: pick(bank.closings) });
  return turns;
}

/** Benchmark dialogues as calls: speakers mapped, text as it is (read by path, never copied into the repository). */
function realDialogues(): { language: 'zh' | 'en'; turns: Turn[] }[] {
  const dialogues: { language: 'zh' | 'en'; turns: Turn[] }[] = [];
  const csds = benchmarkFile('csds', 'sample_200.jsonl');
  if (csds) for (const row of readJsonl<{ turns: Turn[] }>(csds)) dialogues.push({ language: 'zh', turns: row.turns.map((turn) => ({ speaker: turn.speaker === 'user' ? 'customer' : 'agent', text: turn.text })) });
  const tweetsumm = benchmarkFile('tweetsumm', 'test.jsonl');
  if (tweetsumm) for (const row of readJsonl<{ turns: Turn[] }>(tweetsumm)) dialogues.push({ language: 'en', turns: row.turns.map((turn) => ({ speaker: turn.speaker === 'user' ? 'customer' : 'agent', text: turn.text })) });
  return dialogues;
}

async function writeCalls(path: string, count: number, startMs: number, spanMs: number): Promise<void> {
  const random = seeded(20261206);
  const real = realDialogues();
  const out = createWriteStream(path);
  const teams = ['north', 'south', 'east', 'west', 'vip'];
  for (let index = 0; index < count; index += 1) {
    const useReal = real.length > 0 && index % 4 === 3;
    const language: 'zh' | 'en' = random() < 0.65 ? 'zh' : 'en';
    const dialogue = useReal ? real[Math.floor(random() * real.length)]! : { language, turns: templateCall(random, language) };
    const line = JSON.stringify({
      externalId: `bench-${index}`,
      agent: `agent-${Math.floor(random() * 200)}`,
      team: teams[Math.floor(random() * teams.length)],
      channel: random() < 0.8 ? 'voice' : 'chat',
      language: dialogue.language,
      startedAt: new Date(startMs + Math.floor(random() * spanMs)).toISOString(),
      ...(random() < 0.1 ? { customer: { age: 60 + Math.floor(random() * 25) } } : {}),
      turns: dialogue.turns,
    });
    if (!out.write(`${line}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

export async function runtimeIn(directory: string) {
  const config = loadConfig({ DATA_DIR: directory, LOG_LEVEL: 'silent', SEED_SAMPLE_KNOWLEDGE: 'false', KNOWLEDGE_DIR: join(repositoryRoot, 'knowledge'), RULES_DIR: join(repositoryRoot, 'evals/rules'), PROMPTS_DIR: join(repositoryRoot, 'prompts'), EVALS_DIR: join(repositoryRoot, 'evals/suites'), SCORECARDS_DIR: join(repositoryRoot, 'evals/scorecards') });
  return composeRuntime(config);
}

/**
 * CPU seconds per thread of this process (Linux /proc; empty elsewhere). Worker threads are all named "node": the
 * main thread has the process id, the database worker is the busiest of the others, the rest are V8's garbage
 * collection and compiler helpers and libuv's pool.
 */
function threadSeconds(): Map<string, number> {
  const seconds = new Map<string, number>();
  try {
    for (const thread of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${thread}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      seconds.set(thread, (Number(fields[11]) + Number(fields[12])) / 100);
    }
  } catch {
    // Not Linux: the split by thread is left out.
  }
  return seconds;
}

function describeThreads(before: Map<string, number>, calls: number): string {
  const used = [...threadSeconds()].map(([thread, seconds]) => ({ thread, seconds: seconds - (before.get(thread) ?? 0) }));
  if (used.length === 0) return 'CPU by thread not available';
  const main = used.find((entry) => entry.thread === String(process.pid))?.seconds ?? 0;
  const others = used.filter((entry) => entry.thread !== String(process.pid)).sort((a, b) => b.seconds - a.seconds);
  const database = others[0]?.seconds ?? 0;
  const rest = others.slice(1).reduce((sum, entry) => sum + entry.seconds, 0);
  const perCall = (seconds: number) => `${((seconds * 1000) / Math.max(calls, 1)).toFixed(2)} ms/call`;
  return `CPU by thread: main ${main.toFixed(1)} s (${perCall(main)}), database worker ${database.toFixed(1)} s (${perCall(database)}), GC/compiler/pool ${rest.toFixed(1)} s (${perCall(rest)})`;
}

/** What an import decided, call by call, and what the roll-ups hold: equal digests mean the same outcomes. */
async function outcomeDigest(runtime: Awaited<ReturnType<typeof runtimeIn>>): Promise<{ calls: number; inspections: string; summaries: string; rollups: string }> {
  const database = runtime.services.database;
  const hash = (rows: unknown[]) => createHash('sha256').update(JSON.stringify(rows)).digest('hex').slice(0, 16);
  const inspections = await database.query<{ external_id: string; items: unknown }>(
    `select external_id, score, passed, severity, confidence, review_state, items, findings, vulnerable, reason_code, intent, resolution, complaint_raised,
            complaint_category, sentiment_end, products, rule_ids, failed_items, terms, agent, team, channel, language, call_started_at
       from inspections order by external_id`,
  );
  const summaries = await database.query('select c.external_id, s.status, s.summary from summary_jobs s join conversations c on c.id = s.conversation_id order by c.external_id');
  const rollups = await database.query(
    `select 'r' as t, dimension || '|' || product || '|' || grain || '|' || starts || '|' || team || '|' || channel || '|' || language || '|' || key as k,
            calls || '|' || complaints || '|' || round(score_sum::numeric, 3) || '|' || failed || '|' || needs_review || '|' || positive || '|' || neutral || '|' || negative as v
       from insight_rollups
     union all select 't', grain || '|' || starts || '|' || team || '|' || channel || '|' || language || '|' || term, calls::text from insight_term_rollups
     union all select 'p', grain || '|' || starts || '|' || product || '|' || language || '|' || term, calls::text from insight_term_totals
     order by 1, 2`,
  );
  return { calls: inspections.rows.length, inspections: hash(inspections.rows), summaries: hash(summaries.rows), rollups: hash(rollups.rows) };
}

export async function importBench(count: number, options: { batchSize?: number; digest?: boolean } = {}): Promise<{ callsPerCpuSecond: number; peakRss: number }> {
  const directory = mkdtempSync(join(tmpdir(), 'inspection-bench-'));
  try {
    const file = join(directory, 'calls.jsonl');
    await writeCalls(file, count, Date.parse('2026-11-01T00:00:00Z'), 30 * 86_400_000);
    console.log(`import bench: ${count} calls, ${(statSync(file).size / 1e6).toFixed(1)} MB JSONL (3/4 template calls, 1/4 CSDS/TweetSumm dialogues), batch ${options.batchSize ?? 'default'}`);
    const runtime = await runtimeIn(join(directory, 'data'));
    try {
      let peak = process.memoryUsage().rss;
      console.log(`  RSS with the runtime open, before importing: ${(peak / 1e6).toFixed(0)} MB`);
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 200);
      const threadsBefore = threadSeconds();
      const started = performance.now();
      // CPU seconds of this process (main thread and the database worker): on a shared machine wall time also
      // counts other people's work, CPU time counts ours.
      const cpuStarted = process.cpuUsage();
      const cpuSeconds = () => {
        const used = process.cpuUsage(cpuStarted);
        return (used.user + used.system) / 1e6;
      };
      const stages = { inspect: 0, write: 0, wait: 0 };
      let nextReport = 10_000;
      const report = await runtime.services.callImport.importEntries(readCallFiles([file]), {
        ...(options.batchSize ? { batchSize: options.batchSize } : {}),
        onStage: (stage, milliseconds) => {
          stages[stage] += milliseconds;
        },
        onProgress: (progress) => {
          if (progress.read < nextReport) return;
          nextReport += 10_000;
          const seconds = (performance.now() - started) / 1000;
          console.log(`  ${progress.read} read, ${progress.imported} imported: ${(progress.imported / seconds).toFixed(1)} calls/s wall, ${(progress.imported / cpuSeconds()).toFixed(1)} calls per CPU second, peak RSS ${(peak / 1e6).toFixed(0)} MB, heap ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB, load ${loadavg()[0]!.toFixed(1)}`);
        },
      });
      clearInterval(sampler);
      const seconds = (performance.now() - started) / 1000;
      const callsPerCpuSecond = report.imported / cpuSeconds();
      console.log(`  import + summary + inspection: ${report.imported} calls in ${seconds.toFixed(1)} s = ${(report.imported / seconds).toFixed(1)} calls/s wall, ${callsPerCpuSecond.toFixed(1)} calls per CPU second; failed ${report.failed.length}; peak RSS ${(peak / 1e6).toFixed(0)} MB; states ${JSON.stringify(report.reviewStates)}`);
      console.log(`  ${describeThreads(threadsBefore, report.imported)}`);
      console.log(`  stages (wall, summed over batches): summarise + inspect ${(stages.inspect / 1000).toFixed(1)} s, write ${(stages.write / 1000).toFixed(1)} s (overlaps the next batch's inspection), waiting for a write ${(stages.wait / 1000).toFixed(1)} s; load average ${loadavg().map((value) => value.toFixed(1)).join(' ')}`);
      if (options.digest) console.log(`  outcome digest: ${JSON.stringify(await outcomeDigest(runtime))}`);
      return { callsPerCpuSecond, peakRss: peak };
    } finally {
      await runtime.close();
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/**
 * Fits the import's batch size (IMPORT_BATCH_SIZE): each size imports the same calls; the roll-up increments and the
 * statements are per batch, so a larger batch costs the database less per call, and holds the database's one
 * connection longer. Measured in calls per CPU second (wall time on a shared machine counts other people's work);
 * prints the fit, which goes to config.ts by hand with the figures in the commit.
 */
async function fitBatchSize(count: number, sizes: readonly number[]): Promise<void> {
  const results: { size: number; callsPerCpuSecond: number; peakRss: number }[] = [];
  for (const size of sizes) results.push({ size, ...(await importBench(count, { batchSize: size })) });
  const best = results.reduce((winner, result) => (result.callsPerCpuSecond > winner.callsPerCpuSecond ? result : winner));
  console.log(`batch fit over ${count} calls: ${results.map((result) => `${result.size}: ${result.callsPerCpuSecond.toFixed(1)} calls/CPU-s, peak RSS ${(result.peakRss / 1e6).toFixed(0)} MB`).join('; ')}; best ${best.size}`);
}

/** Inspection rows made in SQL (the import path is measured above): realistic cardinalities, arrays and the daily term roll-up. */
export async function populate(runtime: Awaited<ReturnType<typeof runtimeIn>>, perMonth: number): Promise<void> {
  const database = runtime.services.database;
  const began = performance.now();
  // Conversations first: inspections reference them.
  await database.exec(`
    insert into conversations (id, external_id, channel, language, status, created_at)
      select md5('c' || g)::uuid, 'bench-' || g, case when g % 5 = 0 then 'chat' else 'voice' end, case when g % 3 = 0 then 'en' else 'zh' end, 'ended',
             timestamptz '2026-10-01' + ((g % ${perMonth * 2})::float / ${perMonth * 2}) * interval '61 days'
        from generate_series(1, ${perMonth * 2}) g;
    insert into inspections (id, conversation_id, external_id, scorecard_id, scorecard_version, score, passed, severity, confidence, review_state, items, findings,
                             call_started_at, agent, team, channel, language, vulnerable, reason_code, intent, resolution, complaint_raised, complaint_category,
                             sentiment_end, products, rule_ids, failed_items, terms)
      select md5('i' || g)::uuid, md5('c' || g)::uuid, 'bench-' || g, 'zh-service-basics', 'v', 50 + (g * 7919 % 51), g % 7 <> 0,
             (array['none','minor','major','critical'])[1 + g % 4], 0.6 + (g % 4) / 10.0, (array['auto_passed','needs_review','confirmed','disputed','overturned'])[1 + g % 5],
             '[]', '{}', timestamptz '2026-10-01' + ((g % ${perMonth * 2})::float / ${perMonth * 2}) * interval '61 days',
             'agent-' || (g % 200), (array['north','south','east','west','vip'])[1 + g % 5], case when g % 5 = 0 then 'chat' else 'voice' end,
             case when g % 3 = 0 then 'en' else 'zh' end, g % 10 = 0, 'REASON-' || (g * 31 % 40), 'intent-' || (g * 17 % 60),
             (array['resolved','unresolved','escalated','follow_up'])[1 + g % 4], g % 6 = 0, (array['fees','service_attitude','product_mis_selling','card_account','fraud_dispute','other'])[1 + g % 6],
             (array['positive','neutral','negative'])[1 + g % 3], array['product-' || (g % 25), 'product-' || (g * 3 % 25)],
             case when g % 8 = 0 then array['RULE-' || (g % 30)] else '{}'::text[] end, case when g % 7 = 0 then array['greeting','closing'] else '{}'::text[] end,
             array(select 'term-' || ((g * k * 2654435761) % 3000) from generate_series(1, 15) k)
        from generate_series(1, ${perMonth * 2}) g;
  `);
  console.log(`  ${perMonth * 2} inspection rows made in ${((performance.now() - began) / 1000).toFixed(0)} s`);
  // The roll-ups the service keeps at write time, built here in one pass by the same SQL.
  const rollupsBegan = performance.now();
  await database.transaction((transaction) => rebuildRollups(transaction));
  await database.exec('analyze');
  const sizes = await database.query<{ rollups: string; terms: string }>('select (select count(*) from insight_rollups) as rollups, (select count(*) from insight_term_rollups) as terms');
  console.log(`  roll-ups rebuilt in ${((performance.now() - rollupsBegan) / 1000).toFixed(0)} s: ${sizes.rows[0]?.rollups} count rows, ${sizes.rows[0]?.terms} term rows`);
}

/** `keep`: a folder to fill once and keep (later runs skip the 10 minutes of filling and compare on the same rows). */
export async function insightsBench(perMonth: number, keep?: string): Promise<void> {
  const directory = keep ?? mkdtempSync(join(tmpdir(), 'insights-bench-'));
  try {
    const runtime = await runtimeIn(join(directory, 'data'));
    try {
      const started = performance.now();
      const existing = await runtime.services.database.query<{ calls: string }>('select count(*) as calls from inspections');
      if (Number(existing.rows[0]?.calls ?? 0) === 0) await populate(runtime, perMonth);
      else console.log(`  kept ${existing.rows[0]?.calls} inspection rows in ${directory}`);
      console.log(`insights bench: ${perMonth} inspected calls in November and ${perMonth} in October (made in ${((performance.now() - started) / 1000).toFixed(0)} s), embedded PGlite on disk`);
      let peak = process.memoryUsage().rss;
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 100);
      const queries = [
        {},
        { team: 'north' },
        { channel: 'voice' as const },
        { language: 'en' as const },
        { language: 'zh' as const, channel: 'voice' as const },
        { product: 'product-3' },
        // product-3's calls are in teams west and south only (the generator's modular arithmetic): a pair with calls.
        { product: 'product-3', team: 'west' },
        { groupBy: 'day' as const },
        { groupBy: 'agent' as const, team: 'vip' },
      ];
      for (let warm = 0; warm < 2; warm += 1) await runtime.services.insights.insights({ from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-12-01T00:00:00Z') });
      const timings: number[] = [];
      const cpuTimings: number[] = [];
      const byQuery = new Map<string, { wall: number[]; cpu: number[] }>();
      const loadBefore = loadavg();
      for (let round = 0; round < 5; round += 1) {
        for (const filters of queries) {
          const begin = performance.now();
          // CPU time of this process (main thread and database worker): on a shared machine wall time also counts
          // other people's work, CPU time counts ours.
          const cpuBegin = process.cpuUsage();
          await runtime.services.insights.insights({ from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-12-01T00:00:00Z'), ...filters });
          const took = performance.now() - begin;
          const cpu = process.cpuUsage(cpuBegin);
          const cpuMilliseconds = (cpu.user + cpu.system) / 1000;
          timings.push(took);
          cpuTimings.push(cpuMilliseconds);
          const key = JSON.stringify(filters);
          const entry = byQuery.get(key) ?? { wall: [], cpu: [] };
          entry.wall.push(took);
          entry.cpu.push(cpuMilliseconds);
          byQuery.set(key, entry);
        }
      }
      clearInterval(sampler);
      console.log(`  insights over a month: p50 ${percentile(timings, 0.5).toFixed(0)} ms, p95 ${percentile(timings, 0.95).toFixed(0)} ms, max ${Math.max(...timings).toFixed(0)} ms wall; CPU p50 ${percentile(cpuTimings, 0.5).toFixed(0)} ms, p95 ${percentile(cpuTimings, 0.95).toFixed(0)} ms (${timings.length} queries); peak RSS ${(peak / 1e6).toFixed(0)} MB`);
      for (const [key, values] of byQuery) console.log(`    ${key.padEnd(40)} wall p50 ${percentile(values.wall, 0.5).toFixed(0)} ms, p95 ${percentile(values.wall, 0.95).toFixed(0)} ms; CPU p50 ${percentile(values.cpu, 0.5).toFixed(0)} ms`);
      console.log(`  load average before ${loadBefore.map((value) => value.toFixed(1)).join(' ')}, after ${loadavg().map((value) => value.toFixed(1)).join(' ')}`);
    } finally {
      await runtime.close();
    }
  } finally {
    if (!keep) rmSync(directory, { recursive: true, force: true });
  }
}

export async function main(): Promise<void> {
  await importBench(2_000);
  await insightsBench(100_000);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [mode, count, extra] = process.argv.slice(2);
  if (mode === 'import') await importBench(Number(count ?? 2_000), { ...(extra ? { batchSize: Number(extra) } : {}) });
  else if (mode === 'batch-fit') await fitBatchSize(Number(count ?? 3_000), (extra ?? '100,250,500').split(',').map(Number));
  else if (mode === 'digest') await importBench(Number(count ?? 1_000), { digest: true, ...(extra ? { batchSize: Number(extra) } : {}) });
  // `insights N DIR`: DIR keeps the filled database, so runs before and after a change read the same rows.
  else if (mode === 'insights') await insightsBench(Number(count ?? 100_000), extra);
  else await main();
}
