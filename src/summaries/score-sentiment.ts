import type { Sentiment } from './summary-schema.js';

// Longer entries first inside each list so "不满意" is read before "满意" is tried.
const zhNegative = [
  '不满意', '不满', '太差', '差劲', '生气', '气死', '失望', '离谱', '过分', '投诉', '曝光', '垃圾', '无语', '坑人',
  '骗人', '恶心', '着急', '急死', '担心', '害怕', '烦', '不合理', '不公平', '乱扣', '乱收费', '糟糕', '无法接受', '受不了',
  '怎么回事', '搞什么', '太慢',
];
const zhPositive = [
  '谢谢', '感谢', '多谢', '满意', '太好了', '不错', '方便', '放心', '明白了', '清楚了', '解决了', '辛苦', '可以了',
  '没问题', '挺好', '很好', '专业', '耐心',
];
const zhNegators = ['不', '没', '没有', '别', '并不', '不太', '不是很', '不怎么', '毫不'];

const enNegative = [
  'angry', 'upset', 'frustrated', 'frustrating', 'unacceptable', 'ridiculous', 'terrible', 'awful', 'worst',
  'disappointed', 'disappointing', 'annoyed', 'annoying', 'complaint', 'complain', 'worried', 'concerned', 'scam',
  'useless', 'horrible', 'hate', 'furious', 'outrageous', 'disgusted', 'fed up', 'nightmare', 'rude', 'unfair',
  'stressed', 'confused', 'poor', 'bad',
];
const enPositive = [
  'thank', 'thanks', 'great', 'appreciate', 'appreciated', 'perfect', 'helpful', 'happy', 'glad', 'awesome',
  'excellent', 'wonderful', 'resolved', 'good', 'fantastic', 'relieved', 'amazing', 'love', 'brilliant',
];
const enNegators = new Set(['not', 'no', 'never', "don't", "didn't", "doesn't", "isn't", "wasn't", "aren't", "won't", 'hardly', 'nothing', 'without']);

const zhLexicon: [string, number][] = [
  ...zhNegative.map((word): [string, number] => [word, -1]),
  ...zhPositive.map((word): [string, number] => [word, 1]),
].sort((left, right) => right[0].length - left[0].length);
const enLexicon = new Map<string, number>([
  ...enNegative.map((word): [string, number] => [word, -1]),
  ...enPositive.map((word): [string, number] => [word, 1]),
]);

function zhScore(text: string): number {
  let score = 0;
  let index = 0;
  while (index < text.length) {
    const entry = zhLexicon.find(([word]) => text.startsWith(word, index));
    if (!entry) {
      index += 1;
      continue;
    }
    const [word, polarity] = entry;
    const before = text.slice(Math.max(0, index - 3), index);
    // "不满" already carries its negation; flipping applies to a negator in front of a plain word.
    const negated = zhNegators.some((negator) => before.endsWith(negator));
    score += negated ? -polarity : polarity;
    index += word.length;
  }
  return score;
}

function enScore(text: string): number {
  // A negator reaches only within its clause: "not angry, just confused" is still confused.
  return text.split(/[,.;:!?]+/u).reduce((sum, clause) => sum + enClauseScore(clause), 0);
}

function enClauseScore(text: string): number {
  const tokens = text.match(/[a-z]+(?:'[a-z]+)?/gu) ?? [];
  let score = 0;
  for (const [index, token] of tokens.entries()) {
    const pair = index + 1 < tokens.length ? `${token} ${tokens[index + 1]}` : '';
    const polarity = enLexicon.get(pair) ?? enLexicon.get(token);
    if (polarity === undefined) continue;
    // "Good morning" is a greeting, not a mood.
    if (token === 'good' && /^(morning|afternoon|evening|night|day)$/u.test(tokens[index + 1] ?? '')) continue;
    const window = tokens.slice(Math.max(0, index - 3), index);
    const negated = window.some((word) => enNegators.has(word) || word.endsWith("n't"));
    score += negated ? -polarity : polarity;
  }
  return score;
}

/** Lexicon score of folded (lower-cased) text: > 0 positive, < 0 negative. Negators within a few characters/words flip. */
export function sentimentScore(foldedText: string): number {
  return zhScore(foldedText) + enScore(foldedText);
}

export function sentimentOf(foldedTexts: readonly string[]): Sentiment {
  const total = foldedTexts.reduce((sum, text) => sum + sentimentScore(text), 0);
  if (total > 0) return 'positive';
  if (total < 0) return 'negative';
  return 'neutral';
}
