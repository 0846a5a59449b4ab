import matter from 'gray-matter';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { IngestError } from './ingest-error.js';
import type { DocumentMetadata } from './knowledge-types.js';

const isoDate = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/u;

function isRealCalendarDate(value: string): boolean {
  const match = isoDate.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => (part === undefined ? 0 : Number(part)));
  const date = new Date(Date.UTC(year ?? 0, (month ?? 1) - 1, day ?? 1));
  return (
    date.getUTCFullYear() === year &&
    date.getUTCMonth() + 1 === month &&
    date.getUTCDate() === day &&
    (hour ?? 0) < 24 &&
    (minute ?? 0) < 60 &&
    (second ?? 0) < 60
  );
}

const dateString = z
  .string({ error: 'must be a real ISO date (YYYY-MM-DD) or a full ISO timestamp' })
  .refine(isRealCalendarDate, { error: 'must be a real ISO date (YYYY-MM-DD) or a full ISO timestamp' });

const text = z.string({ error: 'must be text' }).trim().min(1, { error: 'must not be empty' });

function oneOf<const Values extends readonly [string, ...string[]]>(values: Values) {
  return z.enum(values, { error: `must be one of ${values.join(', ')}` });
}
/** Authors write `tags: a, b` as often as a YAML list; both mean the same. */
const stringList = z.union(
  [
    z.array(z.union([z.string(), z.number()]).transform(String)),
    z.string().transform((value) => value.split(/[,;，；]/u)),
  ],
  { error: 'must be a list of text' },
).transform((values) => values.map((value) => value.trim()).filter((value) => value !== ''));

const frontMatterSchema = z.object({
  title: text.optional(),
  kind: oneOf(['product', 'compliance', 'script', 'faq']).optional(),
  product: text.optional(),
  productAliases: stringList.optional(),
  riskLevel: oneOf(['R1', 'R2', 'R3', 'R4', 'R5']).optional(),
  language: oneOf(['zh', 'en']).optional(),
  tags: stringList.optional(),
  status: oneOf(['draft', 'approved', 'retired']).optional(),
  effectiveFrom: dateString.optional(),
  effectiveUntil: dateString.optional(),
  externalId: z.union([text, z.number().transform(String)], { error: 'must be text' }).optional(),
  owner: text.optional(),
  source: text.optional(),
  // A question may hold commas (，), so a plain string is one question, not a comma list as tags are.
  questions: z
    .union([z.array(z.union([z.string(), z.number()]).transform(String)), z.string().transform((value) => [value])], { error: 'must be a list of text' })
    .transform((values) => [...new Set(values.map((value) => value.trim()).filter((value) => value !== ''))])
    .optional(),
});

export interface FrontMatterResult {
  metadata: DocumentMetadata;
  /** The body after the front matter. */
  content: string;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return JSON.stringify(value);
}

/**
 * YAML front matter, validated. The `yaml` package (YAML 1.2 core schema) keeps `2025-01-01` a string, so the
 * author's date is stored as written; gray-matter is given options so its process-wide cache is bypassed.
 */
export function parseFrontMatter(source: string): FrontMatterResult {
  let parsed: matter.GrayMatterFile<string>;
  try {
    parsed = matter(source, { engines: { yaml: (input: string) => (parseYaml(input) ?? {}) as object } });
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new IngestError('invalid_front_matter', `front matter is not valid YAML: ${reason}`, { cause: error });
  }
  const data: unknown = parsed.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new IngestError('invalid_front_matter', 'front matter must be a YAML mapping of fields');
  }
  const result = frontMatterSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = String(issue?.path[0] ?? '');
    const given = describe((data as Record<string, unknown>)[field]);
    throw new IngestError('invalid_front_matter', `front matter field '${field}' ${issue?.message ?? 'is invalid'} (got ${given})`, { field });
  }
  const metadata: DocumentMetadata = {};
  for (const [key, value] of Object.entries(result.data)) {
    if (value !== undefined) (metadata as Record<string, unknown>)[key] = value;
  }
  if (metadata.effectiveFrom && metadata.effectiveUntil && Date.parse(metadata.effectiveUntil) < Date.parse(metadata.effectiveFrom)) {
    throw new IngestError(
      'invalid_front_matter',
      `front matter field 'effectiveUntil' (${metadata.effectiveUntil}) is before 'effectiveFrom' (${metadata.effectiveFrom})`,
      { field: 'effectiveUntil' },
    );
  }
  return { metadata, content: parsed.content };
}
