import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';

// Loading the dictionary takes ~100 ms: do it once per process, lazily, so a CLI that never segments pays nothing.
let jieba: Jieba | undefined;
function segmenter(): Jieba {
  jieba ??= Jieba.withDict(dict);
  return jieba;
}

/** A word of a text as jieba cuts it (dictionary words, no guessing of unknown ones): [start, end) in the text. */
export interface WordSpan {
  start: number;
  end: number;
}

/** The text cut into jieba's dictionary words, each with where it stands; a character it does not cover is its own word. */
export function dictionaryWords(text: string): WordSpan[] {
  const spans: WordSpan[] = [];
  let cursor = 0;
  for (const piece of segmenter().cut(text, false)) {
    const start = text.indexOf(piece, cursor);
    if (start < 0 || piece.length === 0) continue;
    spans.push({ start, end: start + piece.length });
    cursor = start + piece.length;
  }
  return spans;
}

/** A word of a text with its part of speech as jieba tags it (n noun, v verb, nr person's name, x unknown, eng Latin, ...). */
export interface TaggedWord extends WordSpan {
  word: string;
  tag: string;
}

/** The text cut into words with their parts of speech, each with where it stands (unknown words guessed, as `words` does). */
export function taggedWords(text: string): TaggedWord[] {
  const tagged: TaggedWord[] = [];
  let cursor = 0;
  for (const { word, tag } of segmenter().tag(text, true)) {
    const start = text.indexOf(word, cursor);
    if (start < 0 || word.length === 0) continue;
    tagged.push({ word, tag, start, end: start + word.length });
    cursor = start + word.length;
  }
  return tagged;
}

const cjkRun = /[\u3400-\u9fff\uf900-\ufaff]+/gu;
const latinOrNumberToken = /[\p{L}\p{N}][\p{L}\p{N}._%-]*/gu;
const hasCjk = /[\u3400-\u9fff\uf900-\ufaff]/u;

/** NFKC folds full-width letters and digits (１２ -> 12, ＡＰＲ -> APR); lower case for matching. */
export function foldText(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

const englishStopwords = new Set([
  'a', 'an', 'the', 'and', 'or', 'of', 'to', 'in', 'on', 'for', 'is', 'are', 'was', 'be', 'it', 'my', 'i', 'me', 'you',
  'your', 'do', 'does', 'can', 'how', 'what', 'with', 'at', 'by', 'from', 'this', 'that', 'will', 'if', 'as', 'we', 'our',
]);

/** Light English stemming (plural -s, -es, -ies) so "fees" finds "fee"; enough for a lexical leg, not linguistics. */
export function stemEnglish(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 4 && /(ches|shes|xes|sses)$/.test(word)) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss') && !word.endsWith('us')) return word.slice(0, -1);
  return word;
}

/**
 * An English word's root for telling its forms apart from other words: the plural stemmed as the index stems it, then
 * -ing/-ed/-ly and a final e folded, so "guaranteed" meets "guarantee", "paying" "pay" and "charges" "charge".
 */
export function englishRoot(word: string): string {
  let root = stemEnglish(word);
  if (root.length > 5 && root.endsWith('ing')) root = root.slice(0, -3);
  else if (root.length > 4 && root.endsWith('ed')) root = root.slice(0, -2);
  else if (root.length > 4 && root.endsWith('ly')) root = root.slice(0, -2);
  if (root.length > 3) root = root.replace(/e+$/u, '');
  return root;
}

function cjkRuns(folded: string): string[] {
  return Array.from(folded.matchAll(cjkRun), (match) => match[0]);
}

/**
 * jieba's words (`words`: cut; `search`: cut for search) of each CJK run, from one call into the native segmenter
 * for all of a text's runs instead of one per run: the crossing and the copying of each call cost as much as cutting
 * a short run (a passage has a run per clause), and ingest cuts every chunk twice. The runs are joined by a space,
 * where jieba always ends a word (and returns the space as a token of its own), so each run is cut exactly as it
 * would be alone; should the words ever not regroup into one list per run, each run is cut on its own.
 */
function segmentRuns(runs: readonly string[], mode: 'words' | 'search'): string[][] {
  const cut = (text: string) => (mode === 'words' ? segmenter().cut(text, true) : segmenter().cutForSearch(text, true));
  if (runs.length <= 1) return runs.map(cut);
  const grouped: string[][] = [[]];
  for (const word of cut(runs.join(' '))) {
    if (word === ' ') grouped.push([]);
    else grouped[grouped.length - 1]!.push(word);
  }
  return grouped.length === runs.length ? grouped : runs.map(cut);
}

/**
 * Tokens for the lexical index and for lexical queries. Chinese runs are cut by jieba in search mode
 * (which also yields the shorter words inside long ones) and, for recall, into character bigrams, so a
 * word jieba cut differently in the document and the query still meets. Latin words are lower-cased and
 * lightly stemmed; stopwords are dropped. Single CJK characters are kept only when a run is one character.
 */
/**
 * Segmentation is the costliest step of the offline suggestion path, and it is asked again and again about the
 * same knowledge passages: results for texts of passage size are memoised (bounded, oldest dropped first).
 */
const memoLimit = 20_000;
const memoMaxLength = 4_000;
const lexicalMemo = new Map<string, readonly string[]>();
const wordsMemo = new Map<string, readonly string[]>();

function memoised(memo: Map<string, readonly string[]>, key: string, compute: () => string[]): string[] {
  if (key.length > memoMaxLength) return compute();
  const known = memo.get(key);
  if (known) return [...known];
  const value = compute();
  if (memo.size >= memoLimit) memo.delete(memo.keys().next().value as string);
  memo.set(key, value);
  return [...value];
}

export function lexicalTokens(text: string, options: { bigrams?: boolean } = {}): string[] {
  const bigrams = options.bigrams !== false;
  return memoised(lexicalMemo, `${bigrams ? 'b' : 'w'}${text}`, () => computeLexicalTokens(text, bigrams, true));
}

/**
 * The BM25 index's analyser, for documents and queries alike: jieba search-mode words, CJK character bigrams and
 * single characters, and lightly stemmed Latin words, with no stop list: inverse document frequency weighs common
 * words down by itself.
 */
export function searchTokens(text: string): string[] {
  return memoised(lexicalMemo, `s${text}`, () => computeLexicalTokens(text, true, false));
}

function computeLexicalTokens(text: string, bigrams: boolean, dropStopwords: boolean): string[] {
  const folded = foldText(text);
  const tokens: string[] = [];
  const runs = cjkRuns(folded);
  const segmented = segmentRuns(runs, 'search');
  for (const [index, run] of runs.entries()) {
    if (run.length === 1) {
      tokens.push(run);
      continue;
    }
    for (const word of segmented[index]!) {
      if (word.length > 1) tokens.push(word);
    }
    if (!bigrams) continue;
    for (let index = 0; index + 1 < run.length; index += 1) tokens.push(run.slice(index, index + 2));
    // BM25 also gets single characters: a paraphrase often keeps only one character of a word (存 for 存款), and
    // IDF keeps the common ones from counting. Measured on the jining dev base by bench/fit-retrieval.ts.
    if (!dropStopwords) tokens.push(...run);
  }
  const latin = folded.replace(cjkRun, ' ');
  for (const match of latin.matchAll(latinOrNumberToken)) {
    const word = match[0].replace(/[._-]+$/u, '');
    if (!word || (dropStopwords && englishStopwords.has(word))) continue;
    tokens.push(stemEnglish(word));
  }
  return tokens;
}

/** Words only (no bigrams): what the offline embedder hashes next to bigrams, and what summaries match on. */
export function words(text: string): string[] {
  return memoised(wordsMemo, text, () => computeWords(text));
}

function computeWords(text: string): string[] {
  const folded = foldText(text);
  const result: string[] = [];
  for (const runWords of segmentRuns(cjkRuns(folded), 'words')) result.push(...runWords);
  for (const match of folded.replace(cjkRun, ' ').matchAll(latinOrNumberToken)) {
    const word = match[0].replace(/[._-]+$/u, '');
    if (word && !englishStopwords.has(word)) result.push(stemEnglish(word));
  }
  return result;
}

/** zh when the text holds any CJK character and few Latin words, else en: good enough to pick a reply language. */
export function detectLanguage(text: string): 'zh' | 'en' {
  if (!hasCjk.test(text)) return 'en';
  const cjkCount = (text.match(cjkRun) ?? []).join('').length;
  const latinWords = (text.match(/[a-zA-Z]{2,}/g) ?? []).length;
  return cjkCount >= latinWords ? 'zh' : 'en';
}
