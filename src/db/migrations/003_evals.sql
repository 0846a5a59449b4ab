-- Eval runs (one suite per run), their per-case results, approved baselines and the cache of model calls.
create table eval_runs (
  id uuid primary key,
  suite_name text not null,
  suite_version text not null,
  suite_file text,
  -- The validated suite as run, so a run can be re-read and re-rendered without the file it came from.
  suite jsonb not null,
  status text not null check (status in ('queued', 'running', 'passed', 'failed', 'error')),
  options jsonb not null default '{}',
  git_commit text,
  provider text,
  model text,
  prompt_hashes jsonb not null default '{}',
  rules_version text,
  embedder text,
  totals jsonb,
  rules jsonb,
  comparison jsonb,
  error text,
  -- Refreshed while the owning process works on the run; a stale queued/running run was interrupted.
  heartbeat_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz
);
create index eval_runs_suite_idx on eval_runs (suite_name, created_at desc);
create index eval_runs_created_idx on eval_runs (created_at desc, id);

create table eval_case_results (
  run_id uuid not null references eval_runs (id) on delete cascade,
  case_id text not null,
  ordinal integer not null,
  kind text not null,
  status text not null check (status in ('pass', 'fail', 'error', 'flaky')),
  score double precision not null,
  checks jsonb not null,
  attempts jsonb not null,
  input jsonb not null,
  output jsonb,
  retrieved_chunk_ids text[] not null default '{}',
  latency_ms integer not null,
  error text,
  primary key (run_id, case_id)
);

create table eval_baselines (
  suite_name text not null,
  run_id uuid not null references eval_runs (id) on delete cascade,
  approved_by text,
  approved_at timestamptz not null default now(),
  primary key (suite_name, run_id)
);
create index eval_baselines_latest_idx on eval_baselines (suite_name, approved_at desc);

create table eval_cache (
  key text primary key,
  kind text not null,
  value jsonb not null,
  created_at timestamptz not null default now()
);
