/**
 * Fits where a call is taken to be governed from when its own words do not tell (no cue said, or two jurisdictions
 * tie): src/understanding/call-jurisdiction-fit.json, `fallback`. The disclosures an English call is owed depend on
 * it: FDIC wording is US law, debt-advice signposting UK law, and a customer of a mainland branch speaking English is
 * owed the mainland's disclosures (not a deposit, not principal-protected, the benchmark is no promise).
 *
 * Labelled data: every call of the scenario files, labelled by what its good reply must cite (the scenario's note
 * and expectations): a UK regulator or debt charity makes it UK, a US statute or agency US, yuan or a mainland
 * hotline CN. Calls whose good reply cites nothing of the kind are not labelled and not counted. The labels are read
 * from the notes only; the decision reads the customer's and agent's turns only, so the two do not share words.
 *
 *   npx tsx bench/fit-call-jurisdiction.ts [--files a.jsonl,b.jsonl] [--write]   (default: the dev set)
 *
 * Each candidate fallback (none, CN, US, UK) is scored by the share of labelled calls whose decided jurisdiction is
 * their label; the best wins, a tie keeps "none" (the rules of the call's language pack, as before).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { callJurisdiction } from '../src/understanding/call-jurisdiction.js';
import { repositoryRoot } from './support.js';

interface Scenario {
  id: string;
  lang: 'zh' | 'en';
  turns: { speaker: string; text: string }[];
  expect?: unknown;
  note?: string;
}

const argument = (name: string): string | undefined => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
};
const files = (argument('--files') ?? join(repositoryRoot, '../shared/devsets/scenarios-dev.jsonl')).split(',').filter((file) => existsSync(file));
const write = process.argv.includes('--write');

// What a good reply cites tells the law it is answered under; checked in this order (a UK call may also quote yuan).
// Dollars are no label: a mainland customer's remittance is quoted in USD.
const labelCues: [string, RegExp][] = [
  ['UK', /moneyhelper|stepchange|national debtline|\bfca\b|financial ombudsman|\bfos\b|consumer duty|eight weeks|\bgbp\b|£/iu],
  ['US', /\bscra\b|\bfdic\b|reg(?:ulation)? [efz]\b|\bfdcpa\b|\bcfpb\b|\btila\b|\bfcba\b|\bglba\b/iu],
  ['CN', /\bcny\b|\brmb\b|yuan|\b96110\b|\b110\b|mainland|人民币|元/iu],
];

function labelOf(scenario: Scenario): string | undefined {
  const cited = `${scenario.note ?? ''}\n${JSON.stringify(scenario.expect ?? {})}`;
  return labelCues.find(([, cue]) => cue.test(cited))?.[0];
}

const calls = files.flatMap((file) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() && !line.trim().startsWith('//'))
    .map((line) => JSON.parse(line) as Scenario),
);

interface Labelled {
  id: string;
  language: string;
  label: string;
  told: string | undefined;
}
const labelled: Labelled[] = [];
for (const call of calls) {
  const label = labelOf(call);
  if (!label) continue;
  labelled.push({ id: call.id, language: call.lang, label, told: callJurisdiction(call.turns.map((turn) => turn.text)) });
}

const candidates = [undefined, 'CN', 'US', 'UK'] as const;
// Per language: does the call's language alone decide (a Chinese call is the mainland's, whatever places it names)?
// It does when its most frequent label is right more often than the words are (ties keep the words).
const byLanguage: Record<string, string> = {};
const languageMeasures: string[] = [];
for (const language of ['zh', 'en']) {
  const calls = labelled.filter((call) => call.language === language);
  const byWords = Math.max(...candidates.map((fallback) => calls.filter((call) => (call.told ?? fallback) === call.label).length));
  const [code, alone] = ['CN', 'US', 'UK'].map((candidate) => [candidate, calls.filter((call) => call.label === candidate).length] as const).reduce((best, next) => (next[1] > best[1] ? next : best));
  if (alone > byWords) byLanguage[language] = code;
  const measure = `${language}: by the words (best fallback) ${byWords}/${calls.length}, by the language alone (${code}) ${alone}/${calls.length}`;
  languageMeasures.push(measure);
  console.log(measure);
}
const results = candidates.map((fallback) => {
  const byLanguage: Record<string, { right: number; of: number }> = {};
  let right = 0;
  for (const call of labelled) {
    const decided = call.told ?? fallback;
    const tally = (byLanguage[call.language] ??= { right: 0, of: 0 });
    tally.of += 1;
    if (decided === call.label) {
      right += 1;
      tally.right += 1;
    }
  }
  return { fallback: fallback ?? 'none', right, byLanguage };
});

const labels = labelled.reduce<Record<string, number>>((counts, call) => ({ ...counts, [call.label]: (counts[call.label] ?? 0) + 1 }), {});
const toldRight = labelled.filter((call) => call.told === call.label).length;
const toldWrong = labelled.filter((call) => call.told && call.told !== call.label);
const untold = labelled.filter((call) => !call.told);
console.log(`calls ${calls.length}, labelled ${labelled.length} (${Object.entries(labels).map(([code, count]) => `${code} ${count}`).join(', ')}) from ${files.length} file(s)`);
console.log(`told by the call's words: right ${toldRight}, wrong ${toldWrong.length}, untold ${untold.length} (labels of the untold: ${JSON.stringify(untold.reduce<Record<string, number>>((counts, call) => ({ ...counts, [call.label]: (counts[call.label] ?? 0) + 1 }), {}))})`);
for (const call of toldWrong) console.log(`  told ${call.told}, labelled ${call.label}: ${call.id}`);
for (const result of results) {
  const languages = Object.entries(result.byLanguage)
    .map(([language, tally]) => `${language} ${tally.right}/${tally.of}`)
    .join(' | ');
  console.log(`fallback ${result.fallback.padEnd(4)} right ${result.right}/${labelled.length} (${((100 * result.right) / Math.max(1, labelled.length)).toFixed(1)}%) | ${languages}`);
}
const best = results.reduce((chosen, result) => (result.right > chosen.right ? result : chosen), results[0]!);
console.log(`fit: fallback ${best.fallback}`);

if (write) {
  const target = join(repositoryRoot, 'src/understanding/call-jurisdiction-fit.json');
  const fit = {
    byLanguage,
    fallback: best.fallback === 'none' ? null : best.fallback,
    fittedOn: `${labelled.length} labelled calls of ${files.map((file) => file.split('/').pop()).join(', ')}`,
    measure: `share of labelled calls decided right by the words with fallback ${best.fallback}: ${best.right}/${labelled.length}; ${languageMeasures.join('; ')}`,
  };
  writeFileSync(target, `${JSON.stringify(fit, null, 2)}\n`);
  console.log(`written ${target}`);
}
