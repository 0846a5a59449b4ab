-- BM25 over fields (issue 10). Each chunk stores its analysed tokens per field, written at ingest, so a replica
-- builds its in-process BM25 index by reading them instead of segmenting every chunk again at start-up:
-- heading_terms = a FAQ's questions, or a document's title and heading path; body_terms = the answer or content.
-- Null on chunks written before this migration: the index analyses their text when it loads them.
alter table chunks add column heading_terms text[];
alter table chunks add column body_terms text[];

-- Every write to chunks (a new version, approval, retirement, revival) is noted here, whoever made it, so each
-- replica's index catches up on exactly the documents that changed: by NOTIFY at once, and by comparing the
-- latest id on every search, so a search never misses a committed write.
create table search_index_changes (
  id bigserial primary key,
  document_id uuid not null,
  changed_at timestamptz not null default now()
);
create index search_index_changes_changed_at_idx on search_index_changes (changed_at);

create function note_search_index_change() returns trigger language plpgsql as $$
begin
  insert into search_index_changes (document_id) select distinct document_id from changed_rows;
  perform pg_notify('search_index_changes', '');
  return null;
end
$$;

create trigger chunks_inserted_for_search after insert on chunks
  referencing new table as changed_rows for each statement execute function note_search_index_change();
create trigger chunks_updated_for_search after update on chunks
  referencing new table as changed_rows for each statement execute function note_search_index_change();
create trigger chunks_deleted_for_search after delete on chunks
  referencing old table as changed_rows for each statement execute function note_search_index_change();
