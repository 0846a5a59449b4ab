import { fileURLToPath } from 'node:url';
import { createComplianceEngine } from '../src/compliance/compliance-engine.js';
import { loadRulePacks } from '../src/compliance/load-rule-packs.js';
import type { ChatModel, ChatRequest, ChatResult, ChatStreamPart } from '../src/llm/chat-model.js';
import { PromptLibrary } from '../src/llm/prompt-library.js';
import type { SearchQuery, SearchResponse, SearchResult } from '../src/retrieval/hybrid-search.js';
import { createSuggestionPipeline } from '../src/suggestions/suggestion-pipeline.js';
import { percentile, seededRandom } from './support.js';

/**
 * The guard's cost per released sentence in guarded streaming: from the moment the mock model hands over the
 * delta that completes a sentence to the moment that sentence reaches onToken (parse + rule check of the reply
 * so far). Model, search and network are out of the measurement: the mock model is in memory.
 */

const goalMs = 20;

// Our own templates (not benchmark data): sentences an agent could say, a few with pending disclosures.
const zhSentences = [
  '白金信用卡年费为每年600元[P1]。',
  '当年刷卡满十二次，可以免次年年费[P1]。',
  '年费减免需要在账单日前通过手机银行申请[P2]。',
  '理财产品不保本，净值可能下跌，投资须谨慎[P3]。',
  '这款产品风险等级是R2，需要您的风险测评结果在C2及以上[P3]。',
  '我先帮您办理临时挂失，挂失后这张卡就不能再用了[P4]。',
  '补卡需要您本人携带身份证到任一网点办理[P4]。',
  '手机银行转账单笔限额5万元，日累计限额20万元[P5]。',
  '跨行转账一般实时到账，最晚下一个工作日到账[P5]。',
  '业绩比较基准是年化2.5%，不代表未来表现，也不是对收益的承诺[P3]。',
];
const enSentences = [
  'The Gold Credit Card has an annual fee of CNY 200[P1].',
  "It's waived in the first year[P1].",
  'If you make six purchases in a card year, next year\'s fee is waived[P1].',
  'A cash advance costs a 1% fee, at least CNY 10[P2].',
  'A wealth management product is not a deposit and returns are not guaranteed[P3].',
  'The one-year fixed deposit rate is 1.5% a year[P4].',
  'Let me check that for you and come back with an accurate answer.',
];

const random = seededRandom;

/** Sentences the mock model completed (markers stripped) and when: each release is matched to one of these. */
const produced: { text: string; at: number; matched: boolean }[] = [];

class ScriptedStreamModel implements ChatModel {
  readonly provider = 'bench';
  readonly model = 'scripted-stream';
  readonly #next: () => Delta[];

  constructor(next: () => Delta[]) {
    this.#next = next;
  }

  generate<T = unknown>(_request: ChatRequest): Promise<ChatResult<T>> {
    return Promise.reject(new Error('the bench streams only'));
  }

  async *stream(_request: ChatRequest): AsyncIterable<ChatStreamPart> {
    let text = '';
    for (const { delta, completes } of this.#next()) {
      // Yield to the event loop between deltas, as a network stream does.
      await new Promise((resolve) => setImmediate(resolve));
      text += delta;
      if (completes) produced.push({ text: completes, at: performance.now(), matched: false });
      yield { type: 'delta', text: delta };
    }
    yield { type: 'done', text };
  }
}

interface Delta {
  delta: string;
  /** Set on the delta after which the parser can see that this sentence is complete. */
  completes?: string;
}

/** Deltas of one streamed answer: three replies of 1-3 sentences, each sentence cut into chunks of 2-6 characters. */
function answer(language: 'zh' | 'en', next: () => number): Delta[] {
  const pool = language === 'zh' ? zhSentences : enSentences;
  const deltas: Delta[] = [];
  for (let reply = 1; reply <= 3; reply += 1) {
    deltas.push({ delta: `${reply > 1 ? '\n' : ''}### S${reply}\n` });
    const count = 1 + Math.floor(next() * 3);
    for (let index = 0; index < count; index += 1) {
      const picked = pool[Math.floor(next() * pool.length)] ?? '';
      // English needs the space after the full stop before a sentence is complete, so it is part of the last delta.
      const sentence = `${picked}${language === 'en' ? ' ' : ''}`;
      for (let start = 0; start < sentence.length; ) {
        const size = 2 + Math.floor(next() * 5);
        const last = start + size >= sentence.length;
        deltas.push(last ? { delta: sentence.slice(start), completes: picked.replace(/\[P\d+\]/gu, '') } : { delta: sentence.slice(start, start + size) });
        start += size;
      }
    }
  }
  return deltas;
}


const passages: SearchResult[] = ['P1', 'P2', 'P3', 'P4', 'P5'].map((id, index) => ({
  chunkId: `chunk-${id}`,
  documentId: `document-${index}`,
  externalId: `external-${index}`,
  version: 1,
  title: `Passage ${id}`,
  kind: index === 0 ? 'script' : 'product',
  text: zhSentences[index * 2] ?? '',
  score: 0.1,
  confidence: 0.5,
  headingPath: [],
  language: 'zh',
}));

export async function main(): Promise<void> {
  const compliance = createComplianceEngine({ packs: loadRulePacks(fileURLToPath(new URL('../evals/rules/', import.meta.url))) });
  const prompts = new PromptLibrary(fileURLToPath(new URL('../prompts/', import.meta.url)));
  const next = random(20_240_501);
  let language: 'zh' | 'en' = 'zh';
  const model = new ScriptedStreamModel(() => answer(language, next));
  const search = async (_query: SearchQuery): Promise<SearchResponse> => ({ results: passages, tookMs: 0 });
  const pipeline = createSuggestionPipeline({ search, compliance, chatModel: model, prompts, budgetMs: 60_000 });

  const releases: number[] = [];
  const requests = 300;
  let blocked = 0;
  let appended = 0;
  for (let request = 0; request < requests + 20; request += 1) {
    language = request % 3 === 2 ? 'en' : 'zh';
    produced.length = 0;
    const released: number[] = [];
    let unmatched = 0;
    const batch = await pipeline.suggest({
      conversation: { id: `bench-${request}`, language, customer: { riskLevel: 'C3' } },
      turns: [{ id: 't1', speaker: 'customer', text: language === 'zh' ? '信用卡年费多少？理财会不会亏？' : 'What is the annual fee, and can I lose money on a fund?' }],
      n: 3,
      stream: {
        onToken: (event) => {
          const now = performance.now();
          // Appended disclosures arrive as tokens too, but the model did not produce them: only model sentences count.
          const source = produced.find((entry) => !entry.matched && entry.text === event.text.trim());
          if (!source) {
            unmatched += 1;
            return;
          }
          source.matched = true;
          released.push(now - source.at);
        },
      },
    });
    blocked += batch.suggestions.filter((suggestion) => suggestion.origin !== 'model').length;
    if (request < 20) continue; // warm-up: jieba dictionary, rule compilation, JIT
    releases.push(...released);
    appended += unmatched;
  }
  releases.sort((left, right) => left - right);
  const p50 = percentile(releases, 0.5);
  const p95 = percentile(releases, 0.95);
  const p99 = percentile(releases, 0.99);
  console.log('guard bench: time from the mock model producing a sentence to its release (parse + guard)');
  console.log(`  requests ${requests} (zh and en), model sentences released ${releases.length}, appended tokens not timed ${appended}, suggestions replaced ${blocked}`);
  console.log(`  p50 ${p50.toFixed(3)} ms  p95 ${p95.toFixed(3)} ms  p99 ${p99.toFixed(3)} ms  max ${(releases.at(-1) ?? Number.NaN).toFixed(3)} ms`);
  console.log(`  goal p95 <= ${goalMs} ms: ${p95 <= goalMs ? 'met' : 'NOT met'}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
}
