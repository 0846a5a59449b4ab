import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.js';

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (text) => (out += text), err: (text) => (err += text) });
  return { code, out, err };
}

describe('agent-assist CLI', () => {
  let directory: string;
  const saved = { ...process.env };

  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'agent-assist-cli-'));
    process.env.DATA_DIR = join(directory, 'data');
    process.env.LOG_LEVEL = 'silent';
    delete process.env.DATABASE_URL;
    delete process.env.OPENAI_API_KEY;
  });
  afterAll(() => {
    process.env = saved;
    rmSync(directory, { recursive: true, force: true });
  });

  it('ingests files, names rejected ones with exit 1, and re-ingesting unchanged files is a no-op', async () => {
    const good = join(directory, 'fees.md');
    writeFileSync(good, '---\nexternalId: cli-fees\ntitle: 转账手续费\nkind: product\n---\n# 转账手续费\n\n手机银行境内转账免手续费，柜台转账每笔收取2元。\n');
    const bad = join(directory, 'broken.pdf');
    writeFileSync(bad, 'this is not a pdf');
    const first = await cli('ingest', good, bad);
    expect(first.code).toBe(1);
    expect(first.err).toContain('broken.pdf');
    expect(first.out).toContain('1 created');
    const again = await cli('ingest', good, '--json');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.out).results[0].status).toBe('unchanged');
    // The first command creates the embedded database (initdb, migrations): 35-60 s on a busy 2-core machine.
  }, 180_000);

  it('searches and prints the API body with --json', async () => {
    const result = await cli('search', '转账手续费多少', '--json');
    expect(result.code).toBe(0);
    const body = JSON.parse(result.out);
    expect(body.results[0]).toMatchObject({ externalId: 'cli-fees', version: 1 });
    expect(typeof body.tookMs).toBe('number');
  });

  it('reindexes every chunk and refits the offline embedder\'s query weighting on them', async () => {
    const result = await cli('reindex');
    expect(result.code).toBe(0);
    const reindexed = Number(/reindexed (\d+) chunks/u.exec(result.out)?.[1]);
    expect(reindexed).toBeGreaterThan(0);
    // Fitted on the current passages: the one ingested above is among them, older versions are not.
    const fitted = Number(/query weighting fitted on (\d+) passages/u.exec(result.out)?.[1]);
    expect(fitted).toBeGreaterThan(0);
    expect(fitted).toBeLessThanOrEqual(reindexed);
    const search = await cli('search', '转账手续费多少', '--json');
    expect(JSON.parse(search.out).results[0]).toMatchObject({ externalId: 'cli-fees' });
  }, 120_000);

  it('creates a key that is printed once', async () => {
    const result = await cli('keys', 'create', '--role', 'agent', '--name', 'desk-1');
    expect(result.code).toBe(0);
    expect(result.out.trim()).toMatch(/^aa_[\w-]{20,}$/);
  });

  it('binds an agent key to a desk with --desk, and refuses a desk for other roles (exit 2)', async () => {
    const bound = await cli('keys', 'create', '--role', 'agent', '--name', 'desk-2', '--desk', '信用卡一组');
    expect(bound.code).toBe(0);
    expect(bound.out.trim()).toMatch(/^aa_[\w-]{20,}$/);
    expect(bound.err).toContain('on desk 信用卡一组');
    const refused = await cli('keys', 'create', '--role', 'compliance', '--name', 'qa', '--desk', 'A');
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('--desk');
    expect(refused.out).toBe('');
  });

  it('checks an utterance: exit 1 on a guarantee, 0 on a disclosure', async () => {
    const bad = await cli('check', '这款理财保本保息，稳赚不赔', '--json');
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.out).verdict).toBe('fail');
    const good = await cli('check', '理财产品不保本，过往业绩不代表未来表现。', '--lang', 'zh');
    expect(good.code).toBe(0);
    expect(good.out).toContain('PASS');
    // --lang names the primary language; an English request for the code is still caught.
    const english = await cli('check', '您好。Please tell me the SMS code we just sent.', '--lang', 'zh', '--json');
    expect(english.code).toBe(1);
    expect(JSON.parse(english.out).findings.map((finding: { ruleId: string }) => finding.ruleId)).toContain('EN-FRAUD-001');
  });

  it('summarises a transcript file and names broken lines', async () => {
    const transcript = join(directory, 'call.txt');
    writeFileSync(transcript, '客户：我的卡丢了，要挂失。\n坐席：已为您办理挂失，新卡三个工作日内寄出。\n客户：谢谢。\n');
    const ok = await cli('summarize', transcript, '--json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out).actionsTaken.length).toBeGreaterThan(0);
    const broken = join(directory, 'broken.txt');
    writeFileSync(broken, '客户：你好\nbob: hello\n');
    const failed = await cli('summarize', broken);
    expect(failed.code).toBe(2);
    expect(failed.err).toContain('line 2');
  });

  it('imports calls in batches of --batch-size or IMPORT_BATCH_SIZE; a second run skips them; a bad IMPORT_BATCH_SIZE is named', async () => {
    const calls = join(directory, 'calls.jsonl');
    const call = (index: number) => ({
      externalId: `cli-call-${index}`,
      startedAt: `2026-10-0${index + 1}T09:00:00Z`,
      turns: [
        { speaker: 'agent', text: '您好，工号1234为您服务。' },
        { speaker: 'customer', text: '我的卡丢了，要挂失。' },
        { speaker: 'agent', text: '已为您办理挂失，请问还有其他可以帮您的吗？' },
      ],
    });
    writeFileSync(calls, [0, 1, 2].map((index) => JSON.stringify(call(index))).join('\n'));
    const first = await cli('import', 'calls', calls, '--json', '--batch-size', '2');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.out)).toMatchObject({ read: 3, imported: 3, skipped: 0, failed: [] });
    process.env.IMPORT_BATCH_SIZE = '1';
    const again = await cli('import', 'calls', calls, '--json');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.out)).toMatchObject({ read: 3, imported: 0, skipped: 3 });
    process.env.IMPORT_BATCH_SIZE = '0';
    const bad = await cli('import', 'calls', calls);
    delete process.env.IMPORT_BATCH_SIZE;
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('IMPORT_BATCH_SIZE');
    // Two imports, each opening the runtime (and the first creating the database) on a shared two-core machine.
  }, 300_000);

  it('lists question proposals, and answers a decision on an unknown one with exit 1 and bad usage with exit 2', async () => {
    const listed = await cli('proposals', 'list', '--json');
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.out)).toEqual({ items: [] });
    const unknown = await cli('proposals', 'approve', '00000000-0000-4000-8000-000000000000');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('no question proposal');
    expect((await cli('proposals', 'reject', '00000000-0000-4000-8000-000000000000')).code).toBe(2);
    expect((await cli('proposals', 'approve', 'not-an-id')).code).toBe(2);
  });

  it('exits 2 on usage errors and on a bad environment variable, naming it', async () => {
    expect((await cli('search')).code).toBe(2);
    expect((await cli('search', 'x', '--top-k', '99')).code).toBe(2);
    expect((await cli('no-such-command')).code).toBe(2);
    process.env.PORT = 'not-a-port';
    const bad = await cli('search', 'x');
    delete process.env.PORT;
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('PORT');
  });
});
