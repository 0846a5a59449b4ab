-- Cheaper chunk writes (issue 10's ingest speed; measured with bench/ingest-bench.ts INGEST_BENCH_STATEMENTS=1).
--
-- 1. The lexical leg is the in-process BM25 index (migration 006): no search reads chunks.lexical any more.
--    Writing its tsvector and keeping its GIN index up to date was a large share of every ingest, so new chunks
--    leave it null and the index goes. The column stays, with what older chunks hold.
drop index if exists chunks_lexical_idx;
alter table chunks alter column lexical drop not null;

-- 2. A chunk's analysed BM25 fields as one space-separated text each (tokens never hold white space: see
--    searchTokens), instead of text[]: Postgres builds and reads an array of a few hundred short elements several
--    times slower than one string, on every write and on every load of a replica's index. Chunks written before
--    keep heading_terms / body_terms, which the index still reads when these are null.
alter table chunks add column heading_tokens text;
alter table chunks add column body_tokens text;
