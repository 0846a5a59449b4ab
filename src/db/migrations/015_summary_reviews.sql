-- The agent checks, edits and confirms the post-call summary. Every save is a new revision (who, when,
-- confirmed or not); the generated original stays untouched in summary_jobs, so an audit can always
-- compare what the service wrote with what the agent signed off.
create table summary_revisions (
  conversation_id uuid not null references conversations (id),
  revision integer not null,
  summary jsonb not null,
  confirmed boolean not null,
  saved_by text not null,
  created_at timestamptz not null default now(),
  primary key (conversation_id, revision)
);
