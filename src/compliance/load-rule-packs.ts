import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse } from 'yaml';
import { RulePackError } from './rule-pack-error.js';
import { rulePackSchema, wordFamilyFileSchema, type DetectorSpec, type RuleDefinition, type RulePack, type WordFamily } from './rule-pack-schema.js';
import { compileAlternation, patternProblem } from './safe-pattern.js';
import { normalizeText } from '../text/normalize-text.js';

export { RulePackError } from './rule-pack-error.js';
export type { RuleDefinition, RulePack } from './rule-pack-schema.js';

export const minimumExamples = 3;

/** Where shared word families live, under the rules directory. */
export const wordFamilyDirectory = 'word-families';

/** Word families by language, each remembering the file that defined it (for errors). */
export type WordFamilies = Record<'zh' | 'en', Map<string, WordFamily & { file: string }>>;

export const noWordFamilies = (): WordFamilies => ({ zh: new Map(), en: new Map() });

/** A family's patterns must be safe and must catch each of its own examples (normalised like checked text). */
function validateFamily(file: string, name: string, family: WordFamily): void {
  for (const source of family.patterns) {
    const problem = patternProblem(source);
    if (problem) throw new RulePackError(file, undefined, `word family ${name}: bad pattern /${source}/: ${problem}`);
  }
  const any = compileAlternation(family.patterns, false);
  for (const example of family.examples) {
    if (!any.test(normalizeText(example).text)) throw new RulePackError(file, undefined, `word family ${name}: its example "${example}" matches none of its patterns`);
  }
}

/** Parses one shared word-family file into `into`; a name defined twice in a language is an error. */
export function parseWordFamilies(file: string, yamlText: string, into: WordFamilies = noWordFamilies()): WordFamilies {
  let document: unknown;
  try {
    document = parse(yamlText);
  } catch (error) {
    throw new RulePackError(file, undefined, `YAML error: ${(error as Error).message}`);
  }
  const parsed = wordFamilyFileSchema.safeParse(document);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RulePackError(file, undefined, `schema error at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  const families = into[parsed.data.language];
  for (const [name, family] of Object.entries(parsed.data.families)) {
    const previous = families.get(name);
    if (previous) throw new RulePackError(file, undefined, `duplicate word family ${name} (also in ${previous.file})`);
    validateFamily(file, name, family);
    families.set(name, { ...family, file });
  }
  return into;
}

export function loadWordFamilies(directory: string): WordFamilies {
  const families = noWordFamilies();
  if (!existsSync(directory)) return families;
  for (const name of readdirSync(directory).filter((entry) => /\.ya?ml$/.test(entry)).sort()) {
    parseWordFamilies(`${wordFamilyDirectory}/${name}`, readFileSync(join(directory, name), 'utf8'), families);
  }
  return families;
}

/** Every family a frame slot names must exist (the pack's own first, then the shared ones of its language). */
function resolveFrames(file: string, rule: RuleDefinition, local: Map<string, WordFamily>, shared: Map<string, WordFamily>): Record<string, string[]> | undefined {
  const frames = rule.detector.frames;
  if (!frames) return undefined;
  const resolved: Record<string, string[]> = {};
  const seen = new Set<string>();
  for (const frame of frames) {
    if (seen.has(frame.id)) throw new RulePackError(file, rule.id, `duplicate frame id ${frame.id}`);
    seen.add(frame.id);
    const slots: [string, readonly string[] | undefined][] = [
      ['about', frame.about],
      ['claim', frame.claim],
      ['with', frame.with],
      ['unlessSentence', frame.unlessSentence],
      ['unless', frame.unless],
      ['asked', frame.asked],
      ['state.customerSaid', frame.state?.customerSaid],
      ['state.agentSaid', frame.state?.agentSaid],
      ['state.agentNotSaid', frame.state?.agentNotSaid],
    ];
    for (const [slot, names] of slots) {
      for (const name of names ?? []) {
        const family = local.get(name) ?? shared.get(name);
        if (!family) throw new RulePackError(file, rule.id, `frame ${frame.id}: ${slot} names unknown word family "${name}"`);
        resolved[name] = family.patterns;
      }
    }
  }
  return resolved;
}

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
    detector.cues ??
    detector.strongCues ??
    detector.replyCues ??
    detector.situationCues ??
    detector.identifiers ??
    detector.suitability ??
    detector.frames ??
    (detector.trigger && detector.satisfiedBy);
  if (!detects) throw new RulePackError(file, rule.id, 'detector has nothing to detect (cues, strongCues, frames, identifiers, suitability or trigger + satisfiedBy)');
  if (rule.kind === 'required_disclosure') {
    if (!detector.trigger || !detector.satisfiedBy) throw new RulePackError(file, rule.id, 'a required_disclosure rule needs detector.trigger and detector.satisfiedBy');
    if (!rule.remedy) throw new RulePackError(file, rule.id, 'a required_disclosure rule needs remedy (the approved wording to add)');
  }
  for (const [language, translation] of Object.entries(rule.remedyIn ?? {})) {
    if (!translation) continue;
    if (language === rule.language) throw new RulePackError(file, rule.id, `remedyIn.${language} is the pack's own language: use remedy`);
    if (!rule.remedy) throw new RulePackError(file, rule.id, `remedyIn.${language} translates a remedy the rule does not have`);
    for (const source of translation.satisfiedBy) {
      const problem = patternProblem(source);
      if (problem) throw new RulePackError(file, rule.id, `bad pattern in remedyIn.${language}.satisfiedBy /${source}/: ${problem}`);
    }
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

/** Parses and validates one pack's YAML text; `file` only names the pack in errors; `families` are the shared ones. */
export function parseRulePack(file: string, yamlText: string, families: WordFamilies = noWordFamilies()): RulePack {
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
  const local = new Map(Object.entries(pack.families ?? {}));
  for (const [name, family] of local) validateFamily(file, name, family);
  const packJurisdictions = jurisdictionsOf(pack.jurisdiction);
  const rules: RuleDefinition[] = pack.rules.map((rule) => ({
    ...rule,
    jurisdiction: pack.jurisdiction,
    language: pack.language,
    packId: pack.id,
    appliesIn: rule.jurisdictions ?? packJurisdictions,
  }));
  for (const rule of rules) {
    const resolved = resolveFrames(file, rule, local, families[pack.language]);
    if (resolved) rule.wordFamilies = resolved;
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
  const families = loadWordFamilies(join(directory, wordFamilyDirectory));
  const packs = files.map((name) => parseRulePack(basename(name), readFileSync(join(directory, name), 'utf8'), families));
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
