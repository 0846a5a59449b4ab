-- Similar questions (相似问): every phrasing a document answers, proposals from agents' feedback, card feedback.
-- questions: the version's phrasings (FAQ rows: standard question first; Markdown: the front-matter list).
-- answer: a FAQ row's answer, so a phrasing can be added or removed (a new version) without the source file.
alter table document_versions add column questions text[] not null default '{}';
alter table document_versions add column answer text;

-- Phrasings added or removed through the API (or an approved proposal). They outlive the next ingest of the
-- FAQ file the row came from: a nightly re-sync must not silently undo what a knowledge owner approved.
create table document_question_edits (
  document_id uuid not null references documents (id),
  normalized text not null,
  question text not null,
  action text not null check (action in ('add', 'remove')),
  edited_by text,
  edited_at timestamptz not null default now(),
  primary key (document_id, normalized)
);

-- A customer's question proposed as a phrasing of a document, from an agent's feedback. One row per document and
-- phrasing (normalised): proposing it again counts, never duplicates. Decisions are kept with who and when.
create table question_proposals (
  id uuid primary key,
  document_id uuid not null references documents (id),
  question text not null,
  normalized text not null,
  status text not null default 'proposed' check (status in ('proposed', 'approved', 'rejected')),
  origin text not null check (origin in ('suggestion_accepted', 'card_helpful')),
  conversation_id uuid references conversations (id),
  suggestion_id uuid references suggestions (id),
  proposed_by text,
  times_proposed integer not null default 1,
  decided_by text,
  decided_at timestamptz,
  comment text,
  approved_version integer,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (document_id, normalized)
);
create index question_proposals_status_idx on question_proposals (status, created_at);

-- An agent's verdict on a knowledge card pushed for a customer turn.
create table card_feedback (
  id uuid primary key,
  conversation_id uuid not null references conversations (id),
  turn_id uuid references turns (id),
  document_id uuid not null references documents (id),
  chunk_id uuid,
  action text not null check (action in ('helpful', 'not_helpful')),
  reason text,
  given_by text,
  created_at timestamptz not null default now()
);
create index card_feedback_conversation_idx on card_feedback (conversation_id, created_at);
