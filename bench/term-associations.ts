import type { Bm25Index } from '../src/retrieval/bm25-index.js';

/**
 * Word associations learned from the knowledge base alone (never from queries): IBM model 1 translation
 * probabilities t(question term | answer term) over each chunk's naming field (a FAQ's questions) against its body
 * (its answer), by expectation-maximisation. A customer's paraphrase often uses the answer's words where the
 * standard question used others ("how long" asked, "working days" answered); these probabilities say which question
 * words an answer makes likely, learned per base, so another bank's base gets its own.
 */
export interface AssociationSettings {
  /** EM rounds: the first is co-occurrence, later ones let the answer's words compete to explain each question word. */
  rounds: number;
  /** Per question term, only its most likely answer terms are kept (bounds memory and the per-candidate work). */
  sourcesPerTerm: number;
  /** Answer terms in more than this share of the base explain everything and so nothing: left out. */
  commonShare: number;
}

export const defaultAssociationSettings: AssociationSettings = { rounds: 5, sourcesPerTerm: 24, commonShare: 0.1 };

export class TermAssociations {
  /** Per question term, its answer terms with t(question term | answer term), most likely first. */
  readonly #sources: Map<string, { term: string; probability: number }[]>;
  /** Share of the base's naming fields holding each term: the background a translation must beat. */
  readonly #background: Map<string, number>;
  readonly chunks: number;

  private constructor(sources: Map<string, { term: string; probability: number }[]>, background: Map<string, number>, chunks: number) {
    this.#sources = sources;
    this.#background = background;
    this.chunks = chunks;
  }

  static learn(index: Bm25Index, settings: AssociationSettings = defaultAssociationSettings): TermAssociations {
    const vocabulary = new Map<string, number>();
    const terms: string[] = [];
    const idOf = (term: string) => {
      let id = vocabulary.get(term);
      if (id === undefined) {
        id = terms.length;
        vocabulary.set(term, id);
        terms.push(term);
      }
      return id;
    };
    const pairs: { targets: Int32Array; sources: Int32Array }[] = [];
    const headingFrequency = new Map<string, number>();
    const bodyFrequency = new Map<string, number>();
    let chunks = 0;
    const fields: { heading: ReadonlyMap<string, number>; body: ReadonlyMap<string, number> }[] = [];
    for (const chunkId of index.liveChunkIds()) {
      const field = index.fieldTerms(chunkId);
      if (!field || field.heading.size === 0) continue;
      chunks += 1;
      for (const term of field.heading.keys()) headingFrequency.set(term, (headingFrequency.get(term) ?? 0) + 1);
      for (const term of field.body.keys()) bodyFrequency.set(term, (bodyFrequency.get(term) ?? 0) + 1);
      if (field.body.size > 0) fields.push(field);
    }
    const commonAbove = Math.max(2, chunks * settings.commonShare);
    for (const field of fields) {
      const sources = [...field.body.keys()].filter((term) => (bodyFrequency.get(term) ?? 0) <= commonAbove);
      if (sources.length === 0) continue;
      pairs.push({ targets: Int32Array.from([...field.heading.keys()].map(idOf)), sources: Int32Array.from(sources.map(idOf)) });
    }
    // t(target | source) keyed by source * size + target; absent means the uniform start. The empty source (an
    // answer word for nothing) takes what no answer word explains, as in IBM model 1.
    const size = terms.length + 1;
    const empty = terms.length;
    let translation = new Map<number, number>();
    for (let round = 0; round < settings.rounds; round += 1) {
      const counts = new Map<number, number>();
      const totals = new Float64Array(size);
      for (const { targets, sources } of pairs) {
        for (const target of targets) {
          let denominator = round === 0 ? sources.length + 1 : translation.get(empty * size + target) ?? 0;
          if (round > 0) for (const source of sources) denominator += translation.get(source * size + target) ?? 0;
          if (denominator <= 0) continue;
          const add = (source: number) => {
            const share = (round === 0 ? 1 : translation.get(source * size + target) ?? 0) / denominator;
            if (share <= 0) return;
            const key = source * size + target;
            counts.set(key, (counts.get(key) ?? 0) + share);
            totals[source] = totals[source]! + share;
          };
          for (const source of sources) add(source);
          add(empty);
        }
      }
      translation = new Map();
      for (const [key, count] of counts) translation.set(key, count / totals[Math.floor(key / size)]!);
    }
    const bySource = new Map<string, { term: string; probability: number }[]>();
    for (const [key, probability] of translation) {
      const source = Math.floor(key / size);
      if (source === empty) continue;
      const target = terms[key % size]!;
      let list = bySource.get(target);
      if (!list) bySource.set(target, (list = []));
      list.push({ term: terms[source]!, probability });
    }
    for (const [target, list] of bySource) bySource.set(target, list.sort((left, right) => right.probability - left.probability).slice(0, settings.sourcesPerTerm));
    const background = new Map<string, number>();
    for (const [term, frequency] of headingFrequency) background.set(term, frequency / Math.max(chunks, 1));
    return new TermAssociations(bySource, background, chunks);
  }

  /**
   * How likely the chunk's answer makes each query term, over the term's background, IDF-weighted and averaged:
   * sum of idf * log(1 + P(term | answer) / P(term)) over sum of idf, where P(term | answer) = sum over the answer's
   * terms a of t(term | a) * share of a in the answer. Query terms the chunk's questions already hold are counted
   * apart (`unmatched` only the others): that is where a paraphrase needs the answer's help.
   */
  explain(index: Bm25Index, chunkId: string, queryTerms: readonly string[]): { all: number; unmatched: number } {
    const field = index.fieldTerms(chunkId);
    if (!field || field.body.size === 0) return { all: 0, unmatched: 0 };
    let bodyLength = 0;
    for (const count of field.body.values()) bodyLength += count;
    let weightAll = 0;
    let sumAll = 0;
    let weightUnmatched = 0;
    let sumUnmatched = 0;
    for (const term of new Set(queryTerms)) {
      const idf = index.idf(term);
      if (idf <= 0) continue;
      let probability = 0;
      for (const source of this.#sources.get(term) ?? []) {
        const count = field.body.get(source.term);
        if (count !== undefined) probability += (source.probability * count) / bodyLength;
      }
      const background = Math.max(this.#background.get(term) ?? 0, 1 / Math.max(this.chunks, 1));
      const value = Math.log1p(probability / background);
      weightAll += idf;
      sumAll += idf * value;
      if (!field.heading.has(term)) {
        weightUnmatched += idf;
        sumUnmatched += idf * value;
      }
    }
    return { all: weightAll > 0 ? sumAll / weightAll : 0, unmatched: weightUnmatched > 0 ? sumUnmatched / weightUnmatched : 0 };
  }
}
