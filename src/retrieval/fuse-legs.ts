import type { LexicalHit } from './bm25-index.js';
import type { MatchFeatures } from './rerank-features.js';
import { confidenceOf, rerankScore, type ConfidenceFeatures, type ConfidenceModel, type FusionModel, type RerankFeatures, type RerankModel } from './retrieval-model.js';

export type SearchMode = 'hybrid' | 'lexical' | 'vector';

/** A chunk either leg proposed, with what each leg knows about it. */
export interface LegCandidate {
  id: string;
  /**
   * Its place in the whole filtered lexical ranking (1-based), if it holds any query term; below the leg's top
   * `depth` a search gives depth + 1 unless it explains (LexicalRanking.lookup): a rank is read only as within it or not.
   */
  lexical?: { rank: number; hit: LexicalHit };
  /** Its place among the vector leg's nearest (1-based), if it is among them. */
  vectorRank?: number;
  /** Cosine similarity to the query (0 when there is no vector). */
  similarity: number;
  /** How the query and the chunk's fields cover each other (needed by the learned re-ranking). */
  match?: MatchFeatures;
}

export interface FusedCandidate extends LegCandidate {
  fused: number;
  lexicalRatio: number;
  confidence: number;
}

/**
 * Orders the candidates of both legs by the fitted fusion (weighted RRF, or weighted normalised scores) and
 * gives each the fitted confidence. One function for the service and for bench/fit-retrieval.ts, so what is
 * fitted is exactly what runs.
 */
export function fuseLegs(
  candidates: readonly LegCandidate[],
  options: { mode: SearchMode; fusion: FusionModel; confidence: ConfidenceModel; lexicalTop: number; depth: number; topK: number; rerank?: RerankModel },
): FusedCandidate[] {
  const { mode, fusion, lexicalTop, depth } = options;
  const fusedAll = candidates
    .filter((candidate) => (mode === 'lexical' ? candidate.lexical !== undefined : mode === 'vector' ? candidate.vectorRank !== undefined : true))
    .map((candidate) => {
      const lexicalRatio = candidate.lexical && lexicalTop > 0 ? candidate.lexical.hit.score / lexicalTop : 0;
      let fused: number;
      if (mode === 'lexical') fused = candidate.lexical?.hit.score ?? 0;
      else if (mode === 'vector') fused = candidate.similarity;
      else if (fusion.method === 'rrf') {
        fused =
          (candidate.lexical && candidate.lexical.rank <= depth ? fusion.lexicalWeight / (fusion.k + candidate.lexical.rank) : 0) +
          (candidate.vectorRank !== undefined ? fusion.vectorWeight / (fusion.k + candidate.vectorRank) : 0);
      } else fused = fusion.lexicalWeight * lexicalRatio + fusion.vectorWeight * candidate.similarity;
      return { ...candidate, fused, lexicalRatio, confidence: 0 };
    });
  if (mode === 'hybrid' && options.rerank) rerank(fusedAll, options.rerank, depth);
  const scored = fusedAll
    .sort((left, right) => right.fused - left.fused || (left.id < right.id ? -1 : 1))
    .slice(0, options.topK);
  const best = scored[0]?.fused ?? 0;
  scored.forEach((candidate, index) => {
    candidate.confidence = confidenceOf(options.confidence, confidenceFeaturesOf(scored, index, best));
  });
  return scored;
}

/**
 * Replaces each candidate's fused score by its share of the softmax of the fitted re-ranking scores over this
 * query's candidates: positive, summing to one, so the confidence features (margins over the best) keep their sense.
 */
function rerank(candidates: Omit<FusedCandidate, 'confidence'>[], model: RerankModel, depth: number): void {
  if (candidates.length === 0) return;
  const scores = candidates.map((candidate) => rerankScore(model, rerankFeaturesOf(candidate, depth)));
  const highest = Math.max(...scores);
  const exponentials = scores.map((score) => Math.exp(score - highest));
  const total = exponentials.reduce((sum, value) => sum + value, 0);
  candidates.forEach((candidate, index) => {
    candidate.fused = exponentials[index]! / total;
  });
}

/** The re-ranking's features of a candidate (the legs' ranks beyond `depth` count as absent, as in RRF). */
export function rerankFeaturesOf(candidate: Omit<FusedCandidate, 'confidence' | 'fused'>, depth: number): RerankFeatures {
  const match = candidate.match;
  const queryInHeading = match?.queryInHeading ?? 0;
  const headingInQuery = match?.headingInQuery ?? 0;
  return {
    lexicalRatio: candidate.lexicalRatio,
    lexicalReciprocalRank: candidate.lexical && candidate.lexical.rank <= depth ? 1 / candidate.lexical.rank : 0,
    vectorSimilarity: candidate.similarity,
    vectorReciprocalRank: candidate.vectorRank !== undefined ? 1 / candidate.vectorRank : 0,
    coverage: candidate.lexical?.hit.coverage ?? 0,
    queryInHeading,
    queryInBody: match?.queryInBody ?? 0,
    headingInQuery,
    headingDice: queryInHeading + headingInQuery > 0 ? (2 * queryInHeading * headingInQuery) / (queryInHeading + headingInQuery) : 0,
    orderedInQuestion: match?.orderedInQuestion ?? 0,
    orderedInQuery: match?.orderedInQuery ?? 0,
    sharedRun: match?.sharedRun ?? 0,
    orderedDice: match && match.orderedInQuestion + match.orderedInQuery > 0 ? (2 * match.orderedInQuestion * match.orderedInQuery) / (match.orderedInQuestion + match.orderedInQuery) : 0,
    lengthRatio: match?.lengthRatio ?? 0,
  };
}

/** The features the confidence model reads, all in [0, 1] or close to it. */
export function confidenceFeaturesOf(ranked: readonly Omit<FusedCandidate, 'confidence'>[], index: number, best = ranked[0]?.fused ?? 0): ConfidenceFeatures {
  const candidate = ranked[index]!;
  const next = ranked[index + 1]?.fused ?? 0;
  return {
    lexicalRatio: candidate.lexicalRatio,
    coverage: candidate.lexical?.hit.coverage ?? 0,
    vectorSimilarity: candidate.similarity,
    reciprocalRank: 1 / (index + 1),
    fusedMargin: best > 0 ? (candidate.fused - next) / best : 0,
  };
}
