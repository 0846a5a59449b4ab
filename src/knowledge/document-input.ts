import type { DocumentFormat, DocumentMetadata, DocumentStatus } from './knowledge-types.js';

export type { DocumentKind, DocumentStatus, RiskLevel } from './knowledge-types.js';

/** What a caller (HTTP, CLI, sync) hands to the knowledge service; explicit fields win over front matter. */
export interface DocumentInput extends Omit<DocumentMetadata, 'effectiveFrom' | 'effectiveUntil'> {
  format: DocumentFormat;
  body: string | Uint8Array;
  /** A file name, for the title fallback and error messages. */
  fileName?: string;
  sourceUri?: string;
  effectiveFrom?: string;
  effectiveUntil?: string;
}

export interface Actor {
  /** API key id or 'cli' / 'seed'. */
  id: string;
  /** Publishes as written even where review is required: only the sample knowledge loaded on a first start. */
  reviewExempt?: boolean;
}

export type IngestOutcome = 'created' | 'updated' | 'unchanged';

export interface IngestResult {
  documentId: string;
  externalId: string;
  version: number;
  chunkCount: number;
  contentHash: string;
  outcome: IngestOutcome;
  /** The stored version's status (a draft where review is required); absent when unchanged. */
  status?: DocumentStatus;
}

export interface FaqSetResult {
  documents: { documentId: string; externalId: string; version: number; outcome: IngestOutcome; status?: DocumentStatus }[];
  created: number;
  updated: number;
  unchanged: number;
}
