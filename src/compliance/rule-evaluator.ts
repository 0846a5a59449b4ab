import type { CompiledFrame, CompiledRule, CueSet, FamilySet } from './compiled-rule.js';
import type { CustomerProfile, FindingExplanation } from './compliance-types.js';
import { findIdentifiers } from './identifier-matchers.js';
import type { PatternPresence } from './pattern-prefilter.js';
import type { ProductIndex } from './product-index.js';
import type { Span, UtteranceScope } from './utterance-scope.js';

/** What one check knows, computed once and shared by every rule. Texts here are normalised. */
export interface EvaluationContext {
  text: string;
  scope: UtteranceScope;
  speaker: 'agent' | 'customer';
  customerWindow: string;
  /** The latest customer turn of the window: what a short agent answer replies to. */
  lastCustomerTurn: string;
  /** The customer's turns since the last agent turn: what this reply answers (a disclosure is due here, once). */
  customerSinceAgent: string;
  agentWindow: string;
  customer: CustomerProfile | undefined;
  products: ProductIndex;
  /**
   * What each pattern answered on the conversation windows during this check. The windows are up to 30 turns long
   * and many rules ask the same question of them (one word family serves several frames): each is asked once.
   */
  windowAnswers?: { customer: Map<RegExp, boolean>; agent: Map<RegExp, boolean> };
  /**
   * Which patterns can match each text at all (pattern-prefilter.ts): a pattern none of whose required literals
   * is in a text is not run on it (nor on any part of it, such as a sentence). Absent: every pattern runs.
   */
  presence?: Record<ContextText, PatternPresence>;
}

export type ContextText = 'text' | 'customerWindow' | 'agentWindow' | 'lastCustomerTurn' | 'customerSinceAgent';

/** False when `pattern` cannot match the context's `field` (or any part of it). */
function mayMatch(context: EvaluationContext, pattern: RegExp, field: ContextText): boolean {
  return context.presence === undefined || context.presence[field].mayMatch(pattern);
}

/** `pattern.test` on a text of the context, skipped when the prefilter shows it cannot match. */
function testField(context: EvaluationContext, pattern: RegExp, field: ContextText): boolean {
  return mayMatch(context, pattern, field) && pattern.test(context[field]);
}

/** `pattern.test` on the customer's or the agent's window, remembered for the rest of the check. */
export function testWindow(context: EvaluationContext, pattern: RegExp, window: 'customer' | 'agent'): boolean {
  const text = window === 'customer' ? context.customerWindow : context.agentWindow;
  if (!text || !mayMatch(context, pattern, window === 'customer' ? 'customerWindow' : 'agentWindow')) return false;
  const answers = context.windowAnswers?.[window];
  if (!answers) return pattern.test(text);
  let answer = answers.get(pattern);
  if (answer === undefined) {
    answer = pattern.test(text);
    answers.set(pattern, answer);
  }
  return answer;
}

export interface RuleHit {
  span: Span;
  /** Why, in a few words, added to the rule's explanation. */
  reason: string;
  explain?: FindingExplanation;
}

const cueExplanation = (detector: FindingExplanation['detector'], matched: string): FindingExplanation => ({ detector, matches: [{ slot: 'cue', text: matched, in: 'text' }] });

interface MatchOptions {
  includeQuestions?: boolean;
  with?: RegExp | undefined;
  safe?: RegExp | undefined;
  strong?: boolean;
  /** A second sentence condition (a frame's subject named in the same sentence). */
  alsoWith?: RegExp | undefined;
}

type AssertedMatch = Span & { matched: string; pattern: number };

function firstAsserted(context: EvaluationContext, cues: CueSet, options: MatchOptions): AssertedMatch | undefined {
  const { text, scope } = context;
  if (!testField(context, cues.any, 'text')) return undefined;
  let best: AssertedMatch | undefined;
  for (const [patternIndex, pattern] of cues.each.entries()) {
    if (!mayMatch(context, pattern, 'text')) continue;
    pattern.lastIndex = 0;
    for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
      if (match[0].length === 0) {
        pattern.lastIndex += 1;
        continue;
      }
      if (best && match.index >= best.start) break;
      const matchSpan = { start: match.index, end: match.index + match[0].length };
      const coreIndices = (match as RegExpExecArray & { indices?: { groups?: Record<string, [number, number] | undefined> } }).indices?.groups?.core;
      const core = coreIndices ? { start: coreIndices[0], end: coreIndices[1] } : matchSpan;
      const sentence = scope.sentenceText(core.start);
      // The sentence is part of the text: a pattern that cannot match the text cannot match it.
      if (options.with && !(mayMatch(context, options.with, 'text') && options.with.test(sentence))) continue;
      if (options.alsoWith && !(mayMatch(context, options.alsoWith, 'text') && options.alsoWith.test(sentence))) continue;
      if (options.safe && mayMatch(context, options.safe, 'text') && options.safe.test(sentence)) continue;
      const asserted = options.strong
        ? !scope.isQuoted(core.start)
        : scope.isAsserted(matchSpan, core, options.includeQuestions ? { includeQuestions: true } : {});
      if (!asserted) continue;
      best = { ...matchSpan, matched: match[0], pattern: patternIndex };
      break;
    }
  }
  return best;
}

function situationHolds(rule: CompiledRule, context: EvaluationContext): boolean {
  const situation = rule.definition.detector.situation;
  if (!situation) return true;
  if (rule.situationCustomer && testWindow(context, rule.situationCustomer, 'customer')) return true;
  if (rule.situationText && testField(context, rule.situationText, 'text')) return true;
  if (situation.vulnerableProfile && (context.customer?.vulnerable === true || (context.customer?.age ?? 0) >= 65)) return true;
  return false;
}

function prerequisiteMet(rule: CompiledRule, context: EvaluationContext, before: number): boolean {
  const { prerequisite } = rule;
  if (!prerequisite) return false;
  const earlierText = context.text.slice(0, before);
  for (const [source, field] of [
    [context.agentWindow, 'agentWindow'],
    [earlierText, 'text'],
  ] as const) {
    if (!source || !mayMatch(context, prerequisite, field)) continue;
    // Look turn by turn so "验证没有通过" in one turn does not count as a verification step.
    for (const piece of source.split('\n')) {
      if (prerequisite.test(piece) && !rule.prerequisiteUnless?.test(piece)) return true;
    }
  }
  return false;
}

const missingDisclosureEvidenceLength = 200;
const explicitProductLevel = /(?<![a-z0-9])r([1-5])(?![0-9])/g;
const explicitCustomerLevel = /(?<![a-z0-9])c([1-5])(?![0-9])/;

function customerLevel(rule: CompiledRule, context: EvaluationContext): number | undefined {
  const fromProfile = context.customer?.riskLevel;
  if (fromProfile) return Number(fromProfile.slice(1));
  for (const [source, field] of [
    [context.text, 'text'],
    [context.customerWindow, 'customerWindow'],
    [context.agentWindow, 'agentWindow'],
  ] as const) {
    const explicit = explicitCustomerLevel.exec(source);
    if (explicit) return Number(explicit[1]);
    for (const entry of rule.customerLevels ?? []) if (mayMatch(context, entry.pattern, field) && entry.pattern.test(source)) return entry.level;
  }
  return undefined;
}

function suitabilityHit(rule: CompiledRule, context: EvaluationContext): RuleHit | undefined {
  if (!rule.pitch) return undefined;
  const level = customerLevel(rule, context);
  if (level === undefined) return undefined;
  const { text, scope } = context;
  if (rule.suitabilitySafe && testField(context, rule.suitabilitySafe, 'text')) return undefined;
  const mentions = productMentions(rule, context, text, 'text');
  const pitched = firstAsserted(context, rule.pitch, {});
  if (!pitched) return undefined;
  for (const mention of mentions.sort((left, right) => left.start - right.start)) {
    if (mention.level <= level) continue;
    if (!scope.isAsserted(mention, mention)) continue;
    return { span: mention, reason: `product risk R${mention.level} (${mention.label}) is above the customer's level C${level}` };
  }
  if (mentions.length > 0) return undefined;
  // "这款很适合您" names no product: it recommends the one the customer just asked about (or the agent just named).
  deicticReference.lastIndex = 0;
  const reference = deicticReference.exec(text);
  if (!reference) return undefined;
  const lastAgentTurn = context.agentWindow.slice(context.agentWindow.lastIndexOf('\n') + 1);
  for (const [earlier, field] of [
    [context.lastCustomerTurn, 'lastCustomerTurn'],
    [lastAgentTurn, 'agentWindow'],
  ] as const) {
    const referred = productMentions(rule, context, earlier, field).sort((left, right) => right.level - left.level)[0];
    if (referred && referred.level > level) {
      return {
        span: { start: reference.index, end: reference.index + reference[0].length },
        reason: `"${reference[0]}" refers to ${referred.label} (R${referred.level}), above the customer's level C${level}`,
      };
    }
  }
  return undefined;
}

const deicticReference = /这款|这只|这支|这个产品|这个基金|这个理财|该产品|该基金|\bth(?:is|at) (?:one|fund|product|plan|investment|policy)\b/giu;

/** `field`: the context text `text` is (or is part of). */
function productMentions(rule: CompiledRule, context: EvaluationContext, text: string, field: ContextText): (Span & { level: number; label: string })[] {
  const mentions: (Span & { level: number; label: string })[] = [];
  explicitProductLevel.lastIndex = 0;
  for (let match = explicitProductLevel.exec(text); match; match = explicitProductLevel.exec(text)) {
    mentions.push({ start: match.index, end: match.index + match[0].length, level: Number(match[1]), label: match[0].toUpperCase() });
  }
  for (const mention of context.products.find(text)) mentions.push(mention);
  for (const entry of rule.productTypes ?? []) {
    if (!mayMatch(context, entry.pattern, field)) continue;
    entry.pattern.lastIndex = 0;
    for (let match = entry.pattern.exec(text); match; match = entry.pattern.exec(text)) {
      mentions.push({ start: match.index, end: match.index + match[0].length, level: entry.level, label: match[0] });
      if (match[0].length === 0) entry.pattern.lastIndex += 1;
    }
  }
  return mentions;
}

/**
 * Whether the rule can fire on this context at all. Every finding starts from one of the rule's `findingStarts`
 * matching the text (a cue, a claim, a pitch, a disclosure's topic), from an identifier read out, or from a
 * disclosure topic the customer raised; when the prefilter shows none of these can happen, the rule's gates,
 * windows and clause analysis need not run: the answer would be "no finding" anyway.
 */
function mayFire(rule: CompiledRule, context: EvaluationContext): boolean {
  const { presence } = context;
  if (!presence) return true;
  for (const pattern of rule.findingStarts) if (presence.text.mayMatch(pattern)) return true;
  const { detector } = rule.definition;
  if (detector.identifiers && detector.identifiers.length > 0) return true;
  if (rule.satisfiedBy && rule.triggerCustomer) {
    return presence[detector.trigger?.customerTurn === 'latest' ? 'lastCustomerTurn' : 'customerSinceAgent'].mayMatch(rule.triggerCustomer);
  }
  return false;
}

/** The first violation of one rule in the checked text, or undefined. */
export function evaluateRule(rule: CompiledRule, context: EvaluationContext): RuleHit | undefined {
  const { definition } = rule;
  const { detector } = definition;
  const appliesTo = detector.appliesTo ?? 'agent';
  if (appliesTo !== 'any' && appliesTo !== context.speaker) return undefined;
  if (!mayFire(rule, context)) return undefined;
  if (!onRuleTopic(rule, context)) return undefined;
  const situationMet = situationHolds(rule, context);
  const gatesAll = detector.situation?.gates !== 'identifiers';
  if (gatesAll && !situationMet) {
    // A frame that names its own conversation state (what the customer said) is gated by that, not by the
    // rule's older situation list: the frame's word family is the fuller description of the same situation.
    for (const frame of rule.frames ?? []) {
      if (!frame.customerSaid) continue;
      const hit = frameHit(frame, context);
      if (hit) return hit;
    }
    return undefined;
  }
  const options: MatchOptions = { with: rule.with, safe: rule.safe };
  if (detector.includeQuestions) options.includeQuestions = true;
  if (rule.cues) {
    const hit = firstAsserted(context, rule.cues, options);
    if (hit && !prerequisiteMet(rule, context, hit.start)) return { span: hit, reason: `said "${hit.matched}"`, explain: cueExplanation('cue', hit.matched) };
  }
  if (rule.strongCues && mayMatch(context, rule.strongCues.any, 'text')) {
    const hit = firstAsserted(context, rule.strongCues, { ...options, strong: true });
    if (hit && !prerequisiteMet(rule, context, hit.start)) return { span: hit, reason: `said "${hit.matched}"`, explain: cueExplanation('strong_cue', hit.matched) };
  }
  for (const reply of rule.replies ?? []) {
    if (!testField(context, reply.to, 'lastCustomerTurn')) continue;
    if (reply.unless && (testField(context, reply.unless, 'text') || testField(context, reply.unless, 'agentWindow'))) continue;
    const hit = firstAsserted(context, reply.cues, { safe: rule.safe, strong: true });
    if (hit) return { span: hit, reason: `answered the customer's question with "${hit.matched}"`, explain: cueExplanation('reply', hit.matched) };
  }
  if (rule.situationCues && situationMet) {
    const hit = firstAsserted(context, rule.situationCues, options);
    if (hit && !prerequisiteMet(rule, context, hit.start)) {
      return { span: hit, reason: `said "${hit.matched}" to someone other than the customer`, explain: cueExplanation('situation_cue', hit.matched) };
    }
  }
  for (const kind of situationMet ? (detector.identifiers ?? []) : []) {
    const spans = findIdentifiers(context.text, kind).filter((span) => !context.scope.isQuoted(span.start));
    const first = spans[0];
    if (first) return { span: first, reason: `a full ${kind.replace('_', ' ')} was read out`, explain: { detector: 'identifier', matches: [{ slot: kind, text: '(redacted)', in: 'text' }] } };
  }
  for (const frame of rule.frames ?? []) {
    const hit = frameHit(frame, context);
    if (hit && !prerequisiteMet(rule, context, hit.span.start)) return hit;
  }
  if (detector.suitability) {
    const hit = suitabilityHit(rule, context);
    if (hit) return { ...hit, explain: { detector: 'suitability', matches: [{ slot: 'product', text: context.text.slice(hit.span.start, hit.span.end), in: 'text' }] } };
  }
  if (rule.satisfiedBy) {
    const due = disclosureDue(rule, context);
    if (due && !disclosureGiven(rule, context)) return { ...due, explain: { detector: 'missing_disclosure', matches: [{ slot: 'trigger', text: context.text.slice(due.span.start, due.span.end).slice(0, 40), in: 'text' }] } };
  }
  return undefined;
}

/** The first match of a family set in `text`, with the family it belongs to. */
function firstFamilyMatch(set: FamilySet, text: string, presence: PatternPresence | undefined): { family: string; text: string } | undefined {
  if (!text || (presence && !presence.mayMatch(set.any)) || !set.any.test(text)) return undefined;
  for (const [index, pattern] of set.each.entries()) {
    if (presence && !presence.mayMatch(pattern)) continue;
    pattern.lastIndex = 0;
    const match = pattern.exec(text);
    if (match && match[0].length > 0) return { family: set.families[index] ?? '', text: match[0] };
  }
  return undefined;
}

function isVulnerable(context: EvaluationContext): boolean {
  return context.customer?.vulnerable === true || (context.customer?.age ?? 0) >= 65;
}

/**
 * A meaning frame fires when its claim is asserted in the text, about its subject, in the state it names. The
 * cheap conversation tests run first; the claim (with clause analysis for negation, quotation and questions)
 * only when they hold.
 */
function frameHit(frame: CompiledFrame, context: EvaluationContext): RuleHit | undefined {
  // Most texts carry no word of the claim: one alternation test ends the frame before any other work.
  if (!testField(context, frame.claim.any, 'text')) return undefined;
  if (frame.vulnerable !== undefined && isVulnerable(context) !== frame.vulnerable) return undefined;
  if (frame.customerSaid && !testWindow(context, frame.customerSaid, 'customer')) return undefined;
  if (frame.agentSaid && !testWindow(context, frame.agentSaid, 'agent')) return undefined;
  if (frame.agentNotSaid && testWindow(context, frame.agentNotSaid, 'agent')) return undefined;
  if (frame.unless && (testField(context, frame.unless, 'text') || testWindow(context, frame.unless, 'agent'))) return undefined;
  const matches: FindingExplanation['matches'] = [];
  if (frame.asked) {
    const asked = firstFamilyMatch(frame.asked, context.lastCustomerTurn, context.presence?.lastCustomerTurn);
    if (!asked) return undefined;
    matches.push({ slot: 'asked', family: asked.family, text: asked.text, in: 'context' });
  }
  if (frame.about && frame.aboutIn !== 'sentence') {
    let about = firstFamilyMatch(frame.about, context.text, context.presence?.text);
    let where: 'text' | 'context' = 'text';
    if (!about && frame.aboutIn === 'conversation') {
      const set = frame.about;
      about =
        (testWindow(context, set.any, 'customer') ? firstFamilyMatch(set, context.customerWindow, context.presence?.customerWindow) : undefined) ??
        (testWindow(context, set.any, 'agent') ? firstFamilyMatch(set, context.agentWindow, context.presence?.agentWindow) : undefined);
      where = 'context';
    }
    if (!about) return undefined;
    matches.push({ slot: 'about', family: about.family, text: about.text, in: where });
  }
  const options: MatchOptions = { with: frame.with, safe: frame.unlessSentence, strong: frame.rhetorical };
  if (frame.includeQuestions) options.includeQuestions = true;
  if (frame.about && frame.aboutIn === 'sentence') options.alsoWith = frame.about.any;
  const claim = firstAsserted(context, frame.claim, options);
  if (!claim) return undefined;
  if (frame.agentNotSaid && mayMatch(context, frame.agentNotSaid, 'text') && frame.agentNotSaid.test(context.text.slice(0, claim.start))) return undefined;
  if (frame.about && frame.aboutIn === 'sentence') {
    const about = firstFamilyMatch(frame.about, context.scope.sentenceText(claim.start), context.presence?.text);
    if (about) matches.push({ slot: 'about', family: about.family, text: about.text, in: 'text' });
  }
  const family = frame.claim.families[claim.pattern] ?? '';
  matches.unshift({ slot: 'claim', family, text: claim.matched, in: 'text' });
  return { span: claim, reason: `frame ${frame.id}: ${family} "${claim.matched}"`, explain: { detector: 'frame', frame: frame.id, matches } };
}

/** Whether the topic of a disclosure rule came up: in the agent's text (asserted) or in the customer's turns. */
/**
 * The rule's gates on the conversation: not excepted by what the customer said, and on one of its topics (a fee in
 * percent is a credit cost only where credit is talked about, not on a remittance).
 */
export function onRuleTopic(rule: CompiledRule, context: EvaluationContext): boolean {
  if (rule.exceptCustomer && testWindow(context, rule.exceptCustomer, 'customer')) return false;
  return !rule.topics || testField(context, rule.topics, 'text') || testWindow(context, rule.topics, 'customer') || testWindow(context, rule.topics, 'agent');
}

export function disclosureDue(rule: CompiledRule, context: EvaluationContext): RuleHit | undefined {
  if (rule.triggerText) {
    const hit = firstAsserted(context, rule.triggerText, { with: rule.triggerTextWith });
    if (hit) return { span: hit, reason: `topic raised: "${hit.matched}"` };
  }
  // Due in the reply to the turns that raised the topic: once an agent turn has answered them, every later turn
  // would repeat the same finding (and the earlier reply was already judged on it). `latest` narrows it to the last turn.
  const customerText = rule.definition.detector.trigger?.customerTurn === 'latest' ? 'lastCustomerTurn' : 'customerSinceAgent';
  if (rule.triggerCustomer && testField(context, rule.triggerCustomer, customerText)) {
    // The whole reply lacks the disclosure; point at its opening rather than echo a long text back.
    return { span: { start: 0, end: Math.min(context.text.length, missingDisclosureEvidenceLength) }, reason: 'topic raised by the customer' };
  }
  return undefined;
}

export function disclosureGiven(rule: CompiledRule, context: EvaluationContext): boolean {
  if (!rule.satisfiedBy) return true;
  return testField(context, rule.satisfiedBy, 'text') || testWindow(context, rule.satisfiedBy, 'agent');
}
