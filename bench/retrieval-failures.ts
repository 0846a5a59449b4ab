/**
 * Where the retrieval loses the answer on the FIT half of jining_bank_faq_dev, in aggregate categories only (no
 * query is printed): the answer outside both legs' candidates, or inside them at rank 2-5 or beyond, and how the
 * misses split by query length against the answer's question. Run: npx tsx bench/retrieval-failures.ts
 */
import { pathToFileURL } from 'node:url';
import { createOfflineEmbedder } from '../src/llm/offline-embedder.js';
import { fuseLegs } from '../src/retrieval/fuse-legs.js';
import { embedderModel, loadRetrievalModel } from '../src/retrieval/retrieval-model.js';
import { buildFitCorpus, candidatesOf } from './fit-retrieval.js';
import { splitQueries } from './jining-faq.js';

const depth = 30;

export async function main(): Promise<void> {
  const embedder = createOfflineEmbedder();
  const built = await buildFitCorpus(embedder);
  if (!built) {
    console.log('jining_bank_faq_dev not found: nothing analysed');
    return;
  }
  const { corpus, queries } = built;
  const { fit } = splitQueries(queries);
  const model = loadRetrievalModel();
  const legs = embedderModel(model, embedder.id);
  const buckets = new Map<string, number>();
  const add = (key: string) => buckets.set(key, (buckets.get(key) ?? 0) + 1);
  for (const query of fit) {
    const { candidates, lexicalTop } = candidatesOf(corpus, query, model.bm25);
    const gold = candidates.find((candidate) => candidate.id === query.gold_faq_id);
    const ranked = fuseLegs(candidates, { mode: 'hybrid', fusion: legs.fusion, confidence: legs.confidence, lexicalTop, depth, topK: candidates.length, ...(legs.rerank ? { rerank: legs.rerank } : {}) });
    const rank = ranked.findIndex((entry) => entry.id === query.gold_faq_id) + 1;
    const place = !gold ? 'outside candidates' : rank === 1 ? 'rank 1' : rank <= 5 ? 'rank 2-5' : 'rank 6+ (in candidates)';
    add(place);
    if (gold) add(`${place}: gold in lexical ${gold.lexical && gold.lexical.rank <= depth ? 'yes' : 'no'}, in vector ${gold.vectorRank !== undefined ? 'yes' : 'no'}`);
    const line = (corpus.lines.get(query.gold_faq_id) ?? [''])[0]!;
    const ratio = query.query.length / Math.max(line.length, 1);
    add(`${place}: query/question length ${ratio < 0.67 ? 'shorter' : ratio > 1.5 ? 'longer' : 'similar'}`);
    const coverage = gold?.match?.queryInHeading ?? 0;
    add(`${place}: query IDF share in gold question ${coverage < 0.34 ? '<1/3' : coverage < 0.67 ? '1/3-2/3' : '>2/3'}`);
    // A miss inside the candidates: is the winner a sibling of the answer (questions sharing most IDF weight: same
    // topic, another intent) or a stranger (another topic the query happens to share words with)?
    if (gold && rank > 1) {
      const winner = ranked[0]!.id;
      const goldTerms = corpus.index.fieldTerms(query.gold_faq_id)?.heading ?? new Map<string, number>();
      const winnerTerms = corpus.index.fieldTerms(winner)?.heading ?? new Map<string, number>();
      let shared = 0;
      let total = 0;
      for (const term of new Set([...goldTerms.keys(), ...winnerTerms.keys()])) {
        const idf = corpus.index.idf(term);
        total += idf;
        if (goldTerms.has(term) && winnerTerms.has(term)) shared += idf;
      }
      const overlap = total > 0 ? shared / total : 0;
      add(`${place}: winner's question shares ${overlap >= 0.5 ? '>=1/2' : overlap >= 0.25 ? '1/4-1/2' : '<1/4'} of the IDF weight with the answer's`);
      add(`${place}: winner holds more of the query's IDF than the answer ${(ranked[0]!.match?.queryInHeading ?? 0) > coverage ? 'yes' : 'no'}`);
    }
  }
  console.log(`fit half: ${fit.length} queries`);
  for (const [key, count] of [...buckets].sort()) console.log(`  ${key.padEnd(70)} ${String(count).padStart(4)}  ${(count / fit.length).toFixed(3)}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
