import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { maskPersonalData, type PersonalDataKind } from '../src/privacy/mask-personal-data.js';
import { customerSentence, findLeaks, plantValues, plantedKinds, runPiiSinkScenario, searchable } from '../test/support/pii-sink.js';
import { benchmarkFile, readJsonl, repositoryRoot } from './support.js';

/**
 * Personal data stays in: (1) the sink run of test/privacy/personal-data-sinks.test.ts at a larger size, reporting
 * planted vs leaked per sink; (2) the masker's throughput (it runs on every log line, model and embedder request);
 * (3) how often it masks something in bank FAQ texts, which should hold no personal data (a proxy for over-masking).
 */

const perKind = Number(process.env.PII_BENCH_PER_KIND ?? 100);

function textsUnder(directory: string): string[] {
  const texts: string[] = [];
  for (const name of readdirSync(directory)) {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) texts.push(...textsUnder(path));
    else if (/\.(md|txt|csv|jsonl|html)$/.test(name)) texts.push(readFileSync(path, 'utf8'));
  }
  return texts;
}

function throughput(label: string, texts: readonly string[], minimumMs = 1_500): void {
  const characters = texts.reduce((sum, text) => sum + text.length, 0);
  let rounds = 0;
  const started = performance.now();
  while (performance.now() - started < minimumMs) {
    for (const text of texts) maskPersonalData(text);
    rounds += 1;
  }
  const seconds = (performance.now() - started) / 1000;
  const perText = (seconds * 1e6) / (rounds * texts.length);
  console.log(`  ${label.padEnd(44)} ${((characters * rounds) / seconds / 1e6).toFixed(1).padStart(6)} M chars/s   ${perText.toFixed(1).padStart(7)} µs per text (${Math.round(characters / texts.length)} chars)`);
}

function falsePositives(label: string, texts: readonly string[]): void {
  const byKind = new Map<PersonalDataKind, number>();
  let withAny = 0;
  for (const text of texts) {
    const spans = maskPersonalData(text).spans;
    if (spans.length > 0) withAny += 1;
    for (const span of spans) byKind.set(span.kind, (byKind.get(span.kind) ?? 0) + 1);
  }
  const kinds = [...byKind.entries()].map(([kind, count]) => `${kind} ${count}`).join(', ') || 'none';
  console.log(`  ${label.padEnd(44)} ${String(texts.length).padStart(5)} texts, ${withAny} with a masked span (${((withAny / Math.max(1, texts.length)) * 100).toFixed(2)}%): ${kinds}`);
}

export async function main(): Promise<void> {
  console.log(`\n== PII sinks (${perKind} planted values per kind; msw plays a chat model that echoes the customer and quotes raw values, and an embeddings endpoint)`);
  const planted = plantValues(perKind);
  const report = await runPiiSinkScenario(planted);
  const leaks = findLeaks(report.sinks, planted);
  const stored = searchable(report.storedTurns.join('\n'));
  const answered = searchable(report.modelAnswers.join('\n'));
  console.log(`  planted ${planted.length} values (${plantedKinds.join(', ')}; ASCII, spaced, dashed, full-width; zh and en); found in the stored transcript: ${planted.filter((value) => stored.includes(value.key)).length}; quoted raw by the model: ${planted.filter((value) => answered.includes(value.key)).length}`);
  console.log(`  ${'sink'.padEnd(18)} ${'texts'.padStart(6)} ${'planted'.padStart(8)} ${'leaked'.padStart(7)}  leaked by kind`);
  for (const [sink, texts] of Object.entries(report.sinks)) {
    const leaked = leaks[sink] ?? [];
    const byKind = plantedKinds.map((kind) => `${kind} ${leaked.filter((value) => value.kind === kind).length}`).join(', ');
    console.log(`  ${sink.padEnd(18)} ${String(texts.length).padStart(6)} ${String(planted.length).padStart(8)} ${String(leaked.length).padStart(7)}  ${byKind}`);
  }
  console.log(`  requests: ${Object.entries(report.counts).map(([name, count]) => `${name} ${count}`).join(', ')}; run ${(report.tookMs / 1000).toFixed(1)} s`);

  console.log('\n== masker throughput (one thread)');
  const sentences = plantValues(50, 7).map(customerSentence);
  const transcript = Array.from({ length: 40 }, (_, index) => sentences.slice(index * 7, index * 7 + 7).join(''));
  const knowledge = textsUnder(join(repositoryRoot, 'knowledge'));
  const prompts = knowledge.flatMap((text) => text.match(/[\s\S]{1,4000}/g) ?? []);
  throughput('customer turns full of PII', transcript);
  throughput('knowledge passages, ~4 KB (prompt-sized)', prompts);
  throughput('plain text without digits (fast path)', prompts.map((text) => text.replace(/[0-9０-９@＠]/g, '')));

  console.log('\n== masked spans in texts that should hold no personal data (over-masking proxy)');
  falsePositives('knowledge/ (sample knowledge base)', knowledge.flatMap((text) => text.split('\n').filter((line) => line.trim())));
  const jining = benchmarkFile('jining_bank_faq_dev', 'kb.jsonl');
  if (jining) falsePositives('jining_bank_faq_dev answers (zh)', readJsonl<{ answer: string }>(jining).map((row) => row.answer));
  const english = benchmarkFile('english_bank_faq', 'kb.jsonl');
  if (english) falsePositives('english_bank_faq answers (en)', readJsonl<{ answer: string }>(english).map((row) => row.answer));
  const regulations = benchmarkFile('regulations', 'articles.jsonl');
  if (regulations) falsePositives('regulations articles (zh)', readJsonl<{ text: string }>(regulations).map((row) => row.text));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
