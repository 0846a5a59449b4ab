import { normalizeForMatching } from '../text/normalize-text.js';
import type { ProductEntry } from './compliance-types.js';
import type { Span } from './utterance-scope.js';

export interface ProductMention extends Span {
  level: number;
  label: string;
}

export interface ProductIndex {
  find(text: string): ProductMention[];
}

const emptyIndex: ProductIndex = { find: () => [] };

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One alternation over every product name and alias that has a risk level, longest first. */
export function buildProductIndex(products: readonly ProductEntry[]): ProductIndex {
  const levels = new Map<string, { level: number; label: string }>();
  for (const product of products) {
    if (!product.riskLevel) continue;
    const level = Number(product.riskLevel.slice(1));
    for (const name of [product.name, ...(product.aliases ?? [])]) {
      const key = normalizeForMatching(name).trim();
      if (key.length >= 2) levels.set(key, { level, label: product.name });
    }
  }
  if (levels.size === 0) return emptyIndex;
  const names = [...levels.keys()].sort((left, right) => right.length - left.length);
  const pattern = new RegExp(names.map(escapeRegExp).join('|'), 'g');
  return {
    find(text: string): ProductMention[] {
      const mentions: ProductMention[] = [];
      pattern.lastIndex = 0;
      for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
        const entry = levels.get(match[0]);
        if (entry) mentions.push({ start: match.index, end: match.index + match[0].length, ...entry });
      }
      return mentions;
    },
  };
}

/** The knowledge base's product list can change at any time; rebuild only when the array itself changes. */
export class ProductIndexCache {
  readonly #source: (() => readonly ProductEntry[]) | undefined;
  #lastList: readonly ProductEntry[] | undefined;
  #lastIndex: ProductIndex = emptyIndex;

  constructor(source: (() => readonly ProductEntry[]) | undefined) {
    this.#source = source;
  }

  current(): ProductIndex {
    if (!this.#source) return emptyIndex;
    const list = this.#source();
    if (list !== this.#lastList) {
      this.#lastList = list;
      this.#lastIndex = buildProductIndex(list);
    }
    return this.#lastIndex;
  }
}
