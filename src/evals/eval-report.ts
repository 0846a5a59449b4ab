import type { CheckResult } from './scorers/score-result.js';
import type { CaseKind } from './suite-schema.js';

export type CaseStatus = 'pass' | 'fail' | 'error' | 'flaky';
export type RunStatus = 'queued' | 'running' | 'passed' | 'failed' | 'error';

export interface AttemptSummary {
  status: 'pass' | 'fail' | 'error';
  score: number;
  latencyMs: number;
  cached: boolean;
  error?: string;
}

export interface CaseResult {
  id: string;
  kind: CaseKind;
  language: 'zh' | 'en';
  description?: string;
  tags: string[];
  line?: number;
  status: CaseStatus;
  score: number;
  threshold: number;
  /** The checks of the attempt shown: the first failing one when repeats disagree, else the first. */
  checks: CheckResult[];
  attempts: AttemptSummary[];
  /** What was asked: the conversation, utterance, transcript or query. */
  input: Record<string, unknown>;
  /** What the system answered: replies with cited passages, findings, summary fields or retrieved documents. */
  output?: Record<string, unknown>;
  retrievedChunkIds: string[];
  latencyMs: number;
  error?: string;
}

export interface RuleStat {
  ruleId: string;
  checks: number;
  passed: number;
  passRate: number;
}

export interface RunTotals {
  cases: number;
  passed: number;
  failed: number;
  errors: number;
  flaky: number;
  /** passed / cases */
  passRate: number;
  byKind: Record<string, { cases: number; passed: number }>;
}

export interface Comparison {
  baseline: { runId?: string; source: string; suiteVersion?: string };
  regressions: { id: string; before: CaseStatus; after: CaseStatus; reasons: string[] }[];
  fixes: { id: string; before: CaseStatus; after: CaseStatus }[];
  newCases: string[];
  removedCases: string[];
  ruleDeltas: { ruleId: string; before: number | null; after: number | null; delta: number | null }[];
}

/** The canonical report (JSON format); every other format renders this. */
export interface EvalReport {
  schemaVersion: 1;
  runId: string;
  status: RunStatus;
  suite: { name: string; version: string; file?: string; description?: string };
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  gitCommit?: string;
  provider?: string;
  model?: string;
  promptHashes: Record<string, string>;
  rulesVersion?: string;
  embedder?: string;
  options: { concurrency: number; repeat: number; cache: boolean };
  totals?: RunTotals;
  rules: RuleStat[];
  cases: CaseResult[];
  comparison?: Comparison;
  /** Marked as an approved baseline of its suite. */
  approved?: boolean;
  error?: string;
}
