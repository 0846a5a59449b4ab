import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProductAliases, withSpokenAliases } from '../../src/summaries/product-aliases.js';

describe('product aliases file', () => {
  const directory = mkdtempSync(join(tmpdir(), 'aliases-'));

  it('adds staff aliases by product id or name, and a missing file is no aliases', () => {
    const path = join(directory, 'good.yaml');
    writeFileSync(path, 'aliases:\n  p-1: [short name]\n  星河如意贷: [如意]\n');
    const aliases = loadProductAliases(path);
    const products = withSpokenAliases([{ id: 'p-1', name: 'Long Product Name', aliases: ['lpn'] }, { id: 'p-2', name: '星河如意贷' }, { id: 'p-3', name: 'other' }], aliases);
    expect(products.map((product) => product.aliases)).toEqual([['lpn', 'short name'], ['如意'], undefined]);
    expect(loadProductAliases(join(directory, 'absent.yaml')).size).toBe(0);
  });

  it('names the problem in a malformed file', () => {
    const path = join(directory, 'bad.yaml');
    writeFileSync(path, 'aliases:\n  p-1: just text\n');
    expect(() => loadProductAliases(path)).toThrow(/bad\.yaml: aliases\.p-1/u);
  });

  it('ships a valid file', () => {
    expect(loadProductAliases(new URL('../../knowledge/product-aliases.yaml', import.meta.url).pathname).size).toBeGreaterThan(0);
  });
});
