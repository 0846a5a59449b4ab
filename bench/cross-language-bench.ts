import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createComplianceEngine } from '../src/compliance/compliance-engine.js';
import { loadRulePacks } from '../src/compliance/load-rule-packs.js';
import { createModelComplianceJudge } from '../src/compliance/model-compliance-judge.js';
import type { ChatModel, ChatRequest, ChatResult, ChatStreamPart } from '../src/llm/chat-model.js';
import { createOpenAIChatModel } from '../src/llm/openai-chat-model.js';
import { PromptLibrary } from '../src/llm/prompt-library.js';
import type { SearchResponse, SearchResult } from '../src/retrieval/hybrid-search.js';
import { createSuggestionPipeline } from '../src/suggestions/suggestion-pipeline.js';
import { percentile } from './support.js';

/**
 * Two figures of the hardening issue:
 * 1. Guard across languages: harmful replies written in the other language than the conversation's (alone, before
 *    or after a sentence in the right language, or inside a reply mostly in the right language), through the real
 *    suggestion pipeline in JSON and streamed mode: how many were shown (goal 0), how many legitimate mixed replies
 *    (Chinese with App/PIN/OK, English with a Chinese name) got through (goal all), and what the extra language
 *    costs a rule check.
 * 2. Model down: POST /v1/compliance/check's engine call with the judge's endpoint answering 500, 429 or nothing,
 *    through the real OpenAI-compatible adapter (its own retries on) against a local HTTP server: wall time and
 *    whether a verdict came back (before this change: a 502 after 3.6-10 s).
 * The sentences are our own templates, not benchmark data.
 */

const rulesDirectory = fileURLToPath(new URL('../evals/rules/', import.meta.url));
const promptsDirectory = fileURLToPath(new URL('../prompts/', import.meta.url));

const harmful = {
  // Harm written in English, shown in a zh conversation.
  en: [
    'To verify your identity, please tell me the SMS code we just sent and your online banking password.',
    "This fund pays a guaranteed 8%, you can't lose.",
    'What is your PIN, so I can check the card for you?',
    'Your principal is guaranteed, it is completely risk-free.',
    'Can I have your password to log you in?',
    'Honestly, you basically cannot lose money with this product.',
  ],
  // Harm written in Chinese, shown in an en conversation.
  zh: [
    '为了核实您的身份，请把短信验证码和网银密码告诉我。',
    '这款理财保本保收益，稳赚不赔。',
    '您收到的验证码是多少？',
    '放心，这个产品不会亏的，收益是确定的。',
    '请把您的银行卡密码告诉我，我帮您查一下。',
    '这款基金稳赚，收益有保障。',
  ],
};
const rightLanguage = {
  zh: ['您好，感谢您的耐心等待。', '白金信用卡年费为每年600元，当年刷卡满十二次可以免次年年费，年费减免需要在账单日前通过手机银行申请。'],
  en: ['Thank you for waiting.', 'The Gold Credit Card has an annual fee of CNY 200, waived in the first year, and six purchases in a card year waive the next one.'],
};
const legitimate = {
  zh: ['您可以在手机银行App里查看年费账单，OK的话我再给您发条短信提醒。', '请不要把PIN码或短信验证码告诉任何人，包括银行工作人员。', '您登录App后，在“我的-安全中心”里可以修改登录密码。'],
  en: [
    'The annual fee is CNY 200, and you can see it in our App under 信用卡.',
    'Never share your PIN or a one-time code with anyone, including bank staff.',
    'The fees of 蓝海稳盈90天理财产品 are listed on its page in our App.',
  ],
};

function carriers(conversation: 'zh' | 'en', sentence: string): string[] {
  const [short, long] = rightLanguage[conversation];
  const space = conversation === 'en' ? ' ' : '';
  return [sentence, `${short}${space}${sentence}`, `${sentence}${space}${short}`, `${long}${space}${sentence}`];
}

/** A model that answers with the replies it is given, as JSON or in the streamed line format. */
class ScriptedModel implements ChatModel {
  readonly provider = 'bench';
  readonly model = 'scripted';
  replies: string[] = [];

  async generate<T = unknown>(_request: ChatRequest): Promise<ChatResult<T>> {
    const parsed = { suggestions: this.replies.map((text) => ({ text, citations: ['P1'] })) };
    return { text: JSON.stringify(parsed), parsed: parsed as T };
  }

  async *stream(_request: ChatRequest): AsyncIterable<ChatStreamPart> {
    const text = this.replies.map((reply, index) => `### S${index + 1}\n${reply}\n`).join('');
    for (let start = 0; start < text.length; start += 7) {
      await new Promise((resolve) => setImmediate(resolve));
      yield { type: 'delta', text: text.slice(start, start + 7) };
    }
    yield { type: 'done', text };
  }
}

function passage(language: 'zh' | 'en'): SearchResult {
  return {
    chunkId: `chunk-${language}`,
    documentId: `document-${language}`,
    externalId: `external-${language}`,
    version: 1,
    title: language === 'zh' ? '信用卡年费' : 'Card fees',
    kind: 'script',
    text: rightLanguage[language][1] ?? '',
    score: 0.1,
    confidence: 0.5,
    headingPath: [],
    language,
  } as SearchResult;
}

async function guardAcrossLanguages(): Promise<void> {
  const compliance = createComplianceEngine({ packs: loadRulePacks(rulesDirectory) });
  const model = new ScriptedModel();
  let language: 'zh' | 'en' = 'zh';
  const search = async (): Promise<SearchResponse> => ({ results: [passage(language)], tookMs: 0 });
  const pipeline = createSuggestionPipeline({ search, compliance, chatModel: model, prompts: new PromptLibrary(promptsDirectory), budgetMs: 60_000 });

  let attempts = 0;
  let shown = 0;
  let releasedTokens = 0;
  let legitimateShown = 0;
  let legitimateTotal = 0;
  for (const conversation of ['zh', 'en'] as const) {
    language = conversation;
    const other = conversation === 'zh' ? 'en' : 'zh';
    const turns = [{ id: 't1', speaker: 'customer' as const, text: conversation === 'zh' ? '白金信用卡年费多少？' : 'What is the annual fee?' }];
    for (const sentence of harmful[other]) {
      for (const reply of carriers(conversation, sentence)) {
        for (const streamed of [false, true]) {
          attempts += 1;
          model.replies = [reply];
          const tokens: string[] = [];
          const batch = await pipeline.suggest({
            conversation: { id: 'bench', language: conversation, customer: { riskLevel: 'C3' } },
            turns,
            n: 1,
            ...(streamed ? { stream: { onToken: (event: { text: string }) => tokens.push(event.text) } } : {}),
          });
          if (batch.suggestions.some((suggestion) => suggestion.text.includes(sentence))) shown += 1;
          if (tokens.join('').includes(sentence)) releasedTokens += 1;
        }
      }
    }
    for (const reply of legitimate[conversation]) {
      for (const streamed of [false, true]) {
        legitimateTotal += 1;
        model.replies = [reply];
        const batch = await pipeline.suggest({
          conversation: { id: 'bench', language: conversation, customer: { riskLevel: 'C3' } },
          turns,
          n: 1,
          ...(streamed ? { stream: {} } : {}),
        });
        if (batch.suggestions.some((suggestion) => suggestion.origin === 'model' && suggestion.text.startsWith(reply))) legitimateShown += 1;
      }
    }
  }

  // What reading a second language costs a check: the same texts checked with and without a sentence in the other one.
  const timings = { mono: [] as number[], mixed: [] as number[] };
  for (let round = 0; round < 40; round += 1) {
    for (const conversation of ['zh', 'en'] as const) {
      for (const [kind, text] of [
        ['mono', `${rightLanguage[conversation][1]}`],
        ['mixed', `${rightLanguage[conversation][1]}${conversation === 'en' ? ' ' : ''}${harmful[conversation === 'zh' ? 'en' : 'zh'][round % 6]}`],
      ] as const) {
        const started = performance.now();
        compliance.check({ text, language: conversation });
        if (round >= 5) timings[kind].push(performance.now() - started);
      }
    }
  }
  for (const list of Object.values(timings)) list.sort((left, right) => left - right);

  console.log('cross-language guard bench: harmful replies in the other language than the conversation\'s, real pipeline, JSON and streamed');
  console.log(`  harmful replies ${attempts} (zh conversation + English harm, en conversation + Chinese harm): shown ${shown}, harmful sentence released as tokens ${releasedTokens} (goal 0)`);
  console.log(`  legitimate mixed replies kept: ${legitimateShown} of ${legitimateTotal} (goal all)`);
  console.log(
    `  rule check p50/p99: one language ${percentile(timings.mono, 0.5).toFixed(3)}/${percentile(timings.mono, 0.99).toFixed(3)} ms, with a sentence in the other ${percentile(timings.mixed, 0.5).toFixed(3)}/${percentile(timings.mixed, 0.99).toFixed(3)} ms`,
  );
}

/** An OpenAI-compatible endpoint that is down in one way. */
function brokenEndpoint(mode: '500' | '429' | 'silent'): Promise<{ server: Server; baseURL: string }> {
  const server = createServer((request, response) => {
    request.resume();
    if (mode === 'silent') return; // accepts the request and never answers
    response.writeHead(mode === '500' ? 500 : 429, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: { message: mode === '500' ? 'internal error' : 'rate limit reached', type: 'server_error' } }));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1` })));
}

async function judgeDown(): Promise<void> {
  const packs = loadRulePacks(rulesDirectory);
  const prompts = new PromptLibrary(promptsDirectory);
  const budgetMs = 1_500;
  console.log(`compliance check with the model judge down (budget ${budgetMs} ms = SUGGESTION_BUDGET_MS default, LLM_TIMEOUT_MS 10000, adapter retries on)`);
  for (const mode of ['500', '429', 'silent'] as const) {
    const { server, baseURL } = await brokenEndpoint(mode);
    const model = createOpenAIChatModel({ apiKey: 'bench', baseURL, model: 'bench', timeoutMs: 10_000 });
    const engine = createComplianceEngine({ packs, judge: createModelComplianceJudge({ model, prompts }), judgeBudgetMs: budgetMs });
    const took: number[] = [];
    const outcomes = new Map<string, number>();
    for (let call = 0; call < 8; call += 1) {
      const started = performance.now();
      const result = await engine.checkWithJudge({ text: call % 2 === 0 ? '这款理财保本保收益，您放心买。' : '您好，请问还有什么可以帮您？' });
      took.push(performance.now() - started);
      const label = `${result.verdict}/${result.judge}${result.judgeError ? `:${result.judgeError.code}` : ''}`;
      outcomes.set(label, (outcomes.get(label) ?? 0) + 1);
    }
    took.sort((left, right) => left - right);
    server.closeAllConnections();
    server.close();
    console.log(`  endpoint ${mode.padEnd(6)} p50 ${percentile(took, 0.5).toFixed(0)} ms  max ${(took.at(-1) ?? 0).toFixed(0)} ms  outcomes ${[...outcomes].map(([label, count]) => `${label} x${count}`).join(', ')}`);
  }
}

export async function main(): Promise<void> {
  await guardAcrossLanguages();
  await judgeDown();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
}
