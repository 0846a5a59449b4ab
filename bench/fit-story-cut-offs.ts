/**
 * Fits the cut-offs of the English story path (src/understanding/story-cut-offs.json): how many content words make a
 * turn a story, how many words a bare question borrows from the sentence that explains it, how many story sentences
 * are searched for its topic, how long a two-word short product name must be, and how much of an earlier English
 * story is read. Each candidate is measured end to end: the built service (dist/, run `npm run build` first) is
 * started with the candidate values on a scratch database, and the English calls of the scenario sets are scored by
 * the team's scorer (score-scenarios.mjs, JSON suggestions). One cut-off is moved at a time from the current values
 * (coordinate descent, two rounds); a tie keeps the value nearest the current one, so nothing moves without evidence.
 *
 *   npx tsx bench/fit-story-cut-offs.ts [--write] [--files a.jsonl,b.jsonl] [--port 3333]   (default: the dev set; add the team's own sets by --files)
 *
 * --write stores the chosen values in src/understanding/story-cut-offs.json.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fitArguments, scoreBuiltService } from './score-built-service.js';
import { repositoryRoot } from './support.js';

const { files, port, write } = fitArguments();
const dataFile = join(repositoryRoot, 'src/understanding/story-cut-offs.json');

type Values = Record<'storyTerms' | 'explanationTerms' | 'storySentencesWithVocabulary' | 'spokenCoreCharacters' | 'englishStoryCharacters', number>;
const candidates: Record<keyof Values, number[]> = {
  storyTerms: [1, 2, 3, 4, 5, 6],
  explanationTerms: [1, 2, 3, 4, 5, 6],
  storySentencesWithVocabulary: [1, 2, 3, 4, 5, 8],
  spokenCoreCharacters: [6, 8, 10, 11, 12, 14, 16, 20],
  englishStoryCharacters: [120, 160, 240, 320, 480, 640, 1000],
};

const current = JSON.parse(readFileSync(dataFile, 'utf8')) as Values & { fittedOn: string; measure: string };
// The scratch copy of dist/ lives inside the repository so that its imports resolve the repository's node_modules.
const scratch = mkdtempSync(join(repositoryRoot, '.fit-story-'));
const measured = new Map<string, number>();

async function passes(values: Values): Promise<number> {
  const key = JSON.stringify(values);
  const known = measured.get(key);
  if (known !== undefined) return known;
  const scored = await scoreBuiltService({ scratch, dataFile: 'understanding/story-cut-offs.json', data: { ...current, ...values }, files, port, only: '-EN-' });
  const passed = scored.filter((result) => result.pass).length;
  measured.set(key, passed);
  return passed;
}

const chosen: Values = {
  storyTerms: current.storyTerms,
  explanationTerms: current.explanationTerms,
  storySentencesWithVocabulary: current.storySentencesWithVocabulary,
  spokenCoreCharacters: current.spokenCoreCharacters,
  englishStoryCharacters: current.englishStoryCharacters,
};
try {
  const baseline = await passes(chosen);
  console.log(`files: ${files.join(', ')} (English calls)`);
  console.log(`hand-set values ${JSON.stringify(chosen)}: ${baseline} passed`);
  for (let round = 1; round <= 2; round += 1) {
    let moved = false;
    for (const name of Object.keys(candidates) as (keyof Values)[]) {
      const row: string[] = [];
      let best = { value: chosen[name], passed: -1 };
      for (const value of candidates[name]) {
        const passed = await passes({ ...chosen, [name]: value });
        row.push(`${value}:${passed}`);
        const nearer = Math.abs(value - chosen[name]) < Math.abs(best.value - chosen[name]);
        if (passed > best.passed || (passed === best.passed && nearer)) best = { value, passed };
      }
      console.log(`round ${round} ${name}: ${row.join('  ')} -> ${best.value} (${best.passed} passed)`);
      if (best.value !== chosen[name]) moved = true;
      chosen[name] = best.value;
    }
    if (!moved) break;
  }
  const final = await passes(chosen);
  console.log(`chosen ${JSON.stringify(chosen)}: ${final} passed (hand-set ${baseline})`);
  if (write) {
    const fittedOn = `English calls of ${files.map((file) => file.split('/').at(-1)).join(' + ')} (${new Date().toISOString().slice(0, 10)}): ${final} passed, hand-set values ${baseline}`;
    writeFileSync(dataFile, `${JSON.stringify({ ...chosen, fittedOn, measure: 'English calls passed, end to end through the built service (score-scenarios.mjs, JSON suggestions); coordinate descent, ties keep the value nearest the hand-set one' }, null, 2)}\n`);
    console.log(`written to ${dataFile}`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
