-- Review before publish (issue 14): a version of a kind that needs review is a draft until it is submitted and
-- approved by another key; rejected versions stay in the history and are never retrievable.
alter table document_versions drop constraint if exists document_versions_status_check;
alter table document_versions add constraint document_versions_status_check
  check (status in ('draft', 'submitted', 'approved', 'rejected', 'retired'));
alter table document_versions add column submitted_by text;
alter table document_versions add column submitted_at timestamptz;
alter table document_versions add column reviewed_by text;
alter table document_versions add column reviewed_at timestamptz;
alter table document_versions add column review_comment text;
create index document_versions_status_idx on document_versions (status) where status in ('draft', 'submitted');

-- Every transition of a version (submit, approve, reject, an override of a blocking gate), with who, when and why.
create table document_review_events (
  id uuid primary key,
  -- Insertion order: an override and its approval share a transaction (and, embedded, often a clock tick).
  sequence bigint generated always as identity,
  document_id uuid not null references documents (id),
  version integer not null,
  action text not null check (action in ('submit', 'approve', 'reject', 'override')),
  actor text not null,
  comment text,
  details jsonb not null default '{}',
  created_at timestamptz not null default now(),
  foreign key (document_id, version) references document_versions (document_id, version)
);
create index document_review_events_version_idx on document_review_events (document_id, version, created_at);

-- The eval gate of a submitted version: the suites run against the base with the version in place of the current
-- one, each run's id and its regressions against the suite's baseline.
create table document_checks (
  id uuid primary key,
  document_id uuid not null references documents (id),
  version integer not null,
  status text not null check (status in ('running', 'passed', 'blocked', 'error')),
  suites jsonb not null default '[]',
  regressions integer not null default 0,
  error text,
  requested_by text,
  created_at timestamptz not null default now(),
  finished_at timestamptz,
  foreign key (document_id, version) references document_versions (document_id, version)
);
create index document_checks_version_idx on document_checks (document_id, version, created_at desc);
