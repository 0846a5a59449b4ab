-- Inspections (智能质检): one per call, scored against a scorecard, with a review state and an audit trail of
-- every review. The call's structured facts (reason, intent, complaint, products, terms...) are copied onto the
-- row when it is written, so the voice-of-the-customer aggregates run in SQL over these columns alone and never
-- re-read transcripts or summaries.
create table inspections (
  id uuid primary key,
  conversation_id uuid not null unique references conversations (id),
  external_id text,
  scorecard_id text not null,
  scorecard_version text not null,
  score double precision not null,
  passed boolean not null,
  severity text not null check (severity in ('none', 'minor', 'major', 'critical')),
  confidence double precision not null,
  review_state text not null check (review_state in ('auto_passed', 'needs_review', 'confirmed', 'disputed', 'overturned')),
  items jsonb not null,
  findings jsonb not null,
  call_started_at timestamptz not null,
  agent text,
  team text,
  channel text not null,
  language text not null,
  vulnerable boolean not null default false,
  reason_code text not null,
  intent text not null,
  resolution text not null,
  complaint_raised boolean not null,
  complaint_category text,
  sentiment_end text not null,
  products text[] not null default '{}',
  rule_ids text[] not null default '{}',
  failed_items text[] not null default '{}',
  terms text[] not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index inspections_started_idx on inspections (call_started_at, id);
create index inspections_agent_idx on inspections (agent, call_started_at);
create index inspections_team_idx on inspections (team, call_started_at);
create index inspections_state_idx on inspections (review_state, call_started_at);

-- Example calls behind a count are read from the raw rows by key and time, newest first, a few at a time.
create index inspections_reason_idx on inspections (reason_code, call_started_at);
create index inspections_intent_idx on inspections (intent, call_started_at);
create index inspections_terms_idx on inspections using gin (terms);

-- Voice-of-the-customer roll-ups, kept in the transaction that writes (or reviews) an inspection, so a month's
-- insights read a few thousand summed rows instead of 100,000 calls. Each call adds one to a row per time bucket
-- (its UTC day, ISO week and month: a period is read as whole months, then whole weeks, then days), per product
-- slice ('' = every call, else calls that discussed the product) and per dimension:
--   all ('')  agent  reason  intent  complaint (category)  rule  failed_item  product  vulnerable ('')  vulnerable_reason
create table insight_rollups (
  dimension text not null,
  product text not null,
  grain text not null check (grain in ('day', 'week', 'month')),
  starts date not null,
  team text not null,
  channel text not null,
  language text not null,
  key text not null,
  calls integer not null,
  complaints integer not null,
  score_sum double precision not null,
  failed integer not null,
  needs_review integer not null,
  positive integer not null,
  neutral integer not null,
  negative integer not null,
  primary key (dimension, product, grain, starts, team, channel, language, key)
);

-- Emerging topics compare term counts between two periods. Terms are many (thousands a day), so besides each
-- team x channel they are also counted once for every team and channel ('*', '*'): an unfiltered month reads one
-- row per term and language per bucket rather than one per team and channel.
create table insight_term_rollups (
  grain text not null check (grain in ('day', 'week', 'month')),
  starts date not null,
  language text not null,
  team text not null,
  channel text not null,
  term text not null,
  calls integer not null,
  primary key (grain, starts, team, channel, language, term)
);

-- Append-only: who moved an inspection from which state to which, and why.
create table inspection_reviews (
  id uuid primary key,
  inspection_id uuid not null references inspections (id),
  action text not null check (action in ('confirm', 'overturn', 'dispute')),
  from_state text not null,
  to_state text not null,
  comment text,
  actor_key_id text,
  actor_name text,
  actor_role text,
  created_at timestamptz not null default now()
);
create index inspection_reviews_inspection_idx on inspection_reviews (inspection_id, created_at);
