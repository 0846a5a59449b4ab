-- The lexical leg is the in-process BM25 index over chunks.heading_terms and chunks.body_terms (migration 006):
-- no search reads chunks.lexical any more. Writing its tsvector and keeping its GIN index up to date was a large
-- share of every ingest (bench/ingest-bench.ts), so new chunks leave it null and the index goes. The column stays,
-- with what older chunks hold, so nothing a previous version wrote is lost.
drop index if exists chunks_lexical_idx;
alter table chunks alter column lexical drop not null;
