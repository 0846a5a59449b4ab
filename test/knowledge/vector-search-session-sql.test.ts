import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { vectorSearchSessionSql } from '../../src/knowledge/vector-search-session-sql.js';

describe('vectorSearchSessionSql', () => {
  it('sets the HNSW search width fitted in vector-search-width.json, with iterative scans', () => {
    const fitted = (JSON.parse(readFileSync(new URL('../../src/knowledge/vector-search-width.json', import.meta.url), 'utf8')) as { efSearch: number }).efSearch;
    expect(Number.isInteger(fitted) && fitted >= 1 && fitted <= 1000).toBe(true);
    expect(vectorSearchSessionSql).toContain(`set hnsw.ef_search = ${fitted};`);
    expect(vectorSearchSessionSql).toContain('set hnsw.iterative_scan = relaxed_order;');
  });
});
