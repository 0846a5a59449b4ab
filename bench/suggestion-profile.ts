/**
 * Where one suggestion's overhead goes, as composed (compose.ts) at 10,000+ chunks, embedded: per customer turn and
 * per suggestion, how many searches run, how many are cache hits, how many database statements are sent and how long
 * they take. Same calls as bench/suggestion-bench.ts "as composed" (cards first, one or two questions a turn, agent
 * turns between). For the CPU split run it under `node --cpu-prof --import tsx bench/suggestion-profile.ts`.
 * Run: npx tsx bench/suggestion-profile.ts
 */
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { composeRuntime } from '../src/compose.js';
import { loadConfig } from '../src/config.js';
import type { Database } from '../src/db/database.js';
import { HybridSearch, type SearchQuery, type SearchResponse } from '../src/retrieval/hybrid-search.js';
import { loadCorpus, mockModel, modelLatencyMs } from './suggestion-bench.js';
import { createBenchDatabase, formatMs, percentile, seededRandom } from './support.js';

interface Tally {
  searches: number;
  hits: number;
  searchMs: number;
  statements: number;
  statementMs: number;
}

const empty = (): Tally => ({ searches: 0, hits: 0, searchMs: 0, statements: 0, statementMs: 0 });

const openers = ['嗯，那个，我想问一下，', '喂你好，是这样的，', '我跟你说啊，我上个月刚办的，'];
const asks = [
  ['信用卡年费怎么收？', '金卡年费能不能减免？', '分期的年化利率大概多少？', '取现手续费怎么算？', '最低还款是多少？'],
  ['卡丢了要怎么挂失？', '手机银行转账限额是多少？', '往国外汇款手续费怎么收？', '大额存单三年期利率多少？', '定期提前取出来利息怎么算？'],
];

export async function main(): Promise<void> {
  const bench = await createBenchDatabase();
  let current = empty();
  const statementTexts = new Map<string, number>();
  const original = HybridSearch.prototype.search;
  HybridSearch.prototype.search = async function search(this: HybridSearch, query: SearchQuery): Promise<SearchResponse> {
    const started = performance.now();
    const response = await original.call(this, query);
    current.searches += 1;
    current.searchMs += performance.now() - started;
    if (response.tookMs === 0) current.hits += 1;
    return response;
  };
  try {
    const database = bench.embedded;
    await loadCorpus(database);
    const counted: Database = {
      kind: database.kind,
      query: async (sql, parameters) => {
        const started = performance.now();
        try {
          return await database.query(sql, parameters);
        } finally {
          current.statements += 1;
          current.statementMs += performance.now() - started;
          const head = sql.replace(/\s+/gu, ' ').trim().slice(0, 70);
          statementTexts.set(head, (statementTexts.get(head) ?? 0) + 1);
        }
      },
      exec: (sql) => database.exec(sql),
      transaction: (work) => database.transaction(work),
      listen: (channel, handler) => database.listen(channel, handler),
      close: async () => undefined,
    };
    const runtime = await composeRuntime(loadConfig({ ADMIN_API_KEY: 'bench-admin-key-0123456789', LOG_LEVEL: 'silent', SEED_SAMPLE_KNOWLEDGE: 'false' }), { database: counted, chatModel: mockModel() });
    const { conversations, suggestions } = runtime.services;
    const random = seededRandom(5);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const turnTallies: Tally[] = [];
    const suggestionTallies: Tally[] = [];
    const turnMs: number[] = [];
    const overheads: number[] = [];
    let conversation = await conversations.create({ language: 'zh', customer: { riskLevel: 'C3' } });
    const rounds = 40;
    for (let round = 0; round < rounds; round += 1) {
      if (round % 5 === 0) conversation = await conversations.create({ language: 'zh', customer: { riskLevel: 'C3' } });
      const text = round % 2 === 0 ? `${pick(openers)}${pick(asks[0]!)}` : `${pick(openers)}${pick(asks[0]!)}还有${pick(asks[1]!)}`;
      current = empty();
      let started = performance.now();
      await conversations.addTurn(conversation.id, { speaker: 'customer', text: `${text}（第${round}次）` });
      const turnTook = performance.now() - started;
      const turnTally = current;
      current = empty();
      started = performance.now();
      const response = await suggestions.suggest(conversation.id, { n: 2 });
      const total = performance.now() - started;
      const suggestionTally = current;
      current = empty();
      const audit = await database.query<{ model_ms: number }>('select model_ms from suggestions where conversation_id = $1 order by created_at desc limit 1', [conversation.id]);
      if (round >= 3 && !response.degraded) {
        turnTallies.push(turnTally);
        suggestionTallies.push(suggestionTally);
        turnMs.push(turnTook);
        overheads.push(total - Number(audit.rows[0]?.model_ms ?? modelLatencyMs));
      }
      await conversations.addTurn(conversation.id, { speaker: 'agent', text: '好的，我帮您看一下。' });
    }
    const mean = (tallies: Tally[], key: keyof Tally): string => (tallies.reduce((sum, tally) => sum + tally[key], 0) / tallies.length).toFixed(2);
    for (const [label, tallies] of [['customer turn (cards)', turnTallies], ['suggestion', suggestionTallies]] as const) {
      console.log(`${label}: searches ${mean(tallies, 'searches')} (cache hits ${mean(tallies, 'hits')}, ${mean(tallies, 'searchMs')} ms), statements outside searches' own ${mean(tallies, 'statements')} (${mean(tallies, 'statementMs')} ms)`);
    }
    console.log(`customer turn p50 ${formatMs(percentile(turnMs, 0.5))} p95 ${formatMs(percentile(turnMs, 0.95))}; suggestion overhead p50 ${formatMs(percentile(overheads, 0.5))} p95 ${formatMs(percentile(overheads, 0.95))} (${overheads.length} requests, load average ${loadavg()[0]!.toFixed(1)})`);
    console.log('statements sent through the runtime (all phases):');
    for (const [head, count] of [...statementTexts.entries()].sort((left, right) => right[1] - left[1]).slice(0, 15)) console.log(`  ${count}\t${head}`);
    await runtime.close().catch(() => undefined);
  } finally {
    HybridSearch.prototype.search = original;
    await bench.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
