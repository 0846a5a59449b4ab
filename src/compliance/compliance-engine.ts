import { createHash } from 'node:crypto';
import { detectLanguage } from '../text/segment-text.js';
import { normalizeText, type NormalizedText } from '../text/normalize-text.js';
import { compileRule, type CompiledRule } from './compiled-rule.js';
import type { ComplianceJudge } from './compliance-judge.js';
import { verdictOf, type CheckInput, type CheckResult, type ConversationTurn, type Finding, type Language, type ProductEntry } from './compliance-types.js';
import { ProductIndexCache } from './product-index.js';
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
}

export interface ComplianceDescription {
  rulesVersion: string;
  packs: { id: string; jurisdiction: string; language: Language; rules: RuleSummary[] }[];
}

export interface ComplianceEngine {
  readonly rulesVersion: string;
  check(input: CheckInput): CheckResult;
  checkWithJudge(input: CheckInput): Promise<CheckResult>;
  describe(): ComplianceDescription;
  requiredDisclosures(input: CheckInput): { ruleId: string; text: string }[];
  rule(id: string): RuleDefinition | undefined;
}

export interface ComplianceEngineOptions {
  packs: RulePack[];
  products?: () => readonly ProductEntry[];
  judge?: ComplianceJudge;
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
  const products = new ProductIndexCache(options.products);

  function prepare(input: CheckInput): Prepared {
    const original = typeof input.text === 'string' ? input.text : '';
    const normalized = normalizeText(original);
    const window = (input.context ?? []).slice(-contextWindowTurns);
    const customerTurns: string[] = [];
    const agentTurns: string[] = [];
    for (const turn of window) {
      if (!turn || typeof turn.text !== 'string') continue;
      const text = normalizeText(turn.text.slice(0, contextTurnMaxCharacters)).text.replace(/\n/g, ' ');
      (turn.speaker === 'customer' ? customerTurns : agentTurns).push(text);
    }
    const language = input.language ?? (original.trim() ? detectLanguage(original.slice(0, 2_000)) : detectLanguage(window.map((turn) => turn.text).join(' ').slice(0, 2_000)));
    const context: EvaluationContext = {
      text: normalized.text,
      scope: new UtteranceScope(normalized.text),
      speaker: input.speaker ?? 'agent',
      customerWindow: customerTurns.join('\n'),
      lastCustomerTurn: customerTurns[customerTurns.length - 1] ?? '',
      agentWindow: agentTurns.join('\n'),
      customer: input.customer,
      products: products.current(),
    };
    return { normalized, context, language, window };
  }

  function toFinding(rule: RuleDefinition, hit: RuleHit, original: string, normalized: NormalizedText, detectedBy: 'rule' | 'judge'): Finding {
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
    return finding;
  }

  function deterministic(input: CheckInput, prepared: Prepared): Finding[] {
    const original = typeof input.text === 'string' ? input.text : '';
    if (!original.trim()) return [];
    const findings: Finding[] = [];
    for (const rule of compiled.get(prepared.language) ?? []) {
      const hit = evaluateRule(rule, prepared.context);
      if (hit) findings.push(toFinding(rule.definition, hit, original, prepared.normalized, 'rule'));
    }
    return findings;
  }

  const severityOrder = { critical: 0, major: 1, minor: 2 } as const;
  function result(findings: Finding[], startedAt: number): CheckResult {
    findings.sort((left, right) => severityOrder[left.severity] - severityOrder[right.severity] || left.evidence.start - right.evidence.start);
    return { verdict: verdictOf(findings), findings, rulesVersion, tookMs: Number((performance.now() - startedAt).toFixed(3)) };
  }

  return {
    rulesVersion,
    check(input) {
      const startedAt = performance.now();
      return result(deterministic(input, prepare(input)), startedAt);
    },
    async checkWithJudge(input) {
      if (!options.judge) throw new JudgeNotConfiguredError();
      const judge = options.judge;
      const startedAt = performance.now();
      const prepared = prepare(input);
      const findings = deterministic(input, prepared);
      const original = typeof input.text === 'string' ? input.text : '';
      if (!original.trim()) return result(findings, startedAt);
      const flagged = new Set(findings.map((finding) => finding.ruleId));
      const candidates = (compiled.get(prepared.language) ?? []).filter((rule) => {
        const { definition } = rule;
        if (!definition.judge || flagged.has(definition.id)) return false;
        const appliesTo = definition.detector.appliesTo ?? 'agent';
        if (appliesTo !== 'any' && appliesTo !== prepared.context.speaker) return false;
        return !rule.topics || rule.topics.test(prepared.context.text) || rule.topics.test(prepared.context.customerWindow);
      });
      // A judge failure rejects the whole call: the caller must not read a failed judgement as a pass.
      const verdicts = await Promise.all(
        candidates.map((rule) => judge.judge({ rule: rule.definition, text: original, context: prepared.window })),
      );
      verdicts.forEach((verdict, index) => {
        const rule = candidates[index];
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
      return result(findings, startedAt);
    },
    describe() {
      return {
        rulesVersion,
        packs: options.packs.map((pack) => ({
          id: pack.id,
          jurisdiction: pack.jurisdiction,
          language: pack.language,
          rules: pack.rules.map((rule) => ({ id: rule.id, title: rule.title, severity: rule.severity, kind: rule.kind, source: rule.source })),
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

