/**
 * Fits how many words the hand-over's topic may have (src/suggestions/handover-wording.yaml, topic.maximumWords): the
 * longest name customers give a kind of product, counted in the words the topic is read in (jieba's words for
 * Chinese, space-separated words for English), over the customer words of src/understanding/product-categories.yaml
 * (房贷, 个人养老金账户, safe deposit box, ...): a topic named back should be as long as the longest such name, and no
 * longer, since a longer run of content words is a clause ("提取出来装修用"), not a topic.
 * Run: npx tsx bench/fit-handover-topic-span.ts
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { handoverWording } from '../src/suggestions/handover-topic.js';
import { taggedWords } from '../src/text/segment-text.js';

interface Category {
  id: string;
  words: { zh: string[]; en: string[] };
}

const { categories } = parse(readFileSync(new URL('../src/understanding/product-categories.yaml', import.meta.url), 'utf8')) as { categories: Category[] };
const countWords = (name: string, language: 'zh' | 'en'): number => (language === 'zh' ? taggedWords(name).length : name.split(/\s+/u).filter(Boolean).length);

let fitted = 0;
for (const language of ['zh', 'en'] as const) {
  const lengths = categories.flatMap((category) => category.words[language].map((name) => ({ name, words: countWords(name, language) })));
  const histogram = new Map<number, number>();
  for (const { words } of lengths) histogram.set(words, (histogram.get(words) ?? 0) + 1);
  const longest = Math.max(...lengths.map(({ words }) => words));
  fitted = Math.max(fitted, longest);
  const distribution = [...histogram.entries()].sort(([left], [right]) => left - right).map(([words, count]) => `${words} words: ${count}`).join(', ');
  console.log(`${language}: ${lengths.length} names; ${distribution}; longest ${longest} (${lengths.filter(({ words }) => words === longest).map(({ name }) => name).join(', ')})`);
}
console.log(`fitted maximumWords: ${fitted} (stored: ${handoverWording().topic.maximumWords})`);
