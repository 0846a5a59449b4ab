import { maskText } from '../privacy/mask-personal-data.js';
import { foldText } from '../text/segment-text.js';
import type { Summary } from '../summaries/summary-schema.js';
import type { AppliesWhen, CueMatch, Scorecard, ScorecardItem } from './scorecard-schema.js';

export type ItemStatus = 'passed' | 'failed' | 'not_applicable';
export type ReviewState = 'auto_passed' | 'needs_review' | 'confirmed' | 'disputed' | 'overturned';
export type InspectionSeverity = 'none' | 'minor' | 'major' | 'critical';

export interface ItemEvidence {
  turnId: string;
  start?: number;
  end?: number;
  /** Masked: evidence is shown to reviewers and exported. */
  text?: string;
}

export interface ItemResult {
  itemId: string;
  title: string;
  kind: ScorecardItem['kind'];
  severity: ScorecardItem['severity'];
  weight: number;
  status: ItemStatus;
  confidence: number;
  /** What decided it: a rule detector, cue words, or a model (labelled as such for reviewers). */
  decidedBy: 'rules' | 'cues' | 'model' | 'none';
  evidence: ItemEvidence[];
  note?: string;
}

export interface InspectionResult {
  scorecardId: string;
  scorecardVersion: string;
  score: number;
  passed: boolean;
  severity: InspectionSeverity;
  confidence: number;
  reviewState: ReviewState;
  items: ItemResult[];
}

export interface InspectedTurn {
  id: string;
  speaker: 'customer' | 'agent' | 'system';
  text: string;
}

/** A model's answer to a model-judged item, asked by the caller (the pure inspection never calls out). */
export interface JudgedAnswer {
  answer: 'yes' | 'no' | 'not_applicable';
  turnIds: string[];
  reason: string;
}

export interface InspectionInput {
  turns: readonly InspectedTurn[];
  summary: Pick<Summary, 'complaint' | 'productsDiscussed' | 'compliance'>;
  scorecard: Scorecard;
  /** The kind of a rule by id (from the rule packs), for items that name rule kinds. */
  ruleKind: (ruleId: string) => string | undefined;
  vulnerable?: boolean;
  judged?: ReadonlyMap<string, JudgedAnswer>;
}

const severityRank: Record<InspectionSeverity, number> = { none: 0, minor: 1, major: 2, critical: 3 };

/** Latin cues match whole words ("hi" is not in "this"); CJK cues match anywhere (no spaces between words). */
function cueMatcher(cue: string): (folded: string) => { start: number; end: number } | undefined {
  const folded = foldText(cue);
  if (/^[\p{Script=Latin}\p{N}\s'.-]+$/u.test(folded)) {
    const escaped = folded.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&').replace(/\s+/gu, '\\s+');
    const pattern = new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'u');
    return (text) => {
      const match = pattern.exec(text);
      return match ? { start: match.index, end: match.index + match[0].length } : undefined;
    };
  }
  return (text) => {
    const index = text.indexOf(folded);
    return index >= 0 ? { start: index, end: index + folded.length } : undefined;
  };
}

interface CompiledCueMatch {
  speaker: CueMatch['speaker'];
  families: ((folded: string) => { start: number; end: number } | undefined)[][];
  unless: string[];
  first?: number;
  last?: number;
}

const compiledCache = new WeakMap<CueMatch, CompiledCueMatch>();

function compile(match: CueMatch): CompiledCueMatch {
  const cached = compiledCache.get(match);
  if (cached) return cached;
  const compiled: CompiledCueMatch = {
    speaker: match.speaker,
    families: match.cues.map((family) => family.map(cueMatcher)),
    unless: match.unless.map(foldText),
    ...(match.first ? { first: match.first } : {}),
    ...(match.last ? { last: match.last } : {}),
  };
  compiledCache.set(match, compiled);
  return compiled;
}

interface Heard {
  index: number;
  turn: InspectedTurn;
  start: number;
  end: number;
}

/** Every turn (index into the call) where the cue list is heard, within its speaker's first/last N turns. */
function findHeard(turns: readonly InspectedTurn[], folded: readonly string[], match: CueMatch): Heard[] {
  const compiled = compile(match);
  const own = turns.map((turn, index) => ({ turn, index })).filter(({ turn }) => turn.speaker === compiled.speaker);
  const window = compiled.first ? own.slice(0, compiled.first) : compiled.last ? own.slice(-compiled.last) : own;
  const heard: Heard[] = [];
  for (const { turn, index } of window) {
    const text = folded[index] ?? '';
    if (compiled.unless.some((word) => text.includes(word))) continue;
    let first: { start: number; end: number } | undefined;
    let all = true;
    for (const family of compiled.families) {
      let found: { start: number; end: number } | undefined;
      for (const matcher of family) {
        found = matcher(text);
        if (found) break;
      }
      if (!found) {
        all = false;
        break;
      }
      first ??= found;
    }
    if (all && first) heard.push({ index, turn, start: first.start, end: first.end });
  }
  return heard;
}

function evidenceOf(heard: Heard): ItemEvidence {
  return { turnId: heard.turn.id, start: heard.start, end: heard.end, text: maskText(heard.turn.text.slice(heard.start, heard.end)) };
}

function applies(when: AppliesWhen | undefined, input: InspectionInput, folded: readonly string[]): boolean {
  if (!when) return true;
  if (when.complaint && input.summary.complaint.raised) return true;
  if (when.productsDiscussed && input.summary.productsDiscussed.length > 0) return true;
  if (when.vulnerable && input.vulnerable) return true;
  if (when.heard && findHeard(input.turns, folded, when.heard).length > 0) return true;
  return false;
}

function ruleMatches(item: Extract<ScorecardItem, { kind: 'rule_finding' }>, ruleId: string, kindOf: (ruleId: string) => string | undefined): boolean {
  if (item.rules.ids.includes(ruleId)) return true;
  if (item.rules.prefixes.some((prefix) => ruleId.startsWith(prefix))) return true;
  const kind = kindOf(ruleId);
  return kind !== undefined && (item.rules.kinds as readonly string[]).includes(kind);
}

function evaluate(item: ScorecardItem, input: InspectionInput, folded: readonly string[]): Omit<ItemResult, 'itemId' | 'title' | 'kind' | 'severity' | 'weight'> {
  const confidence = input.scorecard.review.confidence;
  const notApplicable = (note: string) => ({ status: 'not_applicable' as const, confidence: 1, decidedBy: 'none' as const, evidence: [], note });
  if (!applies(item.appliesWhen, input, folded)) return notApplicable('its condition did not occur in this call');
  switch (item.kind) {
    case 'rule_finding': {
      const evidence: ItemEvidence[] = [];
      for (const finding of input.summary.compliance.findings) {
        if (!ruleMatches(item, finding.ruleId, input.ruleKind)) continue;
        const turn = input.turns.find((candidate) => candidate.id === finding.turnId);
        const start = finding.evidence && turn ? turn.text.indexOf(finding.evidence) : -1;
        evidence.push({
          turnId: finding.turnId ?? '',
          ...(start >= 0 && finding.evidence ? { start, end: start + finding.evidence.length } : {}),
          ...(finding.evidence ? { text: maskText(finding.evidence) } : {}),
        });
      }
      const missing = input.summary.compliance.missingDisclosures.filter((ruleId) => ruleMatches(item, ruleId, input.ruleKind));
      if (evidence.length === 0 && missing.length === 0) return { status: 'passed', confidence: confidence.rulePass, decidedBy: 'rules', evidence: [] };
      const note = [
        ...new Set(input.summary.compliance.findings.filter((finding) => ruleMatches(item, finding.ruleId, input.ruleKind)).map((finding) => finding.ruleId)),
        ...missing.map((ruleId) => `${ruleId} (not given)`),
      ].join(', ');
      return { status: 'failed', confidence: confidence.ruleFail, decidedBy: 'rules', evidence, note };
    }
    case 'required_step': {
      let limit = input.turns.length;
      if (item.before) {
        const trigger = findHeard(input.turns, folded, item.before)[0];
        if (!trigger) return notApplicable('nothing in the call needed this step first');
        limit = trigger.index;
        const heard = findHeard(input.turns.slice(0, limit), folded, item.step)[0];
        if (heard) return { status: 'passed', confidence: confidence.stepHeard, decidedBy: 'cues', evidence: [evidenceOf(heard)] };
        return { status: 'failed', confidence: confidence.stepNotHeard, decidedBy: 'cues', evidence: [evidenceOf(trigger)], note: 'the step was not heard before this turn' };
      }
      const heard = findHeard(input.turns, folded, item.step)[0];
      if (heard) return { status: 'passed', confidence: confidence.stepHeard, decidedBy: 'cues', evidence: [evidenceOf(heard)] };
      return { status: 'failed', confidence: confidence.stepNotHeard, decidedBy: 'cues', evidence: [], note: 'the step was not heard' };
    }
    case 'prohibited_behaviour': {
      const heard = findHeard(input.turns, folded, item.behaviour);
      if (heard.length === 0) return { status: 'passed', confidence: confidence.behaviourNotHeard, decidedBy: 'cues', evidence: [] };
      return { status: 'failed', confidence: confidence.behaviourHeard, decidedBy: 'cues', evidence: heard.slice(0, 5).map(evidenceOf) };
    }
    case 'model_judged': {
      const answer = input.judged?.get(item.id);
      if (!answer) return notApplicable('model-judged item: no model configured or it gave no answer');
      if (answer.answer === 'not_applicable') return { ...notApplicable(maskText(answer.reason)), decidedBy: 'model' };
      const known = new Set(input.turns.map((turn) => turn.id));
      return {
        status: answer.answer === 'yes' ? 'passed' : 'failed',
        confidence: confidence.modelJudged,
        decidedBy: 'model',
        evidence: answer.turnIds.filter((turnId) => known.has(turnId)).map((turnId) => ({ turnId })),
        note: maskText(answer.reason),
      };
    }
  }
}

/**
 * Scores one call against a scorecard. Pure: the summary carries the rule engine's findings, so the call is never
 * checked twice. The review state follows confidence: every critical failure, every failed call and every result
 * less sure than the scorecard's `autoPassConfidence` goes to a reviewer; the rest pass automatically.
 */
export function inspectCall(input: InspectionInput): InspectionResult {
  const folded = input.turns.map((turn) => foldText(turn.text));
  const items: ItemResult[] = input.scorecard.items.map((item) => ({
    itemId: item.id,
    title: item.title,
    kind: item.kind,
    severity: item.severity,
    weight: item.weight,
    ...evaluate(item, input, folded),
  }));
  const applicable = items.filter((item) => item.status !== 'not_applicable');
  const total = applicable.reduce((sum, item) => sum + item.weight, 0);
  const earned = applicable.filter((item) => item.status === 'passed').reduce((sum, item) => sum + item.weight, 0);
  const score = total === 0 ? 100 : Math.round((earned / total) * 1000) / 10;
  const passed = score >= input.scorecard.passMark;
  let severity: InspectionSeverity = 'none';
  for (const item of applicable) if (item.status === 'failed' && severityRank[item.severity] > severityRank[severity]) severity = item.severity;
  for (const finding of input.summary.compliance.findings) {
    const level = finding.severity as InspectionSeverity;
    if (level in severityRank && severityRank[level] > severityRank[severity]) severity = level;
  }
  const confidence = applicable.reduce((lowest, item) => Math.min(lowest, item.confidence), 1);
  const reviewState: ReviewState = severity === 'critical' || !passed || confidence < input.scorecard.review.autoPassConfidence ? 'needs_review' : 'auto_passed';
  return { scorecardId: input.scorecard.id, scorecardVersion: input.scorecard.version, score, passed, severity, confidence, reviewState, items };
}
