import type { CheckInput, CheckResult, CustomerProfile, Finding } from '../compliance/compliance-types.js';
import type { SearchQuery, SearchResponse, SearchResult } from '../retrieval/hybrid-search.js';
import type { Summary } from '../summaries/summary-schema.js';

export interface EvalTurn {
  id: string;
  speaker: 'customer' | 'agent';
  text: string;
}

/** What the harness reads of a suggestion batch: the shape of the suggestion pipeline's answer, structurally. */
export interface EvalSuggestionBatch {
  suggestions: {
    text: string;
    citations: { chunkId: string; documentId: string; version: number; title: string }[];
    disclosures: string[];
    compliance: { verdict: string; findings: Finding[] };
    origin?: string;
  }[];
  knowledge: SearchResult[];
  provider: string;
  model: string;
  promptVersion?: string;
  promptName?: string;
  promptHash?: string;
  tookMs?: number;
  degraded?: boolean;
  degradedCause?: string;
}

export interface FaithfulnessVerdict {
  claims: { claim: string; supported: boolean; passage?: number; reason?: string }[];
}

export interface FaithfulnessInput {
  answer: string;
  passages: { title: string; text: string }[];
  language: 'zh' | 'en';
}

export interface RunDescription {
  provider: string;
  model: string;
  promptHashes: Record<string, string>;
  rulesVersion: string;
  embedder: string;
}

/**
 * The ports the runner drives. compose.ts builds them from the real services (see create-eval-targets.ts);
 * tests hand in fakes, so the harness is tested without a model or a database.
 */
export interface EvalTargets {
  suggest(input: { conversation: { id: string; language: 'zh' | 'en'; customer?: CustomerProfile }; turns: EvalTurn[]; n: number }): Promise<EvalSuggestionBatch>;
  check(input: CheckInput): CheckResult;
  summarize(input: { turns: EvalTurn[]; language?: 'zh' | 'en' }): Promise<Summary>;
  /**
   * `asOf` is the suite's text: a date-only value means the start of that day in the bank's business zone, read by
   * the targets because they know the zone (a suite "as of 2027-01-01" must see what the bank serves that morning).
   */
  search(query: Omit<SearchQuery, 'asOf'> & { asOf?: string }): Promise<SearchResponse>;
  documentExists(externalIds: string[]): Promise<Set<string>>;
  ruleExists(ruleId: string): boolean;
  describeRun(): RunDescription;
  /** A fingerprint of the knowledge base (documents, versions, the day): part of every cache key. */
  knowledgeState?(): Promise<string>;
  /** Claim-by-claim faithfulness of an answer to its passages; only present with a configured model. */
  judge?(input: FaithfulnessInput): Promise<FaithfulnessVerdict>;
}
