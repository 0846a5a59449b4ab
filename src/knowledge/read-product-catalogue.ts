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

/**
 * The product catalogue summaries report from, read from a knowledge folder's front matter (the database-free twin
 * of KnowledgeService.productCatalogue): approved documents of kind product that name a product, one per document,
 * its externalId (else its file name) as the product's id.
 */
export async function readCatalogueProducts(directory: string): Promise<{ id: string; name: string; title: string; aliases: string[]; language?: 'zh' | 'en' }[]> {
  const { files } = await listIngestibleFiles([directory]);
  const products: { id: string; name: string; title: string; aliases: string[]; language?: 'zh' | 'en' }[] = [];
  for (const file of files.filter((path) => /\.(md|markdown)$/i.test(path))) {
    try {
      const { metadata } = parseFrontMatter(await readFile(file, 'utf8'));
      if (!metadata.product || metadata.kind !== 'product' || metadata.status === 'draft' || metadata.status === 'retired') continue;
      products.push({
        id: metadata.externalId ?? file.replace(/^.*[\\/]/u, '').replace(/\.[^.]+$/u, ''),
        name: metadata.product,
        title: metadata.title ?? metadata.product,
        aliases: [...(metadata.productAliases ?? [])],
        ...(metadata.language ? { language: metadata.language } : {}),
      });
    } catch {
      // A file with bad front matter is reported by `ingest`; the catalogue just skips it.
    }
  }
  return products.sort((left, right) => left.id.localeCompare(right.id));
}
