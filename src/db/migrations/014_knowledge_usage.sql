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

create function business_day(instant timestamptz) returns date language sql stable as $$
  select (instant at time zone coalesce((select value from settings where key = 'business_utc_offset'), '+00:00')::interval)::date
$$;

-- Reasons are free text: trimmed, lower-cased and cut so the rollup's key stays small.
create function usage_reason(reason text) returns text language sql immutable as $$
  select coalesce(left(lower(btrim(reason)), 100), '')
$$;

create function count_knowledge_usage() returns trigger language plpgsql as $$
begin
  if TG_TABLE_NAME = 'conversation_events' then
    insert into knowledge_usage_daily (day, document_id, chunk_id, kind, reason, count)
    select business_day(e.created_at), (card->>'documentId')::uuid, coalesce((card->>'chunkId')::uuid, '00000000-0000-0000-0000-000000000000'), 'shown', '', count(*)
      from changed_rows e, jsonb_array_elements(e.data->'results') as card
     where e.type = 'knowledge' and card->>'documentId' is not null
     group by 1, 2, 3
    on conflict (day, document_id, chunk_id, kind, reason) do update set count = knowledge_usage_daily.count + excluded.count;
  elsif TG_TABLE_NAME = 'suggestions' then
    insert into knowledge_usage_daily (day, document_id, chunk_id, kind, reason, count)
    select business_day(s.created_at), (citation->>'documentId')::uuid, coalesce((citation->>'chunkId')::uuid, '00000000-0000-0000-0000-000000000000'), 'cited', '', count(*)
      from changed_rows s, jsonb_array_elements(s.citations) as citation
     where citation->>'documentId' is not null
     group by 1, 2, 3
    on conflict (day, document_id, chunk_id, kind, reason) do update set count = knowledge_usage_daily.count + excluded.count;
  elsif TG_TABLE_NAME = 'suggestion_feedback' then
    insert into knowledge_usage_daily (day, document_id, chunk_id, kind, reason, count)
    select business_day(f.created_at), (citation->>'documentId')::uuid, coalesce((citation->>'chunkId')::uuid, '00000000-0000-0000-0000-000000000000'), f.action, usage_reason(f.reason), count(*)
      from changed_rows f join suggestions s on s.id = f.suggestion_id, jsonb_array_elements(s.citations) as citation
     where citation->>'documentId' is not null
     group by 1, 2, 3, 4, 5
    on conflict (day, document_id, chunk_id, kind, reason) do update set count = knowledge_usage_daily.count + excluded.count;
  elsif TG_TABLE_NAME = 'card_feedback' then
    insert into knowledge_usage_daily (day, document_id, chunk_id, kind, reason, count)
    select business_day(f.created_at), f.document_id, coalesce(f.chunk_id, '00000000-0000-0000-0000-000000000000'), f.action, usage_reason(f.reason), count(*)
      from changed_rows f
     group by 1, 2, 3, 4, 5
    on conflict (day, document_id, chunk_id, kind, reason) do update set count = knowledge_usage_daily.count + excluded.count;
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
create index knowledge_gap_questions_asked_idx on knowledge_gap_questions (asked_at, gap_id);
create index knowledge_gap_questions_gap_idx on knowledge_gap_questions (gap_id, asked_at desc);

-- A gap can become a similar question of an existing document through the existing proposals.
alter table question_proposals drop constraint question_proposals_origin_check;
alter table question_proposals add constraint question_proposals_origin_check check (origin in ('suggestion_accepted', 'card_helpful', 'gap'));
