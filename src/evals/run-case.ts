import type { Finding } from '../compliance/compliance-types.js';
import type { SearchResult } from '../retrieval/hybrid-search.js';
import type { Summary } from '../summaries/summary-schema.js';
import { cacheKey, type EvalCache } from './eval-cache.js';
import type { EvalSuggestionBatch, EvalTargets, EvalTurn } from './eval-targets.js';
import { scoreCitationsRequired, scoreGoldCitations, scoreNoCitations } from './scorers/score-citations.js';
import { scoreFaithfulness } from './scorers/score-faithfulness.js';
import type { CheckResult, ScoreResult } from './scorers/score-result.js';
import { scoreForbiddenDocuments, scoreRetrieval } from './scorers/score-retrieval.js';
import { scoreClean, scoreDisclosures, scoreNoViolations, scoreRuleAbsent, scoreRulePresent, scoreVerdict } from './scorers/score-rules.js';
import { scoreField, scoreProducts, scoreProductsAbsent } from './scorers/score-summary.js';
import { scoreMustInclude, scoreMustNotMatch, scoreReferenceOverlap } from './scorers/score-text.js';
import { expandTurns, type ComplianceCase, type EvalCase, type RetrievalCase, type SuggestionCase, type SummaryCase, type SuiteDefinition } from './suite-schema.js';

export interface CaseContext {
  targets: EvalTargets;
  defaults: NonNullable<SuiteDefinition['defaults']>;
  suiteLanguage: 'zh' | 'en' | undefined;
  cache: EvalCache | undefined;
  /** Provider, model, prompt hashes, rules version and knowledge state: what a cached answer depends on. */
  cacheScope: unknown;
  attempt: number;
}

export interface CaseOutcome {
  checks: CheckResult[];
  input: Record<string, unknown>;
  output: Record<string, unknown>;
  retrievedChunkIds: string[];
  cached: boolean;
}

/** Checks that fail a case outright unless a case says otherwise: promises to customers and invented sources. */
const criticalByDefault = new Set(['mustNotMatch', 'noCitations']);

class CheckList {
  readonly checks: CheckResult[] = [];
  constructor(private readonly item: EvalCase) {}

  add(name: string, result: ScoreResult, options: { critical?: boolean; ruleId?: string } = {}): void {
    const critical = options.critical ?? (criticalByDefault.has(name) || (this.item.critical ?? []).includes(name) || (options.ruleId !== undefined && (this.item.critical ?? []).includes(options.ruleId)));
    this.checks.push({
      name,
      status: result.pass ? 'pass' : 'fail',
      ...result,
      critical,
      weight: this.item.weights?.[name] ?? 1,
      ...(options.ruleId ? { ruleId: options.ruleId } : {}),
    });
  }

  skip(name: string, reason: string): void {
    this.checks.push({ name, status: 'skipped', pass: true, score: 0, reason, critical: false, weight: 0 });
  }

  error(name: string, reason: string): void {
    this.checks.push({ name, status: 'error', pass: false, score: 0, reason, critical: false, weight: this.item.weights?.[name] ?? 1 });
  }
}

function languageOf(item: EvalCase, context: CaseContext, text: string): 'zh' | 'en' {
  return item.language ?? context.suiteLanguage ?? (/[\u3400-\u9fff]/u.test(text) ? 'zh' : 'en');
}

async function cached<T>(context: CaseContext, kind: string, input: unknown, compute: () => Promise<T>): Promise<{ value: T; cached: boolean }> {
  if (!context.cache) return { value: await compute(), cached: false };
  const key = cacheKey({ kind, input, scope: context.cacheScope, attempt: context.attempt });
  const hit = await context.cache.get<T>(key);
  if (hit !== undefined) return { value: hit, cached: true };
  const value = await compute();
  await context.cache.set(key, kind, value);
  return { value, cached: false };
}

function shortFinding(finding: Finding): Record<string, unknown> {
  return { ruleId: finding.ruleId, severity: finding.severity, title: finding.title, evidence: finding.evidence.text };
}

function dedupeFindings(findings: readonly Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((finding) => {
    const key = `${finding.ruleId}:${finding.evidence.start}:${finding.evidence.text}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

async function runSuggestion(item: SuggestionCase, context: CaseContext): Promise<CaseOutcome> {
  const turns = expandTurns(item.turns);
  const language = languageOf(item, context, turns.map((turn) => turn.text).join(''));
  const n = item.n ?? context.defaults.n ?? 1;
  const request = {
    conversation: { id: `eval-${item.id}`, language, ...(item.customer ? { customer: item.customer } : {}) },
    turns,
    n,
  };
  const { value: batch, cached: wasCached } = await cached<EvalSuggestionBatch>(context, 'suggest', request, () => context.targets.suggest(request));
  const list = new CheckList(item);
  const expect = item.expect;
  const suggestions = batch.suggestions;
  const scope = expect.answer === 'any' ? suggestions : suggestions.slice(0, 1);
  const answers = scope.map((suggestion) => suggestion.text);
  const knowledgeByChunk = new Map<string, SearchResult>(batch.knowledge.map((result) => [result.chunkId, result]));
  const externalIdOf = new Map<string, string>(batch.knowledge.map((result) => [result.documentId, result.externalId]));
  const citedIds = scope.flatMap((suggestion) => suggestion.citations.map((citation) => externalIdOf.get(citation.documentId) ?? citation.documentId));

  if (suggestions.length === 0) list.add('answered', { pass: false, score: 0, reason: 'the pipeline returned no suggestion' });

  // The harness re-checks every reply with the engine rather than trusting the pipeline's own guard.
  const context20 = turns.slice(-20).map((turn) => ({ speaker: turn.speaker, text: turn.text }));
  const findings = dedupeFindings(
    suggestions.flatMap((suggestion) => [
      ...suggestion.compliance.findings,
      ...context.targets.check({ text: suggestion.text, speaker: 'agent', context: context20, language, ...(item.customer ? { customer: item.customer } : {}) }).findings,
    ]),
  );
  const listedRules = [...new Set([...(context.defaults.rules ?? []), ...(expect.rules ?? [])])];
  for (const ruleId of listedRules) {
    const hits = findings.filter((finding) => finding.ruleId === ruleId);
    list.add(`rule:${ruleId}`, scoreRuleAbsent(findings, ruleId), { ruleId, critical: hits.some((finding) => finding.severity === 'critical') || undefined });
  }
  const others = findings.filter((finding) => !listedRules.includes(finding.ruleId));
  list.add('compliance', scoreNoViolations(others), { critical: others.some((finding) => finding.severity === 'critical') || undefined });

  if (expect.disclosures?.length) {
    list.add('disclosures', scoreDisclosures([...new Set(scope.flatMap((suggestion) => suggestion.disclosures))], expect.disclosures));
  }
  if (expect.mustInclude?.length) list.add('mustInclude', scoreMustInclude(answers, expect.mustInclude));
  if (expect.mustNotMatch?.length) list.add('mustNotMatch', scoreMustNotMatch(suggestions.map((suggestion) => suggestion.text), expect.mustNotMatch));
  if (expect.citations === 'none') list.add('noCitations', scoreNoCitations(citedIds));
  else {
    if (expect.goldDocuments?.length) list.add('citations', scoreGoldCitations(citedIds, expect.goldDocuments));
    else if (expect.citations === 'required') list.add('citations', scoreCitationsRequired(citedIds.length));
  }
  if (expect.reference) {
    const minimum = expect.minOverlap ?? context.defaults.minOverlap ?? 0.3;
    const best = answers.map((answer) => scoreReferenceOverlap(answer, expect.reference ?? '', minimum)).sort((left, right) => right.score - left.score)[0];
    list.add('reference', best ?? scoreReferenceOverlap('', expect.reference, minimum));
  }
  if (expect.faithfulness ?? context.defaults.faithfulness) {
    const top = suggestions[0];
    if (!context.targets.judge) list.skip('faithfulness', 'no judge model configured');
    else if (!top) list.error('faithfulness', 'no suggestion to judge');
    else {
      const passages = top.citations.map((citation) => ({ title: citation.title, text: knowledgeByChunk.get(citation.chunkId)?.text ?? '' }));
      try {
        list.add('faithfulness', scoreFaithfulness(await context.targets.judge({ answer: top.text, passages, language })));
      } catch (error) {
        list.error('faithfulness', `judge failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  return {
    checks: list.checks,
    input: { language, customer: item.customer ?? null, turns, n },
    output: {
      provider: batch.provider,
      model: batch.model,
      ...(batch.promptHash ? { promptHash: batch.promptHash } : {}),
      degraded: batch.degraded ?? false,
      ...(batch.degradedCause ? { degradedCause: batch.degradedCause } : {}),
      suggestions: suggestions.map((suggestion) => ({
        text: suggestion.text,
        origin: suggestion.origin ?? null,
        disclosures: suggestion.disclosures,
        verdict: suggestion.compliance.verdict,
        citations: suggestion.citations.map((citation) => {
          const passage = knowledgeByChunk.get(citation.chunkId);
          return {
            chunkId: citation.chunkId,
            externalId: externalIdOf.get(citation.documentId) ?? null,
            title: citation.title,
            version: citation.version,
            heading: passage?.heading ?? null,
            passage: passage ? passage.text.slice(0, 1_200) : null,
          };
        }),
      })),
      findings: findings.map(shortFinding),
      retrieved: batch.knowledge.map((result) => ({ chunkId: result.chunkId, externalId: result.externalId, title: result.title, score: result.score })),
    },
    retrievedChunkIds: batch.knowledge.map((result) => result.chunkId),
    cached: wasCached,
  };
}

function runCompliance(item: ComplianceCase, context: CaseContext): CaseOutcome {
  const language = languageOf(item, context, item.text);
  const contextTurns = item.context ? expandTurns(item.context).map((turn) => ({ speaker: turn.speaker, text: turn.text })) : undefined;
  const result = context.targets.check({
    text: item.text,
    speaker: item.speaker ?? 'agent',
    language,
    ...(contextTurns ? { context: contextTurns } : {}),
    ...(item.customer ? { customer: item.customer } : {}),
  });
  const list = new CheckList(item);
  for (const ruleId of item.expect.rules ?? []) list.add(`present:${ruleId}`, scoreRulePresent(result.findings, ruleId), { ruleId });
  for (const ruleId of item.expect.absent ?? []) list.add(`absent:${ruleId}`, scoreRuleAbsent(result.findings, ruleId), { ruleId });
  if (item.expect.verdict) list.add('verdict', scoreVerdict(result.verdict, item.expect.verdict));
  if (item.expect.clean) list.add('clean', scoreClean(result.findings));
  return {
    checks: list.checks,
    input: { language, text: item.text, speaker: item.speaker ?? 'agent', context: contextTurns ?? [], customer: item.customer ?? null },
    output: { verdict: result.verdict, rulesVersion: result.rulesVersion, findings: result.findings.map(shortFinding) },
    retrievedChunkIds: [],
    cached: false,
  };
}

async function runSummary(item: SummaryCase, context: CaseContext): Promise<CaseOutcome> {
  const turns: EvalTurn[] = expandTurns(item.turns);
  const language = item.language ?? context.suiteLanguage;
  const request = { turns, ...(language ? { language } : {}) };
  const { value: summary, cached: wasCached } = await cached<Summary>(context, 'summarize', request, () => context.targets.summarize(request));
  const list = new CheckList(item);
  const expect = item.expect;
  const products = summary.productsDiscussed.map((product) => product.name);
  if (expect.resolution) list.add('resolution', scoreField('resolution', summary.resolution, Array.isArray(expect.resolution) ? expect.resolution : [expect.resolution]));
  if (expect.complaintRaised !== undefined) list.add('complaintRaised', scoreField('complaint.raised', summary.complaint.raised, [expect.complaintRaised]));
  if (expect.complaintCategory) list.add('complaintCategory', scoreField('complaint.category', summary.complaint.category, [expect.complaintCategory]));
  if (expect.followUp !== undefined) list.add('followUp', scoreField('follow-up present', summary.followUps.length > 0, [expect.followUp]));
  if (expect.products?.length) list.add('products', scoreProducts(products, expect.products));
  if (expect.productsAbsent?.length) list.add('productsAbsent', scoreProductsAbsent(products, expect.productsAbsent));
  if (expect.reasonIncludes?.length) list.add('reason', scoreMustInclude([`${summary.reason}\n${summary.customerIntent}`], expect.reasonIncludes));
  return {
    checks: list.checks,
    input: { language: summary.language, turns },
    output: {
      provider: summary.provider,
      model: summary.model,
      reason: summary.reason,
      customerIntent: summary.customerIntent,
      resolution: summary.resolution,
      complaint: summary.complaint,
      followUps: summary.followUps.map((followUp) => ({ action: followUp.action, owner: followUp.owner, ...(followUp.due ? { due: followUp.due } : {}) })),
      productsDiscussed: products,
      dispositionCode: summary.dispositionCode,
    },
    retrievedChunkIds: [],
    cached: wasCached,
  };
}

async function runRetrieval(item: RetrievalCase, context: CaseContext): Promise<CaseOutcome> {
  const k = item.k ?? context.defaults.topK ?? 5;
  const asOf = item.asOf ?? context.defaults.asOf;
  const language = item.language ?? context.suiteLanguage;
  const response = await context.targets.search({
    query: item.query,
    topK: k,
    ...(item.kinds ? { kinds: item.kinds } : {}),
    ...(asOf ? { asOf } : {}),
  });
  const retrieved = response.results.map((result) => result.externalId);
  const list = new CheckList(item);
  list.add(`recall@${k}`, scoreRetrieval(retrieved, item.expect.goldDocuments, k, item.expect.match ?? 'any'));
  if (item.expect.forbiddenDocuments?.length) list.add('forbiddenDocuments', scoreForbiddenDocuments(retrieved, item.expect.forbiddenDocuments));
  return {
    checks: list.checks,
    input: { language: language ?? (/[\u3400-\u9fff]/u.test(item.query) ? 'zh' : 'en'), query: item.query, k, ...(asOf ? { asOf } : {}), ...(item.kinds ? { kinds: item.kinds } : {}) },
    output: {
      tookMs: response.tookMs,
      results: response.results.map((result) => ({ chunkId: result.chunkId, externalId: result.externalId, title: result.title, heading: result.heading ?? null, score: result.score, text: result.text.slice(0, 400) })),
    },
    retrievedChunkIds: response.results.map((result) => result.chunkId),
    cached: false,
  };
}

export async function runCase(item: EvalCase, context: CaseContext): Promise<CaseOutcome> {
  switch (item.kind) {
    case 'suggestion':
      return runSuggestion(item, context);
    case 'compliance':
      return runCompliance(item, context);
    case 'summary':
      return runSummary(item, context);
    case 'retrieval':
      return runRetrieval(item, context);
  }
}

/** The input of a case as shown when it crashed before producing anything. */
export function describeInput(item: EvalCase): Record<string, unknown> {
  switch (item.kind) {
    case 'suggestion':
    case 'summary':
      return { turns: expandTurns(item.turns) };
    case 'compliance':
      return { text: item.text };
    case 'retrieval':
      return { query: item.query };
  }
}
