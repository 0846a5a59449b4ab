import { readFileSync } from 'node:fs';
import { z } from 'zod';

const fusionSchema = z.discriminatedUnion('method', [
  /** Weighted reciprocal rank fusion: weight / (k + rank) per leg. */
  z.object({ method: z.literal('rrf'), k: z.number().positive(), lexicalWeight: z.number().min(0), vectorWeight: z.number().min(0) }),
  /** Weighted sum of the lexical score over the best lexical score and the vector cosine similarity. */
  z.object({ method: z.literal('score'), lexicalWeight: z.number().min(0), vectorWeight: z.number().min(0) }),
]);

export const confidenceFeatureNames = ['lexicalRatio', 'coverage', 'vectorSimilarity', 'reciprocalRank', 'fusedMargin'] as const;
export type ConfidenceFeatures = Record<(typeof confidenceFeatureNames)[number], number>;

const confidenceSchema = z.object({
  intercept: z.number(),
  weights: z.object(Object.fromEntries(confidenceFeatureNames.map((name) => [name, z.number()])) as Record<(typeof confidenceFeatureNames)[number], z.ZodNumber>),
});

export const rerankFeatureNames = [
  'lexicalRatio',
  'lexicalReciprocalRank',
  'vectorSimilarity',
  'vectorReciprocalRank',
  'coverage',
  'queryInHeading',
  'queryInBody',
  'headingInQuery',
  'headingDice',
  'orderedInQuestion',
  'orderedInQuery',
  'sharedRun',
  'orderedDice',
  'lengthRatio',
] as const;
export type RerankFeatures = Record<(typeof rerankFeatureNames)[number], number>;

const perRerankFeature = z.object(Object.fromEntries(rerankFeatureNames.map((name) => [name, z.number()])) as Record<(typeof rerankFeatureNames)[number], z.ZodNumber>);

/**
 * A linear scoring of each candidate over standardised features ((value - mean) / scale), fitted listwise (softmax
 * over a query's candidates) by bench/fit-retrieval.ts; it replaces the fusion's order when present.
 */
const rerankSchema = z.object({ mean: perRerankFeature, scale: perRerankFeature, weights: perRerankFeature, fit: z.record(z.string(), z.unknown()).optional() });

const embedderModelSchema = z.object({ fusion: fusionSchema, confidence: confidenceSchema, rerank: rerankSchema.optional(), fit: z.record(z.string(), z.unknown()).optional() });

const retrievalModelSchema = z.object({
  bm25: z.object({ k1: z.number().positive(), headingWeight: z.number().min(0), bodyWeight: z.number().min(0), headingB: z.number().min(0).max(1), bodyB: z.number().min(0).max(1) }),
  fit: z.record(z.string(), z.unknown()).optional(),
  /** Keyed by embedder id without its dimension (`offline-hash-v1`, `openai:text-embedding-3-small`), or `default`. */
  embedders: z.record(z.string(), embedderModelSchema).refine((embedders) => 'default' in embedders, 'needs a "default" entry'),
});

export type RetrievalModel = z.infer<typeof retrievalModelSchema>;
export type FusionModel = z.infer<typeof fusionSchema>;
export type ConfidenceModel = z.infer<typeof confidenceSchema>;
export type RerankModel = z.infer<typeof rerankSchema>;
export type EmbedderRetrievalModel = z.infer<typeof embedderModelSchema>;

export const retrievalModelFile = new URL('./retrieval-model.json', import.meta.url);

/**
 * The fitted retrieval parameters (BM25F, fusion and confidence per embedder). They are written by
 * `bench/fit-retrieval.ts`, never by hand; a bad file stops the start-up with the field named.
 */
export function loadRetrievalModel(file: URL | string = retrievalModelFile): RetrievalModel {
  const parsed = retrievalModelSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`retrieval model ${String(file)}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'is invalid'}`);
  }
  return parsed.data;
}

/** The entry for an embedder: its exact id, else its id without the trailing `:dimension`, else `default`. */
export function embedderModel(model: RetrievalModel, embedderId: string): EmbedderRetrievalModel {
  const withoutDimension = embedderId.replace(/:\d+$/u, '');
  return model.embedders[embedderId] ?? model.embedders[withoutDimension] ?? model.embedders.default!;
}

/** Logistic regression over the result's features: the probability that this result answers the query. */
export function confidenceOf(model: ConfidenceModel, features: ConfidenceFeatures): number {
  let sum = model.intercept;
  for (const name of confidenceFeatureNames) sum += model.weights[name] * features[name];
  return 1 / (1 + Math.exp(-sum));
}

/** The re-ranking's linear score of one candidate (higher is better; only differences within one query matter). */
export function rerankScore(model: RerankModel, features: RerankFeatures): number {
  let sum = 0;
  for (const name of rerankFeatureNames) sum += (model.weights[name] * (features[name] - model.mean[name])) / (model.scale[name] || 1);
  return sum;
}
