import type { SearchResult } from '../retrieval/hybrid-search.js';
import { memoizeByText } from '../text/memoize-by-text.js';
import { lexicalTokens } from '../text/segment-text.js';
import { passageCoverageThreshold } from './answer-relevance.js';
import { handoverReply } from './approved-wording.js';
import { coverageOf, queryTerms, TermIndex, type Coverage, type QueryTerm, type TermRarity } from './query-terms.js';
import { joinSentences, splitReplySentences } from './reply-sentences.js';
import { renderTables } from './table-sentences.js';

/** One reply built from approved wording, with the passage it came from (none for the hand-over). */
export interface ExtractiveReply {
  text: string;
  sentences: string[];
  passage?: SearchResult;
  /** A hand-over: offered only when no answer is shown. */
  fallback?: boolean;
}

export interface ExtractiveOptions {
  query: string;
  passages: readonly SearchResult[];
  /** Tokens most of the knowledge base contains (from the search): sharing them shows no relevance. */
  commonTokens?: readonly string[];
  language: 'zh' | 'en';
  /** Plain wording for vulnerable and elderly customers: at most two short sentences, no lists. */
  plain: boolean;
  /** How rare each word is in the base: coverage weighs a rare (or never seen) word more than a common one. */
  rarity?: TermRarity;
  /** A spoken word the base never uses, read as its part the base uses (text/base-word.ts). */
  baseWord?: (word: string) => string;
}

// Question filler that says nothing about the topic: matching it would make any passage look relevant.
const fillerTokens = new Set([
  '一下', '我想', '想问', '问一', '请问', '你好', '您好', '可以', '怎么', '什么', '这个', '那个', '我们', '你们', '就是', '是不', '不是',
  '一个', '现在', '还是', '的话', '知道', '告诉', '帮我', '我要', '需要', '有没', '没有', '为什', '为什么', '问题', '了解', '谢谢',
  'please', 'would', 'could', 'like', 'want', 'know', 'tell', 'about', 'have', 'there', 'any', 'hi', 'hello', 'thank', 'thanks', 'need', 'just', 'not', 'no',
]);

// Every retrieved passage is tokenised for the approved-wording check, turn after turn: once per text is enough.
const topicTokensOnce = memoizeByText((text) => new Set(lexicalTokens(text).filter((token) => !fillerTokens.has(token))), 2_000);

/** The topic tokens of a text: lexical tokens minus question filler. */
export function topicTokens(text: string): ReadonlySet<string> {
  return topicTokensOnce(text);
}

/** Share of the query's topic tokens that a text contains (0..1), and how many. */
export function overlapWith(queryTokens: ReadonlySet<string>, text: string): { count: number; ratio: number } {
  if (queryTokens.size === 0) return { count: 0, ratio: 0 };
  let count = 0;
  for (const token of topicTokens(text)) if (queryTokens.has(token)) count += 1;
  return { count, ratio: count / queryTokens.size };
}


const quoted = /[“"]([^”"]{4,})[”"]/gu;
const quotedWording = /[“"「][^”"」]{2,}[”"」]/u;
const prohibition = /不得|禁止|严禁|切勿|不要说|不准|never|must not|do not|don't/iu;
// Wording an agent must not use, quoted as a counter-example: never sayable, whatever the quotes suggest.
const counterExample = /never say|do not say|don't say|avoid saying|must not say|不得说|不要说|禁止说|禁止用语|禁用语|反例|勿用/iu;
const counterExampleHeading = /^(avoid|don'?t|do not|never)\b|禁止|反例|勿用/iu;

/**
 * The sayable sentences of a chunk: no breadcrumb line, no headings, tables, FAQ questions or list markers.
 * Scripts hold approved wording in quotes, so when a script line has quotes only the quoted words are kept.
 */
export function passageSentences(passage: SearchResult): string[] {
  // Read by the relevance check, the composer and the sentence answer, for each search that returns the passage.
  return [...passageSentencesOnce(JSON.stringify([passage.kind, passage.language, passage.headingPath, passage.text]))];
}

const passageSentencesOnce = memoizeByText((key) => {
  const [kind, language, headingPath, text] = JSON.parse(key) as [SearchResult['kind'], string, string[], string];
  return sayableSentences({ kind, language, headingPath, text });
}, 2_000);

function sayableSentences(passage: Pick<SearchResult, 'kind' | 'language' | 'headingPath' | 'text'>): string[] {
  if (passage.headingPath.some((heading) => counterExampleHeading.test(heading.trim()))) return [];
  const lines = passage.text.split('\n');
  const breadcrumb = passage.headingPath.join(' > ');
  if (lines.length > 1 && breadcrumb && lines[0]?.trim() === breadcrumb) lines.shift();
  const kept: string[] = [];
  // A table row is said with its column names ("申购费：A类0.60%，C类0。"), never as a flattened row.
  for (const raw of renderTables(lines, passage.language === 'en' ? 'en' : 'zh')) {
    let line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith('|') || /^[-=*_]{3,}$/u.test(line) || /^(Q|问)\s*[:：]/u.test(line) || counterExample.test(line)) continue;
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
  // A sentence that quotes wording in order to forbid it ("不得以“…”推诿") is a rule about speech, never speech.
  return splitReplySentences(kept.join('\n')).filter((sentence) => sentence.length >= 4 && !/[:：]$/u.test(sentence) && !(quotedWording.test(sentence) && prohibition.test(sentence)));
}

function isListLike(sentence: string): boolean {
  return (sentence.match(/[、；;|]/gu) ?? []).length >= 3 || (sentence.match(/[，,]/gu) ?? []).length >= 5;
}

/** A table row flattened into a line ("Card | Covers transactions up to | Maximum"): a last resort, never the lead. */
function isTableRow(sentence: string): boolean {
  return (sentence.match(/\|/gu) ?? []).length >= 2;
}

/** What a passage is about: its document title, heading path and, for an FAQ, the questions it answers. */
function aboutText(passage: SearchResult): string {
  const questions = passage.text.split('\n').filter((line) => /^\s*(Q|问)\s*[:：]/u.test(line));
  return [passage.title, ...passage.headingPath, ...questions].join('\n');
}

function latestTerms(terms: readonly QueryTerm[]): QueryTerm[] {
  return terms.filter((term) => term.latest);
}

// Rules and notes written for agents ("介绍利率时必须说…"): true, but not what the agent says to the customer.
const agentHeading = /坐席|客服人员须|agent notes?|for agents|internal/iu;

function isAgentFacing(passage: SearchResult): boolean {
  return passage.kind === 'compliance' || passage.headingPath.some((heading) => agentHeading.test(heading));
}

interface Candidate {
  passage: SearchResult;
  coverage: Coverage;
  /** Answers the question on its own: it holds every content word (bar one in a long question) and is about them. */
  strict: boolean;
  /** The FAQ's own questions cover the customer's: its answer, from the top, is the reply. */
  faqMatch: boolean;
  /** The question's terms the title, headings and FAQ questions leave open: what the answer sentences must say. */
  open: QueryTerm[];
}

/** Content words a passage may lack: none in a short question, one in four in a longer one (wording differs). */
function allowedMisses(contentWords: number): number {
  return Math.floor(contentWords / 4);
}

/**
 * Below this weighted share of the question's terms a passage is not about the question: the cut-off fitted on
 * labelled bank FAQ data (bench/fit-passage-coverage.ts, stored in passage-coverage.json).
 */
const minimumCoverage = (weighted: boolean): number => passageCoverageThreshold(weighted);
/** Once one passage answers the question, others may lack one more content word: they add a second angle. */
const minimumCompanionCoverage = (weighted: boolean): number => passageCoverageThreshold(weighted) * 0.8;

function assess(passage: SearchResult, terms: readonly QueryTerm[], rarity?: TermRarity): Candidate | undefined {
  const content = terms.filter((term) => term.latest && term.weight >= 1);
  const about = new TermIndex(aboutText(passage));
  const coverage = coverageOf(terms, new TermIndex(`${passage.title}\n${passage.text}`), rarity);
  const isFaq = passage.kind === 'faq';
  // A passage that names none of the question's content words in its title, headings or FAQ questions, and has no
  // sentence holding two of them together, only mentions them in passing ("travel" in a list of purposes, "insurance" in a list
  // of exclusions): it is about something else. An FAQ answer is one short answer to one topic, so it is exempt.
  const named = content.length === 0 || isFaq || content.some((term) => about.has(term.term));
  const together = Math.min(2, content.length);
  const focused = named || passageSentences(passage).some((sentence) => coverageOf(content, new TermIndex(sentence)).covered >= together);
  if (!focused) return undefined;
  const allowed = allowedMisses(content.length);
  // A long question misses more of its words in any one passage: two content words held together still answer it.
  const strict = coverage.ratio >= minimumCoverage(rarity !== undefined) && (coverage.missing.length <= allowed || coverage.covered >= 2);
  const companion = named && coverage.ratio >= minimumCompanionCoverage(rarity !== undefined) && coverage.missing.length <= allowed + 1 && coverage.missing.length < content.length;
  if (!strict && !companion) return undefined;
  const faqCoverage = isFaq ? coverageOf(latestTerms(terms), about) : undefined;
  const open = terms.filter((term) => !about.has(term.term));
  return { passage, coverage, strict, open, faqMatch: faqCoverage !== undefined && faqCoverage.ratio >= 0.7 };
}

function compose(candidate: Candidate, terms: readonly QueryTerm[], options: ExtractiveOptions): (ExtractiveReply & { score: number; tier: number }) | undefined {
  const { passage } = candidate;
  const maxSentences = options.plain ? 2 : 3;
  const maxCharacters = options.language === 'zh' ? (options.plain ? 70 : 130) : options.plain ? 180 : 340;
  // Sentences are chosen for what the passage's title does not already say ("risk level" in the sheet of the fund
  // the customer named), and scored on all terms when the title says it all.
  const texts = passageSentences(passage);
  const indexes = texts.map((text) => new TermIndex(text));
  const seeksOpen = candidate.open.length > 0 && indexes.some((index) => index.hasAny(candidate.open));
  const sought = seeksOpen ? candidate.open : terms;
  let sentences = texts.map((text, position) => {
    const coverage = coverageOf(sought, indexes[position] as TermIndex);
    // Table rows carry figures without a verb: only when no sentence says anything about the question.
    return { text, position, score: isTableRow(text) ? coverage.ratio / 4 : coverage.ratio };
  });
  if (options.plain) {
    const simple = sentences.filter((sentence) => !isListLike(sentence.text) && sentence.text.length <= maxCharacters);
    if (simple.length > 0) sentences = simple;
  }
  if (sentences.length === 0) return undefined;
  let ranked: typeof sentences;
  if (candidate.faqMatch) {
    // The answer to the question the customer asked, in its own order: its first sentence is the direct answer.
    ranked = [...sentences];
  } else {
    const relevant = sentences.filter((sentence) => sentence.score > 0);
    const prose = sentences.filter((sentence) => !isTableRow(sentence.text));
    ranked = (relevant.length > 0 ? relevant : (prose.length > 0 ? prose : sentences).slice(0, 1)).sort((left, right) => right.score - left.score || left.position - right.position);
  }
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
  const ordered = chosen.sort((left, right) => left.position - right.position);
  const reply = ordered.map((sentence) => sentence.text);
  const prose = reply.filter((text) => !isTableRow(text));
  const hasTable = prose.length < reply.length;
  const said =
    candidate.open.length > 0
      ? Math.max(coverageOf(candidate.open, new TermIndex(prose.join('\n'))).ratio, hasTable ? coverageOf(candidate.open, new TermIndex(reply.join('\n'))).ratio / 4 : 0)
      : candidate.faqMatch
        ? 1
        : 0.5;
  // The chunk's own heading (or FAQ questions) naming the question's terms says the chunk is about them, not the
  // document around it ("Early repayment" in a script titled after APRs).
  const section = [passage.headingPath.at(-1) ?? '', ...passage.text.split('\n').filter((line) => /^\s*(Q|问)\s*[:：]/u.test(line))].join('\n');
  const sectionCoverage = coverageOf(latestTerms(terms), new TermIndex(section)).ratio;
  const score =
    candidate.coverage.ratio + said / 2 + sectionCoverage * 0.3 + (candidate.faqMatch ? 0.3 : 0) + (passage.kind === 'script' ? 0.1 : 0) - (hasTable ? 0.3 : 0);
  // A flattened table row ("期限 | 年利率 | 0.90%") is not something an agent can say: such a reply is not offered.
  if (prose.length === 0) return undefined;
  const tier = isAgentFacing(passage) ? 1 : 0;
  return { text: joinSentences(options.language, reply), sentences: reply, passage, score, tier };
}

/** The hand-over reply as an extractive reply: no passage, so no citation. */
export function handoverCandidate(language: 'zh' | 'en'): ExtractiveReply {
  const text = handoverReply(language);
  return { text, sentences: splitReplySentences(text) };
}

/**
 * Deterministic replies from the retrieved passages, best first, one per passage and preferring distinct
 * documents; the hand-over reply closes the list (and is all there is when nothing relevant was retrieved).
 * A passage is relevant when it holds the question's content words (not its filler, not what most of the base
 * contains) and is about them; replies are ranked by how much of the question they cover and say, an FAQ asking
 * the same question and approved wording first. The caller takes as many as it needs and keeps the rest as
 * compliant replacements.
 */
export function composeExtractiveReplies(options: ExtractiveOptions): ExtractiveReply[] {
  let terms = queryTerms(options.query, options.commonTokens, options.baseWord);
  // A follow-up with no content word of its own ("那怎么办？") is about what the earlier turns asked.
  if (!terms.some((term) => term.latest && term.weight >= 1)) terms = terms.map((term) => ({ ...term, latest: true }));
  const assessed = terms.length === 0 ? [] : options.passages.flatMap((passage) => assess(passage, terms, options.rarity) ?? []);
  // Companions only join a passage that answers the question by itself: without one the question is not in the base.
  const candidates = assessed.some((candidate) => candidate.strict) ? assessed : [];
  const composed = candidates
    .flatMap((candidate) => compose(candidate, terms, options) ?? [])
    .map((reply, order) => ({ reply, order }))
    // Notes written for agents, then bare table rows, never lead while a passage says it to the customer in words.
    .sort((left, right) => left.reply.tier - right.reply.tier || right.reply.score - left.reply.score || left.order - right.order)
    .map(({ reply }) => reply);
  const seenDocuments = new Set<string>();
  const firstPass: ExtractiveReply[] = [];
  const secondPass: ExtractiveReply[] = [];
  const seenTexts = new Set<string>();
  for (const { score: _score, tier: _tier, ...reply } of composed) {
    if (seenTexts.has(reply.text)) continue;
    seenTexts.add(reply.text);
    const documentId = reply.passage?.documentId ?? '';
    (seenDocuments.has(documentId) ? secondPass : firstPass).push(reply);
    seenDocuments.add(documentId);
  }
  return [...firstPass, ...secondPass, handoverCandidate(options.language)];
}
