import { describe, expect, it } from 'vitest';
import { distinctValues, effectiveState, expiringWithin, filterDocuments } from '../../../../console/src/workspaces/knowledge/document-filters';
import type { KnowledgeDocument } from '../../../../console/src/workspaces/knowledge/knowledge-types';

function document(patch: Partial<KnowledgeDocument>): KnowledgeDocument {
  return {
    documentId: patch.externalId ?? 'id',
    externalId: 'doc',
    source: null,
    currentVersion: 1,
    retired: false,
    retiredAt: null,
    updatedAt: '2026-01-01T00:00:00Z',
    version: 1,
    title: 'A document',
    kind: 'product',
    format: 'markdown',
    language: 'zh',
    product: null,
    tags: [],
    status: 'approved',
    effectiveFrom: null,
    effectiveUntil: null,
    owner: null,
    sourceUri: null,
    contentHash: 'h',
    chunkCount: 1,
    createdAt: '2026-01-01T00:00:00Z',
    createdBy: null,
    questions: [],
    ...patch,
  };
}

const at = new Date('2026-06-15T00:00:00Z');

describe('effectiveState', () => {
  it('is half-open like retrieval: in force from the start instant, no longer at the end instant', () => {
    expect(effectiveState({ effectiveFrom: null, effectiveUntil: null }, at)).toBe('current');
    expect(effectiveState({ effectiveFrom: '2026-06-15T00:00:00Z', effectiveUntil: null }, at)).toBe('current');
    expect(effectiveState({ effectiveFrom: '2026-06-15T00:00:01Z', effectiveUntil: null }, at)).toBe('future');
    expect(effectiveState({ effectiveFrom: null, effectiveUntil: '2026-06-15T00:00:00Z' }, at)).toBe('expired');
    expect(effectiveState({ effectiveFrom: null, effectiveUntil: '2026-06-15T00:00:01Z' }, at)).toBe('current');
  });
});

describe('filterDocuments', () => {
  const documents = [
    document({ externalId: 'rate-2025', title: 'Deposit rates 2025', kind: 'product', product: '定期存款', owner: 'retail', effectiveUntil: '2026-01-01T00:00:00+08:00' }),
    document({ externalId: 'rate-2026', title: 'Deposit rates 2026', kind: 'product', product: '定期存款', owner: 'retail', effectiveFrom: '2026-01-01T00:00:00+08:00' }),
    document({ externalId: 'rate-2027', title: 'Deposit rates 2027', kind: 'product', product: '定期存款', owner: 'treasury', effectiveFrom: '2027-01-01T00:00:00+08:00' }),
    document({ externalId: 'card-fee', title: 'Card annual fee', kind: 'faq', product: '信用卡', tags: ['年费'], status: 'draft' }),
  ];
  const ids = (filters: Parameters<typeof filterDocuments>[1]) => filterDocuments(documents, filters, at).map((item) => item.externalId);

  it('applies each filter and their conjunction', () => {
    expect(ids({})).toEqual(['rate-2025', 'rate-2026', 'rate-2027', 'card-fee']);
    expect(ids({ effective: 'expired' })).toEqual(['rate-2025']);
    expect(ids({ effective: 'future' })).toEqual(['rate-2027']);
    expect(ids({ effective: 'current', product: '定期存款' })).toEqual(['rate-2026']);
    expect(ids({ owner: 'treasury' })).toEqual(['rate-2027']);
    expect(ids({ kind: 'faq', status: 'draft' })).toEqual(['card-fee']);
    expect(ids({ kind: 'faq', status: 'approved' })).toEqual([]);
  });

  it('matches every word of the text filter against title, id, product and tags, ignoring case', () => {
    expect(ids({ text: 'DEPOSIT 2026' })).toEqual(['rate-2026']);
    expect(ids({ text: '年费' })).toEqual(['card-fee']);
    expect(ids({ text: 'deposit fee' })).toEqual([]);
  });

  it('offers distinct, sorted choices without empty values', () => {
    expect(distinctValues(documents, 'owner')).toEqual(['retail', 'treasury']);
    expect(distinctValues(documents, 'product')).toEqual([...new Set(['信用卡', '定期存款'])].sort((left, right) => left.localeCompare(right)));
  });
});

describe('expiringWithin', () => {
  it('lists documents in force whose end falls within the window, soonest first, and not those already expired', () => {
    const documents = [
      document({ externalId: 'later', effectiveUntil: '2026-07-10T00:00:00Z' }),
      document({ externalId: 'soon', effectiveUntil: '2026-06-20T00:00:00Z' }),
      document({ externalId: 'gone', effectiveUntil: '2026-06-01T00:00:00Z' }),
      document({ externalId: 'far', effectiveUntil: '2026-12-01T00:00:00Z' }),
      document({ externalId: 'open' }),
    ];
    expect(expiringWithin(documents, at, 30).map((item) => item.externalId)).toEqual(['soon', 'later']);
  });
});
