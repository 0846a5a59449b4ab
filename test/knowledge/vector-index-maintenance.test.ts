import { describe, expect, it } from 'vitest';
import { rebuildsVectorIndex } from '../../src/knowledge/vector-index-maintenance.js';
import maintenance from '../../src/knowledge/vector-index-maintenance.json' with { type: 'json' };

describe('rebuildsVectorIndex', () => {
  it('rebuilds when the written rows are at least the fitted share of the table after the write', () => {
    expect(rebuildsVectorIndex(100, 0, 0.2)).toBe(true);
    expect(rebuildsVectorIndex(25, 100, 0.2)).toBe(true);
    expect(rebuildsVectorIndex(24, 100, 0.2)).toBe(false);
    expect(rebuildsVectorIndex(1, 10_000, 0.2)).toBe(false);
  });

  it('never rebuilds for a write of no rows', () => {
    expect(rebuildsVectorIndex(0, 0, 0.2)).toBe(false);
  });

  it('reads a fitted share between 0 and 1 from its data file', () => {
    expect(maintenance.rebuildShare).toBeGreaterThan(0);
    expect(maintenance.rebuildShare).toBeLessThan(1);
    expect(rebuildsVectorIndex(1, 0)).toBe(true);
    expect(rebuildsVectorIndex(1, 1_000_000)).toBe(false);
  });
});
