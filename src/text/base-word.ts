/** How many passages of the knowledge base hold a word (0: the base never uses it). */
export type WordFrequency = (word: string) => number;

const chineseOnly = /^[\u3400-\u9fff]+$/u;

/**
 * The part of a spoken Chinese word the knowledge base uses, when the base never uses the word itself. Speech glues
 * what the base writes as one word to a complement, a measure word or a modal ("扣回来", "弄个", "能退"), and jieba
 * keeps the glued form whole: no passage holds it, so it counts as the rarest word of the question and every passage,
 * the right one too, looks irrelevant. The word is cut down to its longest contiguous part the base uses (rarest first
 * among parts of that length, then the earliest), never to a part shorter than `shortestPart`. Only characters are cut,
 * nothing is replaced: a word the base uses stays as it is (网点 is never read as 网上), and a word with no part the
 * base uses (a product the bank does not sell) stays unknown, so it still weighs as the rarest word.
 */
export function baseWordOf(word: string, frequency: WordFrequency, shortestPart: number): string {
  if (word.length < 2 || !chineseOnly.test(word) || frequency(word) > 0) return word;
  for (let length = word.length - 1; length >= Math.max(1, shortestPart); length -= 1) {
    let best: { part: string; frequency: number } | undefined;
    for (let start = 0; start + length <= word.length; start += 1) {
      const part = word.slice(start, start + length);
      const used = frequency(part);
      if (used > 0 && (!best || used < best.frequency)) best = { part, frequency: used };
    }
    if (best) return best.part;
  }
  return word;
}
