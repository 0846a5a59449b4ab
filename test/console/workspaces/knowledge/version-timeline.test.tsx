import { describe, expect, it } from 'vitest';
import type { DocumentVersionSummary } from '../../../../console/src/workspaces/knowledge/knowledge-types';
import { buildTimeline, timelinePosition } from '../../../../console/src/workspaces/knowledge/version-timeline';

function version(number: number, patch: Partial<DocumentVersionSummary> = {}): DocumentVersionSummary {
  return { version: number, title: 't', kind: 'product', format: 'markdown', language: 'zh', product: null, tags: [], status: 'approved', effectiveFrom: null, effectiveUntil: null, owner: null, sourceUri: null, contentHash: 'h', chunkCount: 1, createdAt: '2026-01-01T00:00:00Z', createdBy: null, questions: [], ...patch };
}

const at = new Date('2026-06-15T00:00:00Z');

describe('buildTimeline', () => {
  it('orders versions by effective start (an open start first), equal starts by version', () => {
    const timeline = buildTimeline([version(3, { effectiveFrom: '2026-01-01T00:00:00Z' }), version(1), version(4, { effectiveFrom: '2025-01-01T00:00:00Z' }), version(2, { effectiveFrom: '2026-01-01T00:00:00Z' })], at);
    expect(timeline.rows.map((row) => row.version)).toEqual([1, 4, 2, 3]);
  });

  it('serves the latest approved version in force: a scheduled one waits for its date, a draft never serves', () => {
    const versions = [version(1, { effectiveUntil: '2026-07-01T00:00:00Z' }), version(2, { effectiveFrom: '2026-07-01T00:00:00Z' }), version(3, { status: 'draft' })];
    const served = (date: string) => buildTimeline(versions, new Date(date)).rows.filter((row) => row.servedAt).map((row) => row.version);
    expect(served('2026-06-15T00:00:00Z')).toEqual([1]);
    expect(served('2026-07-01T00:00:00Z')).toEqual([2]);
    // An older approved version still in force is shadowed by a later one in force too.
    expect(buildTimeline([version(1), version(2, { effectiveFrom: '2026-01-01T00:00:00Z' })], at).rows.filter((row) => row.servedAt).map((row) => row.version)).toEqual([2]);
    expect(buildTimeline(versions, at, true).rows.some((row) => row.servedAt)).toBe(false);
  });

  it('spans every bound and the reference date, with open ends at the edges', () => {
    const timeline = buildTimeline([version(1, { effectiveFrom: '2026-01-01T00:00:00Z', effectiveUntil: '2026-03-01T00:00:00Z' }), version(2, { effectiveFrom: '2026-03-01T00:00:00Z' })], at);
    expect(timeline.start).toBeLessThan(Date.parse('2026-01-01T00:00:00Z'));
    expect(timeline.end).toBeGreaterThan(at.getTime());
    const first = timeline.rows[0]!;
    const from = timelinePosition(timeline, first.from, 'start');
    const until = timelinePosition(timeline, first.until, 'end');
    expect(from).toBeGreaterThan(0);
    expect(until).toBeGreaterThan(from);
    expect(timelinePosition(timeline, undefined, 'end')).toBe(1);
    expect(timelinePosition(timeline, undefined, 'start')).toBe(0);
  });
});
