import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

const shippedRules = join(import.meta.dirname, '../evals/rules');

describe('agent-assist rules test, and check --profile', () => {
  let directory: string;
  const saved = { ...process.env };

  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'agent-assist-rules-'));
    process.env.LOG_LEVEL = 'silent';
    delete process.env.RULES_DIR;
    delete process.env.COMPLIANCE_PROFILE;
  });
  afterAll(() => {
    process.env = saved;
    rmSync(directory, { recursive: true, force: true });
  });

  it('prints a table per rule and exits 0 when every case holds', async () => {
    const result = await cli('rules', 'test');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^cn-conduct \(cn-conduct\.yaml\)$/m);
    expect(result.out).toMatch(/^CN-SUIT-004\s+4\/4\s+3\/3\s+2\/2\s+ok$/m);
    expect(result.out).toMatch(/all pass\n$/);
    const only = await cli('rules', 'test', '--rule', 'en-sales', '--json');
    expect(JSON.parse(only.out).map((report: { ruleId: string }) => report.ruleId)).toEqual(['EN-SALES-001']);
  });

  it('exits 1 naming the missed paraphrase when staff add one the rule does not catch', async () => {
    const rules = join(directory, 'rules');
    cpSync(shippedRules, rules, { recursive: true });
    const file = join(rules, 'cn-rules-2025-2026.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('    paraphrases:\n      - 测评不够也没事', '    paraphrases:\n      - 您放心买就是了。\n      - 测评不够也没事'));
    process.env.RULES_DIR = rules;
    try {
      const result = await cli('rules', 'test', '--failures');
      expect(result.code).toBe(1);
      expect(result.out).toMatch(/CN-SUIT-004\s+4\/4\s+3\/3\s+2\/3\s+FAIL/);
      expect(result.out).toContain('missed paraphrase: 您放心买就是了。');
      expect(result.out).not.toContain('CN-SALES-001');
      expect((await cli('rules', 'test', '--rule', 'XX-NONE')).code).toBe(2);
    } finally {
      delete process.env.RULES_DIR;
    }
  });

  it('check follows --profile: a UK profile does not demand the US non-deposit disclosure', async () => {
    const pitch = 'You could move twenty thousand from savings into our growth fund today.';
    const us = await cli('check', pitch, '--lang', 'en', '--profile', 'US', '--json');
    expect(JSON.parse(us.out)).toMatchObject({ profile: 'US' });
    expect(us.out).toContain('US-DISC-001');
    const uk = await cli('check', pitch, '--lang', 'en', '--profile', 'uk', '--json');
    expect(JSON.parse(uk.out).profile).toBe('UK');
    expect(uk.out).not.toContain('US-DISC-001');
    const unknown = await cli('check', pitch, '--profile', 'FR');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('--profile: unknown compliance profile FR');
  });
});
