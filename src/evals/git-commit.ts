import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';

async function readText(path: string): Promise<string | undefined> {
  return readFile(path, 'utf8').then((text) => text.trim(), () => undefined);
}

/** The `.git` directory above `start`, following a worktree's `gitdir:` file. */
async function gitDirectory(start: string): Promise<string | undefined> {
  let folder = resolve(start);
  for (;;) {
    const candidate = join(folder, '.git');
    const info = await stat(candidate).catch(() => undefined);
    if (info?.isDirectory()) return candidate;
    if (info?.isFile()) {
      const pointer = /^gitdir:\s*(.+)$/m.exec((await readText(candidate)) ?? '')?.[1];
      if (pointer) return isAbsolute(pointer) ? pointer : resolve(folder, pointer);
    }
    const parent = dirname(folder);
    if (parent === folder) return undefined;
    folder = parent;
  }
}

/**
 * The commit checked out, read from `.git` files without spawning git (the service may run where git is not
 * installed). Undefined outside a repository or on anything unexpected: a run is recorded either way.
 */
export async function currentGitCommit(start = process.cwd()): Promise<string | undefined> {
  try {
    const directory = await gitDirectory(start);
    if (!directory) return undefined;
    const head = await readText(join(directory, 'HEAD'));
    if (!head) return undefined;
    if (/^[0-9a-f]{40}$/.test(head)) return head;
    const reference = /^ref:\s*(\S+)$/.exec(head)?.[1];
    if (!reference) return undefined;
    // A worktree keeps HEAD locally but refs in the common directory.
    const common = (await readText(join(directory, 'commondir'))) ?? '.';
    const roots = [directory, resolve(directory, common)];
    for (const root of roots) {
      const loose = await readText(join(root, reference));
      if (loose && /^[0-9a-f]{40}$/.test(loose)) return loose;
      const packed = await readText(join(root, 'packed-refs'));
      const line = packed?.split('\n').find((entry) => entry.endsWith(` ${reference}`));
      const commit = line?.split(' ')[0];
      if (commit && /^[0-9a-f]{40}$/.test(commit)) return commit;
    }
    return undefined;
  } catch {
    return undefined;
  }
}
