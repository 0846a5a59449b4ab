-- Change notes numbered in commit order (issue 10: correct with several replicas on a real Postgres).
--
-- A replica reads the notes above its watermark and then moves the watermark to the highest id it saw. A bigserial
-- id is taken at insert, not at commit: with two writers at once on a real Postgres, the one that took id 11 could
-- commit first, a replica could catch up to 11, and the note with id 10, committed a moment later, would sit below
-- the watermark and never be read: that replica would keep serving the old text of that document (a retired one
-- among them) until it restarts. PGlite runs one transaction at a time, so it never shows this.
--
-- The trigger now takes a transaction-scoped advisory lock before it writes a note: a second writer waits there
-- until the first commits or rolls back, so every id is taken after every smaller committed id, and `max(id)`, the
-- searches' change signal, only grows in commit order. Knowledge writes that lock rows take the same lock first
-- (holdSearchIndexOrder), so the lock is always taken before row locks and two writers cannot deadlock on it.
create or replace function note_search_index_change() returns trigger language plpgsql as $$
begin
  perform pg_advisory_xact_lock(hashtext('search_index_changes'));
  insert into search_index_changes (document_id) select distinct document_id from changed_rows;
  perform pg_notify('search_index_changes', '');
  return null;
end
$$;
