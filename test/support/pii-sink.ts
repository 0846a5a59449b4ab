import { resolve } from 'node:path';
import type { InjectOptions } from 'fastify';
import { http, HttpResponse } from 'msw';
import { composeApp, composeRuntime } from '../../src/compose.js';
import { loadConfig } from '../../src/config.js';
import { isValidChinaId } from '../../src/compliance/identifier-matchers.js';
import { ingestFiles, listIngestibleFiles } from '../../src/knowledge/ingest-files.js';
import { createBackgroundLogger, logBackgroundError } from '../../src/observability/background-logger.js';
import { chatCompletionBody, chatCompletionChunks, startOpenAIMockServer } from './openai-mock-server.js';
import { createTestDatabase } from './test-database.js';

/**
 * The PII sink harness, shared by test/privacy/personal-data-sinks.test.ts and bench/pii-sink-bench.ts: plants
 * card, ID, phone, e-mail, SSN and account numbers (ASCII, full-width, spaced, dashed; zh and en) in customer
 * turns, runs the real app against msw playing a chat model that echoes the customer and leaks raw values, and
 * an embeddings endpoint, then collects every place data goes: model and embedder requests, logs, summaries,
 * suggestions (JSON, stream, events), audit rows, metrics.
 */

export type PlantedKind = 'card_number' | 'china_id' | 'phone_number' | 'email' | 'us_ssn' | 'account_number';
export const plantedKinds: PlantedKind[] = ['card_number', 'china_id', 'phone_number', 'email', 'us_ssn', 'account_number'];
export type PlantedForm = 'ascii' | 'spaced' | 'dashed' | 'full-width';

export interface PlantedValue {
  kind: PlantedKind;
  form: PlantedForm;
  language: 'zh' | 'en';
  /** As written in the turn. */
  written: string;
  /** What is searched for in a sink: digits (and X) or the e-mail, folded to ASCII, lower case, no separators. */
  key: string;
}

/** Deterministic pseudo-random numbers (mulberry32), so a failure names the same values on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value ^= value + Math.imul(value ^ (value >>> 7), 61 | value);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

function luhnCheckDigit(body: string): string {
  let sum = 0;
  for (let index = 0; index < body.length; index += 1) {
    let digit = Number(body[body.length - 1 - index]);
    if (index % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return String((10 - (sum % 10)) % 10);
}

const idWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/** Folds full-width forms and ideographic spaces to ASCII, as a reader (or a regex after NFKC) would. */
export function foldWidth(text: string): string {
  return text.replace(/[\uff01-\uff5e]/g, (character) => String.fromCharCode(character.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

/** A sink's text made comparable with keys: folded, lower case, separators removed. */
export function searchable(text: string): string {
  return foldWidth(text).toLowerCase().replace(/[\s\-()+\u00a0\u2010-\u2015]/g, '');
}

const toFullWidth = (text: string): string => text.replace(/[!-~]/g, (character) => String.fromCharCode(character.charCodeAt(0) + 0xfee0));

function grouped(digits: string, sizes: number[], separator: string): string {
  const parts: string[] = [];
  let at = 0;
  for (const size of sizes) {
    if (at >= digits.length) break;
    parts.push(digits.slice(at, at + size));
    at += size;
  }
  if (at < digits.length) parts.push(digits.slice(at));
  return parts.join(separator);
}

const forms: PlantedForm[] = ['ascii', 'spaced', 'dashed', 'full-width'];

const templates: Record<PlantedKind, Record<'zh' | 'en', (value: string) => string>> = {
  card_number: { zh: (value) => `我的卡号是${value}，年费怎么收？`, en: (value) => `My card number is ${value}, what is the annual fee?` },
  china_id: { zh: (value) => `我的身份证号是${value}，帮我查一下。`, en: (value) => `My ID number is ${value}, please check.` },
  phone_number: { zh: (value) => `我的手机号是${value}，请回电。`, en: (value) => `Please call me on ${value}.` },
  email: { zh: (value) => `我的邮箱是${value}，发给我吧。`, en: (value) => `Email me at ${value} please.` },
  us_ssn: { zh: (value) => `我的SSN是${value}。`, en: (value) => `My SSN is ${value}.` },
  account_number: { zh: (value) => `我的账号是${value}，查下余额。`, en: (value) => `My account number is ${value}, what is the balance?` },
};

export function customerSentence(value: PlantedValue): string {
  return templates[value.kind][value.language](value.written);
}

/** `perKind` values of each kind, cycling through the written forms and both languages. */
export function plantValues(perKind: number, seed = 20261206): PlantedValue[] {
  const random = seeded(seed);
  const digits = (count: number): string => Array.from({ length: count }, () => String(Math.floor(random() * 10))).join('');
  const between = (low: number, high: number): number => low + Math.floor(random() * (high - low + 1));
  const values: PlantedValue[] = [];
  const seen = new Set<string>();
  for (const kind of plantedKinds) {
    for (let index = 0; values.filter((value) => value.kind === kind).length < perKind; index += 1) {
      const form = forms[index % forms.length]!;
      const language: 'zh' | 'en' = Math.floor(index / forms.length) % 2 === 0 ? 'zh' : 'en';
      let raw: string;
      let sizes: number[];
      switch (kind) {
        case 'card_number': {
          const prefix = ['6222', '6228', '4111', '5500', '6217'][index % 5]!;
          const body = prefix + digits(index % 3 === 0 ? 14 : 11);
          raw = body + luhnCheckDigit(body);
          sizes = [4, 4, 4, 4, 4];
          break;
        }
        case 'china_id': {
          const region = ['110101', '310104', '440305', '330106', '510107'][index % 5]!;
          const birth = `${between(1950, 2005)}${String(between(1, 12)).padStart(2, '0')}${String(between(1, 28)).padStart(2, '0')}`;
          const body = region + birth + digits(3);
          let sum = 0;
          for (let position = 0; position < 17; position += 1) sum += Number(body[position]) * (idWeights[position] ?? 0);
          raw = body + '10X98765432'[sum % 11]!;
          sizes = [6, 8, 4];
          break;
        }
        case 'phone_number':
          if (index % 6 === 5) {
            raw = `${between(2, 9)}${digits(2)}${between(2, 9)}${digits(6)}`;
            if (/^8(00|88|77|66|55|44|33)/.test(raw)) raw = `2${raw.slice(1)}`;
            sizes = [3, 3, 4];
          } else {
            raw = `1${between(3, 9)}${digits(9)}`;
            sizes = [3, 4, 4];
          }
          break;
        case 'email':
          raw = `${['zhang.san', 'li.si', 'wang.wu', 'john.smith', 'mary.jones'][index % 5]}${index}@${['example.com', 'mail.example.cn', 'bank-customer.org'][index % 3]}`;
          sizes = [];
          break;
        case 'us_ssn':
          raw = `${String(between(1, 665)).padStart(3, '0')}${String(between(1, 99)).padStart(2, '0')}${String(between(1, 9999)).padStart(4, '0')}`;
          if (raw.startsWith('000')) raw = `1${raw.slice(1)}`;
          sizes = [3, 2, 4];
          break;
        case 'account_number': {
          raw = `9${digits(index % 2 === 0 ? 11 : 13)}`;
          sizes = [4, 4, 4, 4];
          break;
        }
      }
      if (kind === 'china_id' && !isValidChinaId(raw)) throw new Error(`bad generated ID ${raw}`);
      if (seen.has(raw)) continue;
      seen.add(raw);
      let written: string;
      if (kind === 'email') written = form === 'full-width' ? toFullWidth(raw) : raw;
      else if (kind === 'phone_number' && sizes[0] === 3 && sizes[1] === 3) {
        // US numbers are written the US way: (415) 555-2671, 415-555-2671, 415 555 2671.
        const us = form === 'spaced' ? grouped(raw, sizes, ' ') : form === 'dashed' ? grouped(raw, sizes, '-') : `(${raw.slice(0, 3)}) ${raw.slice(3, 6)}-${raw.slice(6)}`;
        written = form === 'full-width' ? toFullWidth(us) : us;
      } else if (kind === 'us_ssn' && (form === 'ascii' || form === 'full-width')) {
        written = form === 'full-width' ? toFullWidth(grouped(raw, sizes, '-')) : grouped(raw, sizes, '-');
      } else {
        written = form === 'spaced' ? grouped(raw, sizes, ' ') : form === 'dashed' ? grouped(raw, sizes, '-') : form === 'full-width' ? toFullWidth(raw) : raw;
      }
      values.push({ kind, form, language, written, key: searchable(raw) });
    }
  }
  return values;
}

export interface SinkReport {
  /** Every text that left the process or was written where many read it, by sink. */
  sinks: Record<string, string[]>;
  /** The raw transcript as stored (the customer's record): every planted value must be found here. */
  storedTurns: string[];
  /** What the leaky model answered: it quoted raw planted values, so masking on the way out is tested too. */
  modelAnswers: string[];
  counts: Record<string, number>;
  /** GET /v1/conversations/:id of the first conversation, by role. */
  transcriptReads: Record<string, { status: number; body: string }>;
  tookMs: number;
}

/** Planted values found in each sink (by key: raw digits in any separator or width form). */
export function findLeaks(sinks: Record<string, string[]>, planted: readonly PlantedValue[]): Record<string, PlantedValue[]> {
  const leaks: Record<string, PlantedValue[]> = {};
  for (const [sink, texts] of Object.entries(sinks)) {
    const haystack = texts.map(searchable).join('\n');
    leaks[sink] = planted.filter((value) => haystack.includes(value.key));
  }
  return leaks;
}

interface ChatBody {
  stream?: boolean;
  messages: { role: string; content: string }[];
}

/** The language the prompt asks for ("in Simplified Chinese (简体中文)" or "in English"). */
const languageOf = (body: ChatBody): 'zh' | 'en' => (body.messages.some((message) => /in (Simplified )?Chinese/.test(message.content)) ? 'zh' : 'en');

/** Runs the whole scenario and returns every sink's texts. `conversations` x about 5 customer turns, 3 values each. */
export async function runPiiSinkScenario(planted: readonly PlantedValue[], options: { conversations?: number } = {}): Promise<SinkReport> {
  const started = performance.now();
  const mock = startOpenAIMockServer();
  const base = mock.baseURL;
  const sinks: Record<string, string[]> = {
    modelRequests: [],
    embedderRequests: [],
    logs: [],
    summaries: [],
    suggestions: [],
    suggestionStreams: [],
    events: [],
    audit: [],
    metrics: [],
  };
  const modelAnswers: string[] = [];
  const counts: Record<string, number> = {};
  const transcriptReads: Record<string, { status: number; body: string }> = {};
  const count = (name: string, by = 1) => {
    counts[name] = (counts[name] ?? 0) + by;
  };

  // The leaky model: it echoes the last customer turn it was given and quotes raw planted values, in turn.
  let leakAt = 0;
  const leak = (howMany: number, language: 'zh' | 'en'): string => {
    const picked: string[] = [];
    for (let index = 0; index < howMany; index += 1) {
      const value = planted[leakAt % planted.length]!;
      leakAt += 1;
      if (value.language === language) picked.push(value.written);
    }
    return picked.join(language === 'zh' ? '、' : ', ');
  };
  mock.msw.use(
    http.post(`${base}/chat/completions`, async ({ request }) => {
      const body = (await request.json()) as ChatBody;
      sinks.modelRequests!.push(JSON.stringify(body));
      count('modelRequests');
      const system = body.messages.filter((message) => message.role === 'system').map((message) => message.content).join('\n');
      const user = body.messages.filter((message) => message.role === 'user').map((message) => message.content).join('\n');
      const language = languageOf(body);
      const customerTurns = [...user.matchAll(/<turn speaker="customer">([^<]*)<\/turn>/g)].map((match) => match[1] ?? '');
      const echo = customerTurns[customerTurns.length - 1] ?? '';
      const cite = /<passage id="P1"/.test(user) ? '[P1]' : '';
      const sentence =
        language === 'zh' ? `好的，您刚才说：${echo} 我们记下了${leak(6, language)}，会尽快为您处理${cite}。` : `Thanks, you said: ${echo} We noted ${leak(6, language)} and will follow up${cite}.`;
      let content: string;
      if (body.stream === true) {
        content = `### S1\n${sentence}\n### S2\n${sentence}\n`;
        modelAnswers.push(content);
        return new HttpResponse(chatCompletionChunks([content]).join(''), { headers: { 'content-type': 'text/event-stream' } });
      }
      if (system.includes('"call_summary"')) {
        content = JSON.stringify({
          reason: sentence,
          customerIntent: echo || sentence,
          productsDiscussed: [],
          actionsTaken: [{ text: sentence, turnIds: [] }],
          resolution: 'follow_up',
          followUps: [{ action: sentence, owner: 'agent', due: null, turnIds: [] }],
          commitments: [{ text: sentence, due: null, turnIds: [] }],
          complaint: { raised: false, category: null, severity: null },
          sentiment: { start: 'neutral', end: 'neutral' },
          evidence: { reason: [], customerIntent: [], resolution: [], complaint: [] },
          dispositionCode: 'unknown',
        });
      } else if (system.includes('"compliance_verdict"')) {
        content = JSON.stringify({ verdict: 'compliant', reason: sentence, evidence: echo });
      } else {
        content = JSON.stringify({ suggestions: [{ text: sentence, citations: cite ? ['P1'] : [] }, { text: sentence, citations: [] }] });
      }
      modelAnswers.push(content);
      return HttpResponse.json(chatCompletionBody(content));
    }),
  );
  const embeddings = mock.embeddings();

  const testDatabase = await createTestDatabase('pglite');
  const config = loadConfig({
    ADMIN_API_KEY: 'pii-sink-admin-key-0123456789',
    LOG_LEVEL: 'info',
    SEED_SAMPLE_KNOWLEDGE: 'false',
    OPENAI_API_KEY: 'sk-test-not-a-real-key',
    OPENAI_BASE_URL: base,
    CHAT_MODEL: 'mock-chat',
    EMBEDDING_MODEL: 'mock-embedding',
    EMBEDDING_DIMENSIONS: '64',
    SUGGESTION_BUDGET_MS: '60000',
  });
  const background = createBackgroundLogger('info', { write: (line: string) => void sinks.logs!.push(line) });
  const runtime = await composeRuntime(config, { database: testDatabase.database, onError: (error) => logBackgroundError(background, error) });
  const app = await composeApp(runtime, { logStream: { write: (line) => void sinks.logs!.push(line) } });
  await app.ready();
  runtime.startBackground();
  const services = runtime.services;
  try {
    // The FAQ sets are enough for cited passages in the prompts; the whole base would only slow the run.
    const { files } = await listIngestibleFiles([resolve('knowledge/faq')]);
    await ingestFiles(services.knowledge, files, { actor: { id: 'pii-sink' } });
    await services.search.refreshStatistics();
    count('ms ingest', Math.round(performance.now() - started));
    const admin = { authorization: `Bearer ${config.ADMIN_API_KEY}` };
    const agent = { authorization: `Bearer ${(await services.apiKeys.create('agent', 'pii agent')).key}` };
    const compliance = { authorization: `Bearer ${(await services.apiKeys.create('compliance', 'pii compliance')).key}` };
    const inject = async (request: InjectOptions) => {
      const response = await app.inject(request);
      count(`http ${response.statusCode}`);
      return response;
    };

    const byLanguage = { zh: planted.filter((value) => value.language === 'zh'), en: planted.filter((value) => value.language === 'en') };
    const valuesPerTurn = 3;
    const conversations = options.conversations ?? Math.max(2, Math.ceil(planted.length / (valuesPerTurn * 5)));
    const perConversation: Record<'zh' | 'en', number> = { zh: Math.ceil(byLanguage.zh.length / Math.ceil(conversations / 2)), en: Math.ceil(byLanguage.en.length / Math.floor(conversations / 2)) };
    const cursor = { zh: 0, en: 0 };
    const ids: string[] = [];
    for (let index = 0; index < conversations; index += 1) {
      const language: 'zh' | 'en' = index % 2 === 0 ? 'zh' : 'en';
      const mine = byLanguage[language].slice(cursor[language], cursor[language] + perConversation[language]);
      cursor[language] += mine.length;
      if (mine.length === 0) continue;
      const created = await inject({ method: 'POST', url: '/v1/conversations', headers: agent, payload: { language, customer: { riskLevel: 'C3' }, suggestions: { push: index % 3 === 0 } } });
      const id = created.json().id as string;
      ids.push(id);
      for (let turn = 0; turn * valuesPerTurn < mine.length; turn += 1) {
        const pair = mine.slice(turn * valuesPerTurn, turn * valuesPerTurn + valuesPerTurn);
        await inject({ method: 'POST', url: `/v1/conversations/${id}/turns`, headers: agent, payload: { speaker: 'customer', text: pair.map(customerSentence).join(language === 'zh' ? '' : ' ') } });
        // The agent reads a value back: a finding whose evidence is the number, pushed as a compliance event.
        const readBack = language === 'zh' ? `好的，跟您核对一下，${pair[0]!.written}，对吗？` : `Okay, let me confirm: ${pair[0]!.written}, is that right?`;
        await inject({ method: 'POST', url: `/v1/conversations/${id}/turns`, headers: agent, payload: { speaker: 'agent', text: readBack } });
        if (turn % 2 === 0) {
          const response = await inject({ method: 'POST', url: `/v1/conversations/${id}/suggestions`, headers: agent, payload: { n: 2 } });
          sinks.suggestions!.push(response.body);
          const first = response.json().suggestions?.[0] as { id: string } | undefined;
          if (first) {
            // The agent's edited text quotes the customer's number: the audit keeps it masked.
            await inject({ method: 'POST', url: `/v1/suggestions/${first.id}/feedback`, headers: agent, payload: { action: 'edited', finalText: `好的，${pair[0]!.written}已记录`, reason: `customer gave ${pair[1]?.written ?? pair[0]!.written}` } });
          }
        } else {
          const streamed = await inject({ method: 'POST', url: `/v1/conversations/${id}/suggestions`, headers: { ...agent, accept: 'text/event-stream' }, payload: { n: 2 } });
          sinks.suggestionStreams!.push(streamed.body);
        }
      }
      await inject({ method: 'POST', url: `/v1/conversations/${id}/end`, headers: agent });
    }

    // The raw transcript is the customer's record: the agent's desktop (and admins) read it as spoken; compliance
    // and knowledge owners do not read transcripts at all (they see masked suggestions, summaries and audit rows).
    const first = ids[0]!;
    for (const [role, headers] of [['agent', agent], ['compliance', compliance], ['knowledge_owner', { authorization: `Bearer ${(await services.apiKeys.create('knowledge_owner', 'pii owner')).key}` }]] as const) {
      const response = await inject({ method: 'GET', url: `/v1/conversations/${first}`, headers });
      transcriptReads[role] = { status: response.statusCode, body: response.body };
    }

    count('ms conversations', Math.round(performance.now() - started));
    // Values in URLs (rejected ids, query strings), in search queries, in compliance checks (the judge is a model
    // call) and in one-shot summaries.
    for (const value of planted.filter((_, index) => index % 7 === 0)) {
      await inject({ method: 'GET', url: `/v1/conversations/${encodeURIComponent(value.written)}`, headers: agent });
      await inject({ method: 'GET', url: `/v1/audit/suggestions?cursor=${encodeURIComponent(value.written)}&limit=1`, headers: compliance });
      await inject({ method: 'GET', url: `/v1/knowledge/documents?q=${encodeURIComponent(value.written)}`, headers: agent });
      await inject({ method: 'GET', url: `/v1/no-such-route/${encodeURIComponent(value.written)}?phone=${encodeURIComponent(value.written)}`, headers: agent });
    }
    for (const value of planted.filter((_, index) => index % 11 === 0)) {
      await inject({ method: 'POST', url: '/v1/knowledge/search', headers: agent, payload: { query: customerSentence(value) } });
      // The verdict goes back to its caller (who sent the text): what matters is what the judge model received.
      await inject({ method: 'POST', url: '/v1/compliance/check', headers: agent, payload: { text: `好的，${value.written}已为您登记。`, language: value.language } });
    }
    for (let index = 0; index < 3; index += 1) {
      const some = planted.filter((_, position) => position % 17 === index);
      const response = await inject({
        method: 'POST',
        url: '/v1/summaries',
        headers: agent,
        payload: { language: 'zh', turns: some.map((value, position) => ({ speaker: position % 2 === 0 ? 'customer' : 'agent', text: customerSentence(value) })) },
      });
      sinks.summaries!.push(response.body);
    }

    count('ms extra requests', Math.round(performance.now() - started));
    // Pushed suggestions and summary jobs run in the background: wait for them (bounded), then read every sink.
    for (let attempt = 0; attempt < 600; attempt += 1) {
      const pending = await services.database.query<{ count: string }>(`select count(*)::text as count from summary_jobs where status in ('queued', 'running')`);
      if (pending.rows[0]?.count === '0') break;
      await new Promise((resolveWait) => setTimeout(resolveWait, 100));
    }
    await services.summaries.idle();
    await new Promise((resolveWait) => setTimeout(resolveWait, 500));
    for (const id of ids) {
      const summary = await inject({ method: 'GET', url: `/v1/conversations/${id}/summary`, headers: agent });
      sinks.summaries!.push(summary.body);
      if (summary.statusCode === 200) count('summaries written');
    }
    count('ms summaries', Math.round(performance.now() - started));
    const jobs = await services.database.query<{ summary: unknown }>('select summary from summary_jobs');
    sinks.summaries!.push(...jobs.rows.map((row) => JSON.stringify(row.summary)));

    const events = await services.database.query<{ type: string; data: unknown }>('select type, data from conversation_events order by conversation_id, id');
    for (const row of events.rows) count(`events ${row.type}`);
    sinks.events!.push(...events.rows.map((row) => JSON.stringify(row)));

    let auditCursor: string | undefined;
    do {
      const page = await inject({ method: 'GET', url: `/v1/audit/suggestions?limit=500${auditCursor ? `&cursor=${encodeURIComponent(auditCursor)}` : ''}`, headers: compliance });
      sinks.audit!.push(page.body);
      auditCursor = page.json().nextCursor as string | undefined;
    } while (auditCursor);
    const suggestionRows = await services.database.query('select * from suggestions');
    const feedbackRows = await services.database.query('select * from suggestion_feedback');
    count('audit rows', suggestionRows.rows.length + feedbackRows.rows.length);
    sinks.audit!.push(...suggestionRows.rows.map((row) => JSON.stringify(row)), ...feedbackRows.rows.map((row) => JSON.stringify(row)));

    sinks.metrics!.push((await inject({ method: 'GET', url: '/metrics', headers: admin })).body);
    sinks.embedderRequests!.push(...embeddings.requests.map((request) => JSON.stringify(request.body)));
    count('embedderRequests', embeddings.requests.length);

    const turns = await services.database.query<{ text: string }>('select text from turns');
    return { sinks, storedTurns: turns.rows.map((row) => row.text), modelAnswers, counts, transcriptReads, tookMs: performance.now() - started };
  } finally {
    await app.close();
    await runtime.close();
    await testDatabase.close().catch(() => undefined);
    mock.close();
  }
}
