import type { CustomerProfile, Finding } from '../compliance/compliance-types.js';
import type { TokenUsage } from '../llm/chat-model.js';
import type { ModelFailure } from '../llm/model-error.js';
import type { SearchResult } from '../retrieval/hybrid-search.js';

export interface PipelineTurn {
  id: string;
  speaker: 'customer' | 'agent';
  text: string;
}

export interface PipelineConversation {
  id: string;
  language: 'zh' | 'en';
  customer?: CustomerProfile;
  /** The conversation's compliance profile override; absent, the deployment's. */
  complianceProfile?: string;
}

export interface SuggestionCitation {
  chunkId: string;
  documentId: string;
  version: number;
  title: string;
}

export type SuggestionOrigin = 'model' | 'regenerated' | 'extractive';

export interface GeneratedSuggestion {
  text: string;
  citations: SuggestionCitation[];
  /** Rule ids whose approved wording was appended to the reply. */
  disclosures: string[];
  compliance: { verdict: 'pass' | 'warn'; findings: Finding[] };
  origin: SuggestionOrigin;
}

export type DegradedCause = ModelFailure | 'budget_exceeded';

export interface SuggestionBatch {
  suggestions: GeneratedSuggestion[];
  knowledge: SearchResult[];
  provider: string;
  model: string;
  /** `<promptName>@<promptHash>`, or `offline-extractive-v1` when no model wrote the replies. */
  promptVersion: string;
  promptName: string;
  promptHash: string;
  tookMs: number;
  /** Time spent waiting on the model (both calls when a repair was asked for). */
  modelMs?: number;
  degraded: boolean;
  degradedCause?: DegradedCause;
  usage?: TokenUsage;
  query: string;
}

export interface StreamObserver {
  /** A guarded sentence (or appended approved wording) of suggestion `index`, to add to what is shown. */
  onToken?(event: { index: number; text: string }): void;
  /** Suggestion `index` is final: show this text instead of what the tokens built (it may be a replacement). */
  onSuggestion?(event: { index: number; suggestion: GeneratedSuggestion }): void;
}

export type GuardOutcome = 'passed' | 'regenerated' | 'replaced' | 'dropped' | 'disclosure_added' | 'wrong_language';
