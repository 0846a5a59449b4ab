import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse } from 'yaml';
import { RulePackError } from './rule-pack-error.js';
import { rulePackSchema, type DetectorSpec, type RuleDefinition, type RulePack } from './rule-pack-schema.js';
import { patternProblem } from './safe-pattern.js';

export { RulePackError } from './rule-pack-error.js';
export type { RuleDefinition, RulePack } from './rule-pack-schema.js';

export const minimumExamples = 3;

/** Every pattern of a detector, with where it sits, so an error can name it. */
function detectorPatterns(detector: DetectorSpec): { where: string; source: string }[] {
  const found: { where: string; source: string }[] = [];
  const add = (where: string, list: readonly string[] | undefined): void => {
    for (const source of list ?? []) found.push({ where, source });
  };
  add('topics', detector.topics);
  add('situation.customer', detector.situation?.customer);
  add('situation.text', detector.situation?.text);
  add('cues', detector.cues);
  add('strongCues', detector.strongCues);
  for (const reply of detector.replyCues ?? []) {
    add('replyCues.to', reply.to);
    add('replyCues.cues', reply.cues);
    add('replyCues.unless', reply.unless);
  }
  add('situationCues', detector.situationCues);
  add('exceptCustomer', detector.exceptCustomer);
  add('with', detector.with);
  add('safe', detector.safe);
  add('prerequisite.agent', detector.prerequisite?.agent);
  add('prerequisite.unless', detector.prerequisite?.unless);
  add('trigger.text', detector.trigger?.text);
  add('trigger.textWith', detector.trigger?.textWith);
  add('trigger.customer', detector.trigger?.customer);
  add('satisfiedBy', detector.satisfiedBy);
  add('suitability.pitch', detector.suitability?.pitch);
  add('suitability.safe', detector.suitability?.safe);
  add('suitability.customerLevels', detector.suitability?.customerLevels?.map((entry) => entry.pattern));
  add('suitability.productTypes', detector.suitability?.productTypes?.map((entry) => entry.pattern));
  return found;
}

function validateRule(file: string, rule: RuleDefinition): void {
  const { detector } = rule;
  for (const { where, source } of detectorPatterns(detector)) {
    const problem = patternProblem(source);
    if (problem) throw new RulePackError(file, rule.id, `bad pattern in ${where} /${source}/: ${problem}`);
  }
  const detects =
    detector.cues ?? detector.strongCues ?? detector.replyCues ?? detector.situationCues ?? detector.identifiers ?? detector.suitability ?? (detector.trigger && detector.satisfiedBy);
  if (!detects) throw new RulePackError(file, rule.id, 'detector has nothing to detect (cues, strongCues, identifiers, suitability or trigger + satisfiedBy)');
  if (rule.kind === 'required_disclosure') {
    if (!detector.trigger || !detector.satisfiedBy) throw new RulePackError(file, rule.id, 'a required_disclosure rule needs detector.trigger and detector.satisfiedBy');
    if (!rule.remedy) throw new RulePackError(file, rule.id, 'a required_disclosure rule needs remedy (the approved wording to add)');
  }
  if (detector.situationCues && !detector.situation) throw new RulePackError(file, rule.id, 'detector.situationCues needs detector.situation');
  if (detector.trigger && !detector.satisfiedBy) throw new RulePackError(file, rule.id, 'detector.trigger needs detector.satisfiedBy');
  if (rule.examples.violating.length < minimumExamples) {
    throw new RulePackError(file, rule.id, `needs at least ${minimumExamples} violating examples, has ${rule.examples.violating.length}`);
  }
  if (rule.examples.compliant.length < minimumExamples) {
    throw new RulePackError(file, rule.id, `needs at least ${minimumExamples} compliant examples, has ${rule.examples.compliant.length}`);
  }
}

/** A pack's `jurisdiction` ("US, UK") as a list. */
export function jurisdictionsOf(field: string): string[] {
  return field
    .split(/[,;/]/)
    .map((entry) => entry.trim())
    .filter(Boolean);
}

/** Parses and validates one pack's YAML text; `file` only names the pack in errors. */
export function parseRulePack(file: string, yamlText: string): RulePack {
  let document: unknown;
  try {
    document = parse(yamlText);
  } catch (error) {
    throw new RulePackError(file, undefined, `YAML error: ${(error as Error).message}`);
  }
  const parsed = rulePackSchema.safeParse(document);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path ?? [];
    let ruleId: string | undefined;
    if (path[0] === 'rules' && typeof path[1] === 'number' && document && typeof document === 'object') {
      const rules = (document as { rules?: unknown }).rules;
      const rule = Array.isArray(rules) ? (rules[path[1]] as { id?: unknown } | undefined) : undefined;
      ruleId = typeof rule?.id === 'string' ? rule.id : `#${path[1] + 1}`;
    }
    throw new RulePackError(file, ruleId, `schema error at ${path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  const pack = parsed.data;
  const packJurisdictions = jurisdictionsOf(pack.jurisdiction);
  const rules: RuleDefinition[] = pack.rules.map((rule) => ({
    ...rule,
    jurisdiction: pack.jurisdiction,
    language: pack.language,
    packId: pack.id,
    appliesIn: rule.jurisdictions ?? packJurisdictions,
  }));
  for (const rule of rules) {
    validateRule(file, rule);
    const outside = rule.appliesIn.filter((jurisdiction) => !packJurisdictions.includes(jurisdiction));
    if (outside.length > 0) throw new RulePackError(file, rule.id, `jurisdictions ${outside.join(', ')} are not among the pack's (${packJurisdictions.join(', ')})`);
  }
  return { ...pack, rules, file };
}

/** Loads every `*.yaml` / `*.yml` pack in `directory` (sorted by name). Throws RulePackError on anything wrong. */
export function loadRulePacks(directory: string): RulePack[] {
  const files = readdirSync(directory)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort();
  if (files.length === 0) throw new RulePackError(directory, undefined, 'no rule packs (*.yaml) found');
  const packs = files.map((name) => parseRulePack(basename(name), readFileSync(join(directory, name), 'utf8')));
  assertUniqueIds(packs);
  return packs;
}

export function assertUniqueIds(packs: readonly RulePack[]): void {
  const seenPacks = new Map<string, string>();
  const seenRules = new Map<string, string>();
  for (const pack of packs) {
    const file = pack.file ?? pack.id;
    const previousPack = seenPacks.get(pack.id);
    if (previousPack) throw new RulePackError(file, undefined, `duplicate pack id ${pack.id} (also in ${previousPack})`);
    seenPacks.set(pack.id, file);
    for (const rule of pack.rules) {
      const previous = seenRules.get(rule.id);
      if (previous) throw new RulePackError(file, rule.id, `duplicate rule id (also in ${previous})`);
      seenRules.set(rule.id, file);
    }
  }
}
