-- Document frequencies the offline embedder weighs queries by, fitted on the knowledge base and kept here so every
-- replica weighs alike. Passage vectors never depend on them (see src/llm/offline-embedder.ts): a refit needs no
-- reindex. One row per fit; readers take the newest of their embedder.
create table embedder_statistics (
  version bigint generated always as identity primary key,
  embedder text not null,
  documents integer not null,
  frequencies text not null,
  fitted_at timestamptz not null default now()
);
create index embedder_statistics_embedder_idx on embedder_statistics (embedder, version desc);
