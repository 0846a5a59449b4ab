import { foldText } from '../text/segment-text.js';
import type { SummaryProduct } from './summary-context.js';
import type { ProductDiscussed } from './summary-schema.js';

function normalise(text: string): string {
  return foldText(text).replace(/\s+/gu, ' ');
}

const wordCharacter = /[a-z0-9]/u;

/** Latin names must match whole words ("Gold" is not in "Goldman"); CJK names match anywhere. */
function occursIn(haystack: string, needle: string): boolean {
  let from = 0;
  while (true) {
    const at = haystack.indexOf(needle, from);
    if (at < 0) return false;
    const before = haystack[at - 1] ?? ' ';
    const after = haystack[at + needle.length] ?? ' ';
    const leftOk = !wordCharacter.test(needle[0] ?? '') || !wordCharacter.test(before);
    const rightOk = !wordCharacter.test(needle[needle.length - 1] ?? '') || !wordCharacter.test(after);
    if (leftOk && rightOk) return true;
    from = at + 1;
  }
}

/**
 * Products of the knowledge base named in the call, by name or alias (case- and width-insensitive),
 * in order of first mention. Only known products: a product the call names but the knowledge base does
 * not know is not reported, rather than guessed.
 */
export function matchProducts(
  turns: readonly { id: string; text: string }[],
  products: readonly SummaryProduct[],
): ProductDiscussed[] {
  const candidates = products.map((product) => ({
    name: product.name,
    needles: [product.name, ...(product.aliases ?? [])].map(normalise).filter((needle) => needle.length > 0),
  }));
  const found = new Map<string, { first: number; turnIds: string[] }>();
  for (const [index, turn] of turns.entries()) {
    const text = normalise(turn.text);
    for (const candidate of candidates) {
      if (!candidate.needles.some((needle) => occursIn(text, needle))) continue;
      const entry = found.get(candidate.name) ?? { first: index, turnIds: [] };
      if (entry.turnIds.length < 10) entry.turnIds.push(turn.id);
      found.set(candidate.name, entry);
    }
  }
  return [...found.entries()]
    .sort((left, right) => left[1].first - right[1].first)
    .map(([name, entry]) => ({ name, turnIds: entry.turnIds }));
}
