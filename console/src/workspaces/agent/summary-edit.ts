import type { Summary } from '../../api/api-types';

/** The fields the API lets an agent change (PUT .../summary); provenance and the compliance section are not among them. */
export const editableSummaryFields = ['reason', 'customerIntent', 'productsDiscussed', 'actionsTaken', 'resolution', 'followUps', 'commitments', 'complaint', 'sentiment', 'dispositionCode', 'narrative'] as const;

export type SummaryEdit = Partial<Pick<Summary, (typeof editableSummaryFields)[number]>>;

/** Only what the agent changed is sent: a field left alone keeps whatever another save gave it meanwhile. */
export function summaryEdit(before: Summary, after: Summary): SummaryEdit {
  const edit: Record<string, unknown> = {};
  for (const field of editableSummaryFields) {
    if (JSON.stringify(before[field]) !== JSON.stringify(after[field])) edit[field] = after[field];
  }
  return edit as SummaryEdit;
}

/** Edited lines keep the source turns of the line they replace (same position, same text); new lines have none. */
export function itemsFromLines<T extends { text: string; turnIds: string[] }>(text: string, previous: readonly T[]): T[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line, index) => {
      const old = previous[index];
      return { ...(old ?? {}), text: line, turnIds: old?.text === line ? old.turnIds : [] } as T;
    });
}

export function linesOf(items: readonly { text: string }[]): string {
  return items.map((item) => item.text).join('\n');
}
