/**
 * Fits when a customer's word counts as said in other words although the knowledge base uses it
 * (src/suggestions/base-wording.json, `rareShare`): the base's own word for the thing is added to the search when the
 * customer's word is used in fewer passages than this share of it ("send" in 5 passages against "transfer" in 28).
 * 0 adds it only for words the base never uses. Each candidate is measured end to end: the built service (dist/, run
 * `npm run build` first) is started with the candidate on a scratch database, and every call of the scenario sets,
 * in both languages (the word families are Chinese and English), is scored by the team's scorer (score-scenarios.mjs,
 * JSON suggestions). The most calls passed wins; a tie keeps the smaller share, which adds fewer words to searches.
 *
 *   npx tsx bench/fit-base-wording.ts [--write] [--files a.jsonl,b.jsonl] [--port 3333]   (default: the dev set)
 *
 * --write stores the chosen share in src/suggestions/base-wording.json.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fitArguments, scoreBuiltService } from './score-built-service.js';
import { repositoryRoot } from './support.js';

const { files, port, write } = fitArguments();
const dataFile = join(repositoryRoot, 'src/suggestions/base-wording.json');
const candidates = [0, 0.15, 0.3, 0.5];

const current = JSON.parse(readFileSync(dataFile, 'utf8')) as { rareShare: number; fittedOn: string; measure: string };
// The scratch copy of dist/ lives inside the repository so that its imports resolve the repository's node_modules.
const scratch = mkdtempSync(join(repositoryRoot, '.fit-base-wording-'));

interface Tally {
  passed: number;
  byLanguage: Record<string, number>;
  failed: string[];
}

async function passes(rareShare: number): Promise<Tally> {
  const scored = await scoreBuiltService({ scratch, dataFile: 'suggestions/base-wording.json', data: { ...current, rareShare }, files, port });
  const tally: Tally = { passed: 0, byLanguage: {}, failed: [] };
  for (const result of scored) {
    const language = result.lang ?? (result.id.includes('-EN-') ? 'en' : 'zh');
    if (result.pass) {
      tally.passed += 1;
      tally.byLanguage[language] = (tally.byLanguage[language] ?? 0) + 1;
    } else tally.failed.push(result.id);
  }
  return tally;
}

try {
  console.log(`files: ${files.join(', ')}`);
  let best: { rareShare: number; tally: Tally } | undefined;
  const rows: string[] = [];
  for (const rareShare of candidates) {
    const tally = await passes(rareShare);
    rows.push(`${rareShare}:${tally.passed}`);
    console.log(`rareShare ${rareShare}: ${tally.passed} passed ${JSON.stringify(tally.byLanguage)}; failed ${tally.failed.join(' ')}`);
    if (!best || tally.passed > best.tally.passed) best = { rareShare, tally };
  }
  console.log(`chosen rareShare ${best!.rareShare}: ${best!.tally.passed} passed (${rows.join('  ')})`);
  if (write) {
    const fittedOn = `${files.map((file) => file.split('/').at(-1)).join(' + ')} (${new Date().toISOString().slice(0, 10)}): ${rows.join('  ')}`;
    writeFileSync(dataFile, `${JSON.stringify({ rareShare: best!.rareShare, fittedOn, measure: 'calls passed in both languages, end to end through the built service (score-scenarios.mjs, JSON suggestions); a tie keeps the smaller share' }, null, 2)}\n`);
    console.log(`written to ${dataFile}`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
