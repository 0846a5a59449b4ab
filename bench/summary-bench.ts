import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadDispositionTaxonomy } from '../src/summaries/disposition-taxonomy.js';
import { summarizeOffline } from '../src/summaries/offline-summarizer.js';
import type { SummaryContext, SummaryTurn } from '../src/summaries/summary-context.js';
import type { Summary } from '../src/summaries/summary-schema.js';
import { rougeScores, type RougeScores } from './rouge.js';
import { percentile, seededRandom } from './support.js';

const taxonomy = loadDispositionTaxonomy(fileURLToPath(new URL('../knowledge/dispositions.yaml', import.meta.url)));

const random = seededRandom;

// Our own templates (not benchmark data): a plausible mix of what a 40-turn service call contains.
const customerLines = [
  '你好，我想问一下我的信用卡账单怎么多了一笔年费？',
  '我上个月明明已经还款了，为什么还显示逾期？',
  '那这个年费能不能帮我减免？我用卡一直很规律。',
  '我的借记卡好像丢了，能不能先帮我挂失？',
  '你们这个手续费收得太不合理了，我很不满意。',
  '好的，那大概多久能处理好？',
  '我想了解一下稳盈理财的收益率和风险等级。',
  '嗯，明白了，谢谢你。',
  '如果三天内还没有处理好，我就要投诉了。',
  '可以，我明天有空去网点。',
];
const agentLines = [
  '您好，请问有什么可以帮您？',
  '好的，我这边帮您查询一下，请您稍等。',
  '我已经为您提交了年费减免申请，结果会在三个工作日内以短信通知您。',
  '已为您办理借记卡临时挂失，新卡将在五个工作日内寄出。',
  '非常抱歉给您带来不便，我会把您的意见反馈给相关部门，并在24小时内给您回电。',
  '请您明天带身份证到就近网点办理补卡手续。',
  '这款理财产品风险等级为R2，业绩比较基准不代表实际收益，理财非存款，投资须谨慎。',
  '您的还款我这边看到已经入账，逾期记录会在下周一前更正。',
  '还有其他可以帮您的吗？',
  '感谢您的来电，祝您生活愉快。',
];

export function syntheticCall(turnCount: number, seed: number): SummaryTurn[] {
  const next = random(seed);
  return Array.from({ length: turnCount }, (_, index) => {
    const lines = index % 2 === 0 ? agentLines : customerLines;
    const text = lines[Math.floor(next() * lines.length)] ?? '';
    return { id: `t${index + 1}`, speaker: index % 2 === 0 ? 'agent' : 'customer', text };
  });
}


function latency(): void {
  const turns = syntheticCall(40, 20240517);
  const context: SummaryContext = {
    callEndedAt: new Date('2024-05-17T06:00:00Z'),
    taxonomy,
    products: [{ name: '稳盈理财', aliases: ['稳盈'] }, { name: '借记卡' }, { name: '信用卡' }],
  };
  for (let run = 0; run < 20; run += 1) summarizeOffline(turns, context);
  const timings: number[] = [];
  for (let run = 0; run < 500; run += 1) {
    const started = performance.now();
    summarizeOffline(turns, context);
    timings.push(performance.now() - started);
  }
  timings.sort((left, right) => left - right);
  const p95 = percentile(timings, 0.95);
  console.log(`(a) offline summary latency, synthetic 40-turn zh call, 500 runs (after 20 warm-up runs)`);
  console.log(`    p50 ${percentile(timings, 0.5).toFixed(2)} ms   p95 ${p95.toFixed(2)} ms   max ${(timings.at(-1) ?? 0).toFixed(2)} ms   goal p95 <= 50 ms: ${p95 <= 50 ? 'met' : 'NOT met'}`);
}

interface QualityItem {
  turns: SummaryTurn[];
  references: string[];
}

function summaryText(summary: Summary, language: 'zh' | 'en'): string {
  return [summary.reason, ...summary.actionsTaken.map((action) => action.text)].filter(Boolean).join(language === 'zh' ? '。' : '. ');
}

function mean(values: readonly RougeScores[], key: keyof RougeScores): string {
  const total = values.reduce((sum, value) => sum + value[key], 0);
  return ((100 * total) / Math.max(1, values.length)).toFixed(2);
}

function quality(name: string, path: URL, language: 'zh' | 'en', toItem: (record: Record<string, unknown>) => QualityItem): void {
  const file = fileURLToPath(path);
  if (!existsSync(file)) {
    console.log(`    ${name}: ${file} not found, skipped`);
    return;
  }
  const items = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => toItem(JSON.parse(line) as Record<string, unknown>));
  const ours: RougeScores[] = [];
  const narratives: RougeScores[] = [];
  const lead: RougeScores[] = [];
  let empty = 0;
  const started = performance.now();
  for (const item of items) {
    const summary = summarizeOffline(item.turns, { language, taxonomy, products: [] });
    const text = summaryText(summary, language);
    if (!text) empty += 1;
    ours.push(rougeScores(text, item.references, language));
    narratives.push(rougeScores(summary.narrative ?? '', item.references, language));
    const leadText = item.turns.slice(0, 3).map((turn) => turn.text).join(language === 'zh' ? '。' : ' ');
    lead.push(rougeScores(leadText, item.references, language));
  }
  const elapsed = performance.now() - started;
  console.log(`    ${name}: ${items.length} dialogues, ${empty} empty summaries, ${elapsed.toFixed(0)} ms`);
  console.log(`      ${'system'.padEnd(28)} R-1     R-2     R-L   (F1 x 100, mean)`);
  for (const [label, scores] of [['offline reason+actionsTaken', ours], ['offline narrative', narratives], ['lead-3 baseline', lead]] as const) {
    console.log(`      ${label.padEnd(28)} ${mean(scores, 'rouge1').padStart(5)}   ${mean(scores, 'rouge2').padStart(5)}   ${mean(scores, 'rougeL').padStart(5)}`);
  }
}

type RawTurn = { speaker?: string; text?: string };

function turnsFrom(raw: unknown): SummaryTurn[] {
  return ((raw as RawTurn[] | undefined) ?? []).map((turn, index) => ({
    id: `t${index + 1}`,
    speaker: turn.speaker === 'agent' ? 'agent' : 'customer',
    text: String(turn.text ?? ''),
  }));
}

export async function main(): Promise<void> {
  console.log('summary bench');
  latency();
  console.log('(b) quality: ROUGE F1 of reason + actionsTaken, and of the narrative, vs reference summaries (multi-reference: max)');
  quality('CSDS sample_200 (zh, char tokens)', new URL('../../shared/benchmarks/csds/sample_200.jsonl', import.meta.url), 'zh', (record) => ({
    turns: turnsFrom(record.turns),
    references: [String(record.summary_overall ?? '')],
  }));
  quality('TweetSumm test (en, word tokens)', new URL('../../shared/benchmarks/tweetsumm/test.jsonl', import.meta.url), 'en', (record) => ({
    turns: turnsFrom(record.turns),
    references: ((record.abstractive_summaries as unknown[] | undefined) ?? []).map(String),
  }));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
}
