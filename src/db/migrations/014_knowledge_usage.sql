-- Issue 14 (dates as given, usage, gaps).

-- A date-only effectiveFrom/Until is returned as the day the owner wrote, not as the instant it was stored as (a
-- rate effective 1 January must not read as 31 December in UTC). Null when a full timestamp was given. Versions
-- stored before this migration have effective_days_recorded = false: their days are read back from the instant.
alter table document_versions add column effective_from_day date;
alter table document_versions add column effective_until_day date;
alter table document_versions add column effective_days_recorded boolean not null default false;
alter table document_versions alter column effective_days_recorded set default true;

-- How agents used each document and chunk, counted per business day (BUSINESS_UTC_OFFSET, kept in settings as
-- 'business_utc_offset' so the triggers below agree with the service). Rolled up as it happens: a usage query over
-- a million events reads a few thousand rows. chunk_id is the nil uuid when feedback named only the document.
create table knowledge_usage_daily (
  day date not null,
  document_id uuid not null,
  chunk_id uuid not null,
  kind text not null check (kind in ('shown', 'cited', 'accepted', 'edited', 'dismissed', 'helpful', 'not_helpful')),
  reason text not null default '',
  count bigint not null,
  primary key (day, document_id, chunk_id, kind, reason)
);
create index knowledge_usage_daily_document_idx on knowledge_usage_daily (document_id, day);
-- The same counts per document only, one row per day with a column per kind: ranking the busiest documents of a
-- period reads these (a seventh of the rows a row per kind would take).
create table knowledge_usage_document_daily (
  day date not null,
  document_id uuid not null,
  shown bigint not null default 0,
  cited bigint not null default 0,
  accepted bigint not null default 0,
  edited bigint not null default 0,
  dismissed bigint not null default 0,
  helpful bigint not null default 0,
  not_helpful bigint not null default 0,
  primary key (day, document_id)
);

-- Adds counted events (day, document, kind, count) to the per-document rollup.
create function add_document_usage(counted jsonb) returns void language sql as $$
  insert into knowledge_usage_document_daily as u (day, document_id, shown, cited, accepted, edited, dismissed, helpful, not_helpful)
  select (item->>'day')::date, (item->>'document_id')::uuid,
         coalesce(sum((item->>'count')::bigint) filter (where item->>'kind' = 'shown'), 0), coalesce(sum((item->>'count')::bigint) filter (where item->>'kind' = 'cited'), 0),
         coalesce(sum((item->>'count')::bigint) filter (where item->>'kind' = 'accepted'), 0), coalesce(sum((item->>'count')::bigint) filter (where item->>'kind' = 'edited'), 0),
         coalesce(sum((item->>'count')::bigint) filter (where item->>'kind' = 'dismissed'), 0), coalesce(sum((item->>'count')::bigint) filter (where item->>'kind' = 'helpful'), 0),
         coalesce(sum((item->>'count')::bigint) filter (where item->>'kind' = 'not_helpful'), 0)
    from jsonb_array_elements(counted) as item group by 1, 2
  on conflict (day, document_id) do update set
    shown = u.shown + excluded.shown, cited = u.cited + excluded.cited, accepted = u.accepted + excluded.accepted, edited = u.edited + excluded.edited,
    dismissed = u.dismissed + excluded.dismissed, helpful = u.helpful + excluded.helpful, not_helpful = u.not_helpful + excluded.not_helpful
$$;

create function business_day(instant timestamptz) returns date language sql stable as $$
  select (instant at time zone coalesce((select value from settings where key = 'business_utc_offset'), '+00:00')::interval)::date
$$;

-- Reasons are free text: trimmed, lower-cased and cut so the rollup's key stays small.
create function usage_reason(reason text) returns text language sql immutable as $$
  select coalesce(left(lower(btrim(reason)), 100), '')
$$;

create function count_knowledge_usage() returns trigger language plpgsql as $$
declare
  unused record;
begin
  -- Each branch lists the events of the inserted rows (day, document, chunk, kind, reason, count), then adds them to
  -- both rollups in one statement.
  if TG_TABLE_NAME = 'conversation_events' then
    with counted as (
      select business_day(e.created_at) as day, (card->>'documentId')::uuid as document_id,
             coalesce((card->>'chunkId')::uuid, '00000000-0000-0000-0000-000000000000') as chunk_id, 'shown'::text as kind, ''::text as reason, count(*) as count
        from changed_rows e, jsonb_array_elements(e.data->'results') as card
       where e.type = 'knowledge' and card->>'documentId' is not null
       group by 1, 2, 3),
    chunk_level as (
      insert into knowledge_usage_daily (day, document_id, chunk_id, kind, reason, count) select * from counted
      on conflict (day, document_id, chunk_id, kind, reason) do update set count = knowledge_usage_daily.count + excluded.count)
    select add_document_usage(coalesce(jsonb_agg(jsonb_build_object('day', day, 'document_id', document_id, 'kind', kind, 'count', count)), '[]')) from counted into strict unused;
  elsif TG_TABLE_NAME = 'suggestions' then
    with counted as (
      select business_day(s.created_at) as day, (citation->>'documentId')::uuid as document_id,
             coalesce((citation->>'chunkId')::uuid, '00000000-0000-0000-0000-000000000000') as chunk_id, 'cited'::text as kind, ''::text as reason, count(*) as count
        from changed_rows s, jsonb_array_elements(s.citations) as citation
       where citation->>'documentId' is not null
       group by 1, 2, 3),
    chunk_level as (
      insert into knowledge_usage_daily (day, document_id, chunk_id, kind, reason, count) select * from counted
      on conflict (day, document_id, chunk_id, kind, reason) do update set count = knowledge_usage_daily.count + excluded.count)
    select add_document_usage(coalesce(jsonb_agg(jsonb_build_object('day', day, 'document_id', document_id, 'kind', kind, 'count', count)), '[]')) from counted into strict unused;
  elsif TG_TABLE_NAME = 'suggestion_feedback' then
    with counted as (
      select business_day(f.created_at) as day, (citation->>'documentId')::uuid as document_id,
             coalesce((citation->>'chunkId')::uuid, '00000000-0000-0000-0000-000000000000') as chunk_id, f.action as kind, usage_reason(f.reason) as reason, count(*) as count
        from changed_rows f join suggestions s on s.id = f.suggestion_id, jsonb_array_elements(s.citations) as citation
       where citation->>'documentId' is not null
       group by 1, 2, 3, 4, 5),
    chunk_level as (
      insert into knowledge_usage_daily (day, document_id, chunk_id, kind, reason, count) select * from counted
      on conflict (day, document_id, chunk_id, kind, reason) do update set count = knowledge_usage_daily.count + excluded.count)
    select add_document_usage(coalesce(jsonb_agg(jsonb_build_object('day', day, 'document_id', document_id, 'kind', kind, 'count', count)), '[]')) from counted into strict unused;
  elsif TG_TABLE_NAME = 'card_feedback' then
    with counted as (
      select business_day(f.created_at) as day, f.document_id, coalesce(f.chunk_id, '00000000-0000-0000-0000-000000000000') as chunk_id,
             f.action as kind, usage_reason(f.reason) as reason, count(*) as count
        from changed_rows f
       group by 1, 2, 3, 4, 5),
    chunk_level as (
      insert into knowledge_usage_daily (day, document_id, chunk_id, kind, reason, count) select * from counted
      on conflict (day, document_id, chunk_id, kind, reason) do update set count = knowledge_usage_daily.count + excluded.count)
    select add_document_usage(coalesce(jsonb_agg(jsonb_build_object('day', day, 'document_id', document_id, 'kind', kind, 'count', count)), '[]')) from counted into strict unused;
  end if;
  return null;
end
$$;

create trigger conversation_events_usage after insert on conversation_events
  referencing new table as changed_rows for each statement execute function count_knowledge_usage();
create trigger suggestions_usage after insert on suggestions
  referencing new table as changed_rows for each statement execute function count_knowledge_usage();
create trigger suggestion_feedback_usage after insert on suggestion_feedback
  referencing new table as changed_rows for each statement execute function count_knowledge_usage();
create trigger card_feedback_usage after insert on card_feedback
  referencing new table as changed_rows for each statement execute function count_knowledge_usage();

-- Customer questions the base could not answer (no card, or none whose retrieval confidence reached the fitted
-- answer cut-off), grouped into gaps as they come (term overlap against the open gaps, cut-off fitted in
-- src/knowledge/gap-clustering.json). Questions are stored masked.
create table knowledge_gaps (
  id uuid primary key,
  language text not null,
  terms text[] not null,
  label text not null,
  status text not null default 'open' check (status in ('open', 'drafted', 'proposed')),
  document_id uuid references documents (id),
  resolved_by text,
  resolved_at timestamptz,
  created_at timestamptz not null default now()
);
create index knowledge_gaps_terms_idx on knowledge_gaps using gin (terms);

create table knowledge_gap_questions (
  id uuid primary key,
  gap_id uuid not null references knowledge_gaps (id),
  conversation_id uuid references conversations (id),
  turn_id uuid unique,
  question text not null,
  outcome text not null check (outcome in ('no_result', 'low_confidence')),
  top_confidence real,
  top_document_id uuid,
  asked_at timestamptz not null default now()
);
-- Covering: counting a period's questions per gap reads the index only.
create index knowledge_gap_questions_asked_idx on knowledge_gap_questions (asked_at, gap_id, outcome);
create index knowledge_gap_questions_gap_idx on knowledge_gap_questions (gap_id, asked_at desc);

-- Questions per gap and business day, written with each question: ranking the gaps of a period reads these.
create table knowledge_gap_daily (
  day date not null,
  gap_id uuid not null references knowledge_gaps (id),
  count integer not null,
  no_result integer not null,
  first_asked_at timestamptz not null,
  last_asked_at timestamptz not null,
  primary key (day, gap_id)
);

-- A gap can become a similar question of an existing document through the existing proposals.
alter table question_proposals drop constraint question_proposals_origin_check;
alter table question_proposals add constraint question_proposals_origin_check check (origin in ('suggestion_accepted', 'card_helpful', 'gap'));
