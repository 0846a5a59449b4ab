import { foldText } from '../text/segment-text.js';
import type { ModelSummary } from './model-summary-schema.js';

const severityRank = { low: 1, medium: 2, high: 3 } as const;

function union(lists: readonly (readonly string[])[]): string[] {
  return [...new Set(lists.flat())];
}

function dedupeBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const value = foldText(key(item)).replace(/[\s\p{P}]+/gu, '');
    if (seen.has(value)) return false;
    seen.add(value);
    return true;
  });
}

/**
 * Deterministic reduce of per-section summaries of one long call (no second model call, so nothing new
 * can be invented while merging): why they called comes from the first section that says so, how it
 * ended from the last; lists are concatenated in call order and de-duplicated; a complaint raised in any
 * section counts, at its highest severity; sentiment runs from the first section's start to the last's end.
 */
export function mergeSectionSummaries(sections: readonly ModelSummary[]): ModelSummary {
  const first = sections[0];
  const last = sections[sections.length - 1];
  if (!first || !last) throw new Error('mergeSectionSummaries needs at least one section');
  const opening = sections.find((section) => section.reason.trim().length > 0) ?? first;
  const complaints = sections.filter((section) => section.complaint.raised);
  const worst = complaints.reduce<ModelSummary | undefined>((best, section) => {
    const rank = severityRank[section.complaint.severity ?? 'low'];
    return !best || rank > severityRank[best.complaint.severity ?? 'low'] ? section : best;
  }, undefined);
  const products = new Map<string, { name: string; turnIds: string[] }>();
  for (const product of sections.flatMap((section) => section.productsDiscussed)) {
    const key = foldText(product.name);
    const entry = products.get(key);
    if (entry) entry.turnIds = union([entry.turnIds, product.turnIds]);
    else products.set(key, { name: product.name, turnIds: [...product.turnIds] });
  }
  const escalated = sections.some((section) => section.resolution === 'escalated');
  const reasonCategory = opening.reasonCategory ?? sections.find((section) => section.reasonCategory)?.reasonCategory;
  // How the call ended is said in its last part; a promise made earlier still stands unless the end settled it.
  const outcome = last.outcome === 'resolved' && sections.some((section) => section.outcome === 'callback_promised') ? 'callback_promised' : last.outcome;
  return {
    reason: opening.reason,
    customerIntent: opening.customerIntent,
    productsDiscussed: [...products.values()],
    actionsTaken: dedupeBy(sections.flatMap((section) => section.actionsTaken), (item) => item.text),
    // An escalation earlier in the call still stands unless the last part settled the matter.
    resolution: escalated && last.resolution !== 'resolved' ? 'escalated' : last.resolution,
    followUps: dedupeBy(sections.flatMap((section) => section.followUps), (item) => item.action),
    commitments: dedupeBy(sections.flatMap((section) => section.commitments), (item) => item.text),
    complaint: worst?.complaint ?? { raised: false },
    sentiment: { start: first.sentiment.start, end: last.sentiment.end },
    evidence: {
      reason: opening.evidence.reason,
      customerIntent: opening.evidence.customerIntent,
      resolution: last.evidence.resolution,
      complaint: union(complaints.map((section) => section.evidence.complaint)),
    },
    // A complaint decides the disposition of the whole call, wherever in the call it came up.
    dispositionCode: (worst ?? opening).dispositionCode,
    ...(reasonCategory ? { reasonCategory } : {}),
    ...(outcome ? { outcome } : {}),
    // Each section's narrative tells only its part: the template writes the whole call's from the merged facts.
    ...(sections.length === 1 && first.narrative ? { narrative: first.narrative } : {}),
  };
}
