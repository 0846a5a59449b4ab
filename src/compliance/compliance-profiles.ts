import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { RulePackError } from './rule-pack-error.js';
import type { RuleDefinition, RulePack } from './rule-pack-schema.js';
import { patternProblem } from './safe-pattern.js';

const profileIdPattern = /^[A-Z][A-Z0-9_]*$/;

const profileSchema = z
  .object({
    description: z.string().optional(),
    /** The jurisdictions whose rules apply: a rule of a listed pack applies when one of its jurisdictions is here. */
    jurisdictions: z.array(z.string().min(1)).min(1),
    /** ISO 4217 code of the currency the deployment quotes. */
    currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as CNY'),
    packs: z.array(z.string().min(1)).min(1),
  })
  .strict();

const judgeContextSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9_]*$/, 'ids look like non_deposit_sales'),
    description: z.string().optional(),
    /** Patterns over the agent's text and the customer's recent turns, per language (normalised, lower-case text). */
    zh: z.array(z.string().min(1)).optional(),
    en: z.array(z.string().min(1)).optional(),
    /** The customer's profile makes the context (a vulnerable customer, an elderly one). */
    customer: z.object({ vulnerable: z.boolean().optional(), minimumAge: z.number().int().min(0).max(130).optional() }).strict().optional(),
    /** Rules the judge reviews in this context: ids, or a prefix ending in `*` (CN-SALES-*). */
    rules: z.array(z.string().min(1)).min(1),
  })
  .strict();

export const complianceProfilesSchema = z
  .object({
    profiles: z.record(z.string().regex(profileIdPattern, 'profile ids look like CN or US'), profileSchema),
    judge: z
      .object({
        /** Judge passes on agent turns stop at this many rules per turn (the cost bound of one turn). */
        maximumRulesPerTurn: z.number().int().min(1).max(50),
        contexts: z.array(judgeContextSchema).min(1),
      })
      .strict(),
  })
  .strict();

export type ProfileDefinition = z.infer<typeof profileSchema> & { id: string };
export type JudgeContextDefinition = z.infer<typeof judgeContextSchema>;

export interface ComplianceProfiles {
  profiles: Map<string, ProfileDefinition>;
  judge: { maximumRulesPerTurn: number; contexts: JudgeContextDefinition[] };
  file: string;
}

/** The profile a deployment or a conversation runs under: one profile or several joined ("US,UK"). */
export interface ActiveProfile {
  /** Canonical name: the profile ids in file order, joined by commas. */
  id: string;
  jurisdictions: string[];
  currency: string;
  packs: string[];
}

export class UnknownProfileError extends Error {
  readonly code = 'unknown_profile';
  constructor(
    readonly unknown: string[],
    readonly known: string[],
  ) {
    super(`unknown compliance profile ${unknown.join(', ')}; known: ${known.join(', ')}`);
    this.name = 'UnknownProfileError';
  }
}

/** Parses the profiles file and checks it against the loaded packs: an unknown pack or rule stops the start-up. */
export function parseComplianceProfiles(file: string, yamlText: string, packs: readonly RulePack[]): ComplianceProfiles {
  const name = basename(file);
  let document: unknown;
  try {
    document = parse(yamlText);
  } catch (error) {
    throw new RulePackError(name, undefined, `YAML error: ${(error as Error).message}`);
  }
  const parsed = complianceProfilesSchema.safeParse(document);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RulePackError(name, undefined, `schema error at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  const packIds = new Set(packs.map((pack) => pack.id));
  const rules = packs.flatMap((pack) => pack.rules);
  const profiles = new Map<string, ProfileDefinition>();
  for (const [id, profile] of Object.entries(parsed.data.profiles)) {
    const unknown = profile.packs.filter((pack) => !packIds.has(pack));
    if (unknown.length > 0) throw new RulePackError(name, undefined, `profile ${id} names unknown rule pack ${unknown.join(', ')} (packs: ${[...packIds].join(', ')})`);
    const jurisdictions = new Set(packs.filter((pack) => profile.packs.includes(pack.id)).flatMap((pack) => pack.rules.flatMap((rule) => rule.appliesIn)));
    const unmatched = profile.jurisdictions.filter((jurisdiction) => !jurisdictions.has(jurisdiction));
    if (unmatched.length > 0) throw new RulePackError(name, undefined, `profile ${id}: no rule of its packs applies in ${unmatched.join(', ')}`);
    profiles.set(id, { ...profile, id });
  }
  for (const context of parsed.data.judge.contexts) {
    for (const source of [...(context.zh ?? []), ...(context.en ?? [])]) {
      const problem = patternProblem(source);
      if (problem) throw new RulePackError(name, undefined, `judge context ${context.id}: bad pattern /${source}/: ${problem}`);
    }
    if (!context.zh && !context.en && !context.customer) throw new RulePackError(name, undefined, `judge context ${context.id} needs zh, en or customer`);
    for (const reference of context.rules) {
      if (!rules.some((rule) => ruleMatches(reference, rule))) throw new RulePackError(name, undefined, `judge context ${context.id} names unknown rule ${reference}`);
    }
  }
  return { profiles, judge: parsed.data.judge, file: name };
}

export function loadComplianceProfiles(file: string, packs: readonly RulePack[]): ComplianceProfiles {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new RulePackError(basename(file), undefined, `cannot read the compliance profiles: ${(error as Error).message}`);
  }
  return parseComplianceProfiles(file, text, packs);
}

/** `CN-SALES-*` matches every rule whose id starts with CN-SALES-; anything else is an exact id. */
export function ruleMatches(reference: string, rule: Pick<RuleDefinition, 'id'>): boolean {
  return reference.endsWith('*') ? rule.id.startsWith(reference.slice(0, -1)) : rule.id === reference;
}

/** The names a profile field may take: one id or several joined by commas ("US,UK"), case-insensitive. */
export function profileIdsOf(name: string): string[] {
  return [
    ...new Set(
      name
        .split(/[,+\s]+/)
        .map((entry) => entry.trim().toUpperCase())
        .filter(Boolean),
    ),
  ];
}

/** Joins the named profiles; the currency is the first one's unless `currency` overrides it. */
export function resolveProfile(settings: ComplianceProfiles, name: string, currency?: string): ActiveProfile {
  const requested = profileIdsOf(name);
  const known = [...settings.profiles.keys()];
  const unknown = requested.filter((id) => !settings.profiles.has(id));
  if (requested.length === 0 || unknown.length > 0) throw new UnknownProfileError(unknown.length > 0 ? unknown : [name], known);
  const chosen = known.filter((id) => requested.includes(id)).map((id) => settings.profiles.get(id)!);
  const union = (lists: string[][]): string[] => [...new Set(lists.flat())];
  return {
    id: chosen.map((profile) => profile.id).join(','),
    jurisdictions: union(chosen.map((profile) => profile.jurisdictions)),
    currency: currency ?? chosen[0]!.currency,
    packs: union(chosen.map((profile) => profile.packs)),
  };
}

/** Whether a rule is in force under a profile: its pack is listed and one of its jurisdictions is the profile's. */
export function ruleInProfile(rule: Pick<RuleDefinition, 'packId' | 'appliesIn'>, profile: ActiveProfile): boolean {
  return profile.packs.includes(rule.packId) && rule.appliesIn.some((jurisdiction) => profile.jurisdictions.includes(jurisdiction));
}
