/** The embedding port. `id` names provider, model and dimension: the database refuses vectors of another id. */
export interface Embedder {
  readonly id: string;
  readonly dimensions: number;
  /** Passages (chunks) to store. */
  embed(texts: string[]): Promise<number[][]>;
  /** Search queries, when the embedder weighs them differently from passages; `embed` otherwise. */
  embedQueries?(texts: string[]): Promise<number[][]>;
  /** Present when queries are weighted by statistics fitted on the knowledge base (the offline embedder). */
  readonly corpus?: CorpusFitting;
}

/** Document frequencies of a knowledge base's features: what an embedder fitted on the base weighs queries by. */
export interface CorpusStatistics {
  /** Passages counted. */
  documents: number;
  /** Feature -> number of passages holding it (features of one passage may be left out). */
  frequencies: Record<string, number>;
}

export interface CorpusFitting {
  /** Statistics of these passages (as embedded: title and chunk text). */
  fit(passages: Iterable<string>): CorpusStatistics;
  /** Weigh queries by these statistics from now on; undefined weighs every feature alike (an empty base). */
  use(statistics: CorpusStatistics | undefined): void;
  readonly statistics: CorpusStatistics | undefined;
}

/** Query vectors: `embedQueries` when the embedder has one. */
export function embedQueries(embedder: Embedder, texts: string[]): Promise<number[][]> {
  return embedder.embedQueries ? embedder.embedQueries(texts) : embedder.embed(texts);
}
