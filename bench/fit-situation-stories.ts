/**
 * Fits the cut-offs of the scam story (the `story` of fraud_scam in src/understanding/situations.yaml): how many of
 * its parts besides the request to move money make the story (minimumParts), how many of those must be core parts
 * (minimumCore: supporting coincidences such as a deadline or an institution named do not make a scam on their own), how
 * many sentences from the request a part that says whom the money is for may be told (nearSentences), and how high a
 * rate said as a return counts as a lure (percentAtLeast).
 *
 * Each candidate is measured on labelled calls and on a large negative corpus. A call whose expectation demands a scam
 * warning (a `mustIncludeAnyOf` list holding 诈骗 or scam, or a declining call whose topic is one) is a positive; a call
 * whose expectation and note say nothing of scams, fraud or the police is a negative; the rest are not counted. The
 * negative corpus adds words nobody on the team wrote (../shared/benchmarks, read by path, to measure only): banking77's
 * English banking queries, english_bank_faq's questions, TweetSumm's customer turns, and in Chinese the CSDS
 * e-commerce dialogues' customer turns, BQ's and the Jining bank FAQ's customer questions. Any scam found there is a
 * false alarm. Detection only, no server: the customer's recent turns go through the same reading as a live call
 * (recentCustomerWords, normalizeSpokenNumbers, detectSituations); fraud_scam counts however it was found (a cue or the
 * story), so the figures are the situation's recall and false alarms, not the story's alone.
 *
 *   npx tsx bench/fit-situation-stories.ts [--files a.jsonl,b.jsonl] [--write]   (default: the dev set; add the team's own sets by --files)
 *
 * Chosen: among the candidates that catch at least as many positives as the current values (recall must not drop), the
 * fewest false alarms (labelled calls and corpus together), then the most caught, then the values nearest the current
 * ones (nothing moves without evidence). --write stores the chosen values in situations.yaml.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { detectSituations, storyParts, type Language, type StoryCutOffTrial } from '../src/understanding/detect-situations.js';
import { normalizeSpokenNumbers } from '../src/understanding/normalize-spoken-numbers.js';
import { understandingData } from '../src/understanding/understanding-data.js';
import { recentCustomerWords, type UnderstandingTurn } from '../src/understanding/understand-turn.js';
import { benchmarksDirectory, readJsonl, repositoryRoot } from './support.js';

const argument = (name: string): string | undefined => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
};
const files = (argument('--files') ?? join(repositoryRoot, '../shared/devsets/scenarios-dev.jsonl')).split(',').filter((file) => existsSync(file));
const situationId = 'fraud_scam';
const warning = /诈骗|scam/iu;
const aboutScams = /诈骗|骗|反诈|报警|挂断|scam|fraud|police|hang up/iu;

interface Item {
  id: string;
  source: string;
  language: Language;
  recent: string;
  label: 'scam' | 'ordinary';
}

type Scenario = { id: string; lang: Language; turns: UnderstandingTurn[]; note?: string; expect: { mustIncludeAnyOf?: string[][]; topicAnyOf?: string[]; shouldRefuseOrEscalate?: boolean } };
let unlabelled = 0;
const items: Item[] = files.flatMap((file) =>
  readJsonl<Scenario>(file).flatMap((call): Item[] => {
    const scam =
      (call.expect.mustIncludeAnyOf ?? []).some((list) => list.some((word) => warning.test(word))) ||
      (call.expect.shouldRefuseOrEscalate === true && (call.expect.topicAnyOf ?? []).some((word) => warning.test(word)));
    const ordinary = !scam && !aboutScams.test(JSON.stringify(call.expect) + (call.note ?? ''));
    if (!scam && !ordinary) {
      unlabelled += 1;
      return [];
    }
    return [{ id: call.id, source: basename(file), language: call.lang, recent: normalizeSpokenNumbers(recentCustomerWords(call.turns)), label: scam ? 'scam' : 'ordinary' }];
  }),
);

/** Words nobody on the team wrote: every item is ordinary banking or service talk. */
function corpus(): Item[] {
  const found: Item[] = [];
  const add = (source: string, language: Language, texts: { id: string; text: string }[]): void => {
    for (const { id, text } of texts) if (text.trim()) found.push({ id, source, language, recent: normalizeSpokenNumbers(text), label: 'ordinary' });
  };
  const path = (...parts: string[]): string => join(benchmarksDirectory, ...parts);
  const customerTurns = (turns: { speaker: string; text: string }[]): string =>
    recentCustomerWords(turns.map((turn) => ({ speaker: turn.speaker === 'agent' ? 'agent' : 'customer', text: turn.text })));
  if (existsSync(path('banking77/test_full.jsonl'))) add('banking77', 'en', readJsonl<{ id: string; text: string }>(path('banking77/test_full.jsonl')));
  if (existsSync(path('english_bank_faq/kb.jsonl')))
    add('english_bank_faq', 'en', readJsonl<{ faq_id: string; question: string }>(path('english_bank_faq/kb.jsonl')).map((row) => ({ id: row.faq_id, text: row.question })));
  for (const split of ['test', 'valid'])
    if (existsSync(path(`tweetsumm/${split}.jsonl`)))
      add('tweetsumm', 'en', readJsonl<{ conversation_id: string; turns: { speaker: string; text: string }[] }>(path(`tweetsumm/${split}.jsonl`)).map((row) => ({ id: row.conversation_id, text: customerTurns(row.turns) })));
  if (existsSync(path('csds/sample_200.jsonl')))
    add('csds', 'zh', readJsonl<{ id: string; turns: { speaker: string; text: string }[] }>(path('csds/sample_200.jsonl')).map((row) => ({ id: row.id, text: customerTurns(row.turns) })));
  if (existsSync(path('bq_corpus/retrieval_queries.jsonl')))
    add('bq_corpus', 'zh', readJsonl<{ qid: string; query: string }>(path('bq_corpus/retrieval_queries.jsonl')).map((row) => ({ id: row.qid, text: row.query })));
  if (existsSync(path('jining_bank_faq_dev/queries_dev_1000.jsonl')))
    add('jining_bank_faq', 'zh', readJsonl<{ qid: string; query: string }>(path('jining_bank_faq_dev/queries_dev_1000.jsonl')).map((row) => ({ id: row.qid, text: row.query })));
  return found;
}
const negatives = corpus();
const all = [...items, ...negatives];

const definition = understandingData().situations.find((situation) => situation.id === situationId);
const story = definition?.story;
if (!story) throw new Error(`${situationId} has no story`);
const current = { minimumParts: story.minimumParts, minimumCore: story.minimumCore, nearSentences: story.nearSentences, percentAtLeast: story.parts.find((part) => part.rate)?.rate?.percentAtLeast ?? Number.NaN };
const role = new Map(story.parts.map((part) => [part.id, part.role]));

// Found by a cue whatever the cut-offs; the story's parts depend only on the rate and the distance.
const byCue = all.map((item) => detectSituations(item.recent, item.language, { minimumParts: Number.MAX_SAFE_INTEGER }).some((situation) => situation.id === situationId));
// The request is told or not whatever the cut-offs: without it no story holds, and most corpus items need no more reading.
const requested = all.map((item, index) => !byCue[index] && story.required.every((id) => storyParts(item.recent, item.language).get(situationId)?.has(id)));
const minimumPartsCandidates = [1, 2, 3, 4];
const minimumCoreCandidates = [0, 1, 2];
const nearCandidates = [0, 1, 2, 1000];
const percentCandidates = [5, 8, 10, 12, 15, 20];

interface Row extends Required<StoryCutOffTrial> {
  caught: Item[];
  falseAlarms: Item[];
}
const rows: Row[] = [];
for (const percentAtLeast of percentCandidates) {
  for (const nearSentences of nearCandidates) {
    const told = all.map((item, index) => (byCue[index] || !requested[index] ? undefined : storyParts(item.recent, item.language, { percentAtLeast, nearSentences }).get(situationId)));
    for (const minimumParts of minimumPartsCandidates) {
      for (const minimumCore of minimumCoreCandidates) {
        const holds = (index: number): boolean => {
          if (byCue[index]) return true;
          const parts = told[index];
          if (!parts || !story.required.every((id) => parts.has(id))) return false;
          const others = [...parts.keys()].filter((id) => !story.required.includes(id));
          return others.length >= minimumParts && others.filter((id) => role.get(id) === 'core').length >= minimumCore;
        };
        const fired = all.filter((_item, index) => holds(index));
        rows.push({ minimumParts, minimumCore, nearSentences, percentAtLeast, caught: fired.filter((item) => item.label === 'scam'), falseAlarms: fired.filter((item) => item.label === 'ordinary') });
      }
    }
  }
}

const distance = (row: Row): number =>
  Math.abs(row.minimumParts - current.minimumParts) + Math.abs(row.minimumCore - current.minimumCore) + Math.abs(Math.min(row.nearSentences, 3) - Math.min(current.nearSentences, 3)) + Math.abs(row.percentAtLeast - current.percentAtLeast) / 100;
const now = rows.find((row) => distance(row) === 0);
// Recall on real scams must not drop below the current values': among the candidates that keep it, the fewest false alarms.
const floor = now?.caught.length ?? 0;
const best = [...rows]
  .filter((row) => row.caught.length >= floor)
  .sort((left, right) => left.falseAlarms.length - right.falseAlarms.length || right.caught.length - left.caught.length || distance(left) - distance(right))[0];
if (!best) throw new Error('no candidates');

const scams = all.filter((item) => item.label === 'scam');
console.log(`${items.length} labelled calls from ${files.length} files (${scams.length} need a scam warning, ${items.length - scams.length} ordinary; ${unlabelled} not counted) + ${negatives.length} ordinary corpus items`);
const report = (name: string, row: Row | undefined): void => {
  if (!row) {
    console.log(`${name}: not among the candidates`);
    return;
  }
  console.log(`${name}: minimumParts ${row.minimumParts}, minimumCore ${row.minimumCore}, nearSentences ${row.nearSentences}, percentAtLeast ${row.percentAtLeast}`);
  for (const language of ['zh', 'en'] as const) {
    const positives = scams.filter((item) => item.language === language);
    const caught = row.caught.filter((item) => item.language === language);
    const labelled = items.filter((item) => item.language === language && item.label === 'ordinary');
    const labelledAlarms = row.falseAlarms.filter((item) => item.language === language && labelled.includes(item));
    const corpusItems = negatives.filter((item) => item.language === language);
    const corpusAlarms = row.falseAlarms.filter((item) => item.language === language && corpusItems.includes(item));
    console.log(
      `  ${language}: recall ${caught.length}/${positives.length} | false alarms on ordinary calls ${labelledAlarms.length}/${labelled.length}${labelledAlarms.length ? ` (${labelledAlarms.map((item) => item.id).join(', ')})` : ''} | on the corpus ${corpusAlarms.length}/${corpusItems.length}${corpusAlarms.length ? ` (${[...new Set(corpusAlarms.map((item) => item.source))].map((source) => `${source} ${corpusAlarms.filter((item) => item.source === source).length}`).join(', ')})` : ''}`,
    );
  }
  const missed = scams.filter((item) => !row.caught.includes(item));
  if (missed.length > 0) console.log(`  missed: ${missed.map((item) => item.id).join(', ')}`);
};
report('current', now);
report('chosen', best);
if (process.argv.includes('--verbose')) for (const row of rows) console.log(`${row.minimumParts} ${row.minimumCore} ${row.nearSentences} ${row.percentAtLeast} caught ${row.caught.length} falseAlarms ${row.falseAlarms.length}`);

if (process.argv.includes('--write')) {
  const file = join(repositoryRoot, 'src/understanding/situations.yaml');
  const text = readFileSync(file, 'utf8');
  // Only fraud_scam has a story: its cut-off lines are the file's only ones.
  const written = text
    .replace(/(\n\s+minimumParts: )\d+/u, `$1${best.minimumParts}`)
    .replace(/(\n\s+minimumCore: )\d+/u, `$1${best.minimumCore}`)
    .replace(/(\n\s+nearSentences: )\d+/u, `$1${best.nearSentences}`)
    .replace(/(\n\s+percentAtLeast: )[\d.]+/u, `$1${best.percentAtLeast}`);
  writeFileSync(file, written);
  console.log(`written to ${file}`);
}
