import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The files under the given paths that `wanted` accepts: folders are walked in sorted order, hidden entries and
 * node_modules skipped. `explicit` says the user named the file; a named file that is not wanted counts as missing,
 * as does a path that does not exist.
 */
export async function listFiles(paths: readonly string[], wanted: (path: string, explicit: boolean) => boolean): Promise<{ files: string[]; missing: string[] }> {
  const files: string[] = [];
  const missing: string[] = [];
  const walk = async (path: string, explicit: boolean): Promise<void> => {
    const info = await stat(path).catch(() => undefined);
    if (!info) {
      missing.push(path);
      return;
    }
    if (info.isDirectory()) {
      for (const entry of (await readdir(path)).sort()) if (!entry.startsWith('.') && entry !== 'node_modules') await walk(join(path, entry), false);
    } else if (wanted(path, explicit)) {
      files.push(path);
    } else if (explicit) {
      missing.push(path);
    }
  };
  for (const path of paths) await walk(path, true);
  return { files, missing };
}
