-- New GIN entries first go to a pending list that every lexical search scans linearly until a vacuum merges
-- it. Embedded PGlite never autovacuums, so the list is kept small (flushed into the index at 256 kB) and the
-- knowledge service merges it after bulk loads (gin_clean_pending_list).
alter index chunks_lexical_idx set (gin_pending_list_limit = 256);
