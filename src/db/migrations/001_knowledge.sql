-- Knowledge base: documents, immutable versions, chunks with a lexical tsvector.
-- The embedding column is added at start-up with the configured embedder's dimension (see src/knowledge/embedding-index.ts),
-- because a migration cannot know which embedder a deployment uses.
create extension if not exists vector;

create table settings (
  key text primary key,
  value text not null,
  updated_at timestamptz not null default now()
);

create table api_keys (
  id uuid primary key,
  name text not null,
  role text not null check (role in ('agent', 'knowledge_owner', 'compliance', 'admin')),
  key_hash text not null unique,
  key_prefix text not null,
  created_at timestamptz not null default now(),
  revoked_at timestamptz
);

create table documents (
  id uuid primary key,
  external_id text not null unique,
  source text,
  current_version integer not null,
  retired_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index documents_source_idx on documents (source);

create table document_versions (
  document_id uuid not null references documents (id),
  version integer not null,
  title text not null,
  kind text not null check (kind in ('product', 'compliance', 'script', 'faq')),
  format text not null,
  language text not null,
  product text,
  product_aliases text[] not null default '{}',
  risk_level text check (risk_level in ('R1', 'R2', 'R3', 'R4', 'R5')),
  tags text[] not null default '{}',
  status text not null check (status in ('draft', 'approved', 'retired')),
  effective_from timestamptz,
  effective_until timestamptz,
  owner text,
  source_uri text,
  content_hash text not null,
  body text not null,
  chunk_count integer not null,
  created_by text,
  created_at timestamptz not null default now(),
  primary key (document_id, version)
);

create table chunks (
  id uuid primary key,
  document_id uuid not null references documents (id),
  version integer not null,
  ordinal integer not null,
  text text not null,
  heading_path text[] not null default '{}',
  -- Copies of the version's filter fields, so both search legs filter without a join.
  kind text not null,
  product text,
  language text not null,
  status text not null,
  effective_from timestamptz,
  effective_until timestamptz,
  retired boolean not null default false,
  lexical tsvector not null,
  foreign key (document_id, version) references document_versions (document_id, version)
);
create index chunks_document_idx on chunks (document_id, version);
create index chunks_lexical_idx on chunks using gin (lexical);
