/**
 * What a search returns about a chunk (its text, title, heading path, document), held in process per replica
 * beside the BM25 index and loaded with it, so a search reads its candidates' rows here instead of joining three
 * tables in its statement. Kept by document, as the index is reloaded by document.
 */
export interface HeldChunkRow {
  documentId: string;
  externalId: string;
  version: number;
  title: string;
  kind: string;
  text: string;
  headingPath: string[];
  product: string | null;
  language: string;
}

export class HeldChunkRows {
  readonly #rows = new Map<string, HeldChunkRow>();
  readonly #byDocument = new Map<string, string[]>();

  get size(): number {
    return this.#rows.size;
  }

  replaceDocument(documentId: string, chunks: readonly { id: string; row: HeldChunkRow }[]): void {
    for (const chunkId of this.#byDocument.get(documentId) ?? []) this.#rows.delete(chunkId);
    this.#byDocument.delete(documentId);
    for (const chunk of chunks) this.#rows.set(chunk.id, chunk.row);
    if (chunks.length > 0) this.#byDocument.set(documentId, chunks.map((chunk) => chunk.id));
  }

  get(chunkId: string): HeldChunkRow | undefined {
    return this.#rows.get(chunkId);
  }

  clear(): void {
    this.#rows.clear();
    this.#byDocument.clear();
  }
}
