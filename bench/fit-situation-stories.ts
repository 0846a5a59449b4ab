/**
 * Fits the cut-offs of the scam story (the `story` of fraud_scam in src/understanding/situations.yaml): how many of
 * its parts besides the request to move money make the story (minimumParts), and how high a rate said as a return
 * counts as a lure (percentAtLeast). Each candidate pair is measured on labelled calls: a call whose expectation
 * demands a scam warning (a `mustIncludeAnyOf` list holding 诈骗 or scam) should be caught, a call that needs no
 * declining (`shouldRefuseOrEscalate: false`) should not. Detection only, no server: the customer's recent turns go
 * through the same reading as a live call (recentCustomerWords, normalizeSpokenNumbers, detectSituations).
 *
 *   npx tsx bench/fit-situation-stories.ts [--files a.jsonl,b.jsonl] [--write]   (default: the dev set; add the team's own sets by --files)
 *
 * Chosen: the most calls caught with no false alarm; among ties the larger minimumParts (fewer alarms on calls not
 * seen), then the percentAtLeast nearest the current one (nothing moves without evidence).
 * --write stores the chosen values in situations.yaml.
 *
 * Then, as a check on words nobody on the team wrote, the chosen values are run over two public sets of ordinary
 * customer messages (../shared/benchmarks, read by path, to measure only): banking77's English banking queries and
 * the customer turns of CSDS's Chinese e-commerce service dialogues (parcels, refunds, deliveries: a scam's words
 * without a scam). Any scam found there is a false alarm; banking77's lost_or_stolen_card intent also measures the
 * lost-card situation (found / flagged elsewhere).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectSituations, type Language } from '../src/understanding/detect-situations.js';
import { normalizeSpokenNumbers } from '../src/understanding/normalize-spoken-numbers.js';
import { recentCustomerWords, type UnderstandingTurn } from '../src/understanding/understand-turn.js';
import { benchmarksDirectory, repositoryRoot } from './support.js';

const argument = (name: string): string | undefined => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
};
const files = (argument('--files') ?? join(repositoryRoot, '../shared/devsets/scenarios-dev.jsonl')).split(',').filter((file) => existsSync(file));
const situationId = 'fraud_scam';
const warning = /诈骗|scam/iu;

interface Call {
  id: string;
  language: Language;
  recent: string;
  scam: boolean;
  answerable: boolean;
}

const calls: Call[] = files.flatMap((file) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      const call = JSON.parse(line) as { id: string; lang: Language; turns: UnderstandingTurn[]; expect: { mustIncludeAnyOf?: string[][]; shouldRefuseOrEscalate?: boolean } };
      return {
        id: call.id,
        language: call.lang,
        recent: normalizeSpokenNumbers(recentCustomerWords(call.turns)),
        scam: (call.expect.mustIncludeAnyOf ?? []).some((list) => list.some((word) => warning.test(word))),
        answerable: call.expect.shouldRefuseOrEscalate === false,
      };
    }),
);

const situationsFile = join(repositoryRoot, 'src/understanding/situations.yaml');
const currentPercent = Number(/\n\s+percentAtLeast: ([\d.]+)/u.exec(readFileSync(situationsFile, 'utf8'))?.[1] ?? Number.NaN);
const minimumPartsCandidates = [1, 2, 3, 4, 5];
const percentCandidates = [5, 6, 8, 10, 12, 15, 20];
const rows: { minimumParts: number; percentAtLeast: number; caught: number; falseAlarms: string[] }[] = [];
for (const minimumParts of minimumPartsCandidates) {
  for (const percentAtLeast of percentCandidates) {
    const found = (call: Call): boolean => detectSituations(call.recent, call.language, { minimumParts, percentAtLeast }).some((situation) => situation.id === situationId);
    rows.push({
      minimumParts,
      percentAtLeast,
      caught: calls.filter((call) => call.scam && found(call)).length,
      falseAlarms: calls.filter((call) => call.answerable && found(call)).map((call) => call.id),
    });
  }
}

const scams = calls.filter((call) => call.scam).length;
const answerable = calls.filter((call) => call.answerable).length;
console.log(`${calls.length} calls from ${files.length} files: ${scams} need a scam warning, ${answerable} need no declining`);
console.log('minimumParts percentAtLeast caught falseAlarms');
for (const row of rows) console.log(`${row.minimumParts} ${row.percentAtLeast} ${row.caught}/${scams} ${row.falseAlarms.length}/${answerable} ${row.falseAlarms.join(',')}`);
const best = [...rows].sort(
  (left, right) =>
    Number(left.falseAlarms.length > 0) - Number(right.falseAlarms.length > 0) || right.caught - left.caught || right.minimumParts - left.minimumParts ||
    Math.abs(left.percentAtLeast - currentPercent) - Math.abs(right.percentAtLeast - currentPercent),
)[0];
if (!best) throw new Error('no candidates');
console.log(`chosen: minimumParts ${best.minimumParts}, percentAtLeast ${best.percentAtLeast} (caught ${best.caught}/${scams}, false alarms ${best.falseAlarms.length}/${answerable})`);
const missed = calls.filter((call) => call.scam && !detectSituations(call.recent, call.language, best).some((situation) => situation.id === situationId)).map((call) => call.id);
if (missed.length > 0) console.log(`missed: ${missed.join(', ')}`);

if (process.argv.includes('--write')) {
  const file = situationsFile;
  const text = readFileSync(file, 'utf8');
  // Only fraud_scam has a story: its two cut-off lines are the file's only ones.
  const written = text.replace(/(\n\s+minimumParts: )\d+/u, `$1${best.minimumParts}`).replace(/(\n\s+percentAtLeast: )[\d.]+/u, `$1${best.percentAtLeast}`);
  writeFileSync(file, written);
  console.log(`written to ${file}`);
}

const banking77 = join(benchmarksDirectory, 'banking77/test_full.jsonl');
const csds = join(benchmarksDirectory, 'csds/sample_200.jsonl');
if (existsSync(banking77)) {
  const queries = readFileSync(banking77, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as { id: string; text: string; intent: string });
  const found = queries.map((query) => ({ query, ids: detectSituations(normalizeSpokenNumbers(query.text), 'en', best).map((situation) => situation.id) }));
  const scams = found.filter((item) => item.ids.includes(situationId));
  console.log(`banking77 (${queries.length} English queries): ${situationId} on ${scams.length}${scams.length > 0 ? `: ${scams.slice(0, 10).map((item) => `${item.query.intent} "${item.query.text}"`).join('; ')}` : ''}`);
  const lost = found.filter((item) => item.query.intent === 'lost_or_stolen_card');
  const lostFound = lost.filter((item) => item.ids.includes('lost_stolen_card')).length;
  const lostElsewhere = found.filter((item) => item.query.intent !== 'lost_or_stolen_card' && item.ids.includes('lost_stolen_card'));
  console.log(`banking77 lost_or_stolen_card: found ${lostFound}/${lost.length}; flagged on other intents ${lostElsewhere.length} (${[...new Set(lostElsewhere.map((item) => item.query.intent))].join(', ')})`);
}
if (existsSync(csds)) {
  const dialogues = readFileSync(csds, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as { id: string; turns: { speaker: string; text: string }[] });
  const flagged = dialogues.filter((dialogue) => {
    const recent = recentCustomerWords(dialogue.turns.map((turn) => ({ speaker: turn.speaker === 'user' ? 'customer' : 'agent', text: turn.text })));
    return detectSituations(normalizeSpokenNumbers(recent), 'zh', best).some((situation) => situation.id === situationId);
  });
  console.log(`csds (${dialogues.length} Chinese e-commerce dialogues, last customer turns): ${situationId} on ${flagged.length}${flagged.length > 0 ? `: ${flagged.map((dialogue) => dialogue.id).join(', ')}` : ''}`);
}
