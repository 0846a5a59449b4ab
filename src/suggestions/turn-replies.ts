import type { SearchQuery, SearchResponse, SearchResult } from '../retrieval/hybrid-search.js';
import type { AskedQuestion, Situation, TurnUnderstanding } from '../understanding/understand-turn.js';
import { productNamedIn, type KnownProduct } from '../understanding/discussed-product.js';
import { detectSituations } from '../understanding/detect-situations.js';
import { clarifyingReply, namedHandoverReply } from './approved-wording.js';
import { composeExtractiveReplies, handoverCandidate, passageSentences, type ExtractiveReply } from './extractive-replies.js';
import { answersQuestion, relevanceOf } from './answer-relevance.js';
import { handoverTopic, topicHandoverReply } from './handover-topic.js';
import { askedVariants, uncoveredVariantNotice, uncoveredVariants, type AskedVariant } from './asked-variants.js';
import { partOfSaid, TermIndex, termWeight, type BaseWording, type TermRarity } from './query-terms.js';
import { labelledRows } from './table-sentences.js';
import { joinSentences, splitReplySentences, closeSentence } from './reply-sentences.js';

/** One search of a request: for a question the customer asked, or for a situation's approved script. */
export interface PlannedSearch {
  purpose: 'question' | 'situation';
  /** What the search sends. */
  query: string;
  /** What replies are judged against: the question first, its context on the next lines (weighed less). */
  composeQuery: string;
  question?: AskedQuestion;
  situation?: Situation;
  kinds?: SearchQuery['kinds'];
}

/** A question with two content words or more stands on its own words. */
const ownWordsEnough = 2;

function ownWords(question: AskedQuestion): boolean {
  // Counted on the words the base uses, when known: a question of spoken words no passage holds names no topic.
  return (question.namingTerms ?? question.ownTerms).length >= ownWordsEnough;
}

/** The words a passage must hold to answer the question: its own when it has enough, else with those it borrowed. */
export function judgedTerms(question: AskedQuestion | undefined): string[] {
  if (!question) return [];
  return ownWords(question) ? question.ownTerms : question.terms;
}

/**
 * Whether a passage answers the question: on the question's own words, or, when it pointed back at the story or the
 * earlier turn ("does that count?", "how do I stop it?"), on its own words with the topic it borrowed. A spoken
 * question's own words are often all story ("coffee", "weird") while its topic was named a sentence before.
 */
export function answersAsked(result: SearchResult, question: AskedQuestion | undefined, rarity?: TermRarity): boolean {
  if (answersQuestion(result, judgedTerms(question), rarity)) return true;
  return question !== undefined && ownWords(question) && question.terms.length > question.ownTerms.length && answersQuestion(result, question.terms, rarity);
}

/** The product the conversation is about (understanding/discussed-product) and the catalogue it was found in. */
export interface DiscussedTopic {
  product: KnownProduct;
  products: readonly KnownProduct[];
}

/** A search query is short: the question, with its borrowed topic; story words would dilute both legs. */
const searchQueryCharacters = 160;
const cjk = /[\u3400-\u9fff]/u;

/**
 * The searches for a turn: one per question found (so a turn with two questions gets answers to both), then one
 * for the approved script of the situation that needs handling. A turn with no question searches what it says.
 */
export function planSearches(understanding: TurnUnderstanding, discussed?: DiscussedTopic, baseWordingsOf?: (text: string) => BaseWording[]): PlannedSearch[] {
  const searches: PlannedSearch[] = understanding.questions.map((said) => {
    // The customer's everyday words the base never uses ("罚我钱", "转给别人") are searched, and the passages judged,
    // in the base's own words for them (违约金, 转让): no passage holds the customer's. The story the question
    // follows is read too: it names the thing ("moved to Sydney", "borrow") that the question only asks about.
    const wordings = baseWordingsOf?.([said.query, said.story ?? ''].filter(Boolean).join('\n')) ?? [];
    const question = wordings.length > 0 ? inBaseWords(said, wordings) : said;
    // A follow-up that names no product ("现在卖要扣多少手续费？", "what's the one-year rate?") asks about the product
    // under discussion: without its name the search finds every product's fees.
    const named = discussed && !productNamedIn(question.text, discussed.products, understanding.language) ? discussed.product.name : '';
    const anchor = [named, ...new Set(wordings.flatMap((wording) => wording.base))].filter(Boolean).join(' ');
    const query = anchor ? `${question.query.slice(0, Math.max(0, searchQueryCharacters - anchor.length - 1))} ${anchor}` : question.query.slice(0, searchQueryCharacters);
    // A question with words of its own is judged on them: the story words borrowed for the search ("thinking",
    // "putting") would otherwise dilute every passage's share of the question. They stay as context, weighed less.
    const own = ownWords(question);
    const borrowed = own ? question.terms.filter((term) => !question.ownTerms.includes(term)).join(' ') : '';
    const asked = [own ? question.text : question.query, anchor].filter(Boolean).join(' ');
    return { purpose: 'question', query, composeQuery: [asked, borrowed, question.context].filter(Boolean).join('\n'), question };
  });
  // Two situation searches at most (each search takes from the time budget): the declining one's script, and the
  // procedure a situation requires (a lost card, hardship, an elderly caller), which a long spoken turn's questions
  // rarely name in the base's words ("能不能缓几个月" is the hardship procedure): a warning does not make it less due.
  const situations = [
    understanding.situations.find((candidate) => candidate.declines && candidate.knowledgeQuery.trim()),
    understanding.situations.find((candidate) => !candidate.declines && candidate.knowledgeQuery.trim()),
  ].filter((candidate): candidate is Situation => candidate !== undefined);
  for (const situation of situations) {
    searches.push({
      purpose: 'situation',
      query: situation.knowledgeQuery,
      composeQuery: [situation.knowledgeQuery, understanding.questions[0]?.text ?? ''].filter(Boolean).join('\n'),
      situation,
      kinds: ['script', 'compliance', 'product'],
    });
  }
  return searches;
}

/** The question with the words it said in other words replaced by the base's words for them (each base word once). */
function inBaseWords(question: AskedQuestion, wordings: readonly BaseWording[]): AskedQuestion {
  const replace = (terms: readonly string[]): string[] => {
    const replaced: string[] = [];
    for (const term of terms) {
      const wording = wordings.find((candidate) => partOfSaid(term, candidate.said));
      const words = wording ? wording.base.slice(0, 1) : [term];
      for (const word of words) if (!replaced.includes(word)) replaced.push(word);
    }
    return replaced;
  };
  return { ...question, terms: replace(question.terms), ownTerms: replace(question.ownTerms), ...(question.namingTerms ? { namingTerms: replace(question.namingTerms) } : {}) };
}

/** The cards for the turn: each search's results in turn (the first question's best first), each chunk once. */
export function mergeKnowledge(responses: readonly SearchResponse[], limit: number): SearchResult[] {
  const merged: SearchResult[] = [];
  const seen = new Set<string>();
  const longest = Math.max(0, ...responses.map((response) => response.results.length));
  for (let rank = 0; rank < longest && merged.length < limit; rank += 1) {
    for (const response of responses) {
      const result = response.results[rank];
      if (!result || seen.has(result.chunkId)) continue;
      seen.add(result.chunkId);
      merged.push(result);
      if (merged.length >= limit) break;
    }
  }
  return merged;
}

export interface TurnRepliesInput {
  understanding: TurnUnderstanding;
  searches: readonly PlannedSearch[];
  responses: readonly SearchResponse[];
  language: 'zh' | 'en';
  plain: boolean;
  /** Replies wanted; a few more are composed as replacements for any the guard blocks. */
  count: number;
  /** The product under discussion: a fact about another product is not an answer. */
  discussed?: KnownProduct;
  /** A kind of product the customer asks about that the base holds none of (understanding/productNotOffered). */
  notOffered?: Situation;
  /** How rare each word is in the base (its IDF): a question's rare or unknown words weigh most in its coverage. */
  rarity?: TermRarity;
  /** A spoken word the base never uses, read as its part the base uses (text/base-word.ts), as the questions' terms were. */
  baseWord?: (word: string) => string;
}

/** Opens a reply with the situation's approved wording, as one text, keeping the answer's citation. */
function opened(lead: string, reply: ExtractiveReply, language: 'zh' | 'en'): ExtractiveReply {
  const sentences = [...splitReplySentences(closeSentence(lead, language)), ...reply.sentences];
  return { ...reply, text: joinSentences(language, sentences), sentences };
}

function leadOf(situations: readonly Situation[], language: 'zh' | 'en'): string | undefined {
  // The situations that decline first (what must not be done comes before anything offered), then those whose wording
  // is due whatever else is said (the arrangement a customer in arrears can apply for).
  const worded = situations.filter((situation) => situation.wording.trim());
  const leads = [...worded.filter((situation) => situation.declines), ...worded.filter((situation) => !situation.declines && situation.opens === true)].slice(0, 2).map((situation) => closeSentence(situation.wording, language));
  return leads.length > 0 ? joinSentences(language, leads) : undefined;
}

/**
 * The offline replies for a turn, best first: an answer to each question in turn (the first question's best answer,
 * then the second's, ...), opened by the approved wording of a situation that needs declining or warning; when
 * nothing retrieved answers, the situation's own script, or the hand-over that says what it will check and cites
 * the closest card. The list ends with replacements for replies the guard may block.
 */
export function composeTurnReplies(input: TurnRepliesInput): ExtractiveReply[] {
  const { understanding, searches, responses, language } = input;
  const perSearch: ExtractiveReply[][] = searches.map((search, index) => {
    const response = responses[index];
    if (!response) return [];
    const composed = composeExtractiveReplies({
      query: search.composeQuery,
      passages: response.results,
      language,
      plain: input.plain,
      ...(response.commonTokens ? { commonTokens: response.commonTokens } : {}),
      ...(input.rarity ? { rarity: input.rarity } : {}),
      ...(input.baseWord ? { baseWord: input.baseWord } : {}),
    });
    // The composer closes its list with the plain hand-over; the turn's own hand-over is decided below.
    const found = composed.filter((reply) => reply.passage !== undefined);
    // A product named in the question that only a table row describes (no sheet of its own in this language) is
    // answered by that row, first: the other passages are about other products.
    const row = search.purpose === 'question' && search.question ? namedRowAnswer(search.question, response.results, language) : undefined;
    const answered = row ? [row, ...found.filter((reply) => reply.text !== row.text)] : found;
    if (answered.length > 0 || search.purpose !== 'question' || !search.question) return answered;
    // The composer's word-share rules found nothing: a passage the fitted relevance still calls relevant answers with
    // its sentences that hold most of the question's words. Hand-over only when nothing is relevant.
    return response.results
      .filter((result) => result.kind !== 'compliance' && answersAsked(result, search.question, input.rarity))
      .slice(0, 2)
      .flatMap((result) => sentenceAnswer(result, judgedTerms(search.question), language, input.plain) ?? []);
  });
  // A kind of product the bank does not offer: the questions asked from where the customer turned to it on are about
  // it, and no passage answers them ("提前还款不收违约金" is the consumer loan's rule, not the mortgage's).
  const aboutKind = input.notOffered ? askedAboutKind(understanding, input.notOffered.cue) : () => false;
  const questionReplies = perSearch.filter((_replies, index) => searches[index]?.purpose === 'question' && !aboutKind(searches[index]?.question));
  const situationReplies = perSearch.filter((_replies, index) => searches[index]?.purpose === 'situation').flat();
  // An elderly caller is owed a plain answer, not the policy on serving older customers in place of one.
  const procedureReplies = perSearch.filter((_replies, index) => searches[index]?.purpose === 'situation' && searches[index]?.situation?.declines === false && searches[index]?.situation?.mannerOnly !== true).flat();

  // A fact about another product than the one the customer named is never an answer (the 90-day product's rate for a
  // question about the one-year one). Products are known from the retrieved passages' product field.
  const spoken = foldForMatch(understanding.customerText);
  const products = [...new Set(responses.flatMap((response) => response.results.flatMap((result) => (result.product ? [result.product] : []))))];
  const named = new Set(products.filter((product) => productCores(product).some((core) => spoken.includes(core)) || product === input.discussed?.name));
  const onTopic = (reply: ExtractiveReply): boolean => !reply.passage?.product || named.size === 0 || named.has(reply.passage.product);
  for (const replies of questionReplies) replies.splice(0, replies.length, ...replies.filter(onTopic));
  // So is a situation's script: the benchmark wording a promise request looks up is not said about a loan's penalty.
  for (const replies of [situationReplies, procedureReplies]) replies.splice(0, replies.length, ...replies.filter(onTopic));

  // A currency or kind of customer a question names (港币 deposits, a company's account) that a passage never names is
  // not what the passage answers: its reply says what it does cover, for reference, and hands the asked variant over.
  // The variant holds for the whole turn: "which is better, or should I change it into yuan first?" is still about
  // the Hong Kong dollars of the question before.
  // A document another of whose retrieved sections names the variant covers it (the fee sheet's conversion-fee row
  // beside its cash-advance section): the section's reply is part of an answer the base holds.
  const variants = askedOfTurn(understanding, language);
  if (variants.length > 0) {
    const retrieved = responses.flatMap((response) => response.results);
    const covering = (variant: AskedVariant): Set<string> => new Set(retrieved.filter((result) => uncoveredVariants(result, [variant]).length === 0).map((result) => result.documentId));
    const coveredBy = new Map(variants.map((variant) => [variant, covering(variant)]));
    const open = (reply: ExtractiveReply): ExtractiveReply => withVariantNotice(reply, variants.filter((variant) => !reply.passage || !coveredBy.get(variant)?.has(reply.passage.documentId)), language);
    for (const replies of questionReplies) replies.splice(0, replies.length, ...replies.map(open));
  }

  // A situation without declining wording (a lost card, hardship) brings its required procedure in as one more
  // column of the round robin: the procedure is due whatever the questions' own answers are.
  const required = procedureReplies.length > 0 ? [procedureReplies] : [];
  // A procedure that cannot wait (a card in someone else's hands is blocked before anything else) takes the first column,
  // unless the first question is itself about that situation ("I lost my card, what do I do?"): its own answer is
  // the procedure, said as the customer asked, before the procedure's other lines (its cover table, say).
  const urgent = searches.filter((search) => search.purpose === 'situation' && search.situation?.procedureFirst === true).map((search) => search.situation!.id);
  const firstQuestion = understanding.questions[0];
  // Read only when a procedure is urgent: reading the cues again is the costliest step of composing.
  const askedAbout = urgent.length > 0 && firstQuestion !== undefined && detectSituations(firstQuestion.text, language).some((situation) => urgent.includes(situation.id));
  const procedureFirst = urgent.length > 0 && !askedAbout;
  // Round robin over the questions: reply 1 answers question 1, reply 2 question 2, then second answers.
  const answers: ExtractiveReply[] = [];
  const seenText = new Set<string>();
  const columns = procedureFirst ? [...required, ...questionReplies] : [...questionReplies, ...required];
  const depth = Math.max(0, ...columns.map((replies) => replies.length));
  for (let rank = 0; rank < depth; rank += 1) {
    for (const replies of columns) {
      const reply = replies[rank];
      if (!reply || seenText.has(reply.text)) continue;
      seenText.add(reply.text);
      answers.push(reply);
    }
  }

  // Policies written for agents answer last: a reply is what the agent says to the customer.
  answers.sort((left, right) => Number(left.passage?.kind === 'compliance') - Number(right.passage?.kind === 'compliance'));
  // A request the bank does not serve at all (a declining situation with no knowledge of its own, e.g. off-topic)
  // gets its wording alone: a passage that happens to share a word would read as an answer to it. Unless the base
  // answers what was asked: "the hotel charged me twice" is about a card, not a hotel booking.
  const answered = searches.map(
    (search, index) => search.purpose === 'question' && (responses[index]?.results ?? []).some((result) => result.kind !== 'compliance' && answersAsked(result, search.question, input.rarity)),
  );
  const answerable = answered.some(Boolean);
  const unserved = (situation: Situation): boolean => situation.declines && !situation.knowledgeQuery.trim();
  // ... but a question of its own that names the unserved request and that the base does not answer ("will bitcoin go
  // up?" beside "can I take out my deposit?") still gets its decline: the other question's answer follows the wording.
  const declinedOnItsOwn = (situation: Situation): boolean => {
    const cue = foldForMatch(situation.cue);
    const naming = searches.flatMap((search, index) => (search.purpose === 'question' && search.question && foldForMatch(search.question.text).includes(cue) ? [index] : []));
    return naming.length > 0 && naming.every((index) => !answered[index]);
  };
  const asked = answerable ? understanding.situations.filter((situation) => !unserved(situation) || declinedOnItsOwn(situation)) : understanding.situations;
  // A product the bank does not offer: its wording leads, and no product's own facts answer for it.
  const situations = input.notOffered ? [input.notOffered, ...asked] : asked;
  if (input.notOffered) answers.splice(0, answers.length, ...answers.filter((reply) => !reply.passage?.product));
  const lead = leadOf(situations, language);
  const outOfScope = asked.some(unserved);
  // A suspected scam: the fee or arrival time of the transfer the customer was told to make would help it along.
  const withheld = situations.some((situation) => situation.withholdsAnswers);
  // Out of scope, the banking question the customer also asked keeps its answer (after the decline); nothing else does.
  if ((outOfScope && !answerable) || withheld) answers.splice(0, answers.length);
  const replies: ExtractiveReply[] = [];
  if (lead) {
    // Required handling first, in every reply: the answer (if any) follows the approved wording.
    for (const reply of [...answers, ...situationReplies]) replies.push(opened(lead, reply, language));
    // Out of scope beside a banking question nothing retrieved answers ("the fee when I pay abroad, and book me a
    // flight"): the decline alone would drop the banking part. It is handed over after the decline, in its own words.
    const banking = outOfScope && !answerable && !withheld ? bankingQuestions(understanding, asked.filter(unserved)) : [];
    if (banking.length > 0) {
      const kept = searches.flatMap((search, index) => (search.purpose === 'question' && search.question && banking.includes(search.question) ? [{ search, response: responses[index] }] : []));
      const handedOver = handover({ ...understanding, questions: banking }, kept.map((each) => each.search), kept.flatMap((each) => (each.response ? [each.response] : [])), language, input.rarity);
      if (handedOver.passage || handedOver.text !== clarifyingReply(language)) replies.push(opened(lead, handedOver, language));
    }
    const closest = outOfScope || withheld ? undefined : closestCard(searches, responses, input.rarity);
    replies.push({ text: lead, sentences: splitReplySentences(lead), ...(situationReplies[0]?.passage ?? closest ? { passage: (situationReplies[0]?.passage ?? closest) as SearchResult } : {}) });
  } else {
    replies.push(...answers);
    // A situation without declining wording (a lost card, hardship) still brings its procedure in as a further answer.
    for (const reply of situationReplies) if (!seenText.has(reply.text)) replies.push(reply);
  }
  // The hand-over is for when nothing relevant was found: offered only if no reply above is shown (see ReplacementPool).
  if (!lead) replies.push({ ...handover(understanding, searches, responses, language, input.rarity), fallback: true });
  // Should a rule object to the named hand-over in this context, the plain one is always sayable.
  replies.push({ ...handoverCandidate(language), fallback: true });
  return dedupe(replies);
}

/** The questions of the turn that do not name a request the bank does not serve: the banking part of the turn. */
function bankingQuestions(understanding: TurnUnderstanding, unserved: readonly Situation[]): AskedQuestion[] {
  const cues = unserved.map((situation) => foldForMatch(situation.cue)).filter(Boolean);
  return understanding.questions.filter((question) => !question.carried && !cues.some((cue) => foldForMatch(question.text).includes(cue)));
}

/** The variants the turn's questions name, each dimension once (the first question naming it decides). */
function askedOfTurn(understanding: TurnUnderstanding, language: 'zh' | 'en'): AskedVariant[] {
  const found: AskedVariant[] = [];
  for (const question of understanding.questions) {
    if (question.carried) continue;
    for (const variant of askedVariants(question.text, language)) if (!found.some((each) => each.dimension === variant.dimension)) found.push(variant);
  }
  return found;
}

/** The reply opened by the notice that its passage does not cover the variant asked, when it does not. */
function withVariantNotice(reply: ExtractiveReply, variants: readonly AskedVariant[], language: 'zh' | 'en'): ExtractiveReply {
  if (!reply.passage || variants.length === 0) return reply;
  const uncovered = uncoveredVariants(reply.passage, variants);
  return uncovered.length > 0 ? opened(uncoveredVariantNotice(language, uncovered), reply, language) : reply;
}

/**
 * Which questions of the turn are about the kind the customer turned to: those of the latest turn from the first
 * sentence naming it on (what was asked before it, and a question carried from an earlier turn, is another topic); all
 * of them when the latest turn does not name it (it was named before, or the agent took it up).
 */
function askedAboutKind(understanding: TurnUnderstanding, cue: string): (question: AskedQuestion | undefined) => boolean {
  const folded = foldForMatch(cue);
  const turned = understanding.sentences.findIndex((sentence) => foldForMatch(sentence.normalized).includes(folded) || foldForMatch(sentence.text).includes(folded));
  return (question) => {
    if (!question) return false;
    if (turned < 0) return true;
    if (question.carried) return false;
    const asked = understanding.sentences.findIndex((sentence) => question.text.startsWith(sentence.normalized));
    return asked < 0 || asked >= turned;
  };
}

function dedupe(replies: readonly ExtractiveReply[]): ExtractiveReply[] {
  const seen = new Set<string>();
  return replies.filter((reply) => {
    if (seen.has(reply.text)) return false;
    seen.add(reply.text);
    return true;
  });
}

/** The retrieved chunk most relevant to the questions asked, if any is relevant at all. */
function closestCard(searches: readonly PlannedSearch[], responses: readonly SearchResponse[], rarity?: TermRarity): SearchResult | undefined {
  let best: { result: SearchResult; relevance: number } | undefined;
  searches.forEach((search, index) => {
    if (search.purpose !== 'question' || !search.question) return;
    for (const result of responses[index]?.results ?? []) {
      if (!answersAsked(result, search.question, rarity)) continue;
      const relevance = relevanceOf(result);
      if (!best || relevance > best.relevance) best = { result, relevance };
    }
  });
  // Only a card we would answer from: an unrelated "closest" card misleads the agent more than no citation.
  return best?.result;
}

/**
 * The hand-over: says what will be checked (the question's words the closest card also holds, so nothing the
 * customer slipped in is echoed as a fact) and cites that card; with no relevant card, names the customer's topic
 * (handover-topic.ts); a polite clarifying question when nothing was asked.
 */
function handover(understanding: TurnUnderstanding, searches: readonly PlannedSearch[], responses: readonly SearchResponse[], language: 'zh' | 'en', rarity?: TermRarity): ExtractiveReply {
  const question = understanding.questions[0];
  if (!question) {
    const text = clarifyingReply(language);
    return { text, sentences: splitReplySentences(text) };
  }
  const closest = closestCard(searches, responses, rarity);
  if (!closest) {
    // Nothing in the base is relevant: say what will be checked in the customer's own words (their topic, never
    // their figures or promises), from the questions or, when they name nothing, the turn's other sentences.
    const asked = understanding.questions.map((each) => each.text);
    const told = understanding.sentences.filter((sentence) => sentence.act !== 'instruction' && sentence.act !== 'filler' && !asked.includes(sentence.normalized)).map((sentence) => sentence.text);
    const topic = handoverTopic(asked, told, language, rarity);
    if (topic) {
      const text = topicHandoverReply(language, topic);
      return { text, sentences: splitReplySentences(text) };
    }
  }
  // What the card is about (its title, headings, FAQ questions), so the words named are a topic, not a stray word of
  // the customer's. Words only, no figures: a figure next to "额度" reads as confirming account details.
  const about = closest ? [closest.title, ...closest.headingPath, ...closest.text.split('\n').filter((line) => /^\s*(Q|问)\s*[:：]/u.test(line))].join('\n').toLowerCase() : '';
  const named = question.terms.filter((term) => !/\d/u.test(term) && (cjk.test(term) || term.length >= 4) && about.includes(term.toLowerCase())).slice(0, 3);
  const text = namedHandoverReply(language, named);
  return { text, sentences: splitReplySentences(text), ...(closest ? { passage: closest } : {}) };
}

// A sentence about the document itself or written for agents is never said to a customer.
const aboutTheDocument = /本(?:说明|文件|规范|话术|表|页)|适用于|坐席|客服人员|this (?:document|guide|policy|sheet|page)|applies to|agents? (?:must|should)/iu;

/** Whether a passage's sentence can be said to the customer: no table fragment, nothing about the document or for agents. */
function sayable(text: string): boolean {
  return !text.includes('|') && !aboutTheDocument.test(text);
}

/**
 * The table row that names what the question names: a word of the question (a content word, not a figure) that only
 * one of the retrieved passages holds, and that passage holds it in a row's label (a product table's first column).
 * A word only one passage has is a name there; the row is what the base says about the thing named.
 */
function namedRowAnswer(question: AskedQuestion, results: readonly SearchResult[], language: 'zh' | 'en'): ExtractiveReply | undefined {
  const names = question.terms.filter((term) => termWeight(term) >= 1 && !/\d/u.test(term) && (cjk.test(term) ? term.length >= 2 : term.length >= 4));
  const indexes = results.map((result) => new TermIndex(`${result.title}\n${result.text}`));
  for (const name of names) {
    const holders = results.filter((_result, index) => indexes[index]?.has(name));
    const [holder] = holders;
    if (holders.length !== 1 || !holder || holder.kind === 'compliance') continue;
    const row = labelledRows(holder.text.split('\n'), language).find((candidate) => new TermIndex(candidate.label).has(name));
    if (row) return { text: row.sentence, sentences: [row.sentence], passage: holder };
  }
  return undefined;
}

/** The passage's sayable sentences holding most of the question's words, in the passage's order. */
function sentenceAnswer(result: SearchResult, terms: readonly string[], language: 'zh' | 'en', plain: boolean): ExtractiveReply | undefined {
  const maxSentences = plain ? 1 : 2;
  const maxCharacters = language === 'zh' ? (plain ? 70 : 130) : plain ? 180 : 340;
  const scored = passageSentences(result)
    .map((text, position) => {
      const index = new TermIndex(text);
      return { text, position, score: terms.filter((term) => index.has(term)).length };
    })
    .filter((sentence) => sentence.score > 0 && sayable(sentence.text))
    .sort((left, right) => right.score - left.score || left.position - right.position);
  // An FAQ judged to answer the question answers it with its answer, even in words other than the question's: the
  // match was on the FAQ's questions ("what will it cost over a year?" is "what is the APR?").
  const candidates =
    scored.length === 0 && result.kind === 'faq'
      ? passageSentences(result)
          .map((text, position) => ({ text, position, score: 0 }))
          .filter((sentence) => sayable(sentence.text))
      : scored;
  const chosen: typeof scored = [];
  let length = 0;
  for (const sentence of candidates) {
    if (chosen.length >= maxSentences || length + sentence.text.length > maxCharacters) continue;
    chosen.push(sentence);
    length += sentence.text.length;
  }
  if (chosen.length === 0) return undefined;
  const sentences = chosen.sort((left, right) => left.position - right.position).map((sentence) => sentence.text);
  return { text: joinSentences(language, sentences), sentences, passage: result };
}

function foldForMatch(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/gu, '');
}

/** What customers call a product: its name without the bank's name, and its first distinctive part ("稳盈" of 蓝海稳盈90天). */
function productCores(product: string): string[] {
  const bare = foldForMatch(product).replace(/^(?:蓝海|lanhai)/u, '').replace(/[（(].*$/u, '');
  const leading = /^[\u3400-\u9fff]{2}/u.exec(bare)?.[0];
  // English names: their first two words ("Steady Income"), as said.
  const latin = product.normalize('NFKC').toLowerCase().replace(/^lanhai\s+/u, '').split(/\s+/u).slice(0, 2).join('');
  return [...new Set([bare, ...(leading ? [leading] : []), ...(/^[a-z]/u.test(latin) ? [latin] : [])])].filter((core) => core.length >= 2);
}
