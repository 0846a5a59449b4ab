export interface DiffLine {
  kind: 'same' | 'added' | 'removed';
  text: string;
  /** 1-based line numbers in the old and the new text (absent on the side the line is not in). */
  oldNumber?: number;
  newNumber?: number;
}

/** Lines past which the quadratic table is not built: the diff degrades to "all removed, all added". */
const maximumCells = 4_000_000;

/**
 * A line diff by longest common subsequence: what a reviewer needs to see between two versions of a policy, with
 * common leading and trailing lines trimmed first so a one-line edit in a long document stays cheap.
 */
export function diffLines(oldText: string, newText: string): DiffLine[] {
  const before = oldText.split(/\r?\n/);
  const after = newText.split(/\r?\n/);
  let head = 0;
  while (head < before.length && head < after.length && before[head] === after[head]) head += 1;
  let tail = 0;
  while (tail < before.length - head && tail < after.length - head && before[before.length - 1 - tail] === after[after.length - 1 - tail]) tail += 1;
  const middleOld = before.slice(head, before.length - tail);
  const middleNew = after.slice(head, after.length - tail);
  const lines: DiffLine[] = [];
  for (let index = 0; index < head; index += 1) lines.push({ kind: 'same', text: before[index] ?? '', oldNumber: index + 1, newNumber: index + 1 });
  lines.push(...diffMiddle(middleOld, middleNew, head, head));
  for (let index = tail; index > 0; index -= 1) {
    const oldIndex = before.length - index;
    const newIndex = after.length - index;
    lines.push({ kind: 'same', text: before[oldIndex] ?? '', oldNumber: oldIndex + 1, newNumber: newIndex + 1 });
  }
  return lines;
}

function diffMiddle(before: string[], after: string[], oldOffset: number, newOffset: number): DiffLine[] {
  const rows = before.length;
  const columns = after.length;
  if (rows * columns > maximumCells) {
    return [
      ...before.map((text, index) => ({ kind: 'removed' as const, text, oldNumber: oldOffset + index + 1 })),
      ...after.map((text, index) => ({ kind: 'added' as const, text, newNumber: newOffset + index + 1 })),
    ];
  }
  // lengths[i][j]: the longest common subsequence of before[i..] and after[j..].
  const lengths = Array.from({ length: rows + 1 }, () => new Uint32Array(columns + 1));
  for (let i = rows - 1; i >= 0; i -= 1) {
    const row = lengths[i]!;
    const below = lengths[i + 1]!;
    for (let j = columns - 1; j >= 0; j -= 1) row[j] = before[i] === after[j] ? below[j + 1]! + 1 : Math.max(below[j]!, row[j + 1]!);
  }
  const lines: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < rows || j < columns) {
    if (i < rows && j < columns && before[i] === after[j]) {
      lines.push({ kind: 'same', text: before[i]!, oldNumber: oldOffset + i + 1, newNumber: newOffset + j + 1 });
      i += 1;
      j += 1;
    } else if (i < rows && (j === columns || lengths[i + 1]![j]! >= lengths[i]![j + 1]!)) {
      // Removals before additions on a tie: a replaced line reads as "old, then new".
      lines.push({ kind: 'removed', text: before[i]!, oldNumber: oldOffset + i + 1 });
      i += 1;
    } else {
      lines.push({ kind: 'added', text: after[j]!, newNumber: newOffset + j + 1 });
      j += 1;
    }
  }
  return lines;
}
