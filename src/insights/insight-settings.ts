import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

const insightSettingsSchema = z
  .object({
    emerging: z
      .object({
        minimumLogLikelihood: z.number().nonnegative(),
        minimumCalls: z.number().int().positive(),
        minimumShareRatio: z.number().positive(),
      })
      .strict(),
    customers: z.object({ elderlyAge: z.number().int().positive() }).strict(),
    terms: z
      .object({
        maximumPerCall: z.number().int().positive(),
        minimumCjkLength: z.number().int().positive(),
        minimumLatinLength: z.number().int().positive(),
        spokenDigits: z.string().min(1),
        stopwords: z.object({ zh: z.array(z.string()), en: z.array(z.string()) }).strict(),
      })
      .strict(),
  })
  .strict();

export type InsightSettings = z.infer<typeof insightSettingsSchema>;

export class InsightSettingsError extends Error {
  readonly code = 'invalid_insight_settings';
}

/** The voice-of-the-customer settings file (knowledge/insights.yaml); a bad one stops start-up naming the field. */
export function loadInsightSettings(file: string): InsightSettings {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InsightSettingsError(`${file}: cannot be read (${error instanceof Error ? error.message : String(error)})`);
  }
  const parsed = insightSettingsSchema.safeParse(raw);
  if (!parsed.success) throw new InsightSettingsError(`${file}: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  return parsed.data;
}
