/** The embedding port. `id` names provider, model and dimension: the database refuses vectors of another id. */
export interface Embedder {
  readonly id: string;
  readonly dimensions: number;
  embed(texts: string[]): Promise<number[][]>;
}
