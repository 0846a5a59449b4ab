export type { ComplianceJudge, JudgeVerdict } from './compliance-judge.js';
export type { RuleDefinition, RulePack } from './rule-pack-schema.js';

export type Severity = 'critical' | 'major' | 'minor';

export type RuleKind =
  | 'forbidden_statement'
  | 'forbidden_request'
  | 'required_disclosure'
  | 'required_procedure'
  | 'suitability'
  | 'personal_data'
  | 'conduct';

export type CustomerRiskLevel = 'C1' | 'C2' | 'C3' | 'C4' | 'C5';
export type ProductRiskLevel = 'R1' | 'R2' | 'R3' | 'R4' | 'R5';
export type Language = 'zh' | 'en';

export interface Evidence {
  /** Offsets into the ORIGINAL text that was checked (not the normalised one). */
  start: number;
  end: number;
  text: string;
}

/** Which detector fired on which words: returned with `explain: true`. */
export interface FindingExplanation {
  detector: 'frame' | 'cue' | 'strong_cue' | 'reply' | 'situation_cue' | 'identifier' | 'suitability' | 'missing_disclosure';
  /** The frame's id when a meaning frame fired. */
  frame?: string;
  /** The words each slot matched: `claim` in the text, `about` in the text or the context, `asked` in the customer's turn. */
  matches: { slot: string; family?: string; text: string; in: 'text' | 'context' }[];
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  kind: RuleKind;
  title: string;
  source: string;
  evidence: Evidence;
  explanation: string;
  fix?: string;
  /** Set when the model judge, not a deterministic detector, produced the finding. */
  detectedBy?: 'rule' | 'judge';
  /** Content hash of the rule packs that produced the finding (also on the CheckResult). */
  rulesVersion?: string;
  /** Present when the check asked for `explain`. */
  explain?: FindingExplanation;
  /** For a judge finding: the rubric (prompt name and content hash) it was judged by. */
  rubricVersion?: string;
}

export interface ConversationTurn {
  speaker: 'customer' | 'agent';
  text: string;
}

export interface CustomerProfile {
  riskLevel?: CustomerRiskLevel;
  vulnerable?: boolean;
  age?: number;
  segment?: string;
}

export interface ProductEntry {
  name: string;
  aliases?: string[];
  riskLevel?: ProductRiskLevel;
  kind?: string;
}

export interface CheckInput {
  text: string;
  speaker?: 'agent' | 'customer';
  context?: ConversationTurn[];
  /**
   * The primary language (the conversation's): its pack runs in full, disclosures and procedures included.
   * Absent, it is detected from the text. Every other language a sentence of the text is written in adds its
   * pack's prohibitions over those sentences, whatever this says.
   */
  language?: Language;
  customer?: CustomerProfile;
  /** Attach to each finding which detector (frame) fired on which words. */
  explain?: boolean;
  /**
   * The compliance profile to check under (a conversation's override: "UK", "US,UK"); absent, the deployment's
   * COMPLIANCE_PROFILE. Only the packs and jurisdictions of the profile run.
   */
  profile?: string;
  /**
   * Where the call is governed from, when known (a London branch and pounds; yuan and Shanghai): a disclosure owed
   * under one jurisdiction's law only (FDIC wording, a US APR line, UK debt-advice signposting) is not due on a call
   * governed from elsewhere. Absent: every disclosure of the profile is due. What must never be said is checked the
   * same either way.
   */
  callJurisdictions?: readonly string[];
}

export type Verdict = 'pass' | 'warn' | 'fail';

export interface CheckResult {
  verdict: Verdict;
  findings: Finding[];
  rulesVersion: string;
  tookMs: number;
  /** The languages whose packs ran: the primary one first, then any other the text holds. */
  languages?: Language[];
  /** The compliance profile the check ran under (absent when the engine has no profiles: every rule ran). */
  profile?: string;
}

/** Whether the model judge ran: `ok`, `unavailable` (failed or out of time: the rules' verdict stands alone) or `disabled`. */
export type JudgeStatus = 'ok' | 'unavailable' | 'disabled';

/** Why the judge gave no answer, safe to show a caller: a stable code and a fixed message, never the model's text or a key. */
export interface JudgeFailure {
  code: 'timeout' | 'rate_limited' | 'server_error' | 'network' | 'refused' | 'invalid_output' | 'unknown';
  message: string;
  status?: number;
}

export interface JudgedCheckResult extends CheckResult {
  judge: JudgeStatus;
  judgeError?: JudgeFailure;
  /** The judge's rubric (prompt name and content hash) when it answered. */
  rubricVersion?: string;
}

/** The judge pass on one agent turn: its findings only (the rules' own were pushed with the turn). */
export interface TurnJudgement {
  judge: 'ok' | 'unavailable';
  judgeError?: JudgeFailure;
  findings: Finding[];
  /** The rubric of the answers (prompt name and content hash); absent when no call answered. */
  rubricVersion?: string;
  /** The risky contexts that sent the turn to the judge (non_deposit_sales...), and the rules it reviewed. */
  contexts: string[];
  rulesJudged: string[];
  profile?: string;
}

/** fail on any critical or major finding, warn on minor findings only, else pass. */
export function verdictOf(findings: readonly Finding[]): Verdict {
  if (findings.some((finding) => finding.severity !== 'minor')) return 'fail';
  return findings.length > 0 ? 'warn' : 'pass';
}
