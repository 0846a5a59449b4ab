import { createHash } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { untilAborted } from '../llm/until-aborted.js';
import { detectLanguage } from '../text/segment-text.js';
import { normalizeText, type NormalizedText } from '../text/normalize-text.js';
import { keepSentencesIn, sentenceLanguages } from '../text/sentence-languages.js';
import { compileRule, type CompiledRule } from './compiled-rule.js';
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
} from './compliance-types.js';
import { describeJudgeFailure, JudgeBudgetExceededError } from './judge-failure.js';
import { ProductIndexCache, type ProductIndex } from './product-index.js';
import type { RuleDefinition, RulePack } from './rule-pack-schema.js';
import { disclosureDue, evaluateRule, type EvaluationContext, type RuleHit } from './rule-evaluator.js';
import { assertUniqueIds } from './load-rule-packs.js';
import { UtteranceScope } from './utterance-scope.js';

/**
 * How many of the latest context turns a check looks at. Disclosures are judged over this window and
 * procedure steps are looked for in it; a 10,000-turn context costs no more than a 30-turn one.
 */
export const contextWindowTurns = 30;
/** Each context turn is cut to this many characters before matching, for the same reason. */
export const contextTurnMaxCharacters = 2_000;

export interface RuleSummary {
  id: string;
  title: string;
  severity: RuleDefinition['severity'];
  kind: RuleDefinition['kind'];
  source: string;
  /**
   * `active`: the rule's detector catches every one of its own violating examples. `advisory`: it does not, so
   * its silence proves nothing; it is listed, never silently inert (`advisoryReason` says what it misses).
   */
  detection: 'active' | 'advisory';
  advisoryReason?: string;
}

export interface ComplianceDescription {
  rulesVersion: string;
  packs: { id: string; jurisdiction: string; language: Language; rules: RuleSummary[] }[];
}

export interface ComplianceEngine {
  readonly rulesVersion: string;
  check(input: CheckInput): CheckResult;
  /**
   * The rules, then the model judge on the rules marked `judge`. A judge that fails or runs out of time does not
   * fail the check: the rules' verdict comes back with `judge: "unavailable"` and why.
   */
  checkWithJudge(input: CheckInput, options?: { budgetMs?: number; signal?: AbortSignal }): Promise<JudgedCheckResult>;
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
}

export const defaultJudgeBudgetMs = 1_500;

/**
 * Rules that forbid something being said hold in whatever language it is said. Duties (a disclosure due, a
 * procedure before an action) are read over the whole conversation, which is in its primary language, and their
 * wording belongs to that language's jurisdiction: only the primary pack's duties apply.
 */
const prohibitionKinds: ReadonlySet<RuleKind> = new Set(['forbidden_statement', 'forbidden_request', 'personal_data', 'conduct', 'suitability']);

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
  /** Other languages some sentence is written in, each with the text reduced to those sentences (offsets kept). */
  others: { language: Language; context: EvaluationContext }[];
}

/** A rule to run and the context to run it on: the primary one, or the sentences of the rule's language. */
interface Candidate {
  rule: CompiledRule;
  context: EvaluationContext;
}

export function createComplianceEngine(options: ComplianceEngineOptions): ComplianceEngine {
  assertUniqueIds(options.packs);
  const rulesVersion = contentHash(options.packs);
  const compiled = new Map<Language, CompiledRule[]>([
    ['zh', []],
    ['en', []],
  ]);
  const byId = new Map<string, RuleDefinition>();
  for (const pack of options.packs) {
    for (const rule of pack.rules) {
      compiled.get(pack.language)?.push(compileRule(rule));
      byId.set(rule.id, rule);
    }
  }
  const detection = new Map<string, { detection: 'active' | 'advisory'; advisoryReason?: string }>();
  const prohibitions = new Map<Language, CompiledRule[]>([...compiled].map(([language, rules]) => [language, rules.filter((rule) => prohibitionKinds.has(rule.definition.kind))]));
  const judgeBudgetMs = options.judgeBudgetMs && options.judgeBudgetMs > 0 ? options.judgeBudgetMs : defaultJudgeBudgetMs;
  const products = new ProductIndexCache(options.products);

  /** `productIndex` replaces the live product list (the start-up self-check runs before the knowledge base is read). */
  function prepare(input: CheckInput, productIndex?: ProductIndex): Prepared {
    const original = typeof input.text === 'string' ? input.text : '';
    const normalized = normalizeText(original);
    const window = (input.context ?? []).slice(-contextWindowTurns);
    const customerTurns: string[] = [];
    const agentTurns: string[] = [];
    let customerSinceAgent: string[] = [];
    for (const turn of window) {
      if (!turn || typeof turn.text !== 'string') continue;
      const text = normalizeText(turn.text.slice(0, contextTurnMaxCharacters)).text.replace(/\n/g, ' ');
      (turn.speaker === 'customer' ? customerTurns : agentTurns).push(text);
      if (turn.speaker === 'customer') customerSinceAgent.push(text);
      else customerSinceAgent = [];
    }
    const language = input.language ?? (original.trim() ? detectLanguage(original.slice(0, 2_000)) : detectLanguage(window.map((turn) => turn.text).join(' ').slice(0, 2_000)));
    const context: EvaluationContext = {
      text: normalized.text,
      scope: new UtteranceScope(normalized.text),
      speaker: input.speaker ?? 'agent',
      customerWindow: customerTurns.join('\n'),
      lastCustomerTurn: customerTurns[customerTurns.length - 1] ?? '',
      customerSinceAgent: customerSinceAgent.join('\n'),
      agentWindow: agentTurns.join('\n'),
      customer: input.customer,
      products: productIndex ?? products.current(),
    };
    const sentences = sentenceLanguages(normalized.text);
    const present = new Set(sentences.flatMap((sentence) => sentence.languages));
    const others = (['zh', 'en'] as const)
      .filter((other) => other !== language && present.has(other))
      .map((other) => {
        const text = keepSentencesIn(normalized.text, other, sentences);
        return { language: other, context: { ...context, text, scope: new UtteranceScope(text) } };
      });
    return { normalized, context, language, window, others };
  }

  /** The primary pack in full, then the prohibitions of every other language the text holds. */
  function candidates(prepared: Prepared): Candidate[] {
    const list: Candidate[] = (compiled.get(prepared.language) ?? []).map((rule) => ({ rule, context: prepared.context }));
    for (const other of prepared.others) {
      for (const rule of prohibitions.get(other.language) ?? []) list.push({ rule, context: other.context });
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
    for (const { rule, context } of candidates(prepared)) {
      const hit = evaluateRule(rule, context);
      if (hit) findings.push(toFinding(rule.definition, hit, original, prepared.normalized, 'rule', input.explain === true));
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
    };
  }

  const noProducts = new ProductIndexCache(undefined).current();
  // Each rule against its own violating examples, alone: a rule whose detector misses them is advisory.
  for (const [language, rules] of compiled) {
    for (const rule of rules) {
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
      const budgetMs = callOptions.budgetMs && callOptions.budgetMs > 0 ? callOptions.budgetMs : judgeBudgetMs;
      const deadline = new AbortController();
      const timer = setTimeout(() => deadline.abort(new JudgeBudgetExceededError(budgetMs)), budgetMs);
      const signal = callOptions.signal ? AbortSignal.any([callOptions.signal, deadline.signal]) : deadline.signal;
      // Every judged rule (and the HTTP client under it) listens on this one signal: many listeners are expected here.
      setMaxListeners(0, signal);
      let settled: PromiseSettledResult<Awaited<ReturnType<ComplianceJudge['judge']>>>[];
      try {
        // Settled one by one: a verdict that came back still counts when another call failed or ran out of time.
        settled = await Promise.allSettled(
          judged.map(({ rule }) => untilAborted(judge.judge({ rule: rule.definition, text: original, context: prepared.window, signal }), signal)),
        );
      } finally {
        clearTimeout(timer);
      }
      callOptions.signal?.throwIfAborted();
      let failure: JudgeFailure | undefined;
      settled.forEach((outcome, index) => {
        const rule = judged[index]?.rule;
        if (outcome.status === 'rejected') {
          failure ??= describeJudgeFailure(outcome.reason);
          return;
        }
        const verdict = outcome.value;
        if (!rule || verdict.verdict !== 'violation') return;
        const evidenceText = verdict.evidence?.trim();
        const at = evidenceText ? original.indexOf(evidenceText) : -1;
        const { start, end } = at >= 0 && evidenceText ? { start: at, end: at + evidenceText.length } : { start: 0, end: original.length };
        const definition = rule.definition;
        findings.push({
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
        });
      });
      const checked = result(findings, startedAt, prepared);
      return failure ? { ...checked, judge: 'unavailable', judgeError: failure } : { ...checked, judge: 'ok' };
    },
    describe() {
      return {
        rulesVersion,
        packs: options.packs.map((pack) => ({
          id: pack.id,
          jurisdiction: pack.jurisdiction,
          language: pack.language,
          rules: pack.rules.map((rule) => ({
            id: rule.id,
            title: rule.title,
            severity: rule.severity,
            kind: rule.kind,
            source: rule.source,
            ...(detection.get(rule.id) ?? { detection: 'advisory' as const, advisoryReason: 'not compiled' }),
          })),
        })),
      };
    },
    requiredDisclosures(input) {
      const prepared = prepare(input);
      const due: { ruleId: string; text: string }[] = [];
      for (const rule of compiled.get(prepared.language) ?? []) {
        const { definition } = rule;
        if (definition.kind !== 'required_disclosure' || !definition.remedy) continue;
        const appliesTo = definition.detector.appliesTo ?? 'agent';
        if (appliesTo !== 'any' && appliesTo !== prepared.context.speaker) continue;
        if (!disclosureDue(rule, prepared.context)) continue;
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

