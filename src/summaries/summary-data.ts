import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { foldText } from '../text/segment-text.js';

const perLanguage = <T extends z.ZodTypeAny>(schema: T) => z.object({ zh: schema, en: schema });
const words = z.array(z.string().min(1));

const contactReasonSchema = z.object({
  id: z.string().regex(/^[a-z_]+$/u, 'ids are lower-case words joined by underscores'),
  label: perLanguage(z.string().min(1)),
  fallback: z.boolean().optional(),
  /** Alternatives; each a list of word families that must all match one sentence. */
  cues: perLanguage(z.array(z.array(words.min(1)).min(1))),
});

const contactReasonsSchema = z.object({
  weights: z.object({
    question: z.number().nonnegative(),
    request: z.number().nonnegative(),
    complaint: z.number().nonnegative(),
    refusal: z.number().nonnegative(),
    narrative: z.number().nonnegative(),
    openingTurns: z.number().int().nonnegative(),
    openingBonus: z.number().nonnegative(),
  }),
  categories: z.array(contactReasonSchema).min(1),
});

const outcomeCuesSchema = z.object({
  outcome: z.object({
    transfer: perLanguage(words),
    callback: perLanguage(words),
    booked: perLanguage(words),
    escalation: perLanguage(words),
    offer: perLanguage(words),
    unable: perLanguage(words),
    customerUnresolved: perLanguage(words),
    customerSatisfied: perLanguage(words),
  }),
  complaint: z.object({
    refundDemand: perLanguage(words),
    escalationDemand: perLanguage(words),
    anger: perLanguage(words),
    notComplaint: perLanguage(words),
  }),
});

export type ContactReasonDefinition = z.infer<typeof contactReasonSchema>;
export type ContactReasonWeights = z.infer<typeof contactReasonsSchema>['weights'];
type OutcomeCues = z.infer<typeof outcomeCuesSchema>;

function readYaml<T>(name: string, schema: z.ZodType<T>): T {
  const file = new URL(`./${name}`, import.meta.url);
  const checked = schema.safeParse(parse(readFileSync(file, 'utf8')));
  if (!checked.success) throw new Error(`${name}: ${checked.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  return checked.data;
}

const cjk = /[\u3400-\u9fff]/u;
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');

/** One word family as a test on folded text: Chinese words as substrings, English ones at word boundaries. */
export interface CueFamily {
  test: (foldedText: string) => boolean;
  /** The first word of the family found in the text, if any. */
  find: (foldedText: string) => string | undefined;
}

export function compileFamily(list: readonly string[]): CueFamily {
  const folded = [...new Set(list.map((word) => foldText(word).trim()).filter(Boolean))];
  const chinese = folded.filter((word) => cjk.test(word)).map(escape);
  const latin = folded.filter((word) => !cjk.test(word)).map(escape);
  const parts = [...(chinese.length ? [`(?:${chinese.join('|')})`] : []), ...(latin.length ? [`(?<![a-z0-9'])(?:${latin.join('|')})(?![a-z0-9'])`] : [])];
  const pattern = new RegExp(parts.join('|') || '(?!)', 'u');
  return { test: (text) => pattern.test(text), find: (text) => pattern.exec(text)?.[0] };
}

/** Both languages' words: customers and agents mix them ("PIN", "App", "OK"). */
const bothLanguages = (family: { zh: readonly string[]; en: readonly string[] }): CueFamily => compileFamily([...family.zh, ...family.en]);

export interface CompiledContactReason {
  definition: ContactReasonDefinition;
  /** Alternatives of families (either language's); an alternative matches when every family does. */
  alternatives: CueFamily[][];
}

export interface SummaryData {
  weights: ContactReasonWeights;
  reasons: CompiledContactReason[];
  outcome: Record<keyof OutcomeCues['outcome'], CueFamily>;
  complaint: Record<keyof OutcomeCues['complaint'], CueFamily>;
}

let cached: SummaryData | undefined;

/** The word families staff maintain (contact-reasons.yaml, call-outcome-cues.yaml next to this file); read once. */
export function summaryData(): SummaryData {
  if (cached) return cached;
  const reasons = readYaml('contact-reasons.yaml', contactReasonsSchema);
  const cues = readYaml('call-outcome-cues.yaml', outcomeCuesSchema);
  const ids = reasons.categories.map((category) => category.id);
  const duplicate = ids.find((id, index) => ids.indexOf(id) !== index);
  if (duplicate) throw new Error(`contact-reasons.yaml: categories: id ${duplicate} is listed twice`);
  const map = <K extends string>(families: Record<K, { zh: string[]; en: string[] }>) =>
    Object.fromEntries(Object.entries(families).map(([key, family]) => [key, bothLanguages(family as { zh: string[]; en: string[] })])) as Record<K, CueFamily>;
  cached = {
    weights: reasons.weights,
    reasons: reasons.categories.map((definition) => ({
      definition,
      alternatives: [...definition.cues.zh, ...definition.cues.en].map((families) => families.map((family) => compileFamily(family))),
    })),
    outcome: map(cues.outcome),
    complaint: map(cues.complaint),
  };
  return cached;
}

/** The ids of the contact-reason categories, in the data file's order (for prompts and validation). */
export function contactReasonIds(): string[] {
  return summaryData().reasons.map((reason) => reason.definition.id);
}
