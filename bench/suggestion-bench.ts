/**
 * Real-time assist numbers (issue 4):
 *  (a) suggestion overhead excluding model time, with a mock model of fixed 300 ms latency, at 10,000 chunks,
 *      embedded and over `pg`: everything the service does around the model (turn reads, retrieval, guard,
 *      disclosures, storing the audit trail, the event) = total time - time waiting on the model;
 *  (b) offline end-to-end suggestions per second through HTTP, load from a second process (autocannon).
 * Run: npx tsx bench/suggestion-bench.ts   ((b) needs `npm run build`)
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { composeRuntime } from '../src/compose.js';
import { loadConfig } from '../src/config.js';
import { createComplianceEngine } from '../src/compliance/compliance-engine.js';
import { loadRulePacks } from '../src/compliance/load-rule-packs.js';
import { ConversationService } from '../src/conversations/conversation-service.js';
import { EventHub } from '../src/conversations/event-hub.js';
import type { Database } from '../src/db/database.js';
import { ensureEmbeddingIndex } from '../src/knowledge/embedding-index.js';
import { ingestFiles, listIngestibleFiles } from '../src/knowledge/ingest-files.js';
import { KnowledgeService } from '../src/knowledge/knowledge-service.js';
import type { ChatModel, ChatRequest, ChatResult, ChatStreamPart } from '../src/llm/chat-model.js';
import { createOfflineEmbedder } from '../src/llm/offline-embedder.js';
import { PromptLibrary } from '../src/llm/prompt-library.js';
import { HybridSearch } from '../src/retrieval/hybrid-search.js';
import { buildRetrievalQuery, createSuggestionPipeline } from '../src/suggestions/suggestion-pipeline.js';
import { SuggestionService } from '../src/suggestions/suggestion-service.js';
import { protectionOff } from '../test/support/protection-off.js';
import { createBenchDatabase, formatMs, percentile, repositoryRoot, sampleSentences, seededRandom } from './support.js';

export const modelLatencyMs = 300;

/** A model that always takes 300 ms and answers with two compliant, cited replies: only its latency matters here. */
export function mockModel(): ChatModel {
  const answer = { suggestions: [{ text: '您好，金卡年费每年200元，当年刷卡满6次可免次年年费。', citations: ['P1'] }, { text: '您可以在手机银行查询年费减免进度。', citations: ['P2'] }] };
  return {
    provider: 'mock',
    model: 'fixed-300ms',
    async generate<T>(request: ChatRequest): Promise<ChatResult<T>> {
      await new Promise((resolve) => setTimeout(resolve, modelLatencyMs));
      const parsed = request.schema ? (request.schema.parse(answer) as T) : undefined;
      return { text: JSON.stringify(answer), ...(parsed === undefined ? {} : { parsed }) };
    },
    async *stream(): AsyncIterable<ChatStreamPart> {
      await new Promise((resolve) => setTimeout(resolve, modelLatencyMs));
      yield { type: 'done', text: '' };
    },
  };
}

/**
 * The process's CPU time per suggestion (the embedded database and, over the wire, the socket server run in this
 * process too): on a shared, overloaded machine wall-clock figures mostly measure the other processes' load.
 */
function cpuNote(cpuTimes: readonly number[]): string {
  return `CPU per suggestion p50 ${formatMs(percentile(cpuTimes, 0.5))} p95 ${formatMs(percentile(cpuTimes, 0.95))}`;
}

export async function loadCorpus(database: Database): Promise<KnowledgeService> {
  const embedder = createOfflineEmbedder();
  await ensureEmbeddingIndex(database, embedder);
  const knowledge = new KnowledgeService(database, embedder);
  const { files } = await listIngestibleFiles([join(repositoryRoot, 'knowledge')]);
  await ingestFiles(knowledge, files, { actor: { id: 'bench' } });
  const sentences = sampleSentences();
  const random = seededRandom(7);
  const pick = () => sentences[Math.floor(random() * sentences.length)]!;
  await knowledge.bulk(async () => {
    for (let document = 0; document < 1000; document += 1) {
      const sections = Array.from({ length: 10 }, (_, section) => `## 第${section + 1}节\n\n${pick()}${pick()}${pick()}编号${document}-${section}。`);
      await knowledge.ingest({ format: 'markdown', body: `---\nexternalId: filler-${document}\ntitle: 资料 ${document}\nkind: product\n---\n# 资料 ${document}\n\n${sections.join('\n\n')}\n` }, { id: 'bench' });
    }
  });
  return knowledge;
}

async function overhead(label: string, database: Database, rounds: number): Promise<void> {
  const embedder = createOfflineEmbedder();
  const search = new HybridSearch(database, embedder);
  await search.refreshStatistics();
  const compliance = createComplianceEngine({ packs: loadRulePacks(join(repositoryRoot, 'evals/rules')) });
  const hub = new EventHub(database);
  // The earlier measurement's cards: one search of the recent customer turns, which the suggestion does not reuse.
  const conversations = new ConversationService({
    database,
    compliance,
    cards: async (turns, language) => {
      const query = buildRetrievalQuery(turns);
      if (!query.trim()) return undefined;
      return { query, results: (await search.search({ query, topK: 5, language })).results, situations: [] };
    },
    hub,
  });
  // The product catalogue as the service keeps it (the follow-up's product, topic disclosures, products not offered).
  const products = await new KnowledgeService(database, embedder).products();
  const pipeline = createSuggestionPipeline({ search: (query) => search.search(query), compliance, chatModel: mockModel(), prompts: new PromptLibrary(join(repositoryRoot, 'prompts')), budgetMs: 5_000, products: () => products, termStatistics: () => search.termStatistics() });
  const suggestions = new SuggestionService({ database, conversations, pipeline, rulesVersion: compliance.rulesVersion });
  const conversation = await conversations.create({ language: 'zh', customer: { riskLevel: 'C3' } });
  const questions = ['你好，我想问一下信用卡年费怎么收？', '金卡年费能减免吗？', '分期手续费的年化利率是多少？', '我的卡丢了怎么办？', '大额存单现在利率多少？'];
  const overheads: number[] = [];
  const cpuTimes: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    await conversations.addTurn(conversation.id, { speaker: 'customer', text: questions[round % questions.length]! });
    const started = performance.now();
    const cpu = process.cpuUsage();
    let modelMs = 0;
    const response = await suggestions.suggest(conversation.id, { n: 2 });
    const total = performance.now() - started;
    const used = process.cpuUsage(cpu);
    const audit = await database.query<{ model_ms: number }>('select model_ms from suggestions where conversation_id = $1 order by created_at desc limit 1', [conversation.id]);
    modelMs = Number(audit.rows[0]?.model_ms ?? modelLatencyMs);
    if (round >= 3 && !response.degraded) {
      overheads.push(total - modelMs);
      cpuTimes.push((used.user + used.system) / 1000);
    }
  }
  console.log(`suggestion overhead excluding the 300 ms model, ${label}: p50 ${formatMs(percentile(overheads, 0.5))}  p95 ${formatMs(percentile(overheads, 0.95))}  (${overheads.length} requests, load average ${loadavg()[0]!.toFixed(1)}; ${cpuNote(cpuTimes)})`);
}

/**
 * The same overhead as production composes it (compose.ts: the knowledge cards pushed on the customer turn, the search
 * cache they share with the suggestion, masking), on calls as they run: a customer turn (a different spoken question,
 * one or two in a turn), the suggestion, the agent's answer. Customer turn and agent turn are not timed.
 */
async function overheadAsComposed(label: string, database: Database, rounds: number): Promise<void> {
  // The runtime closes its database when it ends: lent one whose close leaves the bench's open for the next part.
  const lent: Database = {
    kind: database.kind,
    query: (sql, parameters) => database.query(sql, parameters),
    exec: (sql) => database.exec(sql),
    transaction: (work) => database.transaction(work),
    listen: (channel, handler) => database.listen(channel, handler),
    close: async () => undefined,
  };
  const runtime = await composeRuntime(loadConfig({ ADMIN_API_KEY: 'bench-admin-key-0123456789', LOG_LEVEL: 'silent', SEED_SAMPLE_KNOWLEDGE: 'false' }), { database: lent, chatModel: mockModel() });
  try {
    const { conversations, suggestions } = runtime.services;
    const random = seededRandom(5);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const overheads: number[] = [];
    const cpuTimes: number[] = [];
    let conversation = await conversations.create({ language: 'zh', customer: { riskLevel: 'C3' } });
    for (let round = 0; round < rounds; round += 1) {
      // A new call every five rounds; questions asked in parts, never the same turn twice.
      if (round % 5 === 0) conversation = await conversations.create({ language: 'zh', customer: { riskLevel: 'C3' } });
      const text = round % 2 === 0 ? `${pick(openers.slice(0, 3))}${pick(asks[0]!)}` : `${pick(openers.slice(0, 3))}${pick(asks[0]!)}还有${pick(asks[1]!)}`;
      await conversations.addTurn(conversation.id, { speaker: 'customer', text: `${text}（第${round}次）` });
      const started = performance.now();
      const cpu = process.cpuUsage();
      const response = await suggestions.suggest(conversation.id, { n: 2 });
      const total = performance.now() - started;
      const used = process.cpuUsage(cpu);
      const audit = await database.query<{ model_ms: number }>('select model_ms from suggestions where conversation_id = $1 order by created_at desc limit 1', [conversation.id]);
      if (round >= 3 && !response.degraded) {
        overheads.push(total - Number(audit.rows[0]?.model_ms ?? modelLatencyMs));
        cpuTimes.push((used.user + used.system) / 1000);
      }
      await conversations.addTurn(conversation.id, { speaker: 'agent', text: '好的，我帮您看一下。' });
    }
    console.log(`suggestion overhead excluding the 300 ms model, ${label}, as composed (cards first, one or two questions a turn, agent turns between): p50 ${formatMs(percentile(overheads, 0.5))}  p95 ${formatMs(percentile(overheads, 0.95))}  (${overheads.length} requests, load average ${loadavg()[0]!.toFixed(1)}; ${cpuNote(cpuTimes)})`);
  } finally {
    await runtime.close().catch(() => undefined);
  }
}

// Spoken, multi-part customer turns built from parts (our own wording), so no two conversations ask the same thing.
const openers = ['嗯，那个，我想问一下，', '喂你好，是这样的，', '我跟你说啊，我上个月刚办的，', 'Hi, um, so I was wondering, ', 'Okay so basically, '];
const asks = [
  ['信用卡年费怎么收？', '金卡年费能不能减免？', '分期的年化利率大概多少？', '取现手续费怎么算？', '最低还款是多少？'],
  ['卡丢了要怎么挂失？', '手机银行转账限额是多少？', '往国外汇款手续费怎么收？', '大额存单三年期利率多少？', '定期提前取出来利息怎么算？'],
  ['what does a cash advance cost?', 'how do I report a lost card?', 'is there a limit on transfers abroad?', 'what is the APR on instalments?', 'can I cancel the annuity policy?'],
];

/** Offline suggestions/s from a second process over many different conversations (not one repeated), 8 at a time. */
async function manyConversations(base: string, headers: Record<string, string>): Promise<void> {
  const random = seededRandom(11);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const ids: string[] = [];
  for (let index = 0; index < 120; index += 1) {
    const english = index % 3 === 2;
    const opener = english ? pick(openers.slice(3)) : pick(openers.slice(0, 3));
    const text = english ? `${opener}${pick(asks[2]!)} And also ${pick(asks[2]!)}` : `${opener}${pick(asks[0]!)}还有${pick(asks[1]!)}`;
    const created = (await (await fetch(`${base}/v1/conversations`, { method: 'POST', headers, body: JSON.stringify({ language: english ? 'en' : 'zh' }) })).json()) as { id: string };
    await fetch(`${base}/v1/conversations/${created.id}/turns`, { method: 'POST', headers, body: JSON.stringify({ speaker: 'customer', text: `${text} ${index}` }) });
    ids.push(created.id);
  }
  const durationMs = 15_000;
  const started = performance.now();
  let done = 0;
  let failed = 0;
  let next = 0;
  const latencies: number[] = [];
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (performance.now() - started < durationMs) {
        const id = ids[next++ % ids.length] as string;
        const requestStarted = performance.now();
        const response = await fetch(`${base}/v1/conversations/${id}/suggestions`, { method: 'POST', headers, body: '{"n":3}' }).catch(() => undefined);
        if (response?.ok) {
          await response.arrayBuffer();
          done += 1;
          latencies.push(performance.now() - requestStarted);
        } else failed += 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  console.log(`offline suggestions/s, ${ids.length} different conversations (two questions each, zh and en), 8 concurrent, 15 s, second process: ${(done / seconds).toFixed(1)}/s (each n=3), latency p50 ${formatMs(percentile(latencies, 0.5))} p95 ${formatMs(percentile(latencies, 0.95))}, ${failed} failed, load average ${loadavg()[0]!.toFixed(1)}`);
}

async function throughput(): Promise<void> {
  if (!existsSync(join(repositoryRoot, 'dist', 'cli.js'))) {
    console.log('offline suggestions/s: dist/cli.js missing, run `npm run build` first');
    return;
  }
  const dataDirectory = mkdtempSync(join(tmpdir(), 'agent-assist-load-'));
  const port = Number(process.env.BENCH_PORT ?? 39_881);
  const adminKey = 'bench-admin-key-0123456789';
  const server = spawn(process.execPath, ['dist/cli.js', 'serve'], {
    cwd: repositoryRoot,
    env: { ...process.env, ...protectionOff, PORT: String(port), DATA_DIR: dataDirectory, LOG_LEVEL: 'warn', ADMIN_API_KEY: adminKey },
    stdio: 'ignore',
  });
  try {
    const base = `http://127.0.0.1:${port}`;
    for (let attempt = 0; attempt < 1800; attempt += 1) {
      if (await fetch(`${base}/readyz`).then((response) => response.ok, () => false)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const headers = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' };
    const created = (await (await fetch(`${base}/v1/conversations`, { method: 'POST', headers, body: JSON.stringify({ language: 'zh' }) })).json()) as { id: string };
    await fetch(`${base}/v1/conversations/${created.id}/turns`, { method: 'POST', headers, body: JSON.stringify({ speaker: 'customer', text: '你好，信用卡年费怎么收？能减免吗？' }) });
    const autocannon = join(repositoryRoot, 'node_modules', 'autocannon', 'autocannon.js');
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [autocannon, '-c', '8', '-d', '15', '-j', '-m', 'POST', '-H', `authorization=Bearer ${adminKey}`, '-H', 'content-type=application/json', '-b', '{"n":3}', `${base}/v1/conversations/${created.id}/suggestions`], { stdio: ['ignore', 'pipe', 'ignore'] });
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.on('exit', () => resolve(text));
      child.on('error', reject);
    });
    const result = JSON.parse(output) as { requests: { average: number; total: number }; latency: { p50: number; p99: number }; non2xx: number; errors: number };
    console.log(`offline end-to-end suggestions through HTTP (autocannon, 8 connections, 15 s, second process): ${result.requests.average.toFixed(0)} requests/s (each n=3), latency p50 ${result.latency.p50} ms p99 ${result.latency.p99} ms, ${result.non2xx} non-2xx, ${result.errors} errors (goal >= 150/s), load average ${loadavg()[0]!.toFixed(1)}`);
    await manyConversations(base, headers);
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    rmSync(dataDirectory, { recursive: true, force: true });
  }
}

export async function main(): Promise<void> {
  console.log('== suggestion bench');
  // --throughput-only: the second-process figures alone (the overhead part ingests 10,000 chunks first).
  if (process.argv.includes('--throughput-only')) return throughput();
  const bench = await createBenchDatabase();
  try {
    await loadCorpus(bench.embedded);
    await overhead('10,000+ chunks, embedded', bench.embedded, 40);
    await overheadAsComposed('10,000+ chunks, embedded', bench.embedded, 40);
    const wire = await bench.wire();
    await overhead('10,000+ chunks, pg adapter over the wire', wire, 40);
    await overheadAsComposed('10,000+ chunks, pg adapter over the wire', wire, 40);
  } finally {
    await bench.close();
  }
  // --overhead-only: the in-process figures alone (no server, no port).
  if (!process.argv.includes('--overhead-only')) await throughput();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
