import type { DocumentVersionSummary } from './knowledge-types';

export interface TimelineRow {
  version: number;
  status: DocumentVersionSummary['status'];
  /** Milliseconds since the epoch; undefined: open-ended (always / forever). */
  from?: number;
  until?: number;
  /** Retrieval serves this version at `at`: approved, effective, and not shadowed by a later approved version effective then. */
  servedAt: boolean;
}

export interface Timeline {
  rows: TimelineRow[];
  /** The time span to draw: every finite bound, the reference date, padded so open ends show as running past the edge. */
  start: number;
  end: number;
}

const day = 86_400_000;

function isEffective(version: DocumentVersionSummary, time: number): boolean {
  const from = version.effectiveFrom === null ? -Infinity : Date.parse(version.effectiveFrom);
  const until = version.effectiveUntil === null ? Infinity : Date.parse(version.effectiveUntil);
  return from <= time && time < until;
}

/**
 * The versions of a document laid out by effective date, earliest start first (an open start counts as earliest;
 * equal starts by version). Which one is served at `at` follows the retrieval rule: the latest approved version
 * that is effective then, so a scheduled rate sheet takes over from the old one on its start date.
 */
export function buildTimeline(versions: readonly DocumentVersionSummary[], at: Date, retired = false): Timeline {
  const time = at.getTime();
  const served = retired
    ? undefined
    : versions
        .filter((version) => version.status === 'approved' && isEffective(version, time))
        .reduce<DocumentVersionSummary | undefined>((best, version) => (best === undefined || version.version > best.version ? version : best), undefined);
  const rows: TimelineRow[] = versions.map((version) => ({
    version: version.version,
    status: version.status,
    ...(version.effectiveFrom === null ? {} : { from: Date.parse(version.effectiveFrom) }),
    ...(version.effectiveUntil === null ? {} : { until: Date.parse(version.effectiveUntil) }),
    servedAt: served?.version === version.version,
  }));
  rows.sort((left, right) => (left.from ?? -Infinity) - (right.from ?? -Infinity) || left.version - right.version);
  const bounds = [time, ...rows.flatMap((row) => [row.from, row.until].filter((value): value is number => value !== undefined))];
  const low = Math.min(...bounds);
  const high = Math.max(...bounds);
  const padding = Math.max((high - low) * 0.1, 30 * day);
  return { rows, start: low - padding, end: high + padding };
}

/** Position of a time on the timeline, 0-1; open bounds run to the edge. */
export function timelinePosition(timeline: Timeline, time: number | undefined, openEnd: 'start' | 'end'): number {
  if (time === undefined) return openEnd === 'start' ? 0 : 1;
  const span = timeline.end - timeline.start;
  return span <= 0 ? 0 : Math.min(1, Math.max(0, (time - timeline.start) / span));
}
