import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallImportService, type ImportStage } from '../../src/calls/call-import-service.js';
import { listCallFiles, readCallFiles } from '../../src/calls/read-call-entries.js';
import type { Database } from '../../src/db/database.js';
import { rebuildRollups } from '../../src/insights/insight-rollups.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

function call(externalId: string, day: number) {
  return {
    externalId,
    agent: 'agent-1',
    team: 'east',
    startedAt: `2026-10-${String(day).padStart(2, '0')}T09:00:00+08:00`,
    turns: [
      { speaker: 'agent', text: 'Hello, my name is Lee.' },
      { speaker: 'customer', text: 'I want to close my savings account.' },
      { speaker: 'agent', text: 'I can help. Anything else?' },
    ],
  };
}

describe('call import from files', () => {
  let testApp: TestApp;
  const directory = mkdtempSync(join(tmpdir(), 'call-import-'));

  beforeAll(async () => {
    testApp = await createTestApp();
  });
  afterAll(async () => {
    await testApp?.close();
  });

  it('reads a folder of JSONL, CSV and transcript files, and names a 10 MB turn without stopping', async () => {
    writeFileSync(join(directory, 'a.jsonl'), [JSON.stringify(call('f-1', 1)), JSON.stringify({ ...call('f-2', 2), turns: [{ speaker: 'customer', text: 'y'.repeat(10 * 1024 * 1024) }] }), JSON.stringify(call('f-3', 3))].join('\n'));
    writeFileSync(join(directory, 'b.csv'), 'external_id,started_at,speaker,text\nf-4,2026-10-04T09:00:00Z,agent,Hello this is Kim\nf-4,2026-10-04T09:00:00Z,customer,"My card, the gold one, is lost"\n');
    writeFileSync(join(directory, 'f-5.txt'), 'agent: Hello, my name is Lee.\ncustomer: my card is lost\n');
    writeFileSync(join(directory, 'notes.md'), 'not a call');
    const { files } = await listCallFiles([directory]);
    expect(files.map((file) => file.slice(directory.length + 1))).toEqual(['a.jsonl', 'b.csv', 'f-5.txt']);
    const report = await testApp.runtime.services.callImport.importEntries(readCallFiles(files, { relativeTo: (path) => path.slice(directory.length + 1) }), { batchSize: 2 });
    expect(report.imported).toBe(4);
    expect(report.failed).toEqual([expect.objectContaining({ position: 'a.jsonl line 2', externalId: 'f-2', problem: expect.stringMatching(/longer than 20,000 characters/) })]);
    const summary = await testApp.runtime.services.database.query<{ status: string }>("select s.status from summary_jobs s join conversations c on c.id = s.conversation_id where c.external_id = 'f-4'");
    expect(summary.rows[0]?.status).toBe('done');
  });

  it('resumes after an interrupted run: stored calls are skipped, the rest imported', async () => {
    const lines = Array.from({ length: 6 }, (_, index) => JSON.stringify(call(`r-${index}`, index + 1)));
    writeFileSync(join(directory, 'first-half.jsonl'), lines.slice(0, 3).join('\n'));
    writeFileSync(join(directory, 'all.jsonl'), lines.join('\n'));
    await testApp.runtime.services.callImport.importEntries(readCallFiles([join(directory, 'first-half.jsonl')]));
    const report = await testApp.runtime.services.callImport.importEntries(readCallFiles([join(directory, 'all.jsonl')]), { batchSize: 4 });
    expect(report).toMatchObject({ read: 6, imported: 3, skipped: 3, failed: [] });
    const count = await testApp.runtime.services.database.query<{ count: string }>("select count(*) from inspections where external_id like 'r-%'");
    expect(Number(count.rows[0]?.count)).toBe(6);
  });

  it('keeps the insight roll-ups in step with the calls: the same as rebuilt from the stored inspections', async () => {
    const database = testApp.runtime.services.database;
    const snapshot = async () => ({
      // Sums of scores are compared to a thousandth: floating-point addition in another order may differ in the last bit.
      counts: (await database.query('select *, round(score_sum::numeric, 3)::text as score_sum from insight_rollups where calls <> 0 order by dimension, product, grain, starts, team, channel, language, key')).rows,
      terms: (await database.query('select * from insight_term_rollups where calls <> 0 order by grain, starts, team, channel, language, term')).rows,
    });
    const kept = await snapshot();
    expect(kept.counts.length).toBeGreaterThan(0);
    const terms = await database.query<{ calls: number }>("select calls from insight_term_rollups where grain = 'day' and term = 'account' and team = 'east' and channel <> '*'");
    const calls = await database.query<{ count: string }>("select count(*) from inspections where 'account' = any(terms) and team = 'east'");
    expect(terms.rows.reduce((sum, row) => sum + Number(row.calls), 0)).toBe(Number(calls.rows[0]?.count));
    expect(Number(calls.rows[0]?.count)).toBeGreaterThan(0);
    for (const grain of ['day', 'week', 'month']) {
      const summed = await database.query<{ calls: string }>("select sum(calls) as calls from insight_rollups where dimension = 'all' and product = '' and grain = $1", [grain]);
      const stored = await database.query<{ count: string }>('select count(*) from inspections');
      expect(Number(summed.rows[0]?.calls)).toBe(Number(stored.rows[0]?.count));
    }
    await database.transaction((transaction) => rebuildRollups(transaction));
    expect(await snapshot()).toEqual(kept);
  });

  it('writes the calls in transactions of its batch size, and reports where the time went', async () => {
    const { services } = testApp.runtime;
    let transactions = 0;
    // The same database, counting the transactions the import opens.
    const counted = new Proxy(services.database, {
      get(target, property, receiver) {
        if (property === 'transaction') {
          return (work: Parameters<Database['transaction']>[0]) => {
            transactions += 1;
            return target.transaction(work);
          };
        }
        const value = Reflect.get(target, property, receiver) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const importer = new CallImportService({ database: counted, batchSize: 2, summarize: (turns, options) => services.summaries.summarize(turns, options), recordContext: () => services.inspections.recordContext });
    writeFileSync(join(directory, 'batches.jsonl'), Array.from({ length: 5 }, (_, index) => JSON.stringify(call(`b-${index}`, index + 1))).join('\n'));
    const stages: Record<ImportStage, number[]> = { inspect: [], write: [], wait: [] };
    const report = await importer.importEntries(readCallFiles([join(directory, 'batches.jsonl')]), { onStage: (stage, milliseconds) => stages[stage].push(milliseconds) });
    expect(report).toMatchObject({ read: 5, imported: 5, failed: [] });
    // 2 + 2 + 1 calls.
    expect(transactions).toBe(3);
    expect(stages.inspect).toHaveLength(3);
    expect([...stages.inspect, ...stages.write, ...stages.wait].every((milliseconds) => milliseconds >= 0)).toBe(true);
    const inspected = await services.database.query<{ count: string }>("select count(*) from inspections where external_id like 'b-%'");
    expect(Number(inspected.rows[0]?.count)).toBe(5);
  });
});
