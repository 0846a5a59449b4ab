import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

// tsc emits only JavaScript: a data file the code reads next to itself at run time must be copied into dist/ by
// scripts/copy-assets.mjs, or the built server (npm start, the Docker image) fails where the tests pass.
describe('scripts/copy-assets.mjs', () => {
  it('copies every data file the source reads next to itself', () => {
    const script = readFileSync(join(root, 'scripts/copy-assets.mjs'), 'utf8');
    const read = sourceFiles(join(root, 'src')).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/new URL\('\.\/([\w-]+\.(?:json|yaml))', import\.meta\.url\)/g)].map((match) =>
        relative(root, join(file, '..', match[1]!)).replaceAll('\\', '/'),
      ),
    );
    expect(read.length).toBeGreaterThan(0);
    const missing = read.filter((path) => !script.includes(`'${path}'`));
    expect(missing).toEqual([]);
  });
});
