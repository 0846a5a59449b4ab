import type { Severity, Verdict } from '../../components/severity-badge';

/** The shapes of the public compliance, audit and eval API the workspace reads (docs/api.md). */
export interface RuleSummary {
  id: string;
  title: string;
  severity: Severity;
  kind: string;
  source: string;
  sourceStatus?: string;
  detection?: string;
  advisoryReason?: string;
}

export interface RulePack {
  id: string;
  jurisdiction: string;
  language: string;
  rules: RuleSummary[];
}

export interface RulesDescription {
  rulesVersion: string;
  packs: RulePack[];
  profile?: { id: string; jurisdictions: string[]; currency: string; packs: string[] };
  profiles?: { id: string; description?: string; jurisdictions: string[]; currency: string; packs: string[] }[];
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  kind: string;
  title: string;
  source: string;
  evidence: { start: number; end: number; text: string };
  explanation: string;
  fix?: string;
  detectedBy?: 'rule' | 'judge';
  explain?: { detector?: string; frame?: string; matches?: { slot: string; text: string; in?: string }[] } & Record<string, unknown>;
}

export interface CheckResponse {
  verdict: Verdict;
  findings: Finding[];
  rulesVersion: string;
  tookMs: number;
  languages?: string[];
  judge?: 'ok' | 'unavailable' | 'disabled';
  profile?: string;
}

export type RunStatus = 'queued' | 'running' | 'passed' | 'failed' | 'error';

export interface RunListItem {
  runId: string;
  suite: string;
  status: RunStatus;
  createdAt: string;
  passRate: number | null;
  approved: boolean;
}

export interface CaseResult {
  id: string;
  kind: string;
  language: string;
  description?: string;
  status: 'pass' | 'fail' | 'error' | 'flaky';
  score: number;
  threshold: number;
  checks: { name: string; status: string; reason: string }[];
  error?: string;
}

export interface EvalReport {
  runId: string;
  status: RunStatus;
  suite: { name: string; version: string; description?: string };
  createdAt: string;
  finishedAt?: string;
  durationMs?: number;
  provider?: string;
  model?: string;
  totals?: { cases: number; passed: number; failed: number; errors: number; flaky: number; passRate: number };
  cases: CaseResult[];
  comparison?: {
    baseline: { runId?: string; source: string; suiteVersion?: string };
    regressions: { id: string; before: string; after: string; reasons: string[] }[];
    fixes: { id: string; before: string; after: string }[];
    newCases: string[];
    removedCases: string[];
  };
  approved?: boolean;
  error?: string;
}

export interface AuditItem {
  id: string;
  conversationId: string;
  text: string;
  citations: unknown;
  guard: { verdict?: Verdict; findings?: Finding[] } & Record<string, unknown>;
  provider: string;
  model: string;
  prompt: { name?: string; hash?: string } & Record<string, unknown>;
  feedback: ({ action?: string; reason?: string; finalText?: string } & Record<string, unknown>)[];
  createdAt: string;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}
