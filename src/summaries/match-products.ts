import { foldText } from '../text/segment-text.js';
import type { SummaryProduct } from './summary-context.js';
import type { ProductDiscussed, SummaryLanguage } from './summary-schema.js';

function normalise(text: string): string {
  return foldText(text).replace(/\s+/gu, ' ').trim();
}

const wordCharacter = /[a-z0-9]/u;
const cjkOnly = /^[\u3400-\u9fff]+$/u;
const brackets = /[（(][^）)]*[）)]/gu;

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
 * A Chinese name heard with one character wrong: speech recognition writes homophones (a 盈 as 赢). Only for
 * names with three or more Chinese characters, one substituted Chinese character, never the first or the last
 * character, digits and letters exact: two-character words never match each other by accident.
 */
function occursWithOneSubstitution(haystack: string, needle: string): boolean {
  if ((needle.match(/[\u3400-\u9fff]/gu)?.length ?? 0) < 3 || needle.length < 4) return false;
  const first = needle[0] ?? '';
  for (let at = haystack.indexOf(first); at >= 0 && at + needle.length <= haystack.length; at = haystack.indexOf(first, at + 1)) {
    if (haystack[at + needle.length - 1] !== needle[needle.length - 1]) continue;
    let differences = 0;
    for (let offset = 1; offset < needle.length - 1 && differences <= 1; offset += 1) {
      const heard = haystack[at + offset] ?? '';
      const expected = needle[offset] ?? '';
      if (heard === expected) continue;
      differences += cjkOnly.test(heard) && cjkOnly.test(expected) ? 1 : 2;
    }
    if (differences <= 1) return true;
  }
  return false;
}

/** Leading words most product names share (the bank's brand: "蓝海", "Lanhai"): not what tells products apart. */
function brandPrefixes(names: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const name of names) {
    const seen = new Set<string>();
    const latinWord = /^[a-z]+ /u.exec(name)?.[0];
    if (latinWord) seen.add(latinWord);
    for (let length = 2; length <= 4; length += 1) {
      const prefix = name.slice(0, length);
      if (prefix.length === length && cjkOnly.test(prefix)) seen.add(prefix);
    }
    for (const prefix of seen) counts.set(prefix, (counts.get(prefix) ?? 0) + 1);
  }
  const needed = Math.max(3, Math.ceil(names.length * 0.25));
  return [...counts.entries()].filter(([, count]) => count >= needed).map(([prefix]) => prefix).sort((left, right) => right.length - left.length);
}

/** Endings most titles share ("理财产品说明", "product guide"): not part of what the customer calls it. */
function commonEndings(titles: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const title of titles) {
    for (let length = 2; length <= Math.min(8, title.length - 2); length += 1) {
      const ending = title.slice(-length);
      counts.set(ending, (counts.get(ending) ?? 0) + 1);
    }
  }
  return [...counts.entries()].filter(([, count]) => count >= 3).map(([ending]) => ending).sort((left, right) => right.length - left.length);
}

function withoutPrefix(text: string, prefixes: readonly string[]): string {
  const prefix = prefixes.find((candidate) => text.startsWith(candidate) && text.length > candidate.length);
  return prefix ? text.slice(prefix.length).trim() : text;
}

function distinctive(alias: string): boolean {
  return cjkOnly.test(alias.replace(/[0-9]/gu, '')) ? alias.replace(/[0-9]/gu, '').length >= 2 && alias.length >= 3 : alias.length >= 6 && alias.includes(' ');
}

interface Candidate {
  product: SummaryProduct;
  needles: string[];
  /** Products named in either language are one product: the group id joins them. */
  group: number;
}

const compiled = new WeakMap<readonly SummaryProduct[], Candidate[]>();

/**
 * The catalogue's products with what a caller may say for them: the name, the aliases staff listed, and
 * automatic aliases: the name and title without the bank's brand, brackets and the ending most titles share
 * ("蓝海稳盈90天理财产品说明" is also "稳盈90天"). A product whose name another lists as an alias (the Chinese and
 * English documents of one product) is the same product.
 */
function candidatesOf(products: readonly SummaryProduct[]): Candidate[] {
  const cached = compiled.get(products);
  if (cached) return cached;
  const names = products.map((product) => normalise(product.name));
  const titles = products.map((product) => normalise((product.title ?? product.name).replace(brackets, '')));
  const brands = brandPrefixes([...names, ...titles]);
  const endings = commonEndings(titles.map((title) => withoutPrefix(title, brands)));
  const candidates: Candidate[] = products.map((product, index) => {
    const own = [product.name, ...(product.aliases ?? [])].map(normalise).filter(Boolean);
    const automatic: string[] = [];
    for (const source of [names[index] ?? '', (names[index] ?? '').replace(brackets, '').trim(), titles[index] ?? '']) {
      let alias = withoutPrefix(source, brands);
      const ending = endings.find((candidate) => alias.endsWith(candidate) && alias.length > candidate.length + 1);
      if (ending && source === titles[index]) alias = alias.slice(0, -ending.length).trim();
      if (distinctive(alias)) automatic.push(alias);
    }
    return { product, needles: [...new Set([...own, ...automatic])].sort((left, right) => right.length - left.length), group: index };
  });
  // Union by shared names: a needle of one that is another's name links them.
  const parent = candidates.map((_, index) => index);
  const root = (index: number): number => (parent[index] === index ? index : (parent[index] = root(parent[index] ?? index)));
  const byName = new Map(names.map((name, index) => [name, index]));
  candidates.forEach((candidate, index) => {
    for (const needle of candidate.needles) {
      const other = byName.get(needle);
      if (other !== undefined && other !== index) parent[root(index)] = root(other);
    }
  });
  candidates.forEach((candidate, index) => (candidate.group = root(index)));
  compiled.set(products, candidates);
  return candidates;
}

/**
 * Products of the knowledge base's catalogue named in the call (by name, listed alias, automatic alias, or a
 * four-plus-character Chinese name heard with one character wrong), in order of first mention, with their ids.
 * Only known products: one the call names but the catalogue does not know is not reported, rather than guessed.
 *
 * Decision: a product only the agent named, and only while listing several products as options, is left out
 * unless the customer named it too: "we have A, B and C" does not make B a product the call was about. A product
 * the agent alone named on its own (a recommendation, an answer about it) is reported.
 */
export function matchProducts(
  turns: readonly { id: string; speaker?: 'customer' | 'agent' | 'system'; text: string }[],
  products: readonly SummaryProduct[],
  language?: SummaryLanguage,
): ProductDiscussed[] {
  const candidates = candidatesOf(products);
  interface Mention { first: number; turnIds: string[]; byCustomer: boolean; alone: boolean }
  const found = new Map<number, Mention>();
  for (const [index, turn] of turns.entries()) {
    if (turn.speaker === 'system') continue;
    const text = normalise(turn.text);
    const groups = new Set<number>();
    for (const candidate of candidates) {
      const named = candidate.needles.some((needle) => occursIn(text, needle)) || candidate.needles.some((needle) => occursWithOneSubstitution(text, needle));
      if (!named) continue;
      groups.add(candidate.group);
      const entry = found.get(candidate.group) ?? { first: index, turnIds: [], byCustomer: false, alone: false };
      if (!entry.turnIds.includes(turn.id) && entry.turnIds.length < 10) entry.turnIds.push(turn.id);
      if (turn.speaker !== 'agent') entry.byCustomer = true;
      found.set(candidate.group, entry);
    }
    if (groups.size === 1) for (const group of groups) (found.get(group) as Mention).alone = true;
  }
  return [...found.entries()]
    .filter(([, entry]) => entry.byCustomer || entry.alone)
    .sort(([, left], [, right]) => left.first - right.first)
    .map(([group, entry]) => {
      const members = candidates.filter((candidate) => candidate.group === group).map((candidate) => candidate.product);
      // Without a language on the entries, the name written in the call's script (Chinese characters or not) is it.
      const written = (member: SummaryProduct) => (/[\u3400-\u9fff]/u.test(member.name) ? 'zh' : 'en');
      const product = members.find((member) => member.language === language) ?? members.find((member) => member.language === undefined && written(member) === language) ?? members[0];
      return { name: product?.name ?? '', ...(product?.id ? { productId: product.id } : {}), turnIds: entry.turnIds };
    });
}
