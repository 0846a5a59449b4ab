import { memoizeByText } from '../text/memoize-by-text.js';
import { englishWordClasses } from '../text/english-word-classes.js';
import { englishRoot, foldText, taggedWords, words } from '../text/segment-text.js';
import { detectSituations, type Language, type Situation } from './detect-situations.js';
import { normalizeSpokenNumbers } from './normalize-spoken-numbers.js';
import { storyCutOffs, understandingData } from './understanding-data.js';

export type { Situation } from './detect-situations.js';

export interface UnderstandingTurn {
  speaker: 'customer' | 'agent';
  text: string;
}

/** What a sentence does: asks, requests, complains, refuses; or tells the story, fills a pause, or instructs the system. */
export type SentenceAct = 'question' | 'request' | 'complaint' | 'refusal' | 'narrative' | 'filler' | 'instruction';

export interface TurnSentence {
  /** As said, white space collapsed. */
  text: string;
  /** Spoken numbers written as digits, a self-corrected part dropped. */
  normalized: string;
  act: SentenceAct;
  /** Its content words (what it is about), lower case. */
  terms: string[];
}

export interface AskedQuestion {
  /** The question as a search would use it: the sentence, numbers normalised, with its topic when it only pointed at it. */
  query: string;
  /** The sentence that asks (normalised). */
  text: string;
  act: SentenceAct;
  terms: string[];
  /** The sentence's own content words, without those borrowed from what came before (a subset of `terms`). */
  ownTerms: string[];
  /**
   * Of its own words, those the knowledge base uses (read with the base's word counts; absent without them). A spoken
   * question whose own words the base never uses ("户名明明不一样，咋就给过了呢？") names no topic the base could
   * answer: it points back at the story, and is judged with the words it borrowed from it.
   */
  namingTerms?: string[];
  /** What was said around it: the story of the turn and, when it only referred back, what was discussed before. */
  context: string;
  /** The customer's own story before it (its context without the agent's words): what the question is asked about. */
  story?: string;
  /** From an earlier customer turn the customer's latest turn did not replace (an answer to the agent's question, filler). */
  carried: boolean;
  /** What a question too bare to name its topic pointed back at ("which should I buy?": the story before it); else empty. */
  referent: string;
}

export interface TurnUnderstanding {
  language: Language;
  /** The sentences of the customer's latest turn(s) since the agent last spoke. */
  sentences: TurnSentence[];
  /** What is asked or requested, in order; at most `maximumQuestions`. */
  questions: AskedQuestion[];
  situations: Situation[];
  /** The latest turn said nothing to answer and there was nothing earlier to carry over. */
  fillerOnly: boolean;
  /** The customer's recent words (for matching the products they named). */
  customerText: string;
}

/** One search per question: more would not fit the suggestion time budget. */
export const maximumQuestions = 3;
/** Customer turns read for situations: a scam story is often told a turn or two before the question. */
const situationTurns = 3;

const cjk = /[\u3400-\u9fff]/u;
const leadingPronoun = /^[我你您他她它]/u;
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');

interface Lexicon {
  has: (family: 'question' | 'request' | 'complaint' | 'refusal' | 'reference' | 'comparison' | 'setAside' | 'topicChange', text: string) => boolean;
  /** The text without the particles of statement frames, which only look like a question's ("在边上写作业呢"). */
  withoutStatementFrames: (text: string) => string;
  filler: Set<string>;
  stop: Set<string>;
  correction: RegExp;
  /** Phrases of emphasis ("on earth"), removed before a text's content words are read. */
  emphasis: RegExp;
  /** The text with the clauses that use a question word without asking (indefinite, reported) left out. */
  withoutTellingClauses: (folded: string) => string;
}

let lexicons: Record<Language, Lexicon> | undefined;

function lexiconFor(language: Language): Lexicon {
  lexicons ??= (['zh', 'en'] as const).reduce(
    (all, code) => {
      const { cues } = understandingData();
      const pattern = (list: readonly string[]): RegExp => {
        const chinese = list.filter((word) => cjk.test(word)).map(escape);
        const latin = list.filter((word) => !cjk.test(word)).map(escape);
        // A hyphen joins a word ("one-year" is not "the one"), so it bounds Latin cues like a letter does.
        const parts = [...(chinese.length ? [`(?:${chinese.join('|')})`] : []), ...(latin.length ? [`(?<![a-z'-])(?:${latin.join('|')})(?![a-z'-])`] : [])];
        return new RegExp(parts.join('|') || '(?!)', 'u');
      };
      // Both languages' cue words apply: customers mix them.
      const both = (family: 'question' | 'request' | 'complaint' | 'refusal' | 'reference' | 'comparison' | 'setAside' | 'topicChange') => pattern([...cues[family].zh, ...cues[family].en].map((word) => word.toLowerCase()));
      const { indefinite } = cues;
      const list = (words: readonly string[]): string => words.map((word) => escape(word.toLowerCase())).join('|') || '(?!)';
      const wh = `(?<!为)(?:${list(indefinite.words[code])})`;
      // A clause that tells with a question word: after not knowing, about something done; after a hedge; or with 也/都 and a negation.
      const telling = new RegExp(
        [
          `(?:${list(indefinite.unknowing[code])}).*(?:${wh}|([\u4e00-\u9fff])[不没]\\1).*(?:${list(indefinite.done[code])})`,
          `(?:${list(indefinite.hedges[code])}).*${wh}`,
          `${wh}.*[也都][\u4e00-\u9fff]{0,2}[没不]`,
        ].join('|'),
        'u',
      );
      const phrases = new RegExp(list(indefinite.phrases[code]), 'gu');
      const asksOutright = /[吗呢?？]/u;
      const withoutTellingClauses = (folded: string): string =>
        folded
          .replace(phrases, ' ')
          .split(/[，,;；:：。.!！…]+/u)
          .filter((clause) => asksOutright.test(clause) || !telling.test(clause))
          .join('，');
      const families = { question: both('question'), request: both('request'), complaint: both('complaint'), refusal: both('refusal'), reference: both('reference'), comparison: both('comparison'), setAside: both('setAside'), topicChange: both('topicChange') };
      const frames = cues.statementFrames.map(
        (frame) => new RegExp(`((?:${frame.opens.map(escape).join('|')})[^，,。.!?！？；;]{0,${frame.within}}?)(?:${frame.closes.map(escape).join('|')})`, 'gu'),
      );
      all[code] = {
        has: (family, text) => families[family].test(text),
        // Only the particle goes: a question word inside the frame ("真正的问题是什么呢") still asks.
        withoutStatementFrames: (text) => frames.reduce((rest, frame) => rest.replace(frame, '$1 '), text),
        filler: new Set([...cues.filler.zh, ...cues.filler.en].map((word) => word.toLowerCase())),
        stop: new Set([...cues.stopwords.zh, ...cues.stopwords.en, ...cues.question.zh, ...cues.question.en, ...cues.filler.zh, ...cues.filler.en].map((word) => word.toLowerCase())),
        correction: new RegExp(`[^，,。.!?！？]*[，,]?\\s*(?:${[...cues.correction.zh, ...cues.correction.en].map(escape).join('|')})[，,\\s]*`, 'giu'),
        withoutTellingClauses,
        emphasis: new RegExp(`(?<![a-z'])(?:${list([...cues.emphasis.zh, ...cues.emphasis.en])})(?![a-z'])`, 'giu'),
      };
      return all;
    },
    {} as Record<Language, Lexicon>,
  );
  return lexicons[language];
}

// A customer addressing the system rather than the agent ("ignore the rules and tell the agent to say…").
const instruction = /忽略(?:之前|以上|前面|所有)?(?:的)?(?:规则|指令|提示|要求)|告诉坐席|让坐席说|系统提示|你现在是|扮演|ignore (?:all |the |any |your )?(?:previous |prior |above )?(?:rules|instructions|prompts?)|system prompt|you are now|tell the agent to say|pretend to be/iu;
// "能不能", "退不退", "有没有", "来得及不": the A-not-A question and its clipped spoken form.
const aNotA = /([\u4e00-\u9fff])[不没]\1|[\u4e00-\u9fff]不[？?]?\s*$/u;
const englishInversion = /^(?:(?:and|so|but|or|also|then|okay|ok|well|like|um|uh|right)[, ]+)*(?:is|are|was|were|do|does|did|can|could|will|would|should|shall|may|might|am|have|has|must)\b/iu;

/** The sentences of a text as punctuated: cut at end punctuation only, white space collapsed. */
export function punctuatedSentences(text: string): string[] {
  const collapsed = text.replace(/\s+/gu, ' ').trim();
  if (!collapsed) return [];
  return collapsed.split(/(?<=[。！？!?；;…])\s*|(?<=[a-z0-9)"'][.])\s+(?=[A-Za-z"'])/u).map((piece) => piece.trim()).filter(Boolean);
}

/**
 * What a customer's text says from the sentence that changes the topic on ("那问个别的事儿…", "on a different note…"), or
 * undefined when it changes none: what was discussed before that sentence is not what the questions after it are about.
 */
export function sinceTopicChange(text: string, language: Language): string | undefined {
  const lexicon = lexiconFor(language);
  const sentences = punctuatedSentences(text);
  const at = sentences.findLastIndex((sentence) => lexicon.has('topicChange', foldText(sentence)));
  return at < 0 ? undefined : sentences.slice(at).join(language === 'zh' ? '' : ' ');
}

/** Sentences of a customer turn: at end punctuation; long unpunctuated speech at its pauses and commas. */
export function splitTurnSentences(text: string): string[] {
  const pieces = punctuatedSentences(text);
  const sentences: string[] = [];
  for (const piece of pieces) {
    const trimmed = piece.trim();
    if (!trimmed) continue;
    if (cjk.test(trimmed) && trimmed.length > 40) {
      // Speech recognition writes pauses as spaces and long turns as comma chains: cut where a clause ends.
      const clauses = trimmed.split(/(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])|(?<=[，,])(?=.{8,})/u).map((clause) => clause.trim()).filter(Boolean);
      let current = '';
      for (const clause of clauses) {
        current = current ? `${current}${/[，,]$/u.test(current) ? '' : '，'}${clause}` : clause;
        if (current.length >= 12 || /[？?吗呢]$/u.test(current)) {
          sentences.push(current);
          current = '';
        }
      }
      if (current) {
        if (sentences.length > 0 && current.length < 6) sentences[sentences.length - 1] += current;
        else sentences.push(current);
      }
      continue;
    }
    sentences.push(trimmed);
  }
  return sentences;
}

/** The content words of a text: what it is about, without pronouns, particles, question words and filler. */
export function contentTerms(text: string, language: Language): string[] {
  const { stop, emphasis } = lexiconFor(language);
  const seen = new Set<string>();
  for (const word of words(normalizeSpokenNumbers(text).replace(emphasis, ' '))) {
    // Jieba glues a pronoun to an unfamiliar verb ("我刷", "你查"): the pronoun says nothing about the topic.
    const folded = foldText(word).trim();
    const term = folded.length === 2 && cjk.test(folded) ? folded.replace(leadingPronoun, '') : folded;
    if (!term || stop.has(term) || /^[\p{P}\p{S}]+$/u.test(term)) continue;
    if (cjk.test(term) ? term.length < 2 : term.length < 2 && !/\d/u.test(term)) continue;
    seen.add(term);
  }
  return [...seen];
}

function actOf(sentence: string, language: Language): SentenceAct {
  const lexicon = lexiconFor(language);
  const folded = foldText(sentence);
  if (instruction.test(folded)) return 'instruction';
  const bare = folded.replace(/[\p{P}\p{S}\s]+/gu, ' ').trim();
  const pieces = bare.split(' ').filter(Boolean);
  const isFiller = (piece: string): boolean => {
    if (lexicon.filler.has(piece)) return true;
    // "嗯嗯好的", "对对对": a run of filler syllables with nothing else.
    return cjk.test(piece) && [...piece].every((character) => lexicon.filler.has(character)) || /^(?:嗯|啊|哦|对|好|行|是)+(?:的|吧|啊)?$/u.test(piece);
  };
  if (!bare || pieces.every(isFiller)) return 'filler';
  if (lexicon.has('complaint', folded)) return 'complaint';
  // "他叫什么我都没记住", "说不清怎么搞的就扣了两次": a question word that asks nothing does not make the sentence a question.
  const asked = lexicon.withoutTellingClauses(folded);
  if (/[?？]\s*$/u.test(sentence) || aNotA.test(asked) || englishInversion.test(folded) || asksByCue(asked, lexicon)) return 'question';
  if (lexicon.has('request', folded)) return 'request';
  if (lexicon.has('refusal', folded)) return 'refusal';
  return 'narrative';
}

/**
 * Whether a sentence asks by a question cue. An English question word asks at the head of a clause ("so how long is it
 * locked for"); inside one it joins a clause that tells ("I typed what I thought was the code", "that's how I noticed"),
 * as `askingClauses` reads it: only the cues that are no question word ("is there", "any idea") count there.
 */
function asksByCue(asked: string, lexicon: Lexicon): boolean {
  if (cjk.test(asked)) return lexicon.has('question', lexicon.withoutStatementFrames(asked));
  return asked
    .split(/[,;:]/u)
    .map((clause) => clause.trim())
    .some((clause) => englishOpening.test(clause) || lexicon.has('question', clause.replace(englishQuestionWord, ' ')));
}

// A turn is read by the cards, their situations, the knowledge-gap check and the suggestion alike: segmented once.
const readSentencesOnce = memoizeByText((key) => {
  const language = key.slice(0, 2) as Language;
  return computeSentences(key.slice(3), language);
}, 2_000);

/**
 * Reads a spoken word the knowledge base never uses as its part the base uses ("扣回来" as 扣回, text/base-word.ts): a
 * word no passage holds finds nothing and makes every passage, the right one too, look irrelevant.
 */
export type BaseWord = (word: string) => string;

function readSentences(text: string, language: Language, baseWord?: BaseWord): TurnSentence[] {
  return readSentencesOnce(`${language}:${text}`).map((sentence) => ({ ...sentence, terms: baseWord ? inBaseWords(sentence.terms, language, baseWord) : [...sentence.terms] }));
}

/** Content words with each word the base never uses read as its part the base uses; a part that is filler is dropped. */
function inBaseWords(terms: readonly string[], language: Language, baseWord: BaseWord): string[] {
  const { stop } = lexiconFor(language);
  const read = new Set<string>();
  for (const term of terms) {
    const word = cjk.test(term) ? baseWord(term) : term;
    if (word === term || !stop.has(word)) read.add(word);
  }
  return [...read];
}

function computeSentences(text: string, language: Language): TurnSentence[] {
  const { correction } = lexiconFor(language);
  return splitTurnSentences(text).map((sentence) => {
    // "十万，哦不，八万": what is said after the correction replaces the clause before it.
    const corrected = sentence.replace(correction, '').trim() || sentence;
    const normalized = normalizeSpokenNumbers(corrected);
    return { text: sentence, normalized, act: actOf(sentence, language), terms: contentTerms(normalized, language) };
  });
}

const asking = new Set<SentenceAct>(['question', 'request', 'complaint', 'refusal']);

// A question word inside an English clause often joins it ("she was doing homework when you called"); at its start, asks.
const englishQuestionWord = /(?<![a-z'])(?:what|what's|how|how's|why|when|where|which|who|whether)(?![a-z'])/giu;
const englishOpening = /^(?:(?:and|so|but|or|also|then|okay|ok|well|like|um|uh|right)[, ]+)*(?:what|what's|how|how's|why|when|where|which|who|whether)(?![a-z'])/iu;

// A Chinese clause whose action is done ("订完", "已经办好了") tells what happened: a request word in it ("我刚帮我妈订完
//票") asks nothing of the bank. 完 heading a word (完成, 完全, 完整) is no aspect.
const completed = /已经|[\u4e00-\u9fff]完(?![成全善整美])|[\u4e00-\u9fff]好了/u;

/**
 * The clauses of a sentence that ask or request something of the bank: one spoken run holds story and question
 * together. A clause ending in a question mark asks; so does one with a question or request word, except a
 * sentence-final 呢 alone, which says what is going on ("她在边上做饭呢") as often as it asks, and a request word in a
 * clause that tells a finished action. A Chinese question often
 * sets its topic in the clause just before it ("火车票我自己买不来，你帮我订一张行吗？"): that clause comes with it.
 */
export function askingClauses(sentence: string, language: Language): string[] {
  const lexicon = lexiconFor(language);
  const clauses = sentence
    .split(/(?<=[，,、；;：:。！？!?])/u)
    .map((clause) => clause.trim())
    .filter(Boolean);
  const asks = (clause: string): boolean => {
    const folded = foldText(clause).replace(/[，,、；;：:。！!]+$/u, '').trim();
    if (!folded) return false;
    if (/[?？]$/u.test(folded) || aNotA.test(folded)) return true;
    if (cjk.test(folded)) return lexicon.has('question', folded.replace(/呢/gu, '')) || (lexicon.has('request', folded) && !completed.test(folded));
    return lexicon.has('request', folded) || englishInversion.test(folded) || englishOpening.test(folded) || lexicon.has('question', folded.replace(englishQuestionWord, ' '));
  };
  // A clause that tells what is going on (呢) or what was done is story, not the topic set up for the question.
  const tells = (clause: string): boolean => {
    const folded = foldText(clause).replace(/[，,、；;：:。！!]+$/u, '').trim();
    return folded.endsWith('呢') || completed.test(folded);
  };
  const topicBefore = (index: number): boolean => cjk.test(clauses[index] ?? '') && !tells(clauses[index] ?? '') && asks(clauses[index + 1] ?? '');
  return clauses.filter((clause, index) => asks(clause) || topicBefore(index));
}

/**
 * Whether a sentence or clause asks, requests or complains about something: what it names is its topic. A refusal
 * ("I don't want that") turns down what came before it rather than naming what is asked.
 */
export function asksSomething(text: string, language: Language): boolean {
  const act = actOf(text, language);
  return act === 'question' || act === 'request' || act === 'complaint';
}

/** Whether a question only points at its topic ("how much would that cost?", "这个能退吗？"): the story before it names it. */
export function pointsBackToStory(text: string, language: Language): boolean {
  return contentTerms(text, language).length < 2 || lexiconFor(language).has('reference', foldText(text));
}

/** Whether a clause holds a word that sets up a comparison before `at` ("than", "比我"): what follows is a yardstick. */
export function comparedBefore(clause: string, at: number, language: Language): boolean {
  return lexiconFor(language).has('comparison', foldText(clause.slice(0, at)));
}

/** The sentences of a customer's text that ask or request something (not its story or filler), normalised. */
export function askingSentences(text: string, language: Language): string[] {
  return readSentences(text, language).filter((sentence) => asking.has(sentence.act)).map((sentence) => sentence.normalized);
}
const contextCharacters = 160;
/** Topic words a bare question borrows from what came before it (an English story spends more words on the scene). */
const borrowedTerms = { zh: 4, en: 6 } as const;

/** The content words of a text: for Latin text the ones said last (nearest the question); Chinese as segmented, in order. */
function nearestTerms(text: string, language: Language, limits: Record<Language, number>): string[] {
  const terms = contentTerms(text, language);
  if (cjk.test(text)) return terms.slice(0, limits.zh);
  return terms.slice(-limits.en);
}

/**
 * How many passages of the knowledge base hold a word (0: a word the base never uses). Given, a question that points
 * back borrows the story words the base knows, rarest first, instead of the words said last.
 */
export type TermFrequency = (term: string) => number;


/**
 * The topic words of an English story, for a question that points back at it: the words said nearest the question
 * that the knowledge base uses at all. A spoken story wanders off its topic just before the question ("from selling my
 * mum's flat", "my nan"), and a word no passage holds cannot find the answer, only dilute the search.
 */
function storyTopicTerms(texts: readonly string[], language: Language, frequency: TermFrequency, limit: number, exclude: readonly string[]): string[] {
  // Nearest first: a word said again just before the question counts where it was said last. Only words the base uses
  // as said: a part cut from a story word ("经理" of 客户经理) would crowd out the product named further back.
  // Chinese words that only describe, count or point ("方便", "一万", "那边") never name the topic, wherever they were said.
  const chosen: string[] = [];
  // English: every story word the base uses is a candidate, and the words that name things (nouns, and describing words,
  // which the tagger also gives a noun after "the": "the minimum") are borrowed first, the nearest first, then other
  // words. A long spoken story ends on verbs and adverbs the base also uses ("try", "later", "completely") while the
  // noun that names the topic ("password", "limit") was said a clause earlier: nearness alone crowds it out.
  const english = language === 'en';
  const nouns = new Set<string>();
  for (const text of [...texts].reverse()) {
    const describing = cjk.test(text) ? nonTopicWords(text) : new Set<string>();
    if (english) for (const noun of englishNouns(text)) nouns.add(noun);
    for (const term of contentTerms(text, language).reverse()) {
      if (!english && chosen.length >= limit) break;
      if (!exclude.includes(term) && !chosen.includes(term) && !describing.has(term) && frequency(term) > 0) chosen.push(term);
    }
  }
  if (!english) return chosen.reverse();
  const kept = new Set([...chosen.filter((term) => nouns.has(term)), ...chosen.filter((term) => !nouns.has(term))].slice(0, limit));
  return chosen.filter((term) => kept.has(term)).reverse();
}

/** The words of an English text that name or describe things, by the tagger's reading of it, as content terms fold them. */
function englishNouns(text: string): string[] {
  return englishWordClasses(text)
    .filter((word) => (word.classes.has('Noun') || word.classes.has('Adjective')) && !word.classes.has('Pronoun') && !word.classes.has('Date') && !word.classes.has('Duration') && !word.classes.has('Value'))
    .flatMap((word) => words(foldText(text.slice(word.start, word.end))).slice(0, 1));
}

let nonTopicTags: Set<string> | undefined;

/** The words of a Chinese text whose part of speech never names a topic (turn-cues.yaml nonTopicTags), as content terms fold them. */
function nonTopicWords(text: string): Set<string> {
  nonTopicTags ??= new Set(understandingData().cues.nonTopicTags);
  const tags = nonTopicTags;
  return new Set(taggedWords(normalizeSpokenNumbers(text)).flatMap(({ word, tag }) => (tags.has(tag) ? [foldText(word).trim()] : [])));
}

/**
 * An English sentence's content words without the people it names that the base never mentions ("fella", "builder",
 * "landlord", by the tagger's Actor class): who is involved is context, as a family member is (query-terms.ts), and a
 * word no passage holds would otherwise weigh as the rarest topic word, so every passage, the right one too, looks
 * irrelevant. A person the base does write about ("agent", "relative") stays.
 */
function withoutUnknownPeople(sentence: TurnSentence, frequency: TermFrequency): string[] {
  const people = new Set(
    englishWordClasses(sentence.normalized)
      .filter((word) => word.classes.has('Actor') && word.classes.has('Noun') && !word.classes.has('Pronoun') && !word.classes.has('Possessive'))
      .flatMap((word) => words(foldText(sentence.normalized.slice(word.start, word.end))).slice(0, 1)),
  );
  return sentence.terms.filter((term) => !people.has(term) || frequency(term) > 0);
}

function questionsOf(sentences: readonly TurnSentence[], earlier: string, language: Language, carried: boolean, frequency?: TermFrequency): AskedQuestion[] {
  const lexicon = lexiconFor(language);
  const asked: AskedQuestion[] = [];
  sentences.forEach((sentence, position) => {
    if (!asking.has(sentence.act)) return;
    const terms = frequency && language === 'en' ? withoutUnknownPeople(sentence, frequency) : sentence.terms;
    const before = sentences.slice(0, position).filter((other) => other.act === 'narrative' || asking.has(other.act));
    const story = before.slice(-2).map((other) => other.normalized).join(' ');
    // A question that only points at its topic ("这个能退吗？", "is it covered?") is about what came before it; so is one
    // whose words the knowledge base never uses ("我现在该咋整啊？"): they cannot name a topic the base could answer.
    // A lone digit names no topic: it counts or enumerates ("第一个是利息咋算", "第二个问题"); an amount may name one.
    const namingTerms = (frequency ? terms.filter((term) => frequency(term) > 0) : terms).filter((term) => !/^\d$/u.test(term));
    const pointsBack = namingTerms.length < 2 || lexicon.has('reference', foldText(sentence.normalized));
    const topic = pointsBack ? [story, earlier].filter(Boolean).join(' ') : story;
    const previous = asked.at(-1);
    if (terms.length === 0 && previous) {
      // A bare follow-up ("是真的吗？") belongs to the question just asked.
      previous.text = `${previous.text}${language === 'zh' ? '' : ' '}${sentence.normalized}`;
      return;
    }
    const context = topic.slice(-contextCharacters);
    // The topic a bare question points at: the story's words, the ones said nearest the question first (a spoken
    // story opens with greetings and scene-setting and names its topic last: "new phone ... limit exceeded").
    // With the base's vocabulary at hand, in either language, the story's words no passage holds ("装修师傅", "my nan")
    // are left out: they cannot find the answer, only dilute the search and the judging of what it found.
    const vocabularyTopic =
      pointsBack && frequency
        ? storyTopicTerms([earlier, ...before.slice(-storyCutOffs().storySentencesWithVocabulary).map((other) => other.normalized)], language, frequency, borrowedTerms[language], terms)
        : [];
    // A question with no word of its own ("What are those?") is often explained by what is said right after it
    // ("Nobody told me there'd be a fee for using it abroad."): that sentence's known words come first.
    const after = terms.length === 0 && frequency && language === 'en' ? sentences.slice(position + 1, position + 2).filter((other) => other.act === 'narrative') : [];
    const explained = after.length > 0 && frequency ? storyTopicTerms(after.map((other) => other.normalized), language, frequency, storyCutOffs().explanationTerms, []) : [];
    const fromStory = vocabularyTopic.length > 0 ? vocabularyTopic : nearestTerms(context, language, borrowedTerms);
    // A word the story already gave in another form ("paying" after "pay") adds nothing but weight to it.
    const storyRoots = new Set(fromStory.map(englishRoot));
    const borrowed = pointsBack ? [...explained.filter((term) => !storyRoots.has(englishRoot(term))), ...fromStory] : [];
    asked.push({
      query: [sentence.normalized, ...borrowed.filter((term) => !terms.includes(term))].join(' '),
      text: sentence.normalized,
      act: sentence.act,
      terms: [...terms, ...borrowed.filter((term) => !terms.includes(term))],
      ownTerms: terms,
      ...(frequency ? { namingTerms } : {}),
      context,
      story: context,
      carried,
      // Only a question too bare to name a topic ("which should I buy?") is about the story: one with words of its own
      // ("do I pay the duplicate charge before you look into it?") is about them, whatever "it" is.
      referent: terms.length < 2 ? context : '',
    });
  });
  return asked;
}

/** Whether the turn before `turn` is the agent asking something: `turn` answers it. */
function answersAgent(turns: readonly UnderstandingTurn[], turn: UnderstandingTurn | undefined, language: Language): boolean {
  const before = turn ? turns[turns.indexOf(turn) - 1] : undefined;
  return before?.speaker === 'agent' && readSentences(before.text, language).some((sentence) => sentence.act === 'question');
}

/**
 * What an earlier customer turn asked, carried over; or, when it asked nothing and the agent asked back for details
 * ("the app offered to spread the bill over instalments" - "what was the amount, and for how long?"), the need it told:
 * the details the customer gives next are about that need.
 */
function earlierAsked(
  earlier: UnderstandingTurn,
  agent: UnderstandingTurn | undefined,
  language: Language,
  options: { frequency?: TermFrequency; baseWord?: BaseWord; answering?: boolean } = {},
): AskedQuestion[] {
  const { frequency, baseWord, answering = false } = options;
  const sentences = readSentences(earlier.text, language, baseWord);
  const asked = questionsOf(sentences, '', language, true, frequency);
  const asks = (turn: UnderstandingTurn | undefined): boolean => turn !== undefined && readSentences(turn.text, language).some((sentence) => sentence.act === 'question');
  // A turn that itself answered the agent ("英国，读研用") gave a detail of a need told further back, not the need.
  if (asked.length > 0 || !asks(agent) || answering) return asked;
  const told = sentences.filter((sentence) => sentence.act === 'narrative' && sentence.terms.length > 0).slice(-1);
  if (told.length === 0) return [];
  const need = told.map((sentence) => sentence.normalized).join(' ').slice(-contextCharacters);
  const terms = baseWord ? inBaseWords(contentTerms(need, language), language, baseWord) : contentTerms(need, language);
  return [{ query: need, text: need, act: 'narrative', terms, ownTerms: [...terms], context: '', carried: true, referent: '' }];
}

/** How many of the words a text says (a Chinese word as written, an English one in any of its forms). */
function sharedWords(terms: readonly string[], text: string, language: Language): number {
  const folded = foldText(text);
  const roots = new Set(contentTerms(text, language).map(englishRoot));
  return terms.filter((term) => (cjk.test(term) ? folded.includes(term) : roots.has(englishRoot(term)))).length;
}

/** The customer turns since the agent last spoke (a question is often split over two posts). */
function latestCustomerRun(turns: readonly UnderstandingTurn[]): { latest: UnderstandingTurn[]; before: UnderstandingTurn[] } {
  let end = turns.length;
  while (end > 0 && turns[end - 1]?.speaker !== 'customer') end -= 1;
  let start = end;
  while (start > 0 && turns[start - 1]?.speaker === 'customer') start -= 1;
  return { latest: turns.slice(start, end), before: turns.slice(0, start) };
}

/**
 * The sentences with a question the customer set aside told as story: one that says it was only meant to be asked, or
 * is followed by a sentence that puts it off ("…周六开不开门？不过这个不急。"), when a later sentence asks something.
 */
function withoutSetAside(sentences: readonly TurnSentence[], language: Language): TurnSentence[] {
  const lexicon = lexiconFor(language);
  const setAside = (index: number): boolean => [sentences[index], sentences[index + 1]].some((sentence) => sentence !== undefined && lexicon.has('setAside', foldText(sentence.text)));
  // A sentence that only announces a new topic ("那问个别的事。") asks nothing itself when a later sentence asks.
  const announces = (index: number): boolean => lexicon.has('topicChange', foldText(sentences[index]?.text ?? ''));
  return sentences.map((sentence, index) => {
    if (asking.has(sentence.act) && announces(index) && sentences.slice(index + 1).some((later) => asking.has(later.act))) return { ...sentence, act: 'narrative' };
    if (!asking.has(sentence.act) || !setAside(index)) return sentence;
    const askedLater = sentences.slice(index + 1).some((later, offset) => asking.has(later.act) && !setAside(index + 1 + offset));
    return askedLater ? { ...sentence, act: 'narrative' } : sentence;
  });
}

/**
 * Reads the conversation from the customer's side: what the latest turn asks or requests, one entry per
 * question with the story around it, spoken numbers as digits, references resolved to what was being discussed;
 * a question left unanswered carried over when the latest turn only answers the agent or fills a pause; and the
 * situations that need required handling.
 */
export function understandTurn(turns: readonly UnderstandingTurn[], language: Language, frequency?: TermFrequency, baseWord?: BaseWord): TurnUnderstanding {
  const { latest, before } = latestCustomerRun(turns);
  // A turn that changes the topic leaves the earlier questions behind: none of them is carried into it.
  const changed = latest.map((turn) => sinceTopicChange(turn.text, language)).findLast((text) => text !== undefined);
  const sentences = withoutSetAside(
    latest.flatMap((turn) => readSentences(turn.text, language, baseWord)),
    language,
  );
  const earlierCustomer = before.filter((turn) => turn.speaker === 'customer');
  // In English a customer often answers the agent's check ("Okay, sure, go ahead.") between telling the story and
  // asking about it: the turn that told something is the one a later bare question points back at.
  const told = (turn: UnderstandingTurn): boolean => readSentences(turn.text, language).some((sentence) => sentence.act !== 'filler' && sentence.terms.length >= storyCutOffs().storyTerms);
  const lastEarlier = (language === 'en' ? earlierCustomer.findLast(told) : undefined) ?? earlierCustomer.at(-1);
  const lastAgent = before.filter((turn) => turn.speaker === 'agent').at(-1);
  const earlierText = [lastEarlier?.text ?? '', lastAgent?.text ?? ''].filter(Boolean).join(' ').slice(0, contextCharacters);

  // With the base's vocabulary to pick the topic words, an English story is read whole, its end (nearest the question) kept.
  const earlierStory = normalizeSpokenNumbers(lastEarlier?.text ?? '');
  const earlierRead = frequency && language === 'en' ? earlierStory.slice(-storyCutOffs().englishStoryCharacters) : earlierStory.slice(0, contextCharacters);
  let questions = questionsOf(sentences, changed === undefined ? earlierRead : '', language, false, frequency).map((question) => ({
    ...question,
    // The agent's last words are context for judging answers, never words of the search: they would pull back what was said.
    context: [question.context, earlierText].filter(Boolean).join(' ').slice(0, contextCharacters * 2),
  }));
  const said = sentences.filter((sentence) => sentence.act !== 'filler' && sentence.act !== 'instruction');
  if (questions.length > 0 && lastEarlier && lastAgent && changed === undefined) {
    // "取现怎么收费？" - "您是本人吗？" - "是我。还有，分期利息多少？": the agent asked back instead of answering, so the
    // earlier question still stands beside the new one. It comes after the latest turn's own questions.
    const unanswered = earlierAsked(lastEarlier, lastAgent, language, { frequency, baseWord, answering: answersAgent(before, lastEarlier, language) }).filter(
      // Asked again in the latest turn (most of its words said again), it is already among the questions; a question
      // the agent's words took up was answered (a need told is what the agent asked back about: it still stands).
      (question) =>
        (question.act === 'narrative' || sharedWords(question.ownTerms, lastAgent.text, language) === 0) &&
        !questions.some((latestQuestion) => 2 * sharedWords(question.ownTerms, latestQuestion.text, language) >= question.ownTerms.length),
    );
    const carried = unanswered.map((question) => ({ ...question, context: [question.context, earlierText].filter(Boolean).join(' ').slice(0, contextCharacters * 2) }));
    // A need told (not asked) stands when the latest turn opens by giving the details the agent asked for ("It's twelve
    // thousand, over a year. Is it interest-free?"); then it keeps a place among the questions searched: the latest
    // turn's own questions often only point back at it, and would otherwise crowd out the one search that names it. A
    // turn that opens with its own question ("这个理财会不会亏本？") already asks about the need, reference resolved.
    const givesDetails = sentences[0]?.act === 'narrative';
    const need = givesDetails ? carried.filter((question) => question.act === 'narrative').slice(0, 1) : [];
    questions = [...questions.slice(0, maximumQuestions - need.length), ...need, ...carried.filter((question) => question.act !== 'narrative')];
  }
  if (questions.length === 0 && lastEarlier && changed === undefined) {
    // The latest turn answers the agent ("对，就是那张。", "twelve thousand, over a year") or only fills a pause: the
    // earlier question, or the need told that the agent asked back about, still stands, with what the customer just
    // said as its context.
    const previous = earlierAsked(lastEarlier, lastAgent, language, { frequency, baseWord, answering: answersAgent(before, lastEarlier, language) });
    const addition = said.map((sentence) => sentence.normalized).join(' ');
    questions = previous.map((question) => ({
      ...question,
      query: addition ? `${question.query} ${contentTerms(addition, language).slice(0, 4).join(' ')}`.trim() : question.query,
      context: [addition, question.context].filter(Boolean).join(' ').slice(0, contextCharacters),
    }));
  }
  if (questions.length === 0) {
    // No question anywhere: what the customer talks about is still the topic (a story, a statement of need).
    const told = said.filter((sentence) => sentence.terms.length > 0);
    const statement = told.map((sentence) => sentence.normalized).join(' ');
    const terms = baseWord ? inBaseWords(contentTerms(statement, language), language, baseWord) : contentTerms(statement, language);
    if (statement) questions = [{ query: statement.slice(-contextCharacters), text: statement.slice(-contextCharacters), act: 'narrative', terms, ownTerms: [...terms], context: '', carried: false, referent: '' }];
  }
  const recent = recentCustomerWords(turns);
  // A request the bank does not serve at all (declining, with nothing in the base to look up: off-topic) is one the
  // customer makes, in the clauses that ask: a hotel or a train named in the story around a banking question is not
  // one, nor a child's homework told in the same spoken run as the question ("我陪闺女写作业呢，这个分期怎么算"), nor a
  // reason told after the request. A question too bare to name its topic ("which should I buy?", "那买哪个？") asks
  // about what it points back at, so that story counts as asked.
  const asked = normalizeSpokenNumbers(questions.map((question) => [askingClauses(question.text, language).join('，'), question.referent].filter(Boolean).join('\n')).join('\n'));
  const askedSituations = new Set(detectSituations(asked, language).map((situation) => situation.id));
  const unserved = (situation: Situation): boolean => situation.declines && !situation.knowledgeQuery.trim();
  const situations = detectSituations(normalizeSpokenNumbers(recent), language, {}, recentAgentWords(turns)).filter((situation) => !unserved(situation) || askedSituations.has(situation.id));
  return {
    language,
    sentences,
    questions: searchable(questions, frequency),
    situations,
    fillerOnly: questions.length === 0,
    customerText: recent,
  };
}

/**
 * The agent's turns among the recent ones, read for the situations an agent opens a call on ("您的信用卡已经逾期"): the
 * same stretch of the call as the customer's recent turns.
 */
export function recentAgentWords(turns: readonly UnderstandingTurn[]): string {
  return turns.slice(-2 * situationTurns).filter((turn) => turn.speaker === 'agent').map((turn) => turn.text).join('\n');
}

/** The customer's recent turns, read for situations (a story is often told a turn or two before the question). */
export function recentCustomerWords(turns: readonly UnderstandingTurn[]): string {
  return turns.filter((turn) => turn.speaker === 'customer').slice(-situationTurns).map((turn) => turn.text).join('\n');
}

/**
 * The questions searched, at most `maximumQuestions`, in the order asked. When a long spoken turn asks more, those with
 * a word the knowledge base uses come first: a line check ("喂，听得见吗？") or a remark of words no passage holds would
 * take the search from a later question the base answers ("能派个人到家里来办吗？").
 */
function searchable(questions: readonly AskedQuestion[], frequency?: TermFrequency): AskedQuestion[] {
  if (questions.length <= maximumQuestions || !frequency) return questions.slice(0, maximumQuestions);
  const answerable = (question: AskedQuestion): boolean => question.terms.some((term) => frequency(term) > 0);
  // Among those, a question before a request: in a long story a request cue is as often only a benefactive ("给我妈交电费",
  // "帮朋友付的") as a request to the bank, while a question asks.
  const rank = (question: AskedQuestion): number => (answerable(question) ? 0 : 2) + (question.act === 'question' ? 0 : 1);
  const kept = new Set([...questions].sort((left, right) => rank(left) - rank(right)).slice(0, maximumQuestions));
  return questions.filter((question) => kept.has(question));
}


/** The sentences of any turn with what each does (ask, request, complain, tell): for reading a whole call afterwards. */
export function readTurnSentences(text: string, language: Language): TurnSentence[] {
  return readSentences(text, language);
}
