import type { DocumentVersionView } from './knowledge-service.js';

/** A version as the diff reads it: its metadata, its text and its chunks. */
export interface VersionSnapshot extends DocumentVersionView {
  body: string;
  chunks: { chunkId: string; ordinal: number; text: string; headingPath: string[] }[];
}

export interface TextChange {
  op: 'unchanged' | 'added' | 'removed';
  text: string;
}

export interface MetadataChange {
  field: string;
  from: unknown;
  to: unknown;
}

export interface ChunkChange {
  change: 'added' | 'removed' | 'changed';
  headingPath: string[];
  from?: { chunkId: string; ordinal: number; text: string };
  to?: { chunkId: string; ordinal: number; text: string };
}

export interface VersionDiff {
  from: number;
  to: number;
  text: { changes: TextChange[]; added: number; removed: number; unchanged: number };
  metadata: MetadataChange[];
  /** Rates written in the text (3.5%, 百分之三点五 as written): which appear only in one version. */
  rates: { removed: string[]; added: string[] };
  chunks: { changes: ChunkChange[]; unchanged: number };
}

/** Metadata compared field by field; the instants beside date-only bounds follow them, so they are left out. */
const metadataFields = [
  'title', 'kind', 'format', 'language', 'product', 'productAliases', 'riskLevel', 'tags', 'status',
  'effectiveFrom', 'effectiveUntil', 'owner', 'sourceUri', 'questions',
] as const satisfies readonly (keyof DocumentVersionView)[];

/**
 * Sentences, the unit a knowledge owner reviews: lines, then Chinese sentence ends (。！？；;) and English ones (. ! ?
 * before a space), so one changed rate shows as one changed sentence, not a changed paragraph.
 */
export function splitDiffUnits(text: string): string[] {
  return text
    .split(/\r?\n/u)
    .flatMap((line) => line.split(/(?<=[。！？；;])|(?<=[.!?])\s+(?=\S)/u))
    .map((unit) => unit.trim())
    .filter((unit) => unit !== '');
}

/** Cells of the longest-common-subsequence table past which the middle of a diff is shown as replaced whole. */
const maximumTableCells = 4_000_000;

/** An LCS diff of two unit lists; common ends are trimmed first, so a small edit of a long text stays cheap. */
export function diffUnits(before: readonly string[], after: readonly string[]): TextChange[] {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start += 1;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before[endBefore - 1] === after[endAfter - 1]) {
    endBefore -= 1;
    endAfter -= 1;
  }
  const head = before.slice(0, start).map((text) => ({ op: 'unchanged' as const, text }));
  const tail = before.slice(endBefore).map((text) => ({ op: 'unchanged' as const, text }));
  const left = before.slice(start, endBefore);
  const right = after.slice(start, endAfter);
  const middle: TextChange[] = [];
  if ((left.length + 1) * (right.length + 1) > maximumTableCells) {
    middle.push(...left.map((text) => ({ op: 'removed' as const, text })), ...right.map((text) => ({ op: 'added' as const, text })));
  } else {
    const width = right.length + 1;
    const table = new Uint32Array((left.length + 1) * width);
    for (let i = left.length - 1; i >= 0; i -= 1) {
      for (let j = right.length - 1; j >= 0; j -= 1) {
        table[i * width + j] = left[i] === right[j] ? table[(i + 1) * width + j + 1]! + 1 : Math.max(table[(i + 1) * width + j]!, table[i * width + j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < left.length && j < right.length) {
      if (left[i] === right[j]) {
        middle.push({ op: 'unchanged', text: left[i]! });
        i += 1;
        j += 1;
      } else if (table[(i + 1) * width + j]! >= table[i * width + j + 1]!) {
        middle.push({ op: 'removed', text: left[i]! });
        i += 1;
      } else {
        middle.push({ op: 'added', text: right[j]! });
        j += 1;
      }
    }
    while (i < left.length) middle.push({ op: 'removed', text: left[i++]! });
    while (j < right.length) middle.push({ op: 'added', text: right[j++]! });
  }
  return [...head, ...middle, ...tail];
}

const ratePattern = /(?:[百千万]分之[零〇一二两三四五六七八九十点]+)|(?:\d+(?:\.\d+)?\s*(?:%|％|‰))/gu;

/** The rates a text states, as written. */
export function ratesIn(text: string): string[] {
  return [...text.matchAll(ratePattern)].map((match) => match[0].replace(/\s+/gu, '').replace('％', '%'));
}

/** Items of `left` not matched one-for-one in `right` (a multiset difference: a rate stated twice counts twice). */
function without(left: readonly string[], right: readonly string[]): string[] {
  const remaining = new Map<string, number>();
  for (const item of right) remaining.set(item, (remaining.get(item) ?? 0) + 1);
  return left.filter((item) => {
    const count = remaining.get(item) ?? 0;
    if (count === 0) return true;
    remaining.set(item, count - 1);
    return false;
  });
}

const sameValue = (left: unknown, right: unknown) => JSON.stringify(left ?? null) === JSON.stringify(right ?? null);

function chunkChanges(before: VersionSnapshot['chunks'], after: VersionSnapshot['chunks']): { changes: ChunkChange[]; unchanged: number } {
  const afterTexts = new Map<string, number>();
  for (const chunk of after) afterTexts.set(chunk.text, (afterTexts.get(chunk.text) ?? 0) + 1);
  const removed: VersionSnapshot['chunks'] = [];
  let unchanged = 0;
  for (const chunk of before) {
    const count = afterTexts.get(chunk.text) ?? 0;
    if (count > 0) {
      afterTexts.set(chunk.text, count - 1);
      unchanged += 1;
    } else removed.push(chunk);
  }
  const beforeTexts = new Map<string, number>();
  for (const chunk of before) beforeTexts.set(chunk.text, (beforeTexts.get(chunk.text) ?? 0) + 1);
  const added = after.filter((chunk) => {
    const count = beforeTexts.get(chunk.text) ?? 0;
    if (count === 0) return true;
    beforeTexts.set(chunk.text, count - 1);
    return false;
  });
  const brief = (chunk: VersionSnapshot['chunks'][number]) => ({ chunkId: chunk.chunkId, ordinal: chunk.ordinal, text: chunk.text });
  const changes: ChunkChange[] = [];
  // A removed and an added chunk under the same heading are one passage rewritten.
  const unpaired = [...added];
  for (const chunk of removed) {
    const heading = JSON.stringify(chunk.headingPath);
    const index = unpaired.findIndex((candidate) => JSON.stringify(candidate.headingPath) === heading);
    if (index >= 0) {
      const [pair] = unpaired.splice(index, 1);
      changes.push({ change: 'changed', headingPath: chunk.headingPath, from: brief(chunk), to: brief(pair!) });
    } else changes.push({ change: 'removed', headingPath: chunk.headingPath, from: brief(chunk) });
  }
  for (const chunk of unpaired) changes.push({ change: 'added', headingPath: chunk.headingPath, to: brief(chunk) });
  return { changes, unchanged };
}

/** What changed from one version of a document to another: text by sentence, metadata, rates and chunks. */
export function diffVersions(from: VersionSnapshot, to: VersionSnapshot): VersionDiff {
  const changes = diffUnits(splitDiffUnits(from.body), splitDiffUnits(to.body));
  const metadata = metadataFields.filter((field) => !sameValue(from[field], to[field])).map((field) => ({ field, from: from[field], to: to[field] }));
  const fromRates = ratesIn(from.body);
  const toRates = ratesIn(to.body);
  return {
    from: from.version,
    to: to.version,
    text: {
      changes,
      added: changes.filter((change) => change.op === 'added').length,
      removed: changes.filter((change) => change.op === 'removed').length,
      unchanged: changes.filter((change) => change.op === 'unchanged').length,
    },
    metadata,
    rates: { removed: without(fromRates, toRates), added: without(toRates, fromRates) },
    chunks: chunkChanges(from.chunks, to.chunks),
  };
}
