import { readFile } from 'node:fs/promises';
import { listIngestibleFiles } from './ingest-files.js';
import { parseFrontMatter } from './parse-front-matter.js';

/**
 * Product names, aliases and risk levels from the front matter of a knowledge folder, without a database:
 * the `summarize` and `check` commands use it so they run while the embedded server holds the database.
 */
export async function readProductCatalogue(directory: string): Promise<{ name: string; aliases: string[]; riskLevel?: 'R1' | 'R2' | 'R3' | 'R4' | 'R5' }[]> {
  const { files } = await listIngestibleFiles([directory]);
  const products = new Map<string, { name: string; aliases: string[]; riskLevel?: 'R1' | 'R2' | 'R3' | 'R4' | 'R5' }>();
  for (const file of files.filter((path) => /\.(md|markdown)$/i.test(path))) {
    try {
      const { metadata } = parseFrontMatter(await readFile(file, 'utf8'));
      if (!metadata.product || metadata.status === 'draft' || metadata.status === 'retired') continue;
      const known = products.get(metadata.product);
      products.set(metadata.product, {
        name: metadata.product,
        aliases: [...new Set([...(known?.aliases ?? []), ...(metadata.productAliases ?? [])])],
        ...((metadata.riskLevel ?? known?.riskLevel) ? { riskLevel: (metadata.riskLevel ?? known?.riskLevel)! } : {}),
      });
    } catch {
      // A file with bad front matter is reported by `ingest`; the catalogue just skips it.
    }
  }
  return [...products.values()];
}
