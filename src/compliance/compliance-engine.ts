import { createHash } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { untilAborted } from '../llm/until-aborted.js';
import { detectLanguage } from '../text/segment-text.js';
import { normalizeText, type NormalizedText } from '../text/normalize-text.js';
import { keepSentencesIn, sentenceLanguages } from '../text/sentence-languages.js';
import { compileRule, patternsOf, type CompiledRule } from './compiled-rule.js';
import { resolveProfile, ruleInProfile, ruleMatches, type ActiveProfile, type ComplianceProfiles } from './compliance-profiles.js';
import type { ComplianceJudge } from './compliance-judge.js';
import {
  verdictOf,
  type CheckInput,
  type CheckResult,
  type ConversationTurn,
  type Finding,
  type JudgedCheckResult,
  type JudgeFailure,
  type Language,
  type ProductEntry,
  type RuleKind,
  type TurnJudgement,
} from './compliance-types.js';
import { describeJudgeFailure, JudgeBudgetExceededError } from './judge-failure.js';
import { PatternPrefilter, type PatternPresence } from './pattern-prefilter.js';
import { ProductIndexCache, type ProductIndex } from './product-index.js';
import type { RuleDefinition, RulePack } from './rule-pack-schema.js';
import { disclosureDue, evaluateRule, onRuleTopic, type ContextText, type EvaluationContext, type RuleHit } from './rule-evaluator.js';
import { assertUniqueIds } from './load-rule-packs.js';
import { compileAlternation } from './safe-pattern.js';
import { UtteranceScope } from './utterance-scope.js';

/**
 * How many of the latest context turns a check looks at. Disclosures are judged over this window and
 * procedure steps are looked for in it; a 10,000-turn context costs no more than a 30-turn one.
 */
export const contextWindowTurns = 30;
/** Each context turn is cut to this many characters before matching, for the same reason. */
export const contextTurnMaxCharacters = 2_000;
/**
 * Normalised context turns kept for reuse. On a live call every check carries the same earlier turns again (each
 * was normalised when it was checked itself), and normalising them was a fifth of a check's cost.
 */
export const normalizedTurnCacheSize = 2_048;

export interface RuleSummary {
  id: string;
  title: string;
  severity: RuleDefinition['severity'];
  kind: RuleDefinition['kind'];
  source: string;
  /** `unconfirmed`: the cited article was not located; check it before quoting it (as the catalogue marks it). */
  sourceStatus?: 'confirmed' | 'secondary' | 'unconfirmed';
  /**
   * `active`: the rule's detector catches every one of its own violating examples. `advisory`: it does not, so
   * its silence proves nothing; it is listed, never silently inert (`advisoryReason` says what it misses).
   */
  detection: 'active' | 'advisory';
  advisoryReason?: string;
}

export interface ComplianceDescription {
  rulesVersion: string;
  /** The packs in force under the deployment's profile, each with only the rules of the profile's jurisdictions. */
  packs: { id: string; jurisdiction: string; language: Language; rules: RuleSummary[] }[];
  /** The deployment's profile (absent when the engine runs without profiles: every pack is in force). */
  profile?: ActiveProfile;
  /** Every profile a conversation may choose, with its packs. */
  profiles?: { id: string; description?: string; jurisdictions: string[]; currency: string; packs: string[] }[];
}

export interface ComplianceEngine {
  readonly rulesVersion: string;
  check(input: CheckInput): CheckResult;
  /**
   * The rules, then the model judge on the rules marked `judge`. A judge that fails or runs out of time does not
   * fail the check: the rules' verdict comes back with `judge: "unavailable"` and why.
   */
  checkWithJudge(input: CheckInput, options?: { budgetMs?: number; signal?: AbortSignal }): Promise<JudgedCheckResult>;
  /**
   * The second tier on an agent turn: the model judge on the rules marked `judge` and the rules of any risky
   * context the turn is in (sales of non-deposit products, collections...). Undefined when there is nothing to
   * judge or no judge; never throws for a judge failure (`judge: "unavailable"` says why).
   */
  judgeTurn(input: CheckInput, options: { alreadyFlagged?: readonly string[]; budgetMs?: number; signal?: AbortSignal }): Promise<TurnJudgement> | undefined;
  /** Resolves a profile name ("UK", "us,uk") to its canonical id; throws UnknownProfileError. */
  profileOf(name?: string): ActiveProfile | undefined;
  describe(): ComplianceDescription;
  requiredDisclosures(input: CheckInput): { ruleId: string; text: string }[];
  rule(id: string): RuleDefinition | undefined;
}

export interface ComplianceEngineOptions {
  packs: RulePack[];
  products?: () => readonly ProductEntry[];
  judge?: ComplianceJudge;
  /** How long checkWithJudge waits for the judge (the suggestion budget in the service); default 1500 ms. */
  judgeBudgetMs?: number;
  /** Profiles and judge contexts (evals/compliance-profiles.yaml); absent, every pack runs and no context is risky. */
  profiles?: ComplianceProfiles;
  /** The deployment's profile (COMPLIANCE_PROFILE); required with `profiles`. */
  profile?: string;
  /** Overrides the profile's currency (COMPLIANCE_CURRENCY). */
  currency?: string;
}

/** The rules in force under one profile, by language. */
interface RuleSet {
  profile: ActiveProfile | undefined;
  byLanguage: Map<Language, CompiledRule[]>;
  prohibitions: Map<Language, CompiledRule[]>;
}

interface CompiledJudgeContext {
  id: string;
  patterns: Partial<Record<Language, RegExp>>;
  customer?: { vulnerable?: boolean; minimumAge?: number };
  rules: string[];
}

export const defaultJudgeBudgetMs = 1_500;

/**
 * Rules that forbid something being said hold in whatever language it is said. Duties (a disclosure due, a
 * procedure before an action) are read over the whole conversation, which is in its primary language, and their
 * wording belongs to that language's jurisdiction: only the primary pack's duties apply.
 */
const prohibitionKinds: ReadonlySet<RuleKind> = new Set(['forbidden_statement', 'forbidden_request', 'personal_data', 'conduct', 'suitability']);

/**
 * A disclosure the rule names its own jurisdictions for (FDIC wording is US law, debt-advice signposting UK law),
 * on a call governed from none of them. A rule that holds wherever its pack does (a scam warning) is never left out.
 */
function dueElsewhere(rule: RuleDefinition, callJurisdictions: readonly string[]): boolean {
  if (rule.kind !== 'required_disclosure' || !rule.jurisdictions) return false;
  return !rule.jurisdictions.some((jurisdiction) => callJurisdictions.includes(jurisdiction));
}

export class JudgeNotConfiguredError extends Error {
  readonly code = 'judge_not_configured';
  constructor() {
    super('checkWithJudge needs a judge: pass one to createComplianceEngine');
    this.name = 'JudgeNotConfiguredError';
  }
}

function contentHash(packs: readonly RulePack[]): string {
  const canonical = JSON.stringify(packs.map(({ file: _file, ...pack }) => pack));
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

interface Prepared {
  normalized: NormalizedText;
  context: EvaluationContext;
  language: Language;
  window: ConversationTurn[];
  rules: RuleSet;
  /** The call's jurisdictions, when told: duties of one jurisdiction only are then due only there. */
  callJurisdictions: readonly string[] | undefined;
  /** Other languages some sentence is written in, each with the text reduced to those sentences (offsets kept). */
  others: { language: Language; context: EvaluationContext }[];
}

/** A context turn as matched: normalised once, its pattern literals found once, reused by every later check. */
interface NormalizedTurn {
  text: string;
  presence: PatternPresence;
}

/**
 * What one check knows. The conversation windows are joined only when a rule asks for them: with the prefilter
 * most checks never read them.
 */
class CheckContext implements EvaluationContext {
  readonly text: string;
  readonly scope: UtteranceScope;
  readonly speaker: 'agent' | 'customer';
  readonly lastCustomerTurn: string;
  readonly customer: CheckInput['customer'];
  readonly products: ProductIndex;
  readonly presence: Record<ContextText, PatternPresence>;
  readonly #customerTurns: readonly NormalizedTurn[];
  readonly #customerSinceAgent: readonly NormalizedTurn[];
  readonly #agentTurns: readonly NormalizedTurn[];
  #customerWindow: string | undefined;
  #customerSinceAgentText: string | undefined;
  #agentWindow: string | undefined;
  #windowAnswers: EvaluationContext['windowAnswers'];

  constructor(fields: {
    text: string;
    speaker: 'agent' | 'customer';
    customerTurns: readonly NormalizedTurn[];
    customerSinceAgent: readonly NormalizedTurn[];
    agentTurns: readonly NormalizedTurn[];
    presence: Record<ContextText, PatternPresence>;
    customer: CheckInput['customer'];
    products: ProductIndex;
  }) {
    this.text = fields.text;
    this.scope = new UtteranceScope(fields.text);
    this.speaker = fields.speaker;
    this.#customerTurns = fields.customerTurns;
    this.#customerSinceAgent = fields.customerSinceAgent;
    this.#agentTurns = fields.agentTurns;
    this.lastCustomerTurn = fields.customerTurns[fields.customerTurns.length - 1]?.text ?? '';
    this.presence = fields.presence;
    this.customer = fields.customer;
    this.products = fields.products;
  }

  /** The same check on other text (the sentences of another language): the conversation is shared. */
  withText(text: string, presence: PatternPresence): CheckContext {
    const copy = new CheckContext({
      text,
      speaker: this.speaker,
      customerTurns: this.#customerTurns,
      customerSinceAgent: this.#customerSinceAgent,
      agentTurns: this.#agentTurns,
      presence: { ...this.presence, text: presence },
      customer: this.customer,
      products: this.products,
    });
    copy.#windowAnswers = this.windowAnswers;
    return copy;
  }

  get customerWindow(): string {
    this.#customerWindow ??= joinTurns(this.#customerTurns);
    return this.#customerWindow;
  }

  get customerSinceAgent(): string {
    this.#customerSinceAgentText ??= joinTurns(this.#customerSinceAgent);
    return this.#customerSinceAgentText;
  }

  get agentWindow(): string {
    this.#agentWindow ??= joinTurns(this.#agentTurns);
    return this.#agentWindow;
  }

  get windowAnswers(): EvaluationContext['windowAnswers'] {
    this.#windowAnswers ??= { customer: new Map(), agent: new Map() };
    return this.#windowAnswers;
  }
}

function joinTurns(turns: readonly NormalizedTurn[]): string {
  return turns.map((turn) => turn.text).join('\n');
}

/** A rule to run and the context to run it on: the primary one, or the sentences of the rule's language. */
interface Candidate {
  rule: CompiledRule;
  context: EvaluationContext;
}

export function createComplianceEngine(options: ComplianceEngineOptions): ComplianceEngine {
  assertUniqueIds(options.packs);
  const rulesVersion = contentHash(options.packs);
  const everyRule: CompiledRule[] = [];
  const byId = new Map<string, RuleDefinition>();
  for (const pack of options.packs) {
    for (const rule of pack.rules) {
      everyRule.push(compileRule(rule));
      byId.set(rule.id, rule);
    }
  }
  // Translated remedies (a rule's remedyIn) by the rule of the other language that raises their duty.
  const translationsRaisedBy = new Map<string, { ruleId: string; language: Language; appliesIn: string[]; text: string; satisfiedBy: RegExp }[]>();
  for (const rule of byId.values()) {
    for (const language of ['zh', 'en'] as const) {
      const translation = rule.remedyIn?.[language];
      for (const raiser of translation?.raisedBy ?? []) {
        if (!byId.has(raiser)) throw new Error(`rule ${rule.id}: remedyIn.${language}.raisedBy names unknown rule ${raiser}`);
        const list = translationsRaisedBy.get(raiser) ?? [];
        list.push({ ruleId: rule.id, language, appliesIn: rule.appliesIn, text: translation!.text, satisfiedBy: new RegExp(translation!.satisfiedBy.join('|'), 'iu') });
        translationsRaisedBy.set(raiser, list);
      }
    }
  }
  function ruleSetOf(profile: ActiveProfile | undefined): RuleSet {
    const inForce = profile ? everyRule.filter((rule) => ruleInProfile(rule.definition, profile)) : everyRule;
    const byLanguage = new Map<Language, CompiledRule[]>((['zh', 'en'] as const).map((language) => [language, inForce.filter((rule) => rule.definition.language === language)]));
    const prohibitions = new Map<Language, CompiledRule[]>([...byLanguage].map(([language, rules]) => [language, rules.filter((rule) => prohibitionKinds.has(rule.definition.kind))]));
    return { profile, byLanguage, prohibitions };
  }
  const settings = options.profiles;
  const deploymentProfile = settings ? resolveProfile(settings, options.profile ?? [...settings.profiles.keys()].join(','), options.currency) : undefined;
  const defaultRules = ruleSetOf(deploymentProfile);
  // A few profile combinations exist (CN, US, UK and their joins): each is compiled once, on first use.
  const ruleSets = new Map<string, RuleSet>();
  if (deploymentProfile) ruleSets.set(deploymentProfile.id, defaultRules);
  function profileOf(name: string | undefined): ActiveProfile | undefined {
    if (!settings || name === undefined) return deploymentProfile;
    return resolveProfile(settings, name, options.currency);
  }
  function rulesFor(name: string | undefined): RuleSet {
    if (!settings || name === undefined) return defaultRules;
    const profile = resolveProfile(settings, name, options.currency);
    let set = ruleSets.get(profile.id);
    if (!set) {
      set = ruleSetOf(profile);
      ruleSets.set(profile.id, set);
    }
    return set;
  }
  const judgeContexts: CompiledJudgeContext[] = (settings?.judge.contexts ?? []).map((context) => {
    const patterns: Partial<Record<Language, RegExp>> = {};
    if (context.zh) patterns.zh = compileAlternation(context.zh, false);
    if (context.en) patterns.en = compileAlternation(context.en, false);
    return { id: context.id, patterns, ...(context.customer ? { customer: context.customer } : {}), rules: context.rules };
  });
  const maximumJudgedRules = settings?.judge.maximumRulesPerTurn ?? 8;
  const judgeBudgetMs = options.judgeBudgetMs && options.judgeBudgetMs > 0 ? options.judgeBudgetMs : defaultJudgeBudgetMs;
  const products = new ProductIndexCache(options.products);
  // Every pattern of every rule, found by its literals in one pass per text: most patterns cannot match a given
  // text, and then they are not run (the findings are the same; only the work differs).
  const prefilter = new PatternPrefilter(everyRule.flatMap(patternsOf));
  const normalizedTurns = new Map<string, NormalizedTurn>();
  // The keys in insertion order, as a ring: the oldest is found without an iterator on every insertion.
  const turnOrder: string[] = [];
  let oldestTurn = 0;
  function normalizedTurn(text: string): NormalizedTurn {
    const cut = text.length > contextTurnMaxCharacters ? text.slice(0, contextTurnMaxCharacters) : text;
    const cached = normalizedTurns.get(cut);
    if (cached !== undefined) return cached;
    const normalized = normalizeText(cut).text.replace(/\n/g, ' ');
    const turn = { text: normalized, presence: prefilter.presence(normalized) };
    rememberTurn(cut, turn);
    return turn;
  }
  function rememberTurn(key: string, turn: NormalizedTurn): void {
    if (normalizedTurns.has(key)) return;
    // Oldest first out: a call's recent turns stay, finished calls' turns leave.
    if (turnOrder.length < normalizedTurnCacheSize) turnOrder.push(key);
    else {
      normalizedTurns.delete(turnOrder[oldestTurn] ?? '');
      turnOrder[oldestTurn] = key;
      oldestTurn = (oldestTurn + 1) % normalizedTurnCacheSize;
    }
    normalizedTurns.set(key, turn);
  }

  /** `productIndex` replaces the live product list (the start-up self-check runs before the knowledge base is read). */
  function prepare(input: CheckInput, productIndex?: ProductIndex): Prepared {
    const original = typeof input.text === 'string' ? input.text : '';
    const normalized = normalizeText(original);
    const window = (input.context ?? []).slice(-contextWindowTurns);
    const customerTurns: NormalizedTurn[] = [];
    let customerSinceAgent: NormalizedTurn[] = [];
    const agentTurns: NormalizedTurn[] = [];
    for (const turn of window) {
      if (!turn || typeof turn.text !== 'string') continue;
      const normalizedContextTurn = normalizedTurn(turn.text);
      (turn.speaker === 'customer' ? customerTurns : agentTurns).push(normalizedContextTurn);
      if (turn.speaker === 'customer') customerSinceAgent.push(normalizedContextTurn);
      else customerSinceAgent = [];
    }
    const lastCustomerTurn = customerTurns[customerTurns.length - 1];
    const textPresence = prefilter.presence(normalized.text);
    if (original.length <= contextTurnMaxCharacters && !normalized.text.includes('\n')) {
      // This text is a context turn of the next check on the call: normalised and scanned once, here (a context
      // turn's line breaks become spaces, so a text with one is normalised again there).
      rememberTurn(original, { text: normalized.text, presence: textPresence });
    }
    const presence: Record<ContextText, PatternPresence> = {
      text: textPresence,
      customerWindow: prefilter.union(customerTurns.map((turn) => turn.presence)),
      agentWindow: prefilter.union(agentTurns.map((turn) => turn.presence)),
      lastCustomerTurn: lastCustomerTurn?.presence ?? prefilter.union([]),
      customerSinceAgent: prefilter.union(customerSinceAgent.map((turn) => turn.presence)),
    };
    const language = input.language ?? (original.trim() ? detectLanguage(original.slice(0, 2_000)) : detectLanguage(window.map((turn) => turn.text).join(' ').slice(0, 2_000)));
    const context = new CheckContext({
      text: normalized.text,
      speaker: input.speaker ?? 'agent',
      customerTurns,
      customerSinceAgent,
      agentTurns,
      presence,
      customer: input.customer,
      products: productIndex ?? products.current(),
    });
    const sentences = sentenceLanguages(normalized.text);
    const present = new Set<Language>();
    for (const sentence of sentences) for (const sentenceLanguage of sentence.languages) present.add(sentenceLanguage);
    const others = (['zh', 'en'] as const)
      .filter((other) => other !== language && present.has(other))
      .map((other) => {
        const text = keepSentencesIn(normalized.text, other, sentences);
        return { language: other, context: context.withText(text, prefilter.presence(text)) };
      });
    return { normalized, context, language, window, others, rules: rulesFor(input.profile), callJurisdictions: input.callJurisdictions?.length ? input.callJurisdictions : undefined };
  }

  /** The primary pack's rules that hold on this call: a disclosure owed under another jurisdiction only is left out. */
  function primaryRules(prepared: Prepared): CompiledRule[] {
    const rules = prepared.rules.byLanguage.get(prepared.language) ?? [];
    const told = prepared.callJurisdictions;
    return told ? rules.filter((rule) => !dueElsewhere(rule.definition, told)) : rules;
  }

  /** The primary pack in full, then the prohibitions of every other language the text holds. */
  function candidates(prepared: Prepared): Candidate[] {
    const list: Candidate[] = primaryRules(prepared).map((rule) => ({ rule, context: prepared.context }));
    for (const other of prepared.others) {
      for (const rule of prepared.rules.prohibitions.get(other.language) ?? []) list.push({ rule, context: other.context });
    }
    return list;
  }

  function toFinding(rule: RuleDefinition, hit: RuleHit, original: string, normalized: NormalizedText, detectedBy: 'rule' | 'judge', explain: boolean): Finding {
    const { start, end } = normalized.toOriginalSpan(hit.span.start, hit.span.end);
    const finding: Finding = {
      ruleId: rule.id,
      severity: rule.severity,
      kind: rule.kind,
      title: rule.title,
      source: rule.source,
      evidence: { start, end, text: original.slice(start, end) },
      explanation: `${rule.explanation} (${hit.reason})`,
      fix: rule.fix,
      detectedBy,
      rulesVersion,
    };
    if (explain && hit.explain) finding.explain = hit.explain;
    return finding;
  }

  function deterministic(input: CheckInput, prepared: Prepared): Finding[] {
    const original = typeof input.text === 'string' ? input.text : '';
    if (!original.trim()) return [];
    const findings: Finding[] = [];
    const explain = input.explain === true;
    // The same order as `candidates`, without an object per rule: this loop runs on every turn.
    const told = prepared.callJurisdictions;
    for (const rule of prepared.rules.byLanguage.get(prepared.language) ?? []) {
      const hit = evaluateRule(rule, prepared.context);
      // Another jurisdiction's disclosure is not owed here; what its frames forbid (a fund likened to a deposit) is.
      if (hit && told && hit.explain?.detector === 'missing_disclosure' && dueElsewhere(rule.definition, told)) continue;
      if (hit) findings.push(toFinding(rule.definition, hit, original, prepared.normalized, 'rule', explain));
    }
    for (const other of prepared.others) {
      for (const rule of prepared.rules.prohibitions.get(other.language) ?? []) {
        const hit = evaluateRule(rule, other.context);
        if (hit) findings.push(toFinding(rule.definition, hit, original, prepared.normalized, 'rule', explain));
      }
    }
    return findings;
  }

  const severityOrder = { critical: 0, major: 1, minor: 2 } as const;
  function result(findings: Finding[], startedAt: number, prepared: Prepared): CheckResult {
    findings.sort((left, right) => severityOrder[left.severity] - severityOrder[right.severity] || left.evidence.start - right.evidence.start);
    return {
      verdict: verdictOf(findings),
      findings,
      rulesVersion,
      tookMs: Number((performance.now() - startedAt).toFixed(3)),
      languages: [prepared.language, ...prepared.others.map((other) => other.language)],
      ...(prepared.rules.profile ? { profile: prepared.rules.profile.id } : {}),
    };
  }

  interface JudgeOutcome {
    findings: Finding[];
    failure?: JudgeFailure;
    rubricVersion?: string;
  }

  /** Sends each candidate to the judge within the budget; a verdict that came back counts even when another failed. */
  async function runJudge(judge: ComplianceJudge, judged: readonly Candidate[], original: string, prepared: Prepared, budget: { budgetMs?: number; signal?: AbortSignal }): Promise<JudgeOutcome> {
    const budgetMs = budget.budgetMs && budget.budgetMs > 0 ? budget.budgetMs : judgeBudgetMs;
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new JudgeBudgetExceededError(budgetMs)), budgetMs);
    const signal = budget.signal ? AbortSignal.any([budget.signal, deadline.signal]) : deadline.signal;
    // Every judged rule (and the HTTP client under it) listens on this one signal: many listeners are expected here.
    setMaxListeners(0, signal);
    let settled: PromiseSettledResult<Awaited<ReturnType<ComplianceJudge['judge']>>>[];
    try {
      settled = await Promise.allSettled(
        judged.map(({ rule }) => untilAborted(judge.judge({ rule: rule.definition, text: original, context: prepared.window, signal, language: prepared.language }), signal)),
      );
    } finally {
      clearTimeout(timer);
    }
    budget.signal?.throwIfAborted();
    const outcome: JudgeOutcome = { findings: [] };
    settled.forEach((result, index) => {
      const rule = judged[index]?.rule;
      if (result.status === 'rejected') {
        outcome.failure ??= describeJudgeFailure(result.reason);
        return;
      }
      const verdict = result.value;
      if (verdict.rubricVersion) outcome.rubricVersion ??= verdict.rubricVersion;
      if (!rule || verdict.verdict !== 'violation') return;
      const evidenceText = verdict.evidence?.trim();
      const at = evidenceText ? original.indexOf(evidenceText) : -1;
      const { start, end } = at >= 0 && evidenceText ? { start: at, end: at + evidenceText.length } : { start: 0, end: original.length };
      const definition = rule.definition;
      outcome.findings.push({
        ruleId: definition.id,
        severity: definition.severity,
        kind: definition.kind,
        title: definition.title,
        source: definition.source,
        evidence: { start, end, text: original.slice(start, end) },
        explanation: `${definition.explanation} (model judge: ${verdict.reason})`,
        fix: definition.fix,
        detectedBy: 'judge',
        rulesVersion,
        ...(verdict.rubricVersion ? { rubricVersion: verdict.rubricVersion } : {}),
      });
    });
    return outcome;
  }

  function speakerFits(rule: CompiledRule, context: EvaluationContext): boolean {
    const appliesTo = rule.definition.detector.appliesTo ?? 'agent';
    return appliesTo === 'any' || appliesTo === context.speaker;
  }

  function topicFits(rule: CompiledRule, context: EvaluationContext): boolean {
    return !rule.topics || rule.topics.test(context.text) || rule.topics.test(context.customerWindow);
  }

  /** The risky contexts a check is in: by the words of the text and the customer's turns, or the customer's profile. */
  function riskyContexts(input: CheckInput, prepared: Prepared): CompiledJudgeContext[] {
    return judgeContexts.filter((context) => {
      const pattern = context.patterns[prepared.language];
      if (pattern && (pattern.test(prepared.context.text) || pattern.test(prepared.context.customerWindow))) return true;
      const customer = input.customer;
      if (!context.customer || !customer) return false;
      if (context.customer.vulnerable && customer.vulnerable) return true;
      return context.customer.minimumAge !== undefined && customer.age !== undefined && customer.age >= context.customer.minimumAge;
    });
  }

  const detection = new Map<string, { detection: 'active' | 'advisory'; advisoryReason?: string }>();
  const noProducts = new ProductIndexCache(undefined).current();
  // Each rule against its own violating examples, alone: a rule whose detector misses them is advisory.
  for (const rule of everyRule) {
    const { language } = rule.definition;
    const { violating } = rule.definition.examples;
    const missed = violating.filter((example) => {
      const input: CheckInput = typeof example === 'string' ? { text: example, language } : { ...example, language };
      return evaluateRule(rule, prepare(input, noProducts).context) === undefined;
    }).length;
    detection.set(
      rule.definition.id,
      missed === 0 ? { detection: 'active' } : { detection: 'advisory', advisoryReason: `its detector misses ${missed} of its ${violating.length} violating examples` },
    );
  }

  return {
    rulesVersion,
    check(input) {
      const startedAt = performance.now();
      const prepared = prepare(input);
      return result(deterministic(input, prepared), startedAt, prepared);
    },
    async checkWithJudge(input, callOptions = {}) {
      if (!options.judge) throw new JudgeNotConfiguredError();
      const judge = options.judge;
      const startedAt = performance.now();
      const prepared = prepare(input);
      const findings = deterministic(input, prepared);
      const original = typeof input.text === 'string' ? input.text : '';
      if (!original.trim()) return { ...result(findings, startedAt, prepared), judge: 'ok' };
      const flagged = new Set(findings.map((finding) => finding.ruleId));
      const judged = candidates(prepared).filter(({ rule, context }) => {
        const { definition } = rule;
        if (!definition.judge || flagged.has(definition.id)) return false;
        const appliesTo = definition.detector.appliesTo ?? 'agent';
        if (appliesTo !== 'any' && appliesTo !== context.speaker) return false;
        return !rule.topics || rule.topics.test(context.text) || rule.topics.test(context.customerWindow);
      });
      const outcome = await runJudge(judge, judged, original, prepared, callOptions);
      findings.push(...outcome.findings);
      const failure = outcome.failure;
      const checked = { ...result(findings, startedAt, prepared), ...(outcome.rubricVersion ? { rubricVersion: outcome.rubricVersion } : {}) };
      return failure ? { ...checked, judge: 'unavailable', judgeError: failure } : { ...checked, judge: 'ok' };
    },
    judgeTurn(input, turnOptions) {
      const judge = options.judge;
      const original = typeof input.text === 'string' ? input.text : '';
      if (!judge || !original.trim()) return undefined;
      const prepared = prepare(input);
      const contexts = riskyContexts(input, prepared);
      const flagged = new Set(turnOptions.alreadyFlagged ?? []);
      const eligible = candidates(prepared).filter(({ rule, context }) => !flagged.has(rule.definition.id) && speakerFits(rule, context));
      // Rules marked `judge` first (they asked for it), then the rules of each risky context, up to the per-turn bound.
      // A marked rule with no topic gate would send every turn to the model: it waits for a risky context.
      const marked = eligible.filter(({ rule, context }) => rule.definition.judge && (rule.topics ? topicFits(rule, context) : contexts.length > 0));
      const inContext = eligible.filter(({ rule }) => contexts.some((context) => context.rules.some((reference) => ruleMatches(reference, rule.definition))));
      const judged = [...new Set([...marked, ...inContext])].slice(0, maximumJudgedRules);
      if (judged.length === 0) return undefined;
      return runJudge(judge, judged, original, prepared, turnOptions).then((outcome) => ({
        judge: outcome.failure ? 'unavailable' : 'ok',
        ...(outcome.failure ? { judgeError: outcome.failure } : {}),
        findings: outcome.findings,
        ...(outcome.rubricVersion ? { rubricVersion: outcome.rubricVersion } : {}),
        contexts: contexts.map((context) => context.id),
        rulesJudged: judged.map(({ rule }) => rule.definition.id),
        ...(prepared.rules.profile ? { profile: prepared.rules.profile.id } : {}),
      }));
    },
    profileOf,
    describe() {
      const inForce = (rule: RuleDefinition): boolean => !deploymentProfile || ruleInProfile(rule, deploymentProfile);
      const description: ComplianceDescription = {
        rulesVersion,
        packs: options.packs
          .filter((pack) => pack.rules.some(inForce))
          .map((pack) => ({
            id: pack.id,
            jurisdiction: pack.jurisdiction,
            language: pack.language,
            rules: pack.rules.filter(inForce).map((rule) => ({
              id: rule.id,
              title: rule.title,
              severity: rule.severity,
              kind: rule.kind,
              source: rule.source,
              ...(rule.sourceStatus ? { sourceStatus: rule.sourceStatus } : {}),
              ...(detection.get(rule.id) ?? { detection: 'advisory' as const, advisoryReason: 'not compiled' }),
            })),
          })),
      };
      if (deploymentProfile && settings) {
        description.profile = deploymentProfile;
        description.profiles = [...settings.profiles.values()].map((profile) => ({
          id: profile.id,
          ...(profile.description ? { description: profile.description } : {}),
          jurisdictions: profile.jurisdictions,
          currency: profile.currency,
          packs: profile.packs,
        }));
      }
      return description;
    },
    requiredDisclosures(input) {
      const prepared = prepare(input);
      const due: { ruleId: string; text: string }[] = [];
      const told = prepared.callJurisdictions;
      if (told) {
        // A duty another jurisdiction's rule finds raised (its wording is that law's) is owed here in the wording of
        // this call's jurisdiction, when a rule of it says it answers the same duty.
        for (const rule of prepared.rules.byLanguage.get(prepared.language) ?? []) {
          if (!dueElsewhere(rule.definition, told)) continue;
          const answers = (translationsRaisedBy.get(rule.definition.id) ?? []).filter((translation) => translation.appliesIn.some((jurisdiction) => told.includes(jurisdiction)) && translation.language === prepared.language);
          if (answers.length === 0) continue;
          const appliesTo = rule.definition.detector.appliesTo ?? 'agent';
          if (appliesTo !== 'any' && appliesTo !== prepared.context.speaker) continue;
          if (!onRuleTopic(rule, prepared.context) || !disclosureDue(rule, prepared.context)) continue;
          for (const translation of answers) {
            if (translation.satisfiedBy.test(prepared.context.text) || due.some((item) => item.ruleId === translation.ruleId)) continue;
            due.push({ ruleId: translation.ruleId, text: translation.text });
          }
        }
      }
      for (const rule of primaryRules(prepared)) {
        const { definition } = rule;
        if (definition.kind !== 'required_disclosure' || !definition.remedy) continue;
        const appliesTo = definition.detector.appliesTo ?? 'agent';
        if (appliesTo !== 'any' && appliesTo !== prepared.context.speaker) continue;
        // The same gates as the check: a disclosure the check would not ask for is not appended either.
        if (!onRuleTopic(rule, prepared.context) || !disclosureDue(rule, prepared.context)) continue;
        // Only the text counts here: the suggestion is shown on its own, so the wording must be in it.
        if (rule.satisfiedBy?.test(prepared.context.text)) continue;
        due.push({ ruleId: definition.id, text: definition.remedy });
      }
      return due;
    },
    rule(id) {
      return byId.get(id);
    },
  };
}

