/**
 * The baseline to beat (issue 10): a plain character-bigram BM25 over each FAQ's questions and answer as one
 * text, textbook parameters (k1 1.2, b 0.75), no fields, no segmenter, no vectors. About 30 lines.
 */
function bigrams(text: string): string[] {
  const characters = Array.from(text.normalize('NFKC').toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, ''));
  const grams: string[] = [];
  for (let index = 0; index + 1 < characters.length; index += 1) grams.push(characters[index]! + characters[index + 1]!);
  return grams;
}

export class BigramBm25 {
  readonly #documents: { id: string; counts: Map<string, number>; length: number }[] = [];
  readonly #frequency = new Map<string, number>();
  #averageLength = 0;

  constructor(documents: readonly { id: string; text: string }[], readonly k1 = 1.2, readonly b = 0.75) {
    for (const document of documents) {
      const grams = bigrams(document.text);
      const counts = new Map<string, number>();
      for (const gram of grams) counts.set(gram, (counts.get(gram) ?? 0) + 1);
      for (const gram of counts.keys()) this.#frequency.set(gram, (this.#frequency.get(gram) ?? 0) + 1);
      this.#documents.push({ id: document.id, counts, length: grams.length });
    }
    this.#averageLength = this.#documents.reduce((total, document) => total + document.length, 0) / Math.max(this.#documents.length, 1);
  }

  search(query: string, topK: number): string[] {
    const total = this.#documents.length;
    const terms = [...new Set(bigrams(query))];
    const scored = this.#documents.map((document) => {
      let score = 0;
      for (const term of terms) {
        const frequency = document.counts.get(term) ?? 0;
        if (frequency === 0) continue;
        const documents = this.#frequency.get(term) ?? 0;
        const idf = Math.log(1 + (total - documents + 0.5) / (documents + 0.5));
        score += (idf * frequency * (this.k1 + 1)) / (frequency + this.k1 * (1 - this.b + (this.b * document.length) / this.#averageLength));
      }
      return { id: document.id, score };
    });
    return scored
      .filter((entry) => entry.score > 0)
      .sort((left, right) => right.score - left.score)
      .slice(0, topK)
      .map((entry) => entry.id);
  }
}
