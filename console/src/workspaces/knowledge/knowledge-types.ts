/** The shapes of the public knowledge API the workspace reads (docs/api.md, "knowledge"). */
export type DocumentKind = 'product' | 'compliance' | 'script' | 'faq';
export type DocumentStatus = 'draft' | 'approved' | 'retired';

export interface DocumentVersionSummary {
  version: number;
  title: string;
  kind: DocumentKind;
  format: string;
  language: string;
  product: string | null;
  tags: string[];
  status: DocumentStatus;
  effectiveFrom: string | null;
  effectiveUntil: string | null;
  owner: string | null;
  sourceUri: string | null;
  contentHash: string;
  chunkCount: number;
  createdAt: string;
  createdBy: string | null;
  questions: string[];
}

export interface KnowledgeDocument extends DocumentVersionSummary {
  documentId: string;
  externalId: string;
  source: string | null;
  currentVersion: number;
  retired: boolean;
  retiredAt: string | null;
  updatedAt: string;
}

export interface DocumentWithHistory extends KnowledgeDocument {
  versions: DocumentVersionSummary[];
}

export interface DocumentVersion extends DocumentVersionSummary {
  documentId: string;
  externalId: string;
  body: string;
  chunks: { chunkId: string; ordinal: number; text: string; headingPath: string[] }[];
}

export interface SearchExplanation {
  lexical: { rank: number; score: number; matchedTokens: string[] } | null;
  vector: { rank: number; similarity: number } | null;
  fusedScore: number;
}

export interface SearchResult {
  chunkId: string;
  documentId: string;
  externalId: string;
  version: number;
  title: string;
  kind: DocumentKind;
  text: string;
  score: number;
  confidence: number;
  heading?: string;
  explain?: SearchExplanation;
}

export interface SearchResponse {
  results: SearchResult[];
  tookMs: number;
  queryTokens?: string[];
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export const documentKinds: readonly DocumentKind[] = ['product', 'compliance', 'script', 'faq'];
export const documentStatuses: readonly DocumentStatus[] = ['draft', 'approved', 'retired'];
