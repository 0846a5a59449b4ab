import searchWidth from './vector-search-width.json' with { type: 'json' };

/** pgvector accepts an HNSW search width (`hnsw.ef_search`) from 1 to 1,000. */
function checkedWidth(width: unknown): number {
  if (typeof width !== 'number' || !Number.isInteger(width) || width < 1 || width > 1000) {
    throw new RangeError(`vector-search-width.json: efSearch must be an integer from 1 to 1000, got ${String(width)}`);
  }
  return width;
}

/**
 * Session settings for the vector leg. The HNSW candidate list (`hnsw.ef_search`) is fitted by
 * bench/fit-offline-embedder-dimensions.ts (vector-search-width.json): the narrowest list that still finds the
 * stated share of the exact nearest chunks, since every extra candidate is a distance computed per search.
 * Iterative scans (pgvector >= 0.8) keep filters applied after the index (dates, kind, retired) from starving a
 * query of results.
 */
export const vectorSearchSessionSql = `set hnsw.ef_search = ${checkedWidth(searchWidth.efSearch)}; set hnsw.iterative_scan = relaxed_order;`;
