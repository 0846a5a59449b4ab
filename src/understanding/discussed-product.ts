import { foldText } from '../text/segment-text.js';
import type { Language, Situation } from './detect-situations.js';
import { productCategories, storyCutOffs } from './understanding-data.js';
import { asksSomething, comparedBefore, pointsBackToStory, punctuatedSentences, sinceTopicChange, type UnderstandingTurn } from './understand-turn.js';

/** A product the knowledge base holds, as its documents name it (front matter `product`, `productAliases`). */
export interface KnownProduct {
  name: string;
  aliases?: readonly string[];
  riskLevel?: string;
}

/**
 * Turns read back for the product under discussion: the customer's latest turn(s), the agent's turn before them and
 * the customer's turn before that. A product named further back is a topic the customer has left.
 */
const discussionTurns = 3;
const cjk = /[\u3400-\u9fff]/u;

function fold(text: string): string {
  // "90-day" and "90 day", "large-denomination" and "large denomination" are said and written either way; speech
  // recognition puts commas at the pauses inside a name ("an Anlan, Xinxiang something").
  return foldText(text).replace(/(?<=[a-z0-9])-(?=[a-z0-9])/gu, ' ').replace(/(?<=[a-z]),(?= [a-z])/gu, '').replace(/\s+/gu, ' ');
}

/** The leading word of a product name: the first Latin word, or the first two Chinese characters. */
function leadingWord(name: string): string {
  const folded = fold(name).trim();
  return cjk.test(folded.slice(0, 1)) ? folded.slice(0, 2) : (folded.split(' ')[0] ?? '');
}

/**
 * The bank's brand: a leading word that many product names share ("蓝海", "lanhai"). Customers drop it ("the Salary
 * Easy Loan", "进取成长混合基金"), so a name is also matched without it. Learnt from the catalogue, not listed.
 */
function brandsOf(products: readonly KnownProduct[]): Set<string> {
  const counts = new Map<string, number>();
  for (const product of products) {
    const word = leadingWord(product.name);
    if (word) counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return new Set([...counts].filter(([, count]) => count >= brandShare * products.length && count >= 3).map(([word]) => word));
}

/** A leading word on at least this share of the product names is the brand, not part of what a product is called. */
const brandShare = 0.25;

function namesOf(product: KnownProduct, brands: ReadonlySet<string>): string[] {
  const names = [product.name, ...(product.aliases ?? [])].map((name) => fold(name).trim());
  const bare = names.flatMap((name) => {
    const word = leadingWord(name);
    if (!brands.has(word)) return [];
    const rest = name.slice(word.length).trim();
    // What is left must still name something: two Chinese characters, or a Latin word of four letters or more.
    return (cjk.test(rest) ? rest.length >= 2 : rest.length >= 4) ? [rest] : [];
  });
  // Callers shorten a long English name to its first two words ("the Steady Income thing, the 90-day one").
  const spoken = [...names, ...bare].flatMap((name) => {
    if (cjk.test(name)) return [];
    const parts = name.split(' ');
    const core = parts.slice(0, 2).join(' ');
    return parts.length >= 3 && core.length >= storyCutOffs().spokenCoreCharacters ? [core] : [];
  });
  return [...new Set([...names, ...bare, ...spoken])];
}


/**
 * Each product's spoken names, learnt once per catalogue: the suggestion path looks products up on every turn, and a
 * catalogue is replaced, never changed in place, when the knowledge base is refreshed.
 */
const catalogueNames = new WeakMap<readonly KnownProduct[], Map<KnownProduct, string[]>>();

function spokenNamesOf(products: readonly KnownProduct[]): Map<KnownProduct, string[]> {
  let names = catalogueNames.get(products);
  if (!names) {
    // The brand is learnt from the whole catalogue, whichever products are looked for.
    const brands = brandsOf(products);
    names = new Map(products.map((product) => [product, namesOf(product, brands)]));
    catalogueNames.set(products, names);
  }
  return names;
}

/** Every name customers may say for the catalogue's products (names, aliases, and the names without the brand), folded. */
export function spokenProductNames(products: readonly KnownProduct[]): string[] {
  return [...new Set([...spokenNamesOf(products).values()].flat())];
}

const escapeName = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');

/**
 * A Latin name as a pattern at word boundaries. A long one (as long as a spoken core, story-cut-offs.json) is also
 * found with a word split where speech recognition heard two ("steady in come" for "steady income"): a space may stand
 * between any two of its letters. A short one must be said as written: split, it would be found inside other words.
 */
const namePatterns = new Map<string, RegExp>();

function spokenNamePattern(folded: string): RegExp {
  const known = namePatterns.get(folded);
  if (known) return known;
  const letters = folded.replace(/ /gu, '');
  const body = letters.length >= storyCutOffs().spokenCoreCharacters ? [...letters].map(escapeName).join(' ?') : escapeName(folded);
  const pattern = new RegExp(`(?<![a-z0-9])${body}(?![a-z0-9])`, 'gu');
  namePatterns.set(folded, pattern);
  return pattern;
}

/** Where the text names one of the product's names last (-1 when it does not); Latin names only at word boundaries. */
function lastMention(text: string, names: readonly string[]): number {
  let last = -1;
  for (const name of names) {
    const folded = fold(name).trim();
    if (folded.length < 2) continue;
    if (cjk.test(folded)) {
      last = Math.max(last, text.lastIndexOf(folded));
      continue;
    }
    for (const match of text.matchAll(spokenNamePattern(folded))) last = Math.max(last, match.index);
  }
  return last;
}

/** The product's entry in the conversation's language: an English sheet lists the Chinese name as an alias. */
function inLanguage(product: KnownProduct, products: readonly KnownProduct[], language: Language): KnownProduct {
  const matches = (candidate: KnownProduct): boolean => (language === 'zh') === cjk.test(candidate.name);
  if (matches(product)) return product;
  const names = new Set([product.name, ...(product.aliases ?? [])].map(fold));
  const twin = products.find((candidate) => matches(candidate) && [candidate.name, ...(candidate.aliases ?? [])].some((name) => names.has(fold(name))));
  return twin ?? product;
}

/** The product a text names (the one named last), if any. */
export function productNamedIn(text: string, products: readonly KnownProduct[], language: Language, among: (product: KnownProduct) => boolean = () => true): KnownProduct | undefined {
  const folded = fold(text);
  const names = spokenNamesOf(products);
  let best: { product: KnownProduct; at: number; length: number } | undefined;
  for (const product of products) {
    // An English call names products by the English sheets' names and aliases: a Chinese sheet's Latin alias is
    // Chinese usage ("手机银行APP" lists "APP"), and in English "the app" is where the customer looked, not a product.
    if (!among(product) || (language === 'en' && cjk.test(product.name))) continue;
    const at = lastMention(folded, names.get(product) ?? []);
    if (at < 0) continue;
    // The later mention wins; at the same place the longer (more specific) name does.
    const length = product.name.length;
    if (!best || at > best.at || (at === best.at && length > best.length)) best = { product, at, length };
  }
  return best ? inLanguage(best.product, products, language) : undefined;
}

/**
 * The texts of the latest exchange, oldest first: the customer's latest turn(s), the agent's turn before them and the
 * customer's turn before that. Customer posts in a row count as one turn: a question is often split over two posts.
 */
export function latestExchange(turns: readonly UnderstandingTurn[]): string[] {
  const grouped: string[] = [];
  let previousSpeaker: string | undefined;
  for (const turn of turns) {
    if (turn.speaker === previousSpeaker && grouped.length > 0) grouped[grouped.length - 1] += `\n${turn.text}`;
    else grouped.push(turn.text);
    previousSpeaker = turn.speaker;
  }
  return grouped.slice(-discussionTurns);
}

let channelMeans: RegExp | undefined;

/**
 * A channel named as the means of what was done ("用的手机银行付的", "在网银上办的", "did it in the app") blanked out (same
 * length): it is how the customer acted, not what the call is about. Channels and their means words are data
 * (product-categories.yaml).
 */
export function withoutChannelsAsMeans(text: string): string {
  if (!channelMeans) {
    const { channels } = productCategories();
    const alternatives = (list: readonly string[]): string => list.map((word) => fold(word).replace(/[.*+?^${}()|[\]\\]/gu, '\\$&')).join('|');
    const chinese = `(?:${alternatives(channels.means.zh)})(?:${alternatives(channels.between.zh)})*(?:${alternatives(channels.words.zh)})`;
    const english = `(?<![a-z])(?:${alternatives(channels.means.en)})\\s+(?:(?:${alternatives(channels.between.en)})\\s+)*(?:${alternatives(channels.words.en)})(?![a-z])`;
    channelMeans = new RegExp(`${chinese}|${english}`, 'giu');
  }
  return text.replace(channelMeans, (means) => ' '.repeat(means.length));
}

/**
 * The product the conversation is about right now: the one named last in the latest exchange, by the customer or
 * by the agent confirming it ("您是想赎回蓝海进取成长混合基金对吧"); a channel named only as the means of what was done is
 * not it (withoutChannelsAsMeans). A follow-up question that names no product
 * ("现在卖要扣多少手续费？") is about it; a product named in the customer's latest turn replaces it.
 */
export function discussedProduct(turns: readonly UnderstandingTurn[], products: readonly KnownProduct[], language: Language): KnownProduct | undefined {
  if (products.length === 0) return undefined;
  // After a change of topic ("另外问个事，信用卡取现…", "something else: my gold card's fee") the product named since the
  // change is the topic; one named before it stays only while the new question names no other kind of product: a
  // customer who goes on about the same product seldom names it again.
  const latest = latestCustomerText(turns);
  const changed = latest ? sinceTopicChange(latest, language) : undefined;
  if (changed !== undefined) {
    const named = productNamedIn(withoutChannelsAsMeans(changed), products, language);
    if (named) return named;
  }
  for (const text of latestExchange(turns).reverse()) {
    const named = productNamedIn(withoutChannelsAsMeans(text), products, language);
    if (named) return changed !== undefined && namesAnotherKind(changed, named, products, language) ? undefined : named;
  }
  return undefined;
}

/** A kind of product as its words, and whether products with a risk level are of it (servedKinds, product-categories.yaml). */
interface ProductKind {
  words: { zh: readonly string[]; en: readonly string[] };
  riskRated?: boolean;
}

/** Whether the product is of the kind: one of its names holds a word of the kind, or the kind is risk-rated and the product is. */
function ofKind(product: KnownProduct, kind: ProductKind): boolean {
  if (kind.riskRated && product.riskLevel !== undefined) return true;
  const words = [...kind.words.zh, ...kind.words.en];
  return [product.name, ...(product.aliases ?? [])].map(fold).some((name) => words.some((word) => holdsWord(name, word)));
}

/**
 * Whether a text names a kind of product the given one is not of: a kind the bank serves or one it does not, by its
 * words outside a comparison ("cheaper than a loan" names the yardstick), or a kind told by what the customer needs.
 */
export function namesAnotherKind(text: string, product: KnownProduct, products: readonly KnownProduct[], language: Language): boolean {
  const { servedKinds, categories } = productCategories();
  const clauses = punctuatedSentences(text).flatMap((sentence) => sentence.split(clauseEnd)).map(fold);
  const said = (kind: ProductKind): boolean =>
    [...kind.words.zh, ...kind.words.en].some((word) =>
      clauses.some((clause) => {
        const at = wordAt(clause, word);
        return at >= 0 && !comparedBefore(clause, at, language);
      }),
    );
  if ([...servedKinds, ...categories].some((kind) => said(kind) && !ofKind(product, kind))) return true;
  return describedKind(text, products, language) !== undefined;
}

/**
 * A risk-rated product (wealth, fund, insurance) named in the latest exchange, even when something else was named after
 * it: "I put ten grand in the Steady Income thing and the app won't let me take it out" is still about the investment,
 * and its risk disclosure is due whatever channel the customer names last.
 */
export function riskRatedProductNamed(turns: readonly UnderstandingTurn[], products: readonly KnownProduct[], language: Language): KnownProduct | undefined {
  const rated = (product: KnownProduct): boolean => product.riskLevel !== undefined;
  if (!products.some(rated)) return undefined;
  for (const text of latestExchange(turns).reverse()) {
    const named = productNamedIn(text, products, language, rated);
    if (named?.riskLevel) return named;
  }
  return undefined;
}

function wordAt(text: string, word: string): number {
  const folded = fold(word);
  if (cjk.test(folded)) return text.indexOf(folded);
  // An English kind is asked about in the plural as often as not ("do you do home loans?").
  return text.search(new RegExp(`(?<![a-z0-9])${folded.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&')}(?:e?s)?(?![a-z0-9])`, 'u'));
}

function holdsWord(text: string, word: string): boolean {
  return wordAt(text, word) >= 0;
}

/** A kind of product or a product of the base, named where a customer's text asks about it; `at` orders the mentions. */
interface AskedMention {
  at: number;
  /** The kind's word as said, for a kind; undefined for a product of the base. */
  kind?: string;
  offered: boolean;
}

const clauseEnd = /(?<=[，,;；:：])/u;

/**
 * What a customer's text asks about, in order: the kinds and products it names in a sentence that asks something,
 * in a clause that asks or leads up to one ("车贷是在你们这儿办的，先还掉一些要不要约时间？"). A kind told after the
 * sentence's last asking clause is an afterthought or a reason ("这个影响信用记录吗，过两年我打算贷款买房"), one named in a
 * sentence that asks nothing is story, and one named after a comparison word is the yardstick ("less than my car
 * loan"): none of them is asked about.
 */
function askedMentions(text: string, products: readonly KnownProduct[], language: Language, toldBeforePointing = false): AskedMention[] {
  const { categories } = productCategories();
  const names = products.flatMap((product) => [product.name, ...(product.aliases ?? [])]).map(fold);
  const offered = (words: readonly string[]): boolean => names.some((name) => words.some((word) => holdsWord(name, word)));
  const mentions: AskedMention[] = [];
  let position = 0;
  const sentences = punctuatedSentences(text);
  sentences.forEach((sentence, sentenceIndex) => {
    const clauses = sentence.split(clauseEnd);
    const next = sentences[sentenceIndex + 1];
    // Told right before a question that only points at it ("…can sort out travel insurance. How much would that be?"),
    // the whole sentence is the question's topic.
    const topicOfNext = toldBeforePointing && next !== undefined && asksSomething(next, language) && pointsBackToStory(next, language);
    const lastAsking = topicOfNext ? clauses.length - 1 : clauses.findLastIndex((clause) => asksSomething(clause, language));
    clauses.forEach((clause, index) => {
      const at = position;
      position += clause.length;
      if (lastAsking < 0 || index > lastAsking) return;
      const folded = fold(clause);
      // A product of the base asked about in the same clause as a kind is what the clause asks about ("安居贷和车贷比哪个划算？").
      if (productNamedIn(clause, products, language)) mentions.push({ at: at + 0.999, offered: true });
      for (const category of categories) {
        const words = [...category.words.zh, ...category.words.en];
        for (const word of words) {
          const found = wordAt(folded, word);
          if (found < 0 || comparedBefore(folded, found, language)) continue;
          mentions.push({ at: at + found / Math.max(1, folded.length), kind: word, offered: offered(words) });
          break;
        }
      }
    });
    position += 1;
  });
  return mentions.sort((left, right) => left.at - right.at);
}

/**
 * A kind no product of the base is, told by what the customer needs rather than by its name (categories' `described`):
 * every word family of one alternative said in the text. Its name as the reply says it, or undefined.
 */
export function describedKind(text: string, products: readonly KnownProduct[], language: Language): string | undefined {
  const { categories } = productCategories();
  const folded = fold(text);
  const names = products.flatMap((product) => [product.name, ...(product.aliases ?? [])]).map(fold);
  for (const category of categories) {
    const described = category.described;
    if (!described) continue;
    const all = [...category.words.zh, ...category.words.en];
    if (names.some((name) => all.some((word) => holdsWord(name, word)))) continue;
    const alternatives = [...described.cues[language], ...described.cues[language === 'zh' ? 'en' : 'zh']];
    if (alternatives.some((families) => families.every((family) => family.some((word) => holdsWord(folded, word))))) return described.named[language];
  }
  return undefined;
}

/** The customer turns since the agent last spoke, as one text. */
function latestCustomerText(turns: readonly UnderstandingTurn[]): string {
  const latest: string[] = [];
  for (const turn of [...turns].reverse()) {
    if (turn.speaker !== 'customer') break;
    latest.unshift(turn.text);
  }
  return latest.join('\n');
}

function notOfferedSituation(said: string, language: Language): Situation {
  const { wording } = productCategories();
  return {
    id: 'product_not_offered',
    declines: true,
    withholdsAnswers: false,
    handling:
      language === 'zh'
        ? `客户询问的${said}不在知识库的产品范围内：如实说明没有相关规则，不用其他产品的规定作答，转接专员或登记回电核实。`
        : `The customer asks about ${said}, which the knowledge base holds no product for: say so, never answer from another product's terms, and hand over to a specialist or arrange a call-back.`,
    wording: wording[language].replace('{topic}', said),
    knowledgeQuery: '',
    cue: said,
  };
}

/**
 * A kind of product the latest exchange is about that no product of the knowledge base is (a mortgage where the
 * bank's base holds only a consumer loan), as a situation whose approved wording says so and hands over.
 * The customer's latest turn decides first: a kind it asks about, with no product of the base asked about after it,
 * is the topic now, whatever product was discussed before ("还有，我的房贷能提前还吗？" after a transfer fee) or is
 * named only in its story ("I looked in the app"). Otherwise a kind asked about in the exchange (or one the agent
 * took up) counts only while no product of the base is under discussion.
 * Undefined when the customer asks about a product the base holds, or every kind named is offered.
 */
export function productNotOffered(turns: readonly UnderstandingTurn[], products: readonly KnownProduct[], language: Language): Situation | undefined {
  if (products.length === 0) return undefined;
  const latestText = latestCustomerText(turns);
  const latest = askedMentions(latestText, products, language);
  const last = latest.at(-1);
  if (last) return last.kind && !last.offered ? notOfferedSituation(last.kind, language) : undefined;
  // Nothing named: the latest turn may tell a kind by what the customer needs ("buying our first flat… would you lend").
  const described = describedKind(latestText, products, language);
  if (described) return notOfferedSituation(described, language);
  if (discussedProduct(turns, products, language)) return undefined;
  const { categories } = productCategories();
  // What the customer asks about, or what the agent took up: "I'm applying for a mortgage next month" told in passing
  // is story, while "房贷利率的调整和合同约定有关" from the agent says the mortgage is the topic.
  const recent = turns.slice(-discussionTurns);
  const lastAgent = recent.filter((turn) => turn.speaker === 'agent').at(-1)?.text ?? '';
  // With nothing of the base under discussion, a kind told right before a question that only points at it counts too.
  const askedBefore = recent.filter((turn) => turn.speaker === 'customer').flatMap((turn) => askedMentions(turn.text, products, language, true));
  const kind = askedBefore.findLast((mention) => mention.kind !== undefined && !mention.offered)?.kind;
  if (kind) return notOfferedSituation(kind, language);
  const agent = fold(lastAgent);
  const names = products.flatMap((product) => [product.name, ...(product.aliases ?? [])]).map(fold);
  for (const category of categories) {
    const all = [...category.words.zh, ...category.words.en];
    const said = all.find((word) => holdsWord(agent, word));
    if (!said) continue;
    if (names.some((name) => all.some((word) => holdsWord(name, word)))) continue;
    return notOfferedSituation(said, language);
  }
  return undefined;
}
