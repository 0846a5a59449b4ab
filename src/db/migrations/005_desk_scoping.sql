-- Optional desk scoping: an agent key may be bound to a desk (team); a conversation records the desk of the
-- key that created it, and a desk-bound agent key sees only its desk's conversations. Null means unbound.
alter table api_keys add column desk text;
alter table conversations add column desk text;
create index conversations_desk_idx on conversations (desk) where desk is not null;
