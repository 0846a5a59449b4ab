/**
 * Fits the passage-coverage cut-off of the extractive replies (src/suggestions/passage-coverage.json: the share of a
 * question's content words a passage must hold before its sentences are offered) on labelled real data
 * nobody on the team wrote: a real Chinese bank's FAQ with customers' paraphrased questions
 * (../shared/benchmarks/jining_bank_faq_dev) and an English bank FAQ whose questions are asked against the answers
 * (../shared/benchmarks/english_bank_faq). For each question, the gold entry is a positive and the non-gold entry
 * with the highest relevance a (hard) negative; the cut-off maximising balanced accuracy is printed and, with
 * --write, stored. Words are weighted by their rarity in the base (IDF; a word the base never saw as its rarest), as the
 * suggestion path weighs them; the plain share's cut-off is fitted too (the fallback without word counts).
 * Run: npx tsx bench/fit-passage-coverage.ts [--write]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { weightedShare } from '../src/suggestions/answer-relevance.js';
import { queryTerms, TermIndex, termRarity, type TermRarity } from '../src/suggestions/query-terms.js';
import { searchTokens } from '../src/text/segment-text.js';

const benchmarks = new URL('../../shared/benchmarks/', import.meta.url);
const readJsonl = <T>(path: string): T[] => readFileSync(new URL(path, benchmarks), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as T);

interface Pair {
  relevant: number;
  label: boolean;
  language: 'zh' | 'en';
}

/**
 * The base's own document frequencies, counted on the tokens the search index stores: the suggestion path weighs a
 * question's words by them (a word the base never saw weighs like its rarest), so the cut-off is fitted on the same measure.
 */
function rarityIn(documents: Iterable<string>): TermRarity {
  const frequency = new Map<string, number>();
  let count = 0;
  for (const text of documents) {
    count += 1;
    for (const token of new Set(searchTokens(text))) frequency.set(token, (frequency.get(token) ?? 0) + 1);
  }
  return termRarity({ documents: count, documentFrequency: (token) => frequency.get(token) ?? 0 });
}

function pairs(language: 'zh' | 'en', questions: { query: string; gold: string }[], documents: Map<string, string>, limit: number, weighted: boolean): Pair[] {
  const indexes = [...documents].map(([id, text]) => ({ id, index: new TermIndex(text) }));
  const rarity = weighted ? rarityIn(documents.values()) : undefined;
  const relevance = (terms: readonly string[], index: TermIndex): number => weightedShare(terms, (term) => index.has(term), rarity);
  const out: Pair[] = [];
  for (const { query, gold } of questions.slice(0, limit)) {
    const terms = queryTerms(query).filter((term) => term.weight >= 1).map((term) => term.term);
    if (terms.length === 0) continue;
    let hardest = 0;
    let positive = 0;
    const values: number[] = [];
    for (const { id, index } of indexes) {
      const value = relevance(terms, index);
      if (id === gold) positive = value;
      else {
        hardest = Math.max(hardest, value);
        values.push(value);
      }
    }
    // Two negatives per question: the hardest non-gold entry, and one drawn deterministically from the rest (what a
    // retrieval miss more often looks like).
    const drawn = values[(query.length * 7919) % Math.max(1, values.length)] ?? 0;
    out.push({ relevant: positive, label: true, language }, { relevant: hardest, label: false, language }, { relevant: drawn, label: false, language });
  }
  return out;
}

const balanced = (items: readonly Pair[], threshold: number): number => {
  const positives = items.filter((item) => item.label);
  const negatives = items.filter((item) => !item.label);
  const truePositive = positives.filter((item) => item.relevant >= threshold).length / Math.max(1, positives.length);
  const trueNegative = negatives.filter((item) => item.relevant < threshold).length / Math.max(1, negatives.length);
  return (truePositive + trueNegative) / 2;
};

interface Fit {
  threshold: number;
  score: number;
  line: string;
}

function fit(zh: readonly Pair[], en: readonly Pair[], label: string): Fit {
  let best = { threshold: 0.5, score: 0 };
  for (let step = 5; step <= 95; step += 1) {
    const threshold = step / 100;
    const score = (balanced(zh, threshold) + balanced(en, threshold)) / 2;
    if (score > best.score) best = { threshold, score };
  }
  const line = `${label} fit: threshold ${best.threshold.toFixed(2)} | balanced accuracy ${(best.score * 100).toFixed(1)}% (zh ${(balanced(zh, best.threshold) * 100).toFixed(1)}%, en ${(balanced(en, best.threshold) * 100).toFixed(1)}%) | pairs zh ${zh.length}, en ${en.length} | at 0.50: ${(((balanced(zh, 0.5) + balanced(en, 0.5)) / 2) * 100).toFixed(1)}%`;
  return { ...best, line };
}

export async function main(): Promise<void> {
  const jiningBase = readJsonl<{ faq_id: string; standard_questions: string[]; answer: string }>('jining_bank_faq_dev/kb.jsonl');
  const jiningQueries = readJsonl<{ query: string; gold_faq_id: string }>('jining_bank_faq_dev/queries_dev_1000.jsonl');
  const zhQuestions = jiningQueries.map((item) => ({ query: item.query, gold: item.gold_faq_id }));
  const zhDocuments = new Map(jiningBase.map((item) => [item.faq_id, `${item.standard_questions.join('\n')}\n${item.answer}`]));
  const englishBase = readJsonl<{ faq_id: string; question: string; answer: string }>('english_bank_faq/kb.jsonl');
  // Every third entry's question is asked against all answers (answers only, so the question's own words are not there to find).
  const englishQuestions = englishBase.filter((_item, index) => index % 3 === 0).map((item) => ({ query: item.question, gold: item.faq_id }));
  const enDocuments = new Map(englishBase.map((item) => [item.faq_id, item.answer]));
  // Rarity-weighted: what the suggestion path uses when it has the base's word counts (always, in the service).
  const weighted = fit(pairs('zh', zhQuestions, zhDocuments, 600, true), pairs('en', englishQuestions, enDocuments, 400, true), 'rarity-weighted coverage');
  // Plain share: the fallback without word counts (a composer called on its own, as in unit tests).
  const plain = fit(pairs('zh', zhQuestions, zhDocuments, 600, false), pairs('en', englishQuestions, enDocuments, 400, false), 'plain coverage');
  console.log(weighted.line);
  console.log(plain.line);
  if (process.argv.includes('--write')) {
    const stored = {
      threshold: weighted.threshold,
      unweightedThreshold: plain.threshold,
      fittedOn: 'jining_bank_faq_dev (600 questions) + english_bank_faq (400 questions), gold vs hardest and a drawn non-gold',
      measure: `share of the question content words the passage holds, each weighted by its IDF in the base (a word the base never saw as its rarest): balanced accuracy ${(weighted.score * 100).toFixed(1)}%; unweightedThreshold for the plain share: ${(plain.score * 100).toFixed(1)}%`,
    };
    writeFileSync(new URL('../src/suggestions/passage-coverage.json', import.meta.url), `${JSON.stringify(stored, null, 2)}\n`);
    console.log('written to src/suggestions/passage-coverage.json');
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
