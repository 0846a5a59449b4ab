/** Shapes of the public API's responses the console reads (docs/api.md); only the fields it uses. */

export type Role = 'agent' | 'knowledge_owner' | 'compliance' | 'admin';
export type Speaker = 'customer' | 'agent';
export type Severity = 'critical' | 'major' | 'minor';
export type RiskLevel = 'C1' | 'C2' | 'C3' | 'C4' | 'C5';
export type KnowledgeKind = 'product' | 'compliance' | 'script' | 'faq';

export interface CustomerProfile {
  riskLevel?: RiskLevel;
  segment?: string;
  vulnerable?: boolean;
  age?: number;
}

export interface Conversation {
  id: string;
  externalId: string | null;
  channel: 'voice' | 'chat';
  language: 'zh' | 'en';
  customer: CustomerProfile;
  status: 'active' | 'ended';
  turnCount: number;
  createdAt: string;
  endedAt: string | null;
}

export interface Evidence {
  start: number;
  end: number;
  text: string;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  kind: string;
  title: string;
  source: string;
  evidence: Evidence;
  explanation: string;
  fix?: string;
  detectedBy?: 'rule' | 'judge';
}

export interface Turn {
  id: string;
  conversationId: string;
  sequence: number;
  turnId: string | null;
  speaker: Speaker;
  text: string;
  at: string;
  findings: Finding[];
}

export interface SearchResult {
  chunkId: string;
  documentId: string;
  externalId: string;
  version: number;
  title: string;
  kind: KnowledgeKind;
  text: string;
  score: number;
  confidence: number;
  heading?: string;
}

export interface TurnResponse {
  turn: Turn;
  findings: Finding[];
  knowledge?: SearchResult[];
}

export interface Citation {
  chunkId: string;
  documentId: string;
  version: number;
  title: string;
}

export interface Suggestion {
  id: string;
  text: string;
  citations: Citation[];
  /** Rule ids whose approved wording the guard appended. */
  disclosures: string[];
  compliance: { verdict: 'pass' | 'warn'; findings: Finding[] };
}

export interface SuggestionResponse {
  suggestions: Suggestion[];
  knowledge: SearchResult[];
  provider: string;
  model: string;
  promptVersion: string;
  tookMs: number;
  degraded: boolean;
}

export interface DocumentVersion {
  documentId: string;
  externalId: string;
  version: number;
  title: string;
  kind: KnowledgeKind;
  status: 'draft' | 'approved' | 'retired';
  effectiveFrom: string | null;
  effectiveUntil: string | null;
  owner: string | null;
  sourceUri: string | null;
  createdAt: string;
  body: string;
  chunks: { chunkId: string; ordinal: number; text: string }[];
}

export interface SummaryItem {
  text: string;
  turnIds: string[];
  due?: string;
}

export interface Summary {
  reason: string;
  customerIntent: string;
  productsDiscussed: { name: string; turnIds: string[] }[];
  actionsTaken: SummaryItem[];
  resolution: 'resolved' | 'unresolved' | 'escalated' | 'follow_up';
  followUps: { action: string; owner: 'agent' | 'bank' | 'customer'; due?: string; turnIds: string[] }[];
  commitments: SummaryItem[];
  complaint: { raised: boolean; category?: string; severity?: string };
  sentiment: { start: string; end: string };
  compliance: { findings: { ruleId: string; severity: string; title: string; turnId?: string; evidence?: string }[]; missingDisclosures: string[] };
  evidence: Record<string, string[]>;
  dispositionCode: string;
  language: 'zh' | 'en';
  provider: string;
  model: string;
  promptVersion: string;
  degraded?: boolean;
  reasonCategory?: string;
  outcome?: 'resolved' | 'unresolved' | 'callback_promised' | 'transferred';
  narrative?: string;
}

/** `GET|PUT /v1/conversations/:id/summary` (200): the summary as the agent left it, with who checked it when. */
export interface SummaryReview {
  summary: Summary;
  /** 0 until saved; absent from servers older than the summary check. */
  revision?: number;
  confirmed?: boolean;
  confirmedBy?: string;
  confirmedAt?: string;
  edited?: boolean;
  editedBy?: string;
  editedAt?: string;
  original?: Summary;
}

/** `knowledge` event: cards for the latest customer turn. */
export interface KnowledgeEvent {
  turnId: string;
  clientTurnId: string | null;
  query: string;
  results: SearchResult[];
  situations?: { id: string; declines?: boolean }[];
}

/** `compliance` event: the check of an agent turn (the rules', or later the model judge's). */
export interface ComplianceEvent {
  turnId: string;
  clientTurnId: string | null;
  sequence: number;
  verdict?: 'pass' | 'warn' | 'fail';
  findings: Finding[];
  detectedBy?: 'judge';
  judge?: 'ok' | 'unavailable';
}
