-- Issue 13 (insights speed). Emerging topics over every team and channel read their own roll-up, per product slice
-- ('' = every call, else the calls that discussed the product), so a product filter sums roll-up rows instead of
-- unnesting the terms of every call of two periods. insight_term_rollups used to carry these counts as rows with
-- team '*' and channel '*': a marker that showed as a team named '*' and that a real team of that name was counted
-- into. It now holds real teams and channels only.
create table insight_term_totals (
  grain text not null check (grain in ('day', 'week', 'month')),
  starts date not null,
  product text not null,
  language text not null,
  term text not null,
  calls integer not null,
  primary key (grain, starts, product, language, term)
);

insert into insight_term_totals (grain, starts, product, language, term, calls)
select b.grain, b.starts, p.product, i.language, term, count(*)
  from inspections i
  cross join lateral (values ('day', (i.call_started_at at time zone 'UTC')::date),
                             ('week', date_trunc('week', i.call_started_at at time zone 'UTC')::date),
                             ('month', date_trunc('month', i.call_started_at at time zone 'UTC')::date)) as b (grain, starts)
  cross join lateral (select '' as product union select distinct unnest(i.products)) as p
  cross join lateral (select distinct unnest(i.terms) as term) as terms
 group by 1, 2, 3, 4, 5;

delete from insight_term_rollups where team = '*' and channel = '*';

-- A product filter combined with a team or channel still reads the raw rows: the calls that discussed the product.
create index inspections_products_idx on inspections using gin (products);
