import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { foldText } from '../text/segment-text.js';
import { intentKeys, type IntentKey } from './detect-intent.js';
import { complaintCategorySchema, type ComplaintCategory } from './summary-schema.js';

const keywordListSchema = z.array(z.string().min(1)).default([]);

const dispositionRuleSchema = z
  .object({
    intents: z.array(z.enum(intentKeys)).default([]),
    keywords: z.object({ zh: keywordListSchema, en: keywordListSchema }).strict().default({ zh: [], en: [] }),
    /** true: only when a complaint was raised; false: only when none was. */
    complaint: z.boolean().optional(),
    complaintCategories: z.array(complaintCategorySchema).optional(),
  })
  .strict();

const dispositionCodeSchema = z
  .object({
    code: z.string().regex(/^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$/, 'codes are UPPER-KEBAB-CASE, e.g. CARD-LOSS'),
    label: z.object({ zh: z.string().min(1), en: z.string().min(1) }).strict(),
    priority: z.number().int().default(0),
    rules: dispositionRuleSchema.optional(),
  })
  .strict();

const taxonomyFileSchema = z
  .object({
    version: z.number().int().positive(),
    fallback: z.string(),
    codes: z.array(dispositionCodeSchema).min(1),
  })
  .strict();

export type DispositionCode = z.infer<typeof dispositionCodeSchema>;

export interface DispositionTaxonomy {
  version: number;
  fallback: string;
  codes: readonly DispositionCode[];
  /** Where it was loaded from, for error messages and audit. */
  source: string;
}

export class DispositionTaxonomyError extends Error {
  readonly code = 'invalid_disposition_taxonomy';
  readonly problems: string[];

  constructor(source: string, problems: string[]) {
    super(`${source}: invalid disposition taxonomy:\n  ${problems.join('\n  ')}`);
    this.name = 'DispositionTaxonomyError';
    this.problems = problems;
  }
}

/** Names the code an issue belongs to ("codes[3] (FEE-INQUIRY).priority"), so a knowledge owner finds it. */
function describePath(path: readonly PropertyKey[], raw: unknown): string {
  if (path[0] === 'codes' && typeof path[1] === 'number') {
    const entry = (raw as { codes?: unknown[] }).codes?.[path[1]];
    const code = entry && typeof entry === 'object' && 'code' in entry ? String(entry.code) : '?';
    const rest = path.slice(2).map(String).join('.');
    return `codes[${path[1]}] (${code})${rest ? `.${rest}` : ''}`;
  }
  return path.map(String).join('.') || '(root)';
}

export function parseDispositionTaxonomy(content: string, source: string): DispositionTaxonomy {
  let raw: unknown;
  try {
    raw = parseYaml(content);
  } catch (error) {
    throw new DispositionTaxonomyError(source, [`not valid YAML: ${(error as Error).message}`]);
  }
  const result = taxonomyFileSchema.safeParse(raw);
  if (!result.success) {
    throw new DispositionTaxonomyError(
      source,
      result.error.issues.map((issue) => `${describePath(issue.path, raw)}: ${issue.message}`),
    );
  }
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const [index, entry] of result.data.codes.entries()) {
    if (seen.has(entry.code)) problems.push(`codes[${index}] (${entry.code}): duplicate code`);
    seen.add(entry.code);
    const rules = entry.rules;
    if (rules && rules.intents.length === 0 && rules.keywords.zh.length + rules.keywords.en.length === 0 && rules.complaint === undefined) {
      problems.push(`codes[${index}] (${entry.code}).rules: needs intents, keywords or a complaint flag`);
    }
  }
  if (!seen.has(result.data.fallback)) problems.push(`fallback: '${result.data.fallback}' is not one of the codes`);
  if (problems.length > 0) throw new DispositionTaxonomyError(source, problems);
  return { ...result.data, source };
}

export function loadDispositionTaxonomy(path: string): DispositionTaxonomy {
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (error) {
    throw new DispositionTaxonomyError(path, [`cannot read: ${(error as Error).message}`]);
  }
  return parseDispositionTaxonomy(content, path);
}

export interface DispositionFeatures {
  intent: IntentKey;
  complaint: { raised: boolean; category?: ComplaintCategory };
  /** The customer's turns (all turns when there are none), NFKC-folded and lower-cased (foldText). */
  foldedText: string;
}

/**
 * A code applies when its complaint conditions hold and at least one of its intents or keywords
 * matches (a code with neither matches on the complaint conditions alone). Highest priority wins,
 * then more keyword hits, then file order; nothing applies -> the fallback.
 */
export function pickDisposition(taxonomy: DispositionTaxonomy, features: DispositionFeatures): string {
  let best: { code: string; priority: number; hits: number } | undefined;
  for (const entry of taxonomy.codes) {
    const rules = entry.rules;
    if (!rules) continue;
    if (rules.complaint !== undefined && rules.complaint !== features.complaint.raised) continue;
    if (rules.complaintCategories) {
      const category = features.complaint.category;
      if (!category || !rules.complaintCategories.includes(category)) continue;
    }
    const intentHit = rules.intents.includes(features.intent);
    const keywords = [...rules.keywords.zh, ...rules.keywords.en];
    const hits = keywords.filter((keyword) => features.foldedText.includes(foldText(keyword))).length;
    const hasSignals = rules.intents.length > 0 || keywords.length > 0;
    if (hasSignals && !intentHit && hits === 0) continue;
    const score = hits + (intentHit ? 2 : 0);
    if (!best || entry.priority > best.priority || (entry.priority === best.priority && score > best.hits)) {
      best = { code: entry.code, priority: entry.priority, hits: score };
    }
  }
  return best?.code ?? taxonomy.fallback;
}
