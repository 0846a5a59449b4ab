import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import type { SummaryProduct } from './summary-context.js';

const productAliasesSchema = z.object({ aliases: z.record(z.string().min(1), z.array(z.string().min(1))).default({}) }).strict();

/** Spoken aliases staff add per product id or name. */
export type ProductAliases = ReadonlyMap<string, readonly string[]>;

/** Reads knowledge/product-aliases.yaml; a missing file is no aliases, a malformed one stops the start-up naming the problem. */
export function loadProductAliases(path: string): ProductAliases {
  if (!existsSync(path)) return new Map();
  const checked = productAliasesSchema.safeParse(parse(readFileSync(path, 'utf8')) ?? {});
  if (!checked.success) throw new Error(`${path}: ${checked.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ')}`);
  return new Map(Object.entries(checked.data.aliases));
}

/** The catalogue with the staff's aliases added to the products they name (by id first, else by name). */
export function withSpokenAliases(catalogue: readonly SummaryProduct[], aliases: ProductAliases): SummaryProduct[] {
  return catalogue.map((product) => {
    const extra = [...((product.id ? aliases.get(product.id) : undefined) ?? []), ...(aliases.get(product.name) ?? [])];
    return extra.length === 0 ? product : { ...product, aliases: [...new Set([...(product.aliases ?? []), ...extra])] };
  });
}
