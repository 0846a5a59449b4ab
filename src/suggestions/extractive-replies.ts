import type { SearchResult } from '../retrieval/hybrid-search.js';
import { lexicalTokens } from '../text/segment-text.js';
import { handoverReply } from './approved-wording.js';
import { joinSentences, splitReplySentences } from './reply-sentences.js';

/** One reply built from approved wording, with the passage it came from (none for the hand-over). */
export interface ExtractiveReply {
  text: string;
  sentences: string[];
  passage?: SearchResult;
}

export interface ExtractiveOptions {
  query: string;
  passages: readonly SearchResult[];
  /** Tokens most of the knowledge base contains (from the search): sharing them shows no relevance. */
  commonTokens?: readonly string[];
  language: 'zh' | 'en';
  /** Plain wording for vulnerable and elderly customers: at most two short sentences, no lists. */
  plain: boolean;
}

// Question filler that says nothing about the topic: matching it would make any passage look relevant.
const fillerTokens = new Set([
  '一下', '我想', '想问', '问一', '请问', '你好', '您好', '可以', '怎么', '什么', '这个', '那个', '我们', '你们', '就是', '是不', '不是',
  '一个', '现在', '还是', '的话', '知道', '告诉', '帮我', '我要', '需要', '有没', '没有', '为什', '为什么', '问题', '了解', '谢谢',
  'please', 'would', 'could', 'like', 'want', 'know', 'tell', 'about', 'have', 'there', 'any', 'hi', 'hello', 'thank', 'thanks', 'need', 'just', 'not', 'no',
]);

/** The topic tokens of a text: lexical tokens minus question filler. */
export function topicTokens(text: string): Set<string> {
  return new Set(lexicalTokens(text).filter((token) => !fillerTokens.has(token)));
}

/** Share of the query's topic tokens that a text contains (0..1), and how many. */
export function overlapWith(queryTokens: ReadonlySet<string>, text: string): { count: number; ratio: number } {
  if (queryTokens.size === 0) return { count: 0, ratio: 0 };
  let count = 0;
  for (const token of topicTokens(text)) if (queryTokens.has(token)) count += 1;
  return { count, ratio: count / queryTokens.size };
}

/** Below this a passage is not about the question: the hand-over is safer than an answer that misses. */
const minimumOverlapCount = 2;
const minimumOverlapRatio = 0.12;

const quoted = /[“"]([^”"]{4,})[”"]/gu;

/**
 * The sayable sentences of a chunk: no breadcrumb line, no headings, tables, FAQ questions or list markers.
 * Scripts hold approved wording in quotes, so when a script line has quotes only the quoted words are kept.
 */
export function passageSentences(passage: SearchResult): string[] {
  const lines = passage.text.split('\n');
  const breadcrumb = passage.headingPath.join(' > ');
  if (lines.length > 1 && breadcrumb && lines[0]?.trim() === breadcrumb) lines.shift();
  const kept: string[] = [];
  for (const raw of lines) {
    let line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith('|') || /^[-=*_]{3,}$/u.test(line) || /^(Q|问)\s*[:：]/u.test(line)) continue;
    line = line
      .replace(/^>\s*/u, '')
      .replace(/^(?:[-*+•]|\d+[.)、])\s+/u, '')
      .replace(/^(A|答)\s*[:：]\s*/u, '')
      .replace(/\*\*|__|`/gu, '');
    if (passage.kind === 'script') {
      const spoken = [...line.matchAll(quoted)].map((match) => (match[1] ?? '').trim());
      if (spoken.length > 0) line = spoken.join(passage.language === 'en' ? ' ' : '');
    }
    kept.push(line);
  }
  return splitReplySentences(kept.join('\n')).filter((sentence) => sentence.length >= 4 && !/[:：]$/u.test(sentence));
}

function isListLike(sentence: string): boolean {
  return (sentence.match(/[、；;|]/gu) ?? []).length >= 3 || (sentence.match(/[，,]/gu) ?? []).length >= 5;
}

function compose(passage: SearchResult, queryTokens: ReadonlySet<string>, options: ExtractiveOptions): ExtractiveReply | undefined {
  const maxSentences = options.plain ? 2 : 3;
  const maxCharacters = options.language === 'zh' ? (options.plain ? 70 : 130) : options.plain ? 180 : 340;
  let sentences = passageSentences(passage).map((text, position) => ({ text, position, score: overlapWith(queryTokens, text).count }));
  if (options.plain) {
    const simple = sentences.filter((sentence) => !isListLike(sentence.text) && sentence.text.length <= maxCharacters);
    if (simple.length > 0) sentences = simple;
  }
  if (sentences.length === 0) return undefined;
  const relevant = sentences.filter((sentence) => sentence.score > 0);
  const ranked = (relevant.length > 0 ? relevant : sentences.slice(0, 1)).sort((left, right) => right.score - left.score || left.position - right.position);
  const chosen: typeof ranked = [];
  let length = 0;
  for (const sentence of ranked) {
    if (chosen.length >= maxSentences) break;
    if (chosen.length > 0 && length + sentence.text.length > maxCharacters) continue;
    chosen.push(sentence);
    length += sentence.text.length;
  }
  // A lone short sentence ("会有亏损的可能。") reads curt: the sentence after it usually says why.
  const only = chosen.length === 1 ? chosen[0] : undefined;
  const follower = only ? sentences.find((sentence) => sentence.position === only.position + 1) : undefined;
  if (only && follower && maxSentences > 1 && only.text.length < (options.language === 'zh' ? 20 : 60) && length + follower.text.length <= maxCharacters) {
    chosen.push(follower);
  }
  const ordered = chosen.sort((left, right) => left.position - right.position).map((sentence) => sentence.text);
  return { text: joinSentences(options.language, ordered), sentences: ordered, passage };
}

/** The hand-over reply as an extractive reply: no passage, so no citation. */
export function handoverCandidate(language: 'zh' | 'en'): ExtractiveReply {
  const text = handoverReply(language);
  return { text, sentences: splitReplySentences(text) };
}

/**
 * Deterministic replies from the retrieved passages, best first, one per passage and preferring distinct
 * documents; the hand-over reply closes the list (and is all there is when nothing relevant was retrieved).
 * The caller takes as many as it needs and keeps the rest as compliant replacements.
 */
export function composeExtractiveReplies(options: ExtractiveOptions): ExtractiveReply[] {
  const queryTokens = topicTokens(options.query);
  for (const token of options.commonTokens ?? []) queryTokens.delete(token);
  const relevant = options.passages.filter((passage) => {
    const overlap = overlapWith(queryTokens, passage.text);
    return overlap.count >= minimumOverlapCount && overlap.ratio >= minimumOverlapRatio;
  });
  const seenDocuments = new Set<string>();
  const firstPass: SearchResult[] = [];
  const secondPass: SearchResult[] = [];
  for (const passage of relevant) {
    (seenDocuments.has(passage.documentId) ? secondPass : firstPass).push(passage);
    seenDocuments.add(passage.documentId);
  }
  const replies: ExtractiveReply[] = [];
  const seenTexts = new Set<string>();
  for (const passage of [...firstPass, ...secondPass]) {
    const reply = compose(passage, queryTokens, options);
    if (!reply || seenTexts.has(reply.text)) continue;
    seenTexts.add(reply.text);
    replies.push(reply);
  }
  replies.push(handoverCandidate(options.language));
  return replies;
}
