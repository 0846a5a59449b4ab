import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { englishWordClasses } from '../text/english-word-classes.js';
import { memoizeByText } from '../text/memoize-by-text.js';
import { englishRoot, foldText, lexicalTokens, searchTokens, words } from '../text/segment-text.js';

/**
 * The content words of a customer question, for judging whether a passage answers it: what the question is
 * about (nouns, named things, the action asked about), without the words every question or every passage has.
 * A passage that misses one of them ("bitcoin", "特斯拉", "车险") is about something else.
 */
export interface QueryTerm {
  term: string;
  /** 1 for a content word; less for generic verbs and single Chinese characters, which say little. */
  weight: number;
  /** From the latest customer turn (the question) rather than an earlier one (its context). */
  latest: boolean;
}

// Question words, pronouns, politeness and the bank's own name: every question has them, so they show no topic.
const fillerWords = new Set([
  // zh
  '你们', '我们', '他们', '你', '您', '我', '他', '她', '它', '的', '了', '吗', '呢', '吧', '啊', '呀', '嘛', '是', '有', '在', '要', '想', '能', '会',
  '可以', '可不可以', '能不能', '是不是', '有没有', '怎么', '怎么办', '怎样', '怎么样', '如何', '什么', '什么时候', '时候', '多少', '多久', '多长', '几', '哪',
  '哪里', '哪些', '哪个', '为什么', '为啥', '请问', '问问', '一下', '现在', '今天', '这个', '那个', '这些', '那些', '这里', '那里', '这', '那', '还是', '就是',
  '一个', '一张', '一笔', '银行', '蓝海', '本行', '贵行', '你好', '您好', '谢谢', '知道', '告诉', '帮', '帮我', '我要', '我想', '想要', '需要', '如果',
  '但是', '因为', '所以', '已经', '还', '都', '也', '就', '又', '和', '跟', '与', '或', '或者', '把', '被', '让', '给', '对', '从', '到', '里', '上', '下',
  '个', '些', '吧', '嗯', '喂', '好', '好的', '对吧', '么', '呗', '没', '不', '没有', '不是', '一', '下', '说', '问', '请', '麻烦', '那么', '这么',
  // en
  'how', 'much', 'many', 'what', 'when', 'where', 'which', 'who', 'whom', 'why', 'can', 'could', 'would', 'should', 'may', 'might', 'must', 'shall',
  'will', 'do', 'doe', 'does', 'did', 'done', 'is', 'am', 'are', 'was', 'were', 'be', 'been', 'being', 'have', 'ha', 'has', 'had', 'i', 'me', 'my',
  'mine', 'you', 'your', 'we', 'us', 'our', 'they', 'them', 'their', 'he', 'she', 'his', 'her', 'it', 'its', 'this', 'that', 'these', 'those',
  'there', 'here', 'so', 'too', 'very', 'also', 'just', 'only', 'really', 'please', 'thank', 'thanks', 'hi', 'hello', 'ok', 'okay', 'yes', 'no',
  'not', 'any', 'some', 'all', 'each', 'every', 'more', 'most', 'less', 'get', 'got', 'want', 'need', 'like', 'know', 'tell', 'ask', 'asked', 'say',
  'said', 'about', 'through', 'via', 'into', 'onto', 'over', 'under', 'after', 'before', 'then', 'than', 'still', 'yet', 'again', 'now', 'today',
  'anything', 'something', 'someone', 'somebody', 'anyone', 'thing', 'way', 'lanhai', 'bank', 're', 've', 'll', 'don', 'doesn', 'didn', 'isn', 'aren',
  'wa', 'dear', 'sir', 'madam', 'wondering', 'question', 'happen', 'happens', 'happened', 'possible', 'able', 'one',
  '们', '会不会', '要不要', '是否', '能否', '以后', '之后', '以前', '有个', '不想', '事', '事情', '问题', '了解', '咨询', '情况', '别的', '其他', '其它', '最多', '最少', '一般', '大概', '具体',
]);

// Verbs that go with any product ("buy", "办"): they show what is asked, not what it is about.
const genericWords = new Set([
  'money', 'buy', 'buying', 'bought', 'sell', 'selling', 'sold', 'paid', 'open', 'apply', 'use', 'pay', 'send', 'make', 'take', 'give', 'call', 'called', 'calling', 'saying', 'change', 'offer', 'provide',
  'issue', 'work', 'help', 'find', 'check', 'sign', 'go', 'come', 'put', 'keep', 'let', 'see', 'look', 'try', 'set', 'long', 'new', 'time', 'year', 'day',
  'month', 'week', 'good', 'best', 'right', 'available', 'able', 'allowed', 'cost', 'price', 'charge',
  '买', '卖', '办', '办理', '申请', '开', '开通', '用', '使用', '付', '交', '做', '弄', '拿', '找', '看', '查', '查询', '换', '取', '存', '借', '还款',
  '提供', '支持', '推荐', '介绍', '收', '费用', '时间', '年', '月', '天', '日', '每年', '每月', '每天', '一天', '一年', '一个月', '当天', '当日',
  // Who the money is for is context, not the topic ("给儿子转账").
  '儿子', '女儿', '孩子', '父母', '爸爸', '妈妈', '老公', '老婆', '家人', '朋友', '亲戚', 'son', 'daughter', 'child', 'children', 'kid', 'parent',
  'mother', 'father', 'mum', 'mom', 'dad', 'wife', 'husband', 'friend', 'family', 'relative',
]);

let equivalentGroups: Map<string, readonly string[]> | undefined;
let groupList: (readonly string[])[] = [];
/** How a place named abroad is read (term-equivalents.yaml `places`): as the word `readAs`, unless it is at home. */
let foreignPlaces: { readAs: string; home: ReadonlySet<string> } | undefined;

/** The group of words that say the same as `term` (term-equivalents.yaml next to this file), by the word or its English root. */
function equivalentsOf(term: string): readonly string[] {
  if (!equivalentGroups) {
    const checked = z
      .object({ groups: z.array(z.array(z.string().min(1)).min(2)), places: z.object({ readAs: z.string().min(1), home: z.array(z.string().min(1)) }).optional() })
      .safeParse(parse(readFileSync(new URL('./term-equivalents.yaml', import.meta.url), 'utf8')));
    if (!checked.success) throw new Error(`term-equivalents.yaml: ${checked.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
    equivalentGroups = new Map();
    groupList = [];
    const places = checked.data.places;
    if (places && !checked.data.groups.some((group) => group.some((word) => foldText(word) === foldText(places.readAs)))) {
      throw new Error(`term-equivalents.yaml: places.readAs "${places.readAs}" is in no group`);
    }
    foreignPlaces = places ? { readAs: foldText(places.readAs), home: new Set(places.home.flatMap((place) => foldText(place).split(/\s+/u))) } : undefined;
    for (const group of checked.data.groups) {
      const folded = group.map((word) => foldText(word));
      groupList.push(folded);
      for (const word of folded) {
        equivalentGroups.set(word, folded);
        if (!cjk.test(word)) equivalentGroups.set(`root:${englishRoot(word)}`, folded);
      }
    }
  }
  if (cjk.test(term)) return equivalentGroups.get(term) ?? [term];
  // A plural as said ("charges") meets its group by the singular's root.
  const singular = term.length > 3 && term.endsWith('s') && !term.endsWith('ss') ? term.slice(0, -1) : term;
  return equivalentGroups.get(term) ?? equivalentGroups.get(`root:${englishRoot(term)}`) ?? equivalentGroups.get(`root:${englishRoot(singular)}`) ?? [term];
}

const cjk = /[\u3400-\u9fff]/u;

/** 1 for a content word; 0.5 for a generic verb, a single Chinese character or a bare number, which say little. */
export function termWeight(term: string): number {
  return weightOf(term);
}

function weightOf(term: string): number {
  if (genericWords.has(term) || genericWords.has(englishRoot(term))) return 0.5;
  if (cjk.test(term) && term.length === 1) return 0.5;
  if (/^\d+(?:[.,]\d+)?%?$/u.test(term)) return 0.5;
  return 1;
}

/** English words split at hyphens ("90-day" -> 90, day) so "90-Day" in a question meets "90 days" in a passage. */
function units(text: string): string[] {
  return words(text).flatMap((word) => (cjk.test(word) ? [word] : word.split(/[-_.]+/u).filter((part) => part.length > 0)));
}

// Jieba glues a leading pronoun or modal to the next character in unfamiliar text ("我订", "想开", "能帮"): what
// is left after it is the word, usually one character, which counts little.
const leadingFiller = /^[我你您想能要帮去把给让请被那这]+/u;
const trailingFiller = /[能吗呢吧啊了的]+$/u;
// ... or glues a verb or particle after it ("犹豫期有多长" -> 犹豫, 期有, 多长).
const trailingParticle = /[有是的了吗呢吧啊能要]$/u;

/**
 * Content terms of the retrieval query (latest customer turn first, one turn a line), without filler and
 * without `commonTokens` (what most of the knowledge base contains). `baseWord`, given, reads a spoken word the base
 * never uses as its part the base does use (text/base-word.ts), before filler is dropped: "能退" is 退, "问问" is filler.
 */
export function queryTerms(query: string, commonTokens: readonly string[] = [], baseWord?: (word: string) => string): QueryTerm[] {
  const common = new Set(commonTokens);
  const terms = new Map<string, QueryTerm>();
  const add = (text: string, latest: boolean): void => {
    for (const said of units(text)) {
      const word = baseWord && cjk.test(said) && !fillerWords.has(said) ? baseWord(said) : said;
      const unit = !cjk.test(word) || fillerWords.has(word) ? word : word.length === 2 ? word.replace(leadingFiller, '').replace(trailingParticle, '') : word.replace(trailingFiller, '');
      if (!unit || fillerWords.has(unit) || common.has(unit) || (!cjk.test(unit) && unit.length < 2 && !/\d/u.test(unit))) continue;
      const known = terms.get(unit);
      if (known) {
        known.latest ||= latest;
        continue;
      }
      terms.set(unit, { term: unit, weight: weightOf(unit), latest });
    }
  };
  const [latest = '', ...earlier] = query.split('\n');
  // "这个理财保本吗？我不想亏钱。": the question is what must be answered; the rest of the turn is context.
  const sentences = latest.split(/(?<=[。！？!?；;])/u).filter((sentence) => sentence.trim());
  const questions = sentences.filter((sentence) => /[?？]\s*$|[吗呢]\s*[。！]?\s*$/u.test(sentence));
  for (const sentence of sentences) add(sentence, questions.length === 0 || questions.includes(sentence));
  for (const line of earlier) add(line, false);
  return [...terms.values()];
}


const chineseDigits: Record<string, string> = { 一: '1', 二: '2', 两: '2', 三: '3', 四: '4', 五: '5', 六: '6', 七: '7', 八: '8', 九: '9', 十: '10' };

// Passages write terms in figures ("1 year", "6 months"); customers say them in words ("one-year", "six months").
const englishDigits: Record<string, string> = { one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9', ten: '10', eleven: '11', twelve: '12' };

/** "三年期" as the passages write it ("3年期"): a one-character Chinese number before a unit. */
function withDigits(term: string): string {
  return term.replace(/[一二两三四五六七八九十](?=[年个天期月周日笔次万千])/gu, (digit) => chineseDigits[digit] ?? digit);
}

// The same passages and sentences are looked up in every search of a turn and again on the next turns: each text is
// folded and segmented once (the roots are only read, never changed).
const analyse = memoizeByText((text) => ({ folded: foldText(text), roots: new Set(units(text).filter((unit) => !cjk.test(unit)).map(englishRoot)) }), 5_000);

/** A text prepared once for looking up many terms. */
export class TermIndex {
  readonly #folded: string;
  readonly #roots: ReadonlySet<string>;

  constructor(text: string) {
    const analysed = analyse(text);
    this.#folded = analysed.folded;
    this.#roots = analysed.roots;
  }

  /** Chinese by substring (segmentation may differ), a compound by all its parts; English by root. */
  has(term: string): boolean {
    return equivalentsOf(term).some((candidate) => this.#hasExactly(candidate));
  }

  hasAny(terms: readonly QueryTerm[]): boolean {
    return terms.some((term) => this.has(term.term));
  }

  #hasExactly(term: string): boolean {
    if (!cjk.test(term)) return this.#hasLatin(term) || (term.includes('-') && term.split('-').every((part) => part.length > 0 && this.#hasLatin(part)));
    if (this.#folded.includes(term)) return true;
    const digits = withDigits(term);
    if (digits !== term && this.#folded.includes(digits)) return true;
    if (term.length < 3) return false;
    const parts = lexicalTokens(term, { bigrams: false }).filter((part) => part !== term);
    return parts.length > 0 && parts.every((part) => this.#folded.includes(part));
  }

  /** A Latin word by root, a figure as written, a small number word as its digits ("one-year" meets "1 year"). */
  #hasLatin(term: string): boolean {
    if (this.#roots.has(englishRoot(term)) || (/\d/u.test(term) && this.#folded.includes(term))) return true;
    const digits = englishDigits[term];
    return digits !== undefined && this.#roots.has(digits);
  }
}

export interface Coverage {
  /** Weighted share of the terms the text contains (0..1). */
  ratio: number;
  /** Content words (weight 1) of the latest turn that the text lacks. */
  missing: string[];
  covered: number;
}

export function coverageOf(terms: readonly QueryTerm[], index: TermIndex, rarity?: TermRarity): Coverage {
  let total = 0;
  let found = 0;
  let covered = 0;
  const missing: string[] = [];
  for (const term of terms) {
    const weight = (term.latest ? term.weight : term.weight / 2) * (rarity ? rarity(term.term) : 1);
    total += weight;
    if (index.has(term.term)) {
      found += weight;
      covered += 1;
    } else if (term.latest && term.weight >= 1) {
      missing.push(term.term);
    }
  }
  return { ratio: total > 0 ? found / total : 0, missing, covered };
}

/** How many passages of the knowledge base hold a search token, and how many passages there are (the BM25 index's counts). */
export interface TermStatistics {
  documents: number;
  documentFrequency(token: string): number;
}

/** How much a query term says about what is asked: its inverse document frequency in the knowledge base. */
export type TermRarity = (term: string) => number;

const cjkBigrams = (word: string): string[] => Array.from({ length: Math.max(0, word.length - 1) }, (_unused, index) => word.slice(index, index + 2));

/**
 * Passages holding a term: for a Chinese word, the fewest passages holding one of its character bigrams (the index
 * keeps bigrams whatever jieba made of the word); for other words, of their search tokens; any equivalent counts.
 */
function frequencyIn(term: string, statistics: TermStatistics): number {
  return Math.max(...equivalentsOf(term).map((candidate) => ownFrequency(candidate, statistics)));
}

/** Passages holding exactly this word (not its equivalents). */
function ownFrequency(word: string, statistics: TermStatistics): number {
  const folded = foldText(withDigits(word));
  const tokens = cjk.test(folded) && /^[\u3400-\u9fff]+$/u.test(folded) && folded.length >= 2 ? cjkBigrams(folded) : searchTokens(folded);
  return tokens.length === 0 ? 0 : Math.min(...tokens.map((token) => statistics.documentFrequency(token)));
}

/** Words the base uses for one thing a customer says, at most this many per thing: the search stays about the question. */
const baseWordsPerGroup = 2;

const baseWordingSchema = z.object({ rareShare: z.number().min(0).max(1), fittedOn: z.string(), measure: z.string() });
let readCutOffs: z.infer<typeof baseWordingSchema> | undefined;

/**
 * When a customer's word counts as said in other words although the base uses it (base-wording.json next to this file,
 * fitted by bench/fit-base-wording.ts): when the base uses it in fewer passages than `rareShare` times its most used
 * word for the same thing ("send" in 5 passages, "transfer" in 28). Read once, at first use.
 */
export function baseWordingCutOffs(): z.infer<typeof baseWordingSchema> {
  if (!readCutOffs) {
    const checked = baseWordingSchema.safeParse(JSON.parse(readFileSync(new URL('./base-wording.json', import.meta.url), 'utf8')));
    if (!checked.success) throw new Error(`base-wording.json: ${checked.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
    readCutOffs = checked.data;
  }
  return readCutOffs;
}

/** What a customer said in words the base never uses, and the base's own words for it. */
export interface BaseWording {
  /** The customer's words, as the equivalents list has them ("罚我", "wipe out"). */
  said: string[];
  /** The base's words for the same thing, most used first. */
  base: string[];
}

/**
 * The knowledge base's own words for what a text says in words the base never uses ("罚我钱" -> 违约金, "wipe out the
 * loan" -> repay, "my son in Toronto" -> abroad): a search for the customer's word alone finds nothing, the base's word
 * finds the passage. A word the base uses in fewer passages than `rareShare` times its own word counts as unused too
 * (base-wording.json; the fit keeps it at 0: the hand-written families hold words such as "clear" and "gone" that the
 * base uses in other senses). A thing the customer already says in a word the base uses needs nothing added. From
 * term-equivalents.yaml, in any language.
 */
export function baseWordings(text: string, statistics: TermStatistics, rareShare = baseWordingCutOffs().rareShare): BaseWording[] {
  equivalentsOf('');
  const folded = foldText(text);
  // The words said, by root: a group's word is said in any of its forms ("cashing" by "cash").
  const spoken = new Map<string, string[]>();
  for (const unit of units(text).filter((candidate) => !cjk.test(candidate))) spoken.set(englishRoot(unit), [...(spoken.get(englishRoot(unit)) ?? []), unit]);
  const says = (word: string): boolean => (cjk.test(word) ? folded.includes(word) : word.includes(' ') ? folded.includes(word) : spoken.has(englishRoot(word)));
  // How much the base uses what the customer said: the form said counts, not only the group's form of it ("cash" is
  // in most fee passages even though "cashing" is in none).
  const use = (word: string): number => Math.max(ownFrequency(word, statistics), ...(cjk.test(word) || word.includes(' ') ? [] : (spoken.get(englishRoot(word)) ?? []).map((form) => ownFrequency(form, statistics))));
  const abroad = placesAbroad(text, statistics);
  const wordings: BaseWording[] = [];
  for (const group of groupList) {
    const said = [...group.filter(says), ...(foreignPlaces && group.includes(foreignPlaces.readAs) ? abroad : [])];
    if (said.length === 0) continue;
    const saidUse = Math.max(...said.map(use));
    // Only words the base uses more than the customer's: the base's own word for the thing, not a rarer synonym.
    const used = group.filter((word) => !said.includes(word) && ownFrequency(word, statistics) > saidUse);
    used.sort((left, right) => ownFrequency(right, statistics) - ownFrequency(left, statistics));
    const most = used[0] === undefined ? 0 : ownFrequency(used[0], statistics);
    if (used.length > 0 && (saidUse === 0 || saidUse < rareShare * most)) wordings.push({ said, base: used.slice(0, baseWordsPerGroup) });
  }
  for (const [form, base] of baseForms(spoken, statistics)) {
    if (!wordings.some((wording) => wording.said.some((word) => englishRoot(word) === englishRoot(form)))) wordings.push({ said: [form], base: [base] });
  }
  return wordings;
}

/**
 * The base's own form of an English verb said in a form it never uses: the lexical index folds plurals only, so "locked",
 * "capped" or "sending" meet nothing while the base writes "lock", "cap", "send". The form is the word's root as written,
 * with its final e or without a doubled last letter, whichever the base holds.
 */
function baseForms(spoken: ReadonlyMap<string, readonly string[]>, statistics: TermStatistics): Map<string, string> {
  const forms = new Map<string, string>();
  for (const [root, said] of spoken) {
    // Only a verb's -ed or -ing form: an adverb's adjective ("formally" -> "formal") is as often another sense of the word.
    if (/\d/u.test(root) || !said.every((form) => /(?:ed|ing)$/u.test(form)) || said.some((form) => ownFrequency(form, statistics) > 0)) continue;
    const candidates = [root, `${root}e`, ...(/([b-df-hj-np-tv-z])\1$/u.test(root) ? [root.slice(0, -1)] : [])].filter((candidate) => candidate.length >= 3 && !said.includes(candidate));
    const base = candidates.find((candidate) => ownFrequency(candidate, statistics) > 0);
    if (base !== undefined && said[0] !== undefined) forms.set(said[0], base);
  }
  return forms;
}

/**
 * The places a text names (by the English tagger: "Sydney", "Manchester", "Canada") that the base never mentions and
 * that are not at home: to the base they all say "abroad", which is how its cross-border passages are written.
 */
function placesAbroad(text: string, statistics: TermStatistics): string[] {
  if (!foreignPlaces || cjk.test(text)) return [];
  const home = foreignPlaces.home;
  const places = englishWordClasses(text)
    .filter((word) => word.classes.has('Place'))
    .map((word) => foldText(text.slice(word.start, word.end)).replace(/['’]s$/u, ''))
    .filter((place) => place.length > 1 && !home.has(place) && ownFrequency(place, statistics) === 0);
  return [...new Set(places)];
}

/** The base's own words for what a text says in words the base never uses (see `baseWordings`). */
export function baseWordsFor(text: string, statistics: TermStatistics): string[] {
  return [...new Set(baseWordings(text, statistics).flatMap((wording) => wording.base))];
}

/** Whether a content word is part of what a customer said in other words (a Chinese word inside the phrase, an English one by root). */
export function partOfSaid(term: string, said: readonly string[]): boolean {
  if (cjk.test(term)) return said.some((phrase) => cjk.test(phrase) && (phrase.includes(term) || term.includes(phrase)));
  const root = englishRoot(term);
  return said.some((phrase) => !cjk.test(phrase) && phrase.split(' ').some((word) => englishRoot(word) === root));
}

/** How many passages hold a word or one of its equivalents (0: the base never uses it). */
export function termFrequency(statistics: TermStatistics): (term: string) => number {
  const memo = new Map<string, number>();
  return (term) => {
    let frequency = memo.get(term);
    if (frequency === undefined) {
      frequency = frequencyIn(term, statistics);
      if (memo.size > 5_000) memo.clear();
      memo.set(term, frequency);
    }
    return frequency;
  };
}

/**
 * Inverse document frequency (Robertson/Sparck Jones, as BM25 weighs it) of query terms in the knowledge base. A word the base
 * has never seen ("bitcoin") is weighted like its rarest word, one passage in the base: it is maximally informative, so a
 * passage lacking it misses most of the question, however many common words ("buy") it shares.
 */
export function termRarity(statistics: TermStatistics): TermRarity {
  const documents = Math.max(1, statistics.documents);
  const idf = (frequency: number): number => Math.log(1 + (documents - frequency + 0.5) / (frequency + 0.5));
  const memo = new Map<string, number>();
  return (term) => {
    let weight = memo.get(term);
    if (weight === undefined) {
      weight = idf(Math.max(1, Math.min(documents, frequencyIn(term, statistics))));
      memo.set(term, weight);
    }
    return weight;
  };
}
