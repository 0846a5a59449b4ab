/**
 * Insights query plans. `tsx bench/insights-explain.ts DIR [N]`: fills DIR with N inspected calls a month (two months,
 * as inspection-bench.ts) if it holds none, then prints per request shape the time of each statement the insights
 * service runs and (--explain) the EXPLAIN ANALYZE of the two slowest; --product-team: only that shape. DIR is kept
 * so plans can be compared between changes.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { populate, runtimeIn } from './inspection-bench.js';

const [directory, count] = process.argv.slice(2);
if (!directory) throw new Error('usage: tsx bench/insights-explain.ts DIR [N]');
const runtime = await runtimeIn(join(directory, 'data'));
try {
  const database = runtime.services.database;
  const existing = await database.query<{ calls: string }>('select count(*) as calls from inspections');
  if (Number(existing.rows[0]?.calls ?? 0) === 0) await populate(runtime, Number(count ?? 100_000));
  const shapes = process.argv.includes('--product-team') ? [{ product: 'product-3', team: 'west' }] : [{}, { team: 'north' }, { product: 'product-3' }, { channel: 'voice' as const }, { language: 'zh' as const }, { language: 'zh' as const, channel: 'voice' as const }, { product: 'product-3', team: 'west' }, { groupBy: 'day' as const }, { groupBy: 'agent' as const, team: 'vip' }];
  const original = database.query.bind(database);
  let statements: { sql: string; parameters: unknown[] | undefined; took: number }[] = [];
  database.query = (async (sql: string, parameters?: unknown[]) => {
    const begin = performance.now();
    const result = await original(sql, parameters);
    // Other parts of the runtime (job pollers) share the connection: only the insights statements are listed.
    if (!sql.includes("from settings where")) statements.push({ sql, parameters, took: performance.now() - begin });
    return result;
  }) as typeof database.query;
  for (const filters of shapes) {
    const query = { from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-12-01T00:00:00Z'), ...filters };
    await runtime.services.insights.insights(query);
    statements = [];
    const begin = performance.now();
    await runtime.services.insights.insights(query);
    const total = performance.now() - begin;
    const recorded = statements;
    statements = [];
    console.log(`\n${JSON.stringify(filters)}: ${total.toFixed(0)} ms in ${recorded.length} statements; load average ${loadavg().map((value) => value.toFixed(1)).join(' ')}`);
    for (const statement of [...recorded].sort((left, right) => right.took - left.took).slice(0, 6)) {
      const head = statement.sql.replace(/\s+/g, ' ').slice(0, 150);
      console.log(`  ${statement.took.toFixed(0).padStart(5)} ms  ${head}`);
    }
    if (process.argv.includes('--explain')) {
      for (const statement of [...recorded].sort((left, right) => right.took - left.took).slice(0, 2)) {
        const plan = await original<{ 'QUERY PLAN': string }>(`explain analyze ${statement.sql}`, statement.parameters);
        statements = [];
        console.log(plan.rows.map((row) => `      ${row['QUERY PLAN']}`).join('\n'));
      }
    }
  }
} finally {
  await runtime.close();
}
