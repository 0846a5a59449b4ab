-- Conversations, their turns, the per-conversation event log (SSE resume), suggestions with their audit
-- trail and feedback, and the persisted summary jobs.
create table conversations (
  id uuid primary key,
  external_id text unique,
  channel text not null check (channel in ('voice', 'chat')),
  language text not null check (language in ('zh', 'en')),
  customer jsonb not null default '{}',
  metadata jsonb not null default '{}',
  suggestions_enabled boolean not null default false,
  status text not null default 'active' check (status in ('active', 'ended')),
  turn_count integer not null default 0,
  event_sequence integer not null default 0,
  created_at timestamptz not null default now(),
  ended_at timestamptz
);

create table turns (
  id uuid primary key,
  conversation_id uuid not null references conversations (id),
  sequence integer not null,
  client_turn_id text,
  speaker text not null check (speaker in ('customer', 'agent')),
  text text not null,
  spoken_at timestamptz not null,
  findings jsonb not null default '[]',
  rules_version text,
  created_at timestamptz not null default now(),
  unique (conversation_id, sequence),
  unique (conversation_id, client_turn_id)
);

create table conversation_events (
  conversation_id uuid not null references conversations (id),
  id integer not null,
  type text not null,
  data jsonb not null,
  created_at timestamptz not null default now(),
  primary key (conversation_id, id)
);

create table suggestions (
  id uuid primary key,
  conversation_id uuid not null references conversations (id),
  turn_id uuid references turns (id),
  batch_id uuid not null,
  rank integer not null,
  text text not null,
  origin text not null,
  citations jsonb not null,
  disclosures jsonb not null,
  verdict text not null,
  findings jsonb not null,
  retrieved jsonb not null,
  provider text not null,
  model text not null,
  prompt_name text not null,
  prompt_hash text not null,
  rules_version text not null,
  degraded boolean not null,
  degraded_cause text,
  latency_ms integer not null,
  model_ms integer,
  usage jsonb,
  created_at timestamptz not null default now()
);
create index suggestions_conversation_idx on suggestions (conversation_id, created_at);
create index suggestions_created_idx on suggestions (created_at);

create table suggestion_feedback (
  id uuid primary key,
  suggestion_id uuid not null references suggestions (id),
  action text not null check (action in ('accepted', 'edited', 'dismissed')),
  final_text text,
  reason text,
  given_by text,
  created_at timestamptz not null default now()
);
create index suggestion_feedback_suggestion_idx on suggestion_feedback (suggestion_id);

create table summary_jobs (
  conversation_id uuid primary key references conversations (id),
  status text not null check (status in ('queued', 'running', 'done', 'failed')),
  attempts integer not null default 0,
  locked_until timestamptz,
  summary jsonb,
  error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index summary_jobs_pending_idx on summary_jobs (status, locked_until);
