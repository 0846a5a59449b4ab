import type { CompiledFrame, CompiledRule, CueSet, FamilySet } from './compiled-rule.js';
import type { CustomerProfile, FindingExplanation } from './compliance-types.js';
import { findIdentifiers } from './identifier-matchers.js';
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
  if (!cues.any.test(text)) return undefined;
  let best: AssertedMatch | undefined;
  for (const [patternIndex, pattern] of cues.each.entries()) {
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
      if (options.with && !options.with.test(sentence)) continue;
      if (options.alsoWith && !options.alsoWith.test(sentence)) continue;
      if (options.safe?.test(sentence)) continue;
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
  if (rule.situationCustomer?.test(context.customerWindow)) return true;
  if (rule.situationText?.test(context.text)) return true;
  if (situation.vulnerableProfile && (context.customer?.vulnerable === true || (context.customer?.age ?? 0) >= 65)) return true;
  return false;
}

function prerequisiteMet(rule: CompiledRule, context: EvaluationContext, before: number): boolean {
  if (!rule.prerequisite) return false;
  const earlierText = context.text.slice(0, before);
  for (const source of [context.agentWindow, earlierText]) {
    if (!source) continue;
    // Look turn by turn so "验证没有通过" in one turn does not count as a verification step.
    for (const piece of source.split('\n')) {
      if (rule.prerequisite.test(piece) && !rule.prerequisiteUnless?.test(piece)) return true;
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
  for (const source of [context.text, context.customerWindow, context.agentWindow]) {
    const explicit = explicitCustomerLevel.exec(source);
    if (explicit) return Number(explicit[1]);
    for (const entry of rule.customerLevels ?? []) if (entry.pattern.test(source)) return entry.level;
  }
  return undefined;
}

function suitabilityHit(rule: CompiledRule, context: EvaluationContext): RuleHit | undefined {
  if (!rule.pitch) return undefined;
  const level = customerLevel(rule, context);
  if (level === undefined) return undefined;
  const { text, scope } = context;
  if (rule.suitabilitySafe?.test(text)) return undefined;
  const mentions = productMentions(rule, context, text);
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
  for (const earlier of [context.lastCustomerTurn, lastAgentTurn]) {
    const referred = productMentions(rule, context, earlier).sort((left, right) => right.level - left.level)[0];
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

function productMentions(rule: CompiledRule, context: EvaluationContext, text: string): (Span & { level: number; label: string })[] {
  const mentions: (Span & { level: number; label: string })[] = [];
  explicitProductLevel.lastIndex = 0;
  for (let match = explicitProductLevel.exec(text); match; match = explicitProductLevel.exec(text)) {
    mentions.push({ start: match.index, end: match.index + match[0].length, level: Number(match[1]), label: match[0].toUpperCase() });
  }
  for (const mention of context.products.find(text)) mentions.push(mention);
  for (const entry of rule.productTypes ?? []) {
    entry.pattern.lastIndex = 0;
    for (let match = entry.pattern.exec(text); match; match = entry.pattern.exec(text)) {
      mentions.push({ start: match.index, end: match.index + match[0].length, level: entry.level, label: match[0] });
      if (match[0].length === 0) entry.pattern.lastIndex += 1;
    }
  }
  return mentions;
}

/** The first violation of one rule in the checked text, or undefined. */
export function evaluateRule(rule: CompiledRule, context: EvaluationContext): RuleHit | undefined {
  const { definition } = rule;
  const { detector } = definition;
  const appliesTo = detector.appliesTo ?? 'agent';
  if (appliesTo !== 'any' && appliesTo !== context.speaker) return undefined;
  if (rule.exceptCustomer?.test(context.customerWindow)) return undefined;
  if (rule.topics && !rule.topics.test(context.text) && !rule.topics.test(context.customerWindow) && !rule.topics.test(context.agentWindow)) {
    return undefined;
  }
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
  if (rule.strongCues) {
    const hit = firstAsserted(context, rule.strongCues, { ...options, strong: true });
    if (hit && !prerequisiteMet(rule, context, hit.start)) return { span: hit, reason: `said "${hit.matched}"`, explain: cueExplanation('strong_cue', hit.matched) };
  }
  for (const reply of rule.replies ?? []) {
    if (!reply.to.test(context.lastCustomerTurn) || reply.unless?.test(context.text) || reply.unless?.test(context.agentWindow)) continue;
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
function firstFamilyMatch(set: FamilySet, text: string): { family: string; text: string } | undefined {
  if (!text || !set.any.test(text)) return undefined;
  for (const [index, pattern] of set.each.entries()) {
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
  if (!frame.claim.any.test(context.text)) return undefined;
  if (frame.vulnerable !== undefined && isVulnerable(context) !== frame.vulnerable) return undefined;
  if (frame.customerSaid && !frame.customerSaid.test(context.customerWindow)) return undefined;
  if (frame.agentSaid && !frame.agentSaid.test(context.agentWindow)) return undefined;
  if (frame.agentNotSaid?.test(context.agentWindow)) return undefined;
  if (frame.unless && (frame.unless.test(context.text) || frame.unless.test(context.agentWindow))) return undefined;
  const matches: FindingExplanation['matches'] = [];
  if (frame.asked) {
    const asked = firstFamilyMatch(frame.asked, context.lastCustomerTurn);
    if (!asked) return undefined;
    matches.push({ slot: 'asked', family: asked.family, text: asked.text, in: 'context' });
  }
  if (frame.about && frame.aboutIn !== 'sentence') {
    let about = firstFamilyMatch(frame.about, context.text);
    let where: 'text' | 'context' = 'text';
    if (!about && frame.aboutIn === 'conversation') {
      about = firstFamilyMatch(frame.about, context.customerWindow) ?? firstFamilyMatch(frame.about, context.agentWindow);
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
  if (frame.agentNotSaid?.test(context.text.slice(0, claim.start))) return undefined;
  if (frame.about && frame.aboutIn === 'sentence') {
    const about = firstFamilyMatch(frame.about, context.scope.sentenceText(claim.start));
    if (about) matches.push({ slot: 'about', family: about.family, text: about.text, in: 'text' });
  }
  const family = frame.claim.families[claim.pattern] ?? '';
  matches.unshift({ slot: 'claim', family, text: claim.matched, in: 'text' });
  return { span: claim, reason: `frame ${frame.id}: ${family} "${claim.matched}"`, explain: { detector: 'frame', frame: frame.id, matches } };
}

/** Whether the topic of a disclosure rule came up: in the agent's text (asserted) or in the customer's turns. */
export function disclosureDue(rule: CompiledRule, context: EvaluationContext): RuleHit | undefined {
  if (rule.triggerText) {
    const hit = firstAsserted(context, rule.triggerText, { with: rule.triggerTextWith });
    if (hit) return { span: hit, reason: `topic raised: "${hit.matched}"` };
  }
  // Due in the reply to the turns that raised the topic: once an agent turn has answered them, every later turn
  // would repeat the same finding (and the earlier reply was already judged on it). `latest` narrows it to the last turn.
  const customerText = rule.definition.detector.trigger?.customerTurn === 'latest' ? context.lastCustomerTurn : context.customerSinceAgent;
  if (rule.triggerCustomer?.test(customerText)) {
    // The whole reply lacks the disclosure; point at its opening rather than echo a long text back.
    return { span: { start: 0, end: Math.min(context.text.length, missingDisclosureEvidenceLength) }, reason: 'topic raised by the customer' };
  }
  return undefined;
}

export function disclosureGiven(rule: CompiledRule, context: EvaluationContext): boolean {
  if (!rule.satisfiedBy) return true;
  return rule.satisfiedBy.test(context.text) || rule.satisfiedBy.test(context.agentWindow);
}
