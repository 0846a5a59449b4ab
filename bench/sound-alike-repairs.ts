/**
 * How often the sound-alike repair (src/understanding/repair-sound-alikes.ts) rewrites real customers' Chinese that
 * holds no sound-alike of our products: the bank questions of jining_bank_faq_dev and bq_corpus and the customer
 * turns of csds never name a Lanhai product, so every product-name repair there is a false one, and a term repair
 * (年费, 挂失...) is one only when the text already meant something else. Prints the rate and each distinct repair.
 * Run: npx tsx bench/sound-alike-repairs.ts
 */
import { pathToFileURL } from 'node:url';
import { seedSampleKnowledge } from '../src/bootstrap.js';
import { composeRuntime } from '../src/compose.js';
import { loadConfig } from '../src/config.js';
import { spokenProductNames } from '../src/understanding/discussed-product.js';
import { repairSoundAlikes } from '../src/understanding/repair-sound-alikes.js';
import { benchmarkFile, createBenchDatabase, readJsonl, repositoryDirectories } from './support.js';

function realCustomerTexts(): string[] {
  const texts: string[] = [];
  const jining = benchmarkFile('jining_bank_faq_dev', 'queries_dev_1000.jsonl');
  if (jining) texts.push(...readJsonl<{ query: string }>(jining).map((row) => row.query));
  const bq = benchmarkFile('bq_corpus', 'retrieval_queries.jsonl');
  if (bq) texts.push(...readJsonl<{ query: string }>(bq).map((row) => row.query));
  const csds = benchmarkFile('csds', 'sample_200.jsonl');
  if (csds) for (const dialogue of readJsonl<{ turns: { speaker: string; text: string }[] }>(csds)) texts.push(...dialogue.turns.filter((turn) => turn.speaker === 'user').map((turn) => turn.text));
  return texts;
}

export async function main(): Promise<void> {
  const bench = await createBenchDatabase();
  const config = loadConfig({ ...repositoryDirectories, LOG_LEVEL: 'silent' });
  const database = Object.assign(Object.create(bench.embedded) as typeof bench.embedded, { close: async () => undefined });
  const runtime = await composeRuntime(config, { database });
  try {
    await seedSampleKnowledge(runtime, () => undefined);
    const names = spokenProductNames(await runtime.services.knowledge.products());
    const texts = realCustomerTexts();
    const repairs = new Map<string, number>();
    let changed = 0;
    const started = performance.now();
    for (const text of texts) {
      const repaired = repairSoundAlikes(text, names);
      if (repaired === text) continue;
      changed += 1;
      const key = `${text} -> ${repaired}`;
      repairs.set(key, (repairs.get(key) ?? 0) + 1);
    }
    const elapsed = performance.now() - started;
    console.log('== sound-alike repairs on real customers\' Chinese (none names a Lanhai product)');
    console.log(`${names.length} product names; ${texts.length} texts; ${changed} rewritten (${((1000 * changed) / Math.max(1, texts.length)).toFixed(1)} per 1,000); ${(elapsed / Math.max(1, texts.length)).toFixed(3)} ms per text`);
    for (const [repair, count] of repairs) console.log(`  ${count}x ${repair}`);
  } finally {
    await runtime.close();
    await bench.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
