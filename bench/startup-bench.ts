/**
 * Time from `npm start` (node dist/cli.js serve) to a ready /readyz on a fresh data directory: includes
 * creating the embedded database, migrations and loading the sample knowledge. Needs `npm run build` first.
 * Run: npx tsx bench/startup-bench.ts
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repositoryRoot } from './support.js';

async function timeToReady(port: number, dataDirectory: string): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, ['dist/cli.js', 'serve'], {
    cwd: repositoryRoot,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDirectory, LOG_LEVEL: 'warn', ADMIN_API_KEY: 'bench-admin-key-0123456789' },
    stdio: 'ignore',
  });
  try {
    for (;;) {
      if (performance.now() - started > 120_000) throw new Error('not ready within 120 s');
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((response) => response.ok, () => false);
      if (ready) return performance.now() - started;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

export async function main(): Promise<void> {
  console.log('== startup bench');
  if (!existsSync(join(repositoryRoot, 'dist', 'cli.js'))) {
    console.log('dist/cli.js missing: run `npm run build` first');
    return;
  }
  const dataDirectory = mkdtempSync(join(tmpdir(), 'agent-assist-start-'));
  try {
    const fresh = await timeToReady(39_871, dataDirectory);
    console.log(`npm start to ready, fresh data dir (create database, migrate, load sample knowledge): ${(fresh / 1000).toFixed(2)} s`);
    const again = await timeToReady(39_872, dataDirectory);
    console.log(`npm start to ready, existing data dir: ${(again / 1000).toFixed(2)} s`);
  } finally {
    rmSync(dataDirectory, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
