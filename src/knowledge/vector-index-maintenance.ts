import maintenance from './vector-index-maintenance.json' with { type: 'json' };

/**
 * Inserting a vector into an HNSW graph on disk costs several times what building the graph in memory costs per
 * row, but a build indexes every row of the table again. A write of `pendingRows` into a table of `tableRows`
 * (before the write) is cheaper as one drop-and-build when the written rows are at least `rebuildShare` of the
 * table after it: the ratio of build cost per row to insert cost per row, fitted by
 * bench/fit-vector-index-maintenance.ts.
 */
export function rebuildsVectorIndex(pendingRows: number, tableRows: number, rebuildShare: number = maintenance.rebuildShare): boolean {
  if (pendingRows <= 0) return false;
  return pendingRows / (tableRows + pendingRows) >= rebuildShare;
}
