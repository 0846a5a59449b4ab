/**
 * Fits the similarity cut-off from which an unanswered customer question joins an existing gap
 * (src/knowledge/gap-clustering.json), per language, by running the service's own online grouping
 * (src/knowledge/gap-clustering.ts) over real questions labelled with what they ask:
 * - zh: jining_bank_faq_dev: customers' paraphrased queries and the FAQ's standard questions, grouped by FAQ;
 * - en: banking77 test sample: customers' messages grouped by intent.
 * Items are split in halves by FNV-1a of their id; the cut-off with the best B-cubed F1 on the fit half is kept and
 * the held-out half's figures are printed. `npx tsx bench/fit-gap-clustering.ts --write` stores the fit.
 */
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { closestGap, gapTerms } from '../src/knowledge/gap-clustering.js';
import { loadJiningFaq } from './jining-faq.js';
import { benchmarkFile, readJsonl } from './support.js';

interface Item {
  id: string;
  text: string;
  label: string;
}

function hash(text: string): number {
  let value = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    value ^= text.charCodeAt(index);
    value = Math.imul(value, 0x01000193) >>> 0;
  }
  return value;
}

/** The grouping the service does, in arrival order; returns each item's cluster number. */
export function clusterOnline(items: readonly Item[], threshold: number): number[] {
  const clusters: { id: number; terms: string[] }[] = [];
  return items.map((item) => {
    const terms = gapTerms(item.text);
    const found = closestGap(terms, clusters, threshold);
    if (found) return found.id;
    clusters.push({ id: clusters.length, terms });
    return clusters.length - 1;
  });
}

/** B-cubed precision and recall: per item, the share of its cluster with its label, and of its label in its cluster. */
export function bCubed(items: readonly Item[], assigned: readonly number[]): { precision: number; recall: number; f1: number; clusters: number } {
  const byCluster = new Map<number, number[]>();
  const byLabel = new Map<string, number[]>();
  assigned.forEach((cluster, index) => {
    byCluster.set(cluster, [...(byCluster.get(cluster) ?? []), index]);
    const label = items[index]!.label;
    byLabel.set(label, [...(byLabel.get(label) ?? []), index]);
  });
  let precision = 0;
  let recall = 0;
  items.forEach((item, index) => {
    const cluster = byCluster.get(assigned[index]!)!;
    const same = cluster.filter((other) => items[other]!.label === item.label).length;
    precision += same / cluster.length;
    recall += same / byLabel.get(item.label)!.length;
  });
  precision /= items.length;
  recall /= items.length;
  return { precision, recall, f1: (2 * precision * recall) / (precision + recall), clusters: byCluster.size };
}

function chineseItems(): Item[] | undefined {
  const data = loadJiningFaq();
  if (!data) return undefined;
  const asked = new Set(data.queries.map((query) => query.gold_faq_id));
  const items: Item[] = data.queries.map((query) => ({ id: query.qid, text: query.query, label: query.gold_faq_id }));
  // The standard questions of the FAQs customers asked about are more phrasings of the same questions.
  for (const faq of data.kb) {
    if (!asked.has(faq.faq_id)) continue;
    faq.standard_questions.forEach((question, index) => items.push({ id: `${faq.faq_id}#${index}`, text: question, label: faq.faq_id }));
  }
  return items;
}

function englishItems(): Item[] | undefined {
  const path = benchmarkFile('banking77', 'test_sample_500.jsonl');
  if (!path) return undefined;
  return readJsonl<{ id: string; text: string; intent: string }>(path).map((row) => ({ id: row.id, text: row.text, label: row.intent }));
}

const round = (value: number) => Math.round(value * 1000) / 1000;

function fit(name: string, items: Item[]): { threshold: number; fit: ReturnType<typeof bCubed>; heldOut: ReturnType<typeof bCubed>; items: number } {
  // Arrival order: fixed by hash, so neither half is grouped in the file's (label-sorted) order.
  const ordered = [...items].sort((left, right) => hash(`order:${left.id}`) - hash(`order:${right.id}`));
  const fitHalf = ordered.filter((item) => hash(item.label) % 2 === 0);
  const heldOut = ordered.filter((item) => hash(item.label) % 2 === 1);
  let best = { threshold: 0.5, figures: bCubed(fitHalf, clusterOnline(fitHalf, 0.5)) };
  for (let threshold = 0.1; threshold <= 0.9001; threshold += 0.025) {
    const figures = bCubed(fitHalf, clusterOnline(fitHalf, threshold));
    if (figures.f1 > best.figures.f1) best = { threshold: round(threshold), figures };
  }
  const held = bCubed(heldOut, clusterOnline(heldOut, best.threshold));
  console.log(
    `${name}: cut-off ${best.threshold}; fit half (${fitHalf.length} questions) B-cubed P ${round(best.figures.precision)} R ${round(best.figures.recall)} F1 ${round(best.figures.f1)}; ` +
      `held-out half (${heldOut.length} questions, ${new Set(heldOut.map((item) => item.label)).size} labels -> ${held.clusters} gaps) P ${round(held.precision)} R ${round(held.recall)} F1 ${round(held.f1)}`,
  );
  return { threshold: best.threshold, fit: best.figures, heldOut: held, items: items.length };
}

export async function main(): Promise<void> {
  console.log('== fit gap clustering cut-off (online grouping by term overlap)');
  const zh = chineseItems();
  const en = englishItems();
  if (!zh || !en) {
    console.log('jining_bank_faq_dev or banking77 not found beside the repository: nothing fitted');
    return;
  }
  const zhFit = fit('zh (jining_bank_faq_dev, labels = FAQ, halves split by label)', zh);
  const enFit = fit('en (banking77 test sample, labels = intent, halves split by label)', en);
  if (process.argv.includes('--write')) {
    const file = {
      zh: { threshold: zhFit.threshold, heldOutF1: round(zhFit.heldOut.f1), heldOutPrecision: round(zhFit.heldOut.precision), heldOutRecall: round(zhFit.heldOut.recall) },
      en: { threshold: enFit.threshold, heldOutF1: round(enFit.heldOut.f1), heldOutPrecision: round(enFit.heldOut.precision), heldOutRecall: round(enFit.heldOut.recall) },
      fittedOn: 'zh: jining_bank_faq_dev queries and standard questions grouped by FAQ; en: banking77 test sample grouped by intent; fit on the half of labels with even FNV-1a hash',
      measure: 'B-cubed F1 of the online grouping (src/knowledge/gap-clustering.ts), written by bench/fit-gap-clustering.ts',
    };
    writeFileSync(new URL('../src/knowledge/gap-clustering.json', import.meta.url), `${JSON.stringify(file, null, 2)}\n`);
    console.log('wrote src/knowledge/gap-clustering.json');
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
