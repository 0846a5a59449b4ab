import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listFiles } from '../../src/operations/list-files.js';

describe('listFiles', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'list-files-'));
    for (const folder of ['b', 'a', '.hidden', 'node_modules']) await mkdir(join(root, folder));
    for (const file of ['b/2.jsonl', 'a/1.jsonl', 'a/notes.pdf', '.hidden/3.jsonl', 'node_modules/4.jsonl', 'named.pdf']) await writeFile(join(root, file), '');
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('walks folders in sorted order, skipping hidden entries and node_modules, and keeps what is wanted', async () => {
    const { files, missing } = await listFiles([root], (path) => path.endsWith('.jsonl'));
    expect(files).toEqual([join(root, 'a/1.jsonl'), join(root, 'b/2.jsonl')]);
    expect(missing).toEqual([]);
  });

  it('counts a named file that is not wanted, and a path that does not exist, as missing', async () => {
    const absent = join(root, 'absent.jsonl');
    const refused = await listFiles([join(root, 'named.pdf'), absent], (path) => path.endsWith('.jsonl'));
    expect(refused).toEqual({ files: [], missing: [join(root, 'named.pdf'), absent] });
    const accepted = await listFiles([join(root, 'named.pdf')], (_path, explicit) => explicit);
    expect(accepted.files).toEqual([join(root, 'named.pdf')]);
  });
});
