/**
 * The BQ corpus (WeBank customers' questions, ../shared/benchmarks/bq_corpus, read by path, never copied): its
 * questions and the paraphrased queries labelled with the questions they match.
 */
import { benchmarkFile, readJsonl } from './support.js';

export interface BqCorpus {
  corpus: { doc_id: string; text: string }[];
  queries: { qid: string; query: string; gold_doc_ids: string[] }[];
}

/** The corpus and its queries, or undefined when the benchmarks are not beside the repository. */
export function loadBqCorpus(): BqCorpus | undefined {
  const corpusPath = benchmarkFile('bq_corpus', 'retrieval_corpus.jsonl');
  const queriesPath = benchmarkFile('bq_corpus', 'retrieval_queries.jsonl');
  if (!corpusPath || !queriesPath) return undefined;
  return { corpus: readJsonl(corpusPath), queries: readJsonl(queriesPath) };
}
