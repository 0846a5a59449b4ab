/**
 * The jining_bank_faq_dev benchmark (../shared/benchmarks, read by path, never copied): a city commercial
 * bank's FAQ export and customers' paraphrased questions. Rows become FAQ rows {id, questions, answer}.
 */
import { benchmarkFile, readJsonl } from './support.js';

export interface FaqItem {
  faq_id: string;
  standard_questions: string[];
  answer: string;
}

export interface FaqQuery {
  qid: string;
  query: string;
  gold_faq_id: string;
}

export interface JiningFaq {
  kb: FaqItem[];
  queries: FaqQuery[];
  /** The FAQ set as `POST /v1/knowledge/documents` takes it (`kind: faq, format: jsonl`). */
  jsonl: string;
}

export function loadJiningFaq(): JiningFaq | undefined {
  const kbPath = benchmarkFile('jining_bank_faq_dev', 'kb.jsonl');
  const queriesPath = benchmarkFile('jining_bank_faq_dev', 'queries_dev_1000.jsonl');
  if (!kbPath || !queriesPath) return undefined;
  const kb = readJsonl<FaqItem>(kbPath);
  const queries = readJsonl<FaqQuery>(queriesPath);
  const jsonl = kb.map((item) => JSON.stringify({ id: item.faq_id, questions: item.standard_questions, answer: item.answer })).join('\n');
  return { kb, queries, jsonl };
}

/** FNV-1a of the query id: a fixed split that does not depend on file order. */
function hash(text: string): number {
  let value = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    value ^= text.charCodeAt(index);
    value = Math.imul(value, 0x01000193) >>> 0;
  }
  return value;
}

/** The half the retrieval model is fitted on, and the half it is measured on. */
export function splitQueries(queries: readonly FaqQuery[]): { fit: FaqQuery[]; heldOut: FaqQuery[] } {
  const fit: FaqQuery[] = [];
  const heldOut: FaqQuery[] = [];
  for (const query of queries) (hash(query.qid) % 2 === 0 ? fit : heldOut).push(query);
  return { fit, heldOut };
}

export interface RankingFigures {
  recallAt1: number;
  recallAt5: number;
  mrr: number;
}

/** Recall@1, recall@5 and MRR (over the ranks given; a miss counts 0) from the gold's 1-based rank or 0. */
export function rankingFigures(ranks: readonly number[]): RankingFigures {
  const count = Math.max(ranks.length, 1);
  return {
    recallAt1: ranks.filter((rank) => rank === 1).length / count,
    recallAt5: ranks.filter((rank) => rank >= 1 && rank <= 5).length / count,
    mrr: ranks.reduce((total, rank) => total + (rank > 0 ? 1 / rank : 0), 0) / count,
  };
}

export function formatFigures(figures: RankingFigures): string {
  return `recall@1 ${figures.recallAt1.toFixed(3)}  recall@5 ${figures.recallAt5.toFixed(3)}  MRR ${figures.mrr.toFixed(3)}`;
}
