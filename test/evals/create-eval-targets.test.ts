import { describe, expect, it } from 'vitest';
import type { ComplianceEngine } from '../../src/compliance/compliance-engine.js';
import { createEvalTargets } from '../../src/evals/create-eval-targets.js';
import type { KnowledgeService } from '../../src/knowledge/knowledge-service.js';
import type { SearchQuery } from '../../src/retrieval/hybrid-search.js';

function targetsInZone(utcOffset: string) {
  const seen: SearchQuery[] = [];
  const targets = createEvalTargets({
    // Only the business zone is read by search; the other services are not reached here.
    knowledge: { utcOffset } as unknown as KnowledgeService,
    compliance: {} as unknown as ComplianceEngine,
    embedder: { id: 'test' },
    search: {
      search: async (query) => {
        seen.push(query);
        return { results: [], tookMs: 0 };
      },
    },
  });
  return { targets, seen };
}

describe('eval targets', () => {
  it("reads a suite's date-only asOf as the start of that day in the bank's business zone, not at UTC midnight", async () => {
    const { targets, seen } = targetsInZone('+08:00');
    await targets.search({ query: '年费', topK: 5, asOf: '2027-01-01' });
    expect(seen[0]?.asOf?.toISOString()).toBe('2026-12-31T16:00:00.000Z');
  });

  it('takes a timestamp asOf as written, and no asOf as now', async () => {
    const { targets, seen } = targetsInZone('-05:00');
    await targets.search({ query: 'annual fee', topK: 5, asOf: '2027-01-01T09:30:00Z' });
    await targets.search({ query: 'annual fee', topK: 5 });
    expect(seen[0]?.asOf?.toISOString()).toBe('2027-01-01T09:30:00.000Z');
    expect(seen[1]?.asOf).toBeUndefined();
  });
});
