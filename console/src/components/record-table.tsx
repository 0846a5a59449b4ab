import type { ReactNode } from 'react';
import { EmptyState } from './empty-state';

type Row = Record<string, unknown>;

/** A value as one line of text: scalars as they are, lists joined, objects as compact JSON. */
export function formatCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(formatCell).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * A table of records whose exact shape this console does not fix (routes of newer services): the columns are the
 * union of the rows' keys, in first-seen order, so a field the server adds shows up without a console change.
 */
export function RecordTable({ rows, caption, actions }: { rows: readonly Row[]; caption?: string; actions?: (row: Row) => ReactNode }) {
  if (rows.length === 0) return <EmptyState />;
  const columns: string[] = [];
  for (const row of rows) for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
  return (
    <div className="table-scroll">
      <table className="data-table">
        {caption && <caption>{caption}</caption>}
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column} scope="col">
                {column}
              </th>
            ))}
            {actions && <th scope="col" />}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => (
            <tr key={index}>
              {columns.map((column) => (
                <td key={column}>{formatCell(row[column])}</td>
              ))}
              {actions && <td>{actions(row)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
