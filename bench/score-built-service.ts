/**
 * Scores scenario sets end to end against the built service (dist/, run `npm run build` first) with one of its data
 * files replaced: the fitting scripts (fit-base-wording.ts, fit-story-cut-offs.ts) measure each candidate value the way
 * a user meets it, through the HTTP API on a scratch database, scored by the team's scorer (score-scenarios.mjs, JSON
 * suggestions).
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { repositoryRoot } from './support.js';

export const devsetsDirectory = join(repositoryRoot, '../shared/devsets');

/** A fitting script's command line: `[--write] [--files a.jsonl,b.jsonl] [--port 3333]` (default: the dev set). */
export function fitArguments(): { files: string[]; port: number; write: boolean } {
  const argument = (name: string): string | undefined => {
    const index = process.argv.indexOf(name);
    return index >= 0 ? process.argv[index + 1] : undefined;
  };
  const files = (argument('--files') ?? join(devsetsDirectory, 'scenarios-dev.jsonl')).split(',').filter((file) => existsSync(file));
  return { files, port: Number(argument('--port') ?? 3333), write: process.argv.includes('--write') };
}

export interface ScoredCall {
  id: string;
  lang?: string;
  pass: boolean;
}

export interface BuiltServiceRun {
  /** A folder inside the repository (so that the copied dist/ resolves the repository's node_modules). */
  scratch: string;
  /** The data file to replace, relative to dist/ ("understanding/story-cut-offs.json"), and its content. */
  dataFile: string;
  data: unknown;
  files: readonly string[];
  port: number;
  /** Only the calls whose id holds this text (score-scenarios.mjs --only). */
  only?: string;
}

/** Every call of the files, scored against dist/ with the data file replaced. */
export async function scoreBuiltService(run: BuiltServiceRun): Promise<ScoredCall[]> {
  const dist = join(run.scratch, 'dist');
  rmSync(dist, { recursive: true, force: true });
  cpSync(join(repositoryRoot, 'dist'), dist, { recursive: true });
  writeFileSync(join(dist, run.dataFile), JSON.stringify(run.data));
  const database = mkdtempSync(join(tmpdir(), 'score-built-service-db-'));
  const server = spawn(process.execPath, [join(dist, 'cli.js'), 'serve'], {
    cwd: repositoryRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: database, PORT: String(run.port), ADMIN_API_KEY: 'dev-admin-key-000000' },
    stdio: 'ignore',
  });
  try {
    for (let attempt = 0; attempt < 120; attempt += 1) {
      const ready = await fetch(`http://127.0.0.1:${run.port}/readyz`).then((response) => response.ok).catch(() => false);
      if (ready) break;
      await sleep(1000);
    }
    const scored: ScoredCall[] = [];
    for (const file of run.files) {
      const out = join(run.scratch, 'score.json');
      const only = run.only ? ['--only', run.only] : [];
      spawnSync(process.execPath, [join(devsetsDirectory, 'score-scenarios.mjs'), '--url', `http://127.0.0.1:${run.port}`, '--key', 'dev-admin-key-000000', '--file', file, ...only, '--quiet', '--json', out], { stdio: 'ignore' });
      scored.push(...(JSON.parse(readFileSync(out, 'utf8')) as ScoredCall[]));
    }
    return scored;
  } finally {
    server.kill();
    await new Promise((resolve) => server.once('exit', resolve));
    rmSync(database, { recursive: true, force: true });
  }
}
