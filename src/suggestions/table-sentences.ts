/**
 * Table rows as sentences an agent can say. Chunks hold a table as its header line and rows ("费用项目 | A类 | C类",
 * "申购费 | 0.60% | 0"); a row read out as is ("申购费 | 0.60% | 0") says nothing without its header. A row becomes
 * "申购费：A类0.60%，C类0。" / "Lanhai Time Deposit: term 1 year, rate 1.10%.", naming each value by its column.
 */

const cellSeparator = /\s*\|\s*/u;
const cjk = /[\u3400-\u9fff]/u;
/** A cell that says nothing: empty, a dash, an alignment marker. */
const emptyCell = /^(?:|-+|—+|:?-{3,}:?|n\/a|无)$/iu;

function cellsOf(line: string): string[] {
  return line.trim().replace(/^\|/u, '').replace(/\|$/u, '').split(cellSeparator).map((cell) => cell.trim());
}

export function isTableLine(line: string): boolean {
  return /\S\s*\|\s*\S/u.test(line);
}

/** One row as a sentence, each value named by its column's header. */
export function rowSentence(header: readonly string[], row: readonly string[], language: 'zh' | 'en'): string | undefined {
  const [label, ...values] = row;
  if (!label || emptyCell.test(label)) return undefined;
  const parts = values.flatMap((value, index) => {
    if (emptyCell.test(value)) return [];
    const column = header[index + 1]?.trim() ?? '';
    if (language === 'zh') return [column ? `${column}${cjk.test(value.slice(0, 1)) ? '：' : ''}${value}` : value];
    return [column ? `${column.toLowerCase()} ${value}` : value];
  });
  if (parts.length === 0) return undefined;
  return language === 'zh' ? `${label}：${parts.join('，')}。` : `${label}: ${parts.join(', ')}.`;
}

/** A line of a chunk as a walk over its tables sees it: a plain line, or a table's body row with that table's header. */
type TableWalkLine = { kind: 'text'; line: string } | { kind: 'row'; header: string[]; cells: string[] };

/**
 * A table is a run of lines holding a cell separator; its first line is the header, and separator lines ("--- | ---")
 * are dropped. Every other line comes out as it is.
 */
function* walkTables(lines: readonly string[]): Generator<TableWalkLine> {
  let header: string[] | undefined;
  for (const line of lines) {
    if (!isTableLine(line)) {
      header = undefined;
      yield { kind: 'text', line };
      continue;
    }
    const cells = cellsOf(line);
    if (cells.every((cell) => /^:?-{3,}:?$/u.test(cell))) continue;
    if (!header) {
      header = cells;
      continue;
    }
    yield { kind: 'row', header, cells };
  }
}

/** The lines of a chunk with each table's rows rendered as sentences and its header line dropped. */
export function renderTables(lines: readonly string[], language: 'zh' | 'en'): string[] {
  const rendered: string[] = [];
  for (const entry of walkTables(lines)) {
    if (entry.kind === 'text') {
      rendered.push(entry.line);
      continue;
    }
    const sentence = rowSentence(entry.header, entry.cells, language);
    if (sentence) rendered.push(sentence);
  }
  return rendered;
}

/** A table row said as a sentence, with the row's label (its first cell: in a product table, the product's name). */
export interface LabelledRow {
  label: string;
  sentence: string;
}

/** The rows of a chunk's tables with their labels, rendered as `renderTables` renders them. */
export function labelledRows(lines: readonly string[], language: 'zh' | 'en'): LabelledRow[] {
  const rows: LabelledRow[] = [];
  for (const entry of walkTables(lines)) {
    if (entry.kind === 'text') continue;
    const sentence = rowSentence(entry.header, entry.cells, language);
    if (sentence && entry.cells[0]) rows.push({ label: entry.cells[0], sentence });
  }
  return rows;
}
