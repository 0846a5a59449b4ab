import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCatalogueProducts } from '../src/knowledge/read-product-catalogue.js';
import { loadDispositionTaxonomy } from '../src/summaries/disposition-taxonomy.js';
import { matchProducts } from '../src/summaries/match-products.js';
import { summarizeOffline } from '../src/summaries/offline-summarizer.js';
import { loadProductAliases, withSpokenAliases } from '../src/summaries/product-aliases.js';
import type { SummaryProduct, SummaryTurn } from '../src/summaries/summary-context.js';
import type { Summary } from '../src/summaries/summary-schema.js';

/**
 * Facts of offline summaries against calls labelled by someone who did not write the summariser: the contact-reason
 * category, the outcome (resolved / unresolved / callback_promised / transferred), whether a complaint was raised,
 * and the products (labelled as free text, mapped to the catalogue with the same matcher, so a label the catalogue
 * cannot place is reported apart). Run: `npx tsx bench/summary-facts-bench.ts [--calls FILE.jsonl]`.
 * Default file: ../blind/calls/calls-labelled.jsonl beside the checkout (a team member's held-out set; skipped when
 * absent). Only aggregate figures are printed: the set is for measuring, not for reading.
 */

interface LabelledCall {
  externalId?: string;
  language?: string;
  turns: { speaker?: string; text?: string }[];
  labels: { intentCategory?: string; resolution?: string; complaint?: boolean; products?: string[] };
}

const root = fileURLToPath(new URL('..', import.meta.url));
const defaultCalls = fileURLToPath(new URL('../../blind/calls/calls-labelled.jsonl', import.meta.url));

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

function bigrams(text: string): Set<string> {
  const clean = text.toLowerCase().replace(/[\s\p{P}]+/gu, '');
  const grams = new Set<string>();
  for (let index = 0; index + 1 < clean.length; index += 1) grams.add(clean.slice(index, index + 2));
  return grams;
}

function dice(left: string, right: string): number {
  const a = bigrams(left);
  const b = bigrams(right);
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const gram of a) if (b.has(gram)) shared += 1;
  return (2 * shared) / (a.size + b.size);
}

/** A loose match between a free-text label and a reported product: one contains the other, or they share most bigrams. */
function looselySame(label: string, product: SummaryProduct | undefined, name: string): boolean {
  const names = [name, ...(product?.aliases ?? []), ...(product?.title ? [product.title] : [])].map((value) => value.toLowerCase());
  const folded = label.toLowerCase().trim();
  return names.some((value) => value.includes(folded) || folded.includes(value) || dice(value, folded) >= 0.5);
}

function ratio(part: number, whole: number): string {
  return whole === 0 ? '   n/a' : `${((100 * part) / whole).toFixed(1).padStart(5)}%`;
}

function confusion(pairs: readonly [string, string][], title: string): void {
  const labels = [...new Set(pairs.flatMap(([expected, got]) => [expected, got]))].sort();
  const width = Math.max(12, ...labels.map((label) => label.length)) + 1;
  console.log(`      ${title} (rows: label, columns: summary)`);
  console.log(`      ${''.padEnd(width)}${labels.map((label) => label.slice(0, 9).padStart(10)).join('')}`);
  for (const expected of labels) {
    const row = labels.map((got) => String(pairs.filter(([left, right]) => left === expected && right === got).length || '.').padStart(10));
    console.log(`      ${expected.padEnd(width)}${row.join('')}`);
  }
}

export async function main(): Promise<void> {
  console.log('summary facts bench (offline summaries vs labelled calls)');
  const file = resolve(argument('--calls') ?? defaultCalls);
  if (!existsSync(file)) {
    console.log(`    ${file} not found, skipped`);
    return;
  }
  const calls = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as LabelledCall);
  const taxonomy = loadDispositionTaxonomy(resolve(root, 'knowledge/dispositions.yaml'));
  const catalogue = withSpokenAliases(await readCatalogueProducts(resolve(root, 'knowledge')), loadProductAliases(resolve(root, 'knowledge/product-aliases.yaml')));
  const byId = new Map(catalogue.map((product) => [product.id, product]));

  const reasons: [string, string][] = [];
  const outcomes: [string, string][] = [];
  let complaintTruePositive = 0;
  let complaintFalsePositive = 0;
  let complaintFalseNegative = 0;
  let complaintCorrect = 0;
  let labelledProducts = 0;
  let mappedLabels = 0;
  let mappedFound = 0;
  let looseFound = 0;
  let reportedProducts = 0;
  let reportedMatchingLabel = 0;
  const perLanguage = new Map<string, { calls: number; reason: number; outcome: number }>();
  const started = performance.now();
  for (const call of calls) {
    const language = call.language === 'en' ? 'en' : 'zh';
    const turns: SummaryTurn[] = call.turns.map((turn, index) => ({ id: `t${index + 1}`, speaker: turn.speaker === 'agent' ? 'agent' : 'customer', text: String(turn.text ?? '') }));
    const summary: Summary = summarizeOffline(turns, { language, taxonomy, products: catalogue });
    const expectedReason = call.labels.intentCategory ?? 'other';
    const expectedOutcome = call.labels.resolution ?? 'unresolved';
    reasons.push([expectedReason, summary.reasonCategory ?? '(none)']);
    outcomes.push([expectedOutcome, summary.outcome ?? '(none)']);
    const tally = perLanguage.get(language) ?? { calls: 0, reason: 0, outcome: 0 };
    tally.calls += 1;
    if (expectedReason === summary.reasonCategory) tally.reason += 1;
    if (expectedOutcome === summary.outcome) tally.outcome += 1;
    perLanguage.set(language, tally);

    const complained = call.labels.complaint === true;
    if (complained && summary.complaint.raised) complaintTruePositive += 1;
    if (!complained && summary.complaint.raised) complaintFalsePositive += 1;
    if (complained && !summary.complaint.raised) complaintFalseNegative += 1;
    if (complained === summary.complaint.raised) complaintCorrect += 1;

    const reported = summary.productsDiscussed;
    const labels = call.labels.products ?? [];
    labelledProducts += labels.length;
    for (const label of labels) {
      // The label placed in the catalogue by the summariser's own matcher, read as something the customer said.
      const placed = matchProducts([{ id: 'label', speaker: 'customer', text: label }], catalogue, language).map((product) => product.productId);
      if (placed.length > 0) {
        mappedLabels += 1;
        if (reported.some((product) => product.productId !== undefined && placed.includes(product.productId))) mappedFound += 1;
      }
      if (reported.some((product) => looselySame(label, product.productId ? byId.get(product.productId) : undefined, product.name))) looseFound += 1;
    }
    reportedProducts += reported.length;
    reportedMatchingLabel += reported.filter((product) => labels.some((label) => looselySame(label, product.productId ? byId.get(product.productId) : undefined, product.name))).length;
  }
  const elapsed = performance.now() - started;
  const total = calls.length;
  console.log(`    ${file}: ${total} calls (${[...perLanguage.entries()].map(([language, tally]) => `${tally.calls} ${language}`).join(', ')}), ${elapsed.toFixed(0)} ms`);
  console.log(`    reason category accuracy  ${ratio(reasons.filter(([left, right]) => left === right).length, total)}   ${[...perLanguage.entries()].map(([language, tally]) => `${language} ${ratio(tally.reason, tally.calls).trim()}`).join('   ')}`);
  console.log(`    outcome accuracy          ${ratio(outcomes.filter(([left, right]) => left === right).length, total)}   ${[...perLanguage.entries()].map(([language, tally]) => `${language} ${ratio(tally.outcome, tally.calls).trim()}`).join('   ')}`);
  console.log(`    complaint                 accuracy ${ratio(complaintCorrect, total).trim()}   recall ${ratio(complaintTruePositive, complaintTruePositive + complaintFalseNegative).trim()}   precision ${ratio(complaintTruePositive, complaintTruePositive + complaintFalsePositive).trim()}   (${complaintTruePositive + complaintFalseNegative} labelled)`);
  console.log(`    products                  ${labelledProducts} labelled, ${mappedLabels} placed in the catalogue by the matcher`);
  console.log(`      recall of placed labels (same product id)   ${ratio(mappedFound, mappedLabels).trim()}`);
  console.log(`      loose recall of all labels (text overlap)   ${ratio(looseFound, labelledProducts).trim()}`);
  console.log(`      loose precision of reported products        ${ratio(reportedMatchingLabel, reportedProducts).trim()}   (${reportedProducts} reported)`);
  confusion(reasons, 'reason categories');
  confusion(outcomes, 'outcomes');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
}
