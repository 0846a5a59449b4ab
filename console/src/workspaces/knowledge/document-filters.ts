import type { DocumentKind, DocumentStatus, KnowledgeDocument } from './knowledge-types';

/** Where a version stands against a date: in force, not yet in force, or no longer in force. */
export type EffectiveState = 'current' | 'future' | 'expired';

export interface DocumentFilters {
  kind?: DocumentKind;
  status?: DocumentStatus;
  /** Exact product name; '' or undefined: any. */
  product?: string;
  /** Exact owner; '' or undefined: any. */
  owner?: string;
  effective?: EffectiveState;
  /** Words that must all appear in the title, external id, product or tags (case-insensitive). */
  text?: string;
}

/** Bounds are half-open, as the service applies them: in force from effectiveFrom (inclusive) until effectiveUntil (exclusive). */
export function effectiveState(version: { effectiveFrom: string | null; effectiveUntil: string | null }, at: Date): EffectiveState {
  const time = at.getTime();
  if (version.effectiveFrom !== null && Date.parse(version.effectiveFrom) > time) return 'future';
  if (version.effectiveUntil !== null && Date.parse(version.effectiveUntil) <= time) return 'expired';
  return 'current';
}

/** The filters the list route cannot apply itself (it knows kind, status and q) are applied here, on what was loaded. */
export function filterDocuments(documents: readonly KnowledgeDocument[], filters: DocumentFilters, at: Date): KnowledgeDocument[] {
  const words = (filters.text ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  return documents.filter((document) => {
    if (filters.kind && document.kind !== filters.kind) return false;
    if (filters.status && document.status !== filters.status) return false;
    if (filters.product && document.product !== filters.product) return false;
    if (filters.owner && document.owner !== filters.owner) return false;
    if (filters.effective && effectiveState(document, at) !== filters.effective) return false;
    if (words.length > 0) {
      const haystack = [document.title, document.externalId, document.product ?? '', ...document.tags].join(' ').toLowerCase();
      if (!words.every((word) => haystack.includes(word))) return false;
    }
    return true;
  });
}

/** The distinct non-empty values of a field, sorted, for a filter's choices. */
export function distinctValues(documents: readonly KnowledgeDocument[], field: 'product' | 'owner'): string[] {
  const values = new Set<string>();
  for (const document of documents) {
    const value = document[field];
    if (value) values.add(value);
  }
  return [...values].sort((left, right) => left.localeCompare(right));
}

/** Documents in force now whose effective end falls within the next `days` days, soonest first: what to renew. */
export function expiringWithin(documents: readonly KnowledgeDocument[], at: Date, days: number): KnowledgeDocument[] {
  const now = at.getTime();
  const horizon = now + days * 86_400_000;
  return documents
    .filter((document) => document.effectiveUntil !== null && effectiveState(document, at) === 'current' && Date.parse(document.effectiveUntil) <= horizon)
    .sort((left, right) => Date.parse(left.effectiveUntil ?? '') - Date.parse(right.effectiveUntil ?? ''));
}
