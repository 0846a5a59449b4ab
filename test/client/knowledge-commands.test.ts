import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (text) => (out += text), err: (text) => (err += text) });
  return { code, out, err };
}

// Our own documents, written for this test.
const rateSheet = (rate: string) => `---
externalId: cli-remote-rate
title: 示例定期存款
kind: product
effectiveFrom: 2027-01-01
---
# 示例定期存款

三年期年利率为${rate}。起存金额50元。
`;

describe('knowledge, search and ingest commands against a running service (AGENT_ASSIST_URL)', () => {
  let testApp: TestApp;
  let directory: string;
  const saved = { ...process.env };

  beforeAll(async () => {
    testApp = await createTestApp();
    await testApp.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (testApp.app.server.address() as AddressInfo).port;
    directory = mkdtempSync(join(tmpdir(), 'agent-assist-remote-cli-'));
    // No data folder the commands could open: everything must go through the API.
    process.env.DATA_DIR = join(directory, 'no-database-here');
    process.env.AGENT_ASSIST_URL = `http://127.0.0.1:${port}`;
    process.env.AGENT_ASSIST_API_KEY = (await testApp.as('knowledge_owner')).authorization!.replace('Bearer ', '');
  });
  afterAll(async () => {
    process.env = saved;
    rmSync(directory, { recursive: true, force: true });
    await testApp?.close();
  });

  it('ingests through the API, names a rejected file, and an unchanged file is a no-op', async () => {
    const sheet = join(directory, 'rate.md');
    writeFileSync(sheet, rateSheet('2.75%'));
    const broken = join(directory, 'broken.pdf');
    writeFileSync(broken, 'not a pdf');
    const first = await cli('ingest', sheet, broken);
    expect(first.code).toBe(1);
    expect(first.out).toContain('1 created');
    expect(first.err).toMatch(/rejected\s+.*broken\.pdf: /);
    const again = await cli('ingest', sheet, '--json');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.out).results[0].status).toBe('unchanged');
  });

  it('searches through the API with the same body as the route', async () => {
    const result = await cli('search', '示例定期存款利率', '--json', '--as-of', '2027-01-01');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out).results[0]).toMatchObject({ externalId: 'cli-remote-rate', version: 1 });
    const before = JSON.parse((await cli('search', '示例定期存款利率', '--json', '--as-of', '2026-12-31')).out);
    expect(before.results.map((item: { externalId: string }) => item.externalId)).not.toContain('cli-remote-rate');
  });

  it('syncs, lists, shows, diffs and retires through the API', async () => {
    const folder = join(directory, 'cms');
    rmSync(folder, { recursive: true, force: true });
    const { mkdirSync } = await import('node:fs');
    mkdirSync(folder);
    writeFileSync(join(folder, 'rate.md'), rateSheet('2.35%'));
    writeFileSync(join(folder, 'hours.md'), '# 营业时间\n\n网点工作日九点营业。\n');
    const synced = await cli('knowledge', 'sync', folder, '--source', 'cms', '--json');
    expect(synced.code).toBe(0);
    expect(JSON.parse(synced.out)).toMatchObject({ created: 1, updated: 1, unchanged: 0, retired: 0 });

    const listed = await cli('knowledge', 'list', '--query', 'cli-remote-rate');
    expect(listed.code).toBe(0);
    expect(listed.out).toContain('cli-remote-rate  v2  product  approved  示例定期存款  effective 2027-01-01 to ...');
    const documentId = listed.out.split(/\s+/)[0]!;

    const shown = await cli('knowledge', 'show', documentId);
    expect(shown.out).toMatch(/v2 {2}approved/);
    expect(shown.out).toMatch(/v1 {2}approved/);

    const diff = await cli('knowledge', 'diff', documentId);
    expect(diff.code).toBe(0);
    expect(diff.out).toContain('- 三年期年利率为2.75%。');
    expect(diff.out).toContain('+ 三年期年利率为2.35%。');
    expect(diff.out).toContain('rates: -2.75% +2.35%');
    expect(diff.out).not.toContain('\u001b[');

    const unknown = await cli('knowledge', 'diff', documentId, '--to', '9');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('Version not found');
    expect(unknown.err).toContain('query.to');

    // Without --delete-missing nothing is retired; with it, the source's document absent from the files is.
    rmSync(join(folder, 'hours.md'));
    const mirrored = await cli('knowledge', 'sync', folder, '--source', 'cms', '--delete-missing', '--json');
    expect(JSON.parse(mirrored.out)).toMatchObject({ unchanged: 1, retired: 1 });

    expect((await cli('knowledge', 'retire', documentId)).code).toBe(0);
    expect((await cli('knowledge', 'show', documentId, '--json')).out).toContain('"retired": true');
  });

  it('shows the problem title and detail of a refused request, and names a bad id as usage', async () => {
    const notFound = await cli('knowledge', 'show', '00000000-0000-4000-8000-000000000000');
    expect(notFound.code).toBe(1);
    expect(notFound.err).toMatch(/^Not found: no knowledge document/);
    expect((await cli('knowledge', 'show', 'not-a-uuid')).code).toBe(2);
    const saved = process.env.AGENT_ASSIST_API_KEY;
    process.env.AGENT_ASSIST_API_KEY = 'wrong-key-000000000000';
    try {
      const refused = await cli('knowledge', 'list');
      expect(refused.code).toBe(1);
      expect(refused.err).toContain('Unauthorized');
    } finally {
      process.env.AGENT_ASSIST_API_KEY = saved;
    }
  });
});
