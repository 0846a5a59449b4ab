/**
 * Where a cue sits in an utterance decides whether it is asserted: a negator in its own clause ("不保本",
 * "we can't guarantee"), quotation marks ("“稳赚”这个说法"), reported speech ("您问是不是保本"), or a question
 * turn a risky word into a compliant mention. Negation is scoped to the clause: a contrast word or a comma
 * ends it ("虽然不保本，但稳赚" still promises).
 */
export interface Span {
  start: number;
  end: number;
}

interface Clause extends Span {
  question: boolean;
  sentence: number;
}

const coordinatorAtEnd = /(?:或者|或是|或|以及|和|及|与|、|\s(?:or|nor|and)\s)\s*$/u;
const clauseBreak = /[,;:!?。；，！？\n]|\.(?!\d)|\s(?:but|however|although|though|whereas|yet)\s|(?:但是|不过|可是|然而|只是|但)/g;
const sentenceBreak = /[;!?。；！？\n]|\.(?!\d)/g;
const cjk = /[\u3400-\u9fff]/;
const sentenceWindow = 160;

// Words with 不/没/无/非/别 that negate nothing; matched first so they are skipped.
const notNegators =
  '不管|不论|不仅|不但|不错|不少|不断|不久|不过|不妨|不如|不光|不止|不时|不住|不同|不外乎|不想|不满|再不|无论|非常|别的|别人|别家|别处|没准|未来|未必不|特别|区别|分别|级别|类别|差别|告别|识别|鉴别|无限|无疑|' +
  '是不是|有没有|能不能|会不会|可不可以|要不要|好不好|对不对|行不行|别担心|不用担心|不要担心|别怕|不用怕|无后顾之忧|' +
  'not only|no matter|no doubt|no problem|never mind|nothing but|no later than|not just';
const negatorPattern = new RegExp(
  `(${notNegators})|(不(?:可能|能|会|是|可以|得|要|用|必|敢|一定)?|没有?|无法|无|非|别|未|勿|莫|n't|\\bnot\\b|\\bno\\b|\\bnever\\b|\\bcannot\\b|\\bnobody\\b|\\bnothing\\b|\\bnone\\b|\\bneither\\b|\\bnor\\b|\\bwithout\\b)`,
  'g',
);

const reportedSpeech = new RegExp(
  [
    '(?<![跟和给对向替帮])(您|你|客户|有人|别人|很多人|不少人|大家|朋友|对方|外面|网上|他们|他|她)(刚才|刚刚|之前|可能|总是|经常|常常|都|也|是不是)?(在)?(问|说|提到|以为|认为|觉得|听说|想知道|关心|咨询|担心|怀疑|追求|需要|要求|希望|偏好|想要|倾向)',
    '听说|所谓|号称|宣称|据说|传言|是想(要|问|找|了解)|想(要|找|买)(一个|一款|个)?',
    "\\b(you|customers?|people|someone|somebody|they|others|folks|many|some|he|she|your (friend|neighbou?r|son|daughter|husband|wife))( (just|may|might|probably|often|all|have|had|will|would|could|sometimes|usually|always|keep|often))? (asked|ask|asking|said|say|says|tell you|told you|tells you|telling you|claim|claims|claimed|mentioned|mention|heard|hear|think(?! about)|thought(?! about)|believe|believed|assume|assumed|wonder|wondered|wondering|want to know|wanted to know|were told|was told|are told|expect|expected|want|wanted|are looking for|were looking for)\\b",
    // "advisers will tell you X", "salespeople tell you X": whoever the teller is, unless it is the speaker.
    "\\b(?!(i|we|me|us|i'll|we'll|let)\\b)[a-z']{2,20}( (will|would|may|might|could|sometimes|often|usually|always))? (tell|tells|told) you\\b",
    // "anyone calling it risk-free", "whoever promises you X": the speaker reports someone else's words.
    "\\b(anyone|anybody|someone|somebody|people|whoever|those) (who (calls?|says?|promises?|claims?|tells you)|calling|saying|promising|claiming|telling you)\\b",
    '\\bso-called\\b|\\bwhat (people|they|some) call\\b|\\b(claims?|claimed) that\\b|\\bwhether\\b|\\byou\'re (asking|wondering|looking for)\\b',
  ].join('|'),
);
const zhAskNotAsk = /(是不是|有没有|能不能|会不会|可不可以|要不要|是否|吗$)/;
const englishQuestionStart = /^\s*(is|are|was|were|do|does|did|can|could|would|will|should|shall|may|might|have|has|had|what|which|how|why|when|where|who|whose|isn't|aren't|don't|doesn't|won't|wouldn't|couldn't)\b/;
const zhPostNegation = /^.{0,12}?(是)?((现在|目前|市面上|根本)?(是)?没有的|不存在的|已(经)?(没有了|没了|不再|取消|退出|停售)|不可能|不存在|做不到|不成立|不现实|不真实|不准确|不对|错误|不能(承诺|保证|说|讲|用)|没(有)?(这(回|种)事)|骗人|误导|违规|不合规|不允许|禁止|不可以|谈不上)/;
const enPostNegation =
  /^(?:\s+(?:is|are|was|were|isn't|aren't|wasn't|weren't))?\s+(?:not|never|simply not)\b|^\s*(?:isn't|aren't|wasn't|weren't)\b|^[^,.;]{0,30}\b(?:don't|doesn't|do not|does not) (?:exist|apply)|^[^,.;]{0,30}\bno such thing|^[^,.;]{0,12}\bis a myth/;

const quotePairs: Record<string, string> = { '“': '”', '「': '」', '『': '』', '‘': '’', '"': '"', '《': '》' };

export class UtteranceScope {
  readonly text: string;
  readonly #clauses: Clause[] = [];
  readonly #sentences: Span[] = [];
  readonly #quotes: Span[] = [];

  #ready = false;

  constructor(text: string) {
    this.text = text;
  }

  /** Built on first use: most utterances match no cue candidate, and then need no clause analysis. */
  #ensure(): void {
    if (this.#ready) return;
    this.#ready = true;
    this.#split();
    this.#findQuotes();
  }

  #split(): void {
    const { text } = this;
    const sentenceEnds: number[] = [];
    sentenceBreak.lastIndex = 0;
    for (let match = sentenceBreak.exec(text); match; match = sentenceBreak.exec(text)) sentenceEnds.push(match.index + 1);
    let sentenceStart = 0;
    for (const end of [...sentenceEnds, text.length]) {
      if (end > sentenceStart) this.#sentences.push({ start: sentenceStart, end });
      sentenceStart = end;
    }
    let clauseStart = 0;
    let sentenceIndex = 0;
    const pushClause = (end: number, delimiter: string): void => {
      if (end <= clauseStart) return;
      while (sentenceIndex < this.#sentences.length - 1 && (this.#sentences[sentenceIndex]?.end ?? 0) <= clauseStart) sentenceIndex += 1;
      const body = text.slice(clauseStart, end).trim();
      // A Chinese clause is a question by its mark or particle; an English one only when it opens like a question.
      const question = cjk.test(body)
        ? delimiter === '?' || /[吗呢么嘛][\s"”]*$/.test(body)
        : delimiter === '?' && englishQuestionStart.test(body);
      this.#clauses.push({ start: clauseStart, end, question, sentence: sentenceIndex });
    };
    clauseBreak.lastIndex = 0;
    for (let match = clauseBreak.exec(text); match; match = clauseBreak.exec(text)) {
      const token = match[0];
      if (/^[\s\w]/.test(token) && token.length > 1) {
        // An English contrast word starts the next clause.
        pushClause(match.index, '');
        clauseStart = match.index + 1;
      } else if (token.length > 1 || cjk.test(token)) {
        // A Chinese contrast word (但是/不过) also starts the next clause; punctuation ends this one.
        const isPunctuation = /[。；，！？]/.test(token);
        pushClause(isPunctuation ? match.index + 1 : match.index, token);
        clauseStart = isPunctuation ? match.index + 1 : match.index;
      } else {
        pushClause(match.index + 1, token);
        clauseStart = match.index + 1;
      }
    }
    pushClause(text.length, '');
    // An English sentence that opens like a question makes all its clauses questions ("Would you prefer X, or Y?").
    for (const [index, sentence] of this.#sentences.entries()) {
      const body = text.slice(sentence.start, sentence.end);
      if (body.trimEnd().endsWith('?') && englishQuestionStart.test(body)) {
        for (const clause of this.#clauses) if (clause.sentence === index) clause.question = true;
      }
    }
  }

  #findQuotes(): void {
    const { text } = this;
    let open: { character: string; index: number } | undefined;
    for (let index = 0; index < text.length; index += 1) {
      const character = text[index] ?? '';
      if (open) {
        if (character === quotePairs[open.character] || (open.character === "'" && character === "'")) {
          if (open.character !== "'" || !/[a-z]/.test(text[index + 1] ?? '')) {
            this.#quotes.push({ start: open.index, end: index + 1 });
            open = undefined;
          }
        } else if (character === '\n') open = undefined;
        continue;
      }
      if (quotePairs[character] !== undefined) open = { character, index };
      else if (character === "'" && !/[a-z0-9]/.test(text[index - 1] ?? '') && /[a-z]/.test(text[index + 1] ?? '')) open = { character, index };
    }
  }

  clauseAt(offset: number): Clause {
    this.#ensure();
    return findSpan(this.#clauses, offset) ?? this.#clauses[this.#clauses.length - 1] ?? { start: 0, end: this.text.length, question: false, sentence: 0 };
  }

  sentenceAt(offset: number): Span {
    this.#ensure();
    return findSpan(this.#sentences, offset) ?? { start: 0, end: this.text.length };
  }

  /** The sentence around `offset`, clipped to a window so a 100 kB run-on "sentence" stays cheap to test. */
  sentenceText(offset: number): string {
    const sentence = this.sentenceAt(offset);
    return this.text.slice(Math.max(sentence.start, offset - sentenceWindow), Math.min(sentence.end, offset + sentenceWindow));
  }

  isQuoted(offset: number): boolean {
    this.#ensure();
    const quote = findSpan(this.#quotes, offset);
    return quote !== undefined && offset > quote.start;
  }

  /**
   * Whether a cue at [coreStart, coreEnd) inside the match [matchStart, matchEnd) is asserted by the speaker.
   * Negators before the core (in its clause, nearby) and negators in the match outside the core are counted:
   * an odd count negates ("不保证不会亏" is compliant), an even count does not ("不是不保本").
   */
  isAsserted(match: Span, core: Span, options: { includeQuestions?: boolean } = {}): boolean {
    if (this.isQuoted(core.start)) return false;
    const clause = this.clauseAt(core.start);
    const prefix = this.text.slice(clause.start, core.start);
    if (reportedSpeech.test(prefix)) return false;
    if (!options.includeQuestions) {
      if (clause.question) return false;
      if (zhAskNotAsk.test(prefix)) return false;
    }
    const width = cjk.test(this.text[core.start] ?? '') ? 14 : 48;
    // In a coordination of parallel cues ("不能保证不亏或者保证收益", "can't guarantee growth or guarantee
    // returns") the negation before the first conjunct covers the later ones, and the first conjunct's own
    // words are not negators of this one: look before the first conjunct instead.
    let scopeEnd = core.start;
    const head = this.text.slice(core.start, core.start + (cjk.test(this.text[core.start] ?? '') ? 2 : 5)).toLowerCase();
    for (;;) {
      const preceding = this.text.slice(clause.start, scopeEnd);
      const coordinator = coordinatorAtEnd.exec(preceding);
      if (!coordinator) break;
      const parallel = preceding.slice(0, coordinator.index).toLowerCase().lastIndexOf(head);
      if (parallel < 0) break;
      scopeEnd = clause.start + parallel;
    }
    const before = this.text.slice(Math.max(clause.start, scopeEnd - width), scopeEnd);
    const insideAfter = this.text.slice(core.end, Math.min(match.end, clause.end));
    const scoped = `${before} ${insideAfter}`;
    if (countNegators(scoped) % 2 === 1) return false;
    const after = this.text.slice(core.end, clause.end);
    if (zhPostNegation.test(after) || enPostNegation.test(after)) return false;
    return true;
  }
}

export function countNegators(text: string): number {
  let count = 0;
  negatorPattern.lastIndex = 0;
  for (let match = negatorPattern.exec(text); match; match = negatorPattern.exec(text)) {
    if (match[2] !== undefined) count += 1;
  }
  return count;
}

/** Binary search over sorted, non-overlapping spans: long texts have many clauses, and every cue asks. */
function findSpan<T extends Span>(spans: readonly T[], offset: number): T | undefined {
  let low = 0;
  let high = spans.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const span = spans[middle];
    if (!span) return undefined;
    if (offset < span.start) high = middle - 1;
    else if (offset >= span.end) low = middle + 1;
    else return span;
  }
  return undefined;
}
