import type { RuleDefinition } from './rule-pack-schema.js';
import { compileAlternation } from './safe-pattern.js';

/** A cue list compiled twice: one alternation to find candidates fast, and each cue alone to find its `core`. */
export interface CueSet {
  any: RegExp;
  each: RegExp[];
}

/** A family list compiled as one cue set, remembering which family each pattern came from (for explain). */
export interface FamilySet extends CueSet {
  families: string[];
}

export interface CompiledFrame {
  id: string;
  about?: FamilySet;
  aboutIn: 'sentence' | 'text' | 'conversation';
  claim: FamilySet;
  rhetorical: boolean;
  includeQuestions: boolean;
  with?: RegExp;
  unlessSentence?: RegExp;
  unless?: RegExp;
  asked?: FamilySet;
  customerSaid?: RegExp;
  agentSaid?: RegExp;
  agentNotSaid?: RegExp;
  vulnerable?: boolean;
}

export interface CompiledRule {
  frames?: CompiledFrame[];
  definition: RuleDefinition;
  topics?: RegExp;
  situationCustomer?: RegExp;
  situationText?: RegExp;
  cues?: CueSet;
  strongCues?: CueSet;
  replies?: { to: RegExp; cues: CueSet; unless?: RegExp }[];
  situationCues?: CueSet;
  exceptCustomer?: RegExp;
  with?: RegExp;
  safe?: RegExp;
  prerequisite?: RegExp;
  prerequisiteUnless?: RegExp;
  triggerText?: CueSet;
  triggerTextWith?: RegExp;
  triggerCustomer?: RegExp;
  satisfiedBy?: RegExp;
  pitch?: CueSet;
  suitabilitySafe?: RegExp;
  customerLevels?: { pattern: RegExp; level: number }[];
  productTypes?: { pattern: RegExp; level: number }[];
  /**
   * The patterns every finding of the rule in the text starts from (a cue, a frame's claim, a pitch, a disclosure's
   * topic): when none can match the text, and no identifier or customer-raised disclosure applies, the rule cannot
   * fire and is not evaluated further. Derived here so it follows the detector: see `mayFire` in rule-evaluator.ts.
   */
  findingStarts: RegExp[];
}

function cueSetOf(sources: readonly string[]): CueSet {
  return { any: compileAlternation(sources, false), each: sources.map((source) => new RegExp(source, 'gid')) };
}

function cueSet(sources: readonly string[] | undefined): CueSet | undefined {
  return sources ? cueSetOf(sources) : undefined;
}

function alternation(sources: readonly string[] | undefined): RegExp | undefined {
  return sources ? compileAlternation(sources, false) : undefined;
}

function familySet(names: readonly string[] | undefined, wordFamilies: Record<string, string[]>): FamilySet | undefined {
  if (!names) return undefined;
  const sources: string[] = [];
  const families: string[] = [];
  for (const name of names) {
    for (const source of wordFamilies[name] ?? []) {
      sources.push(source);
      families.push(name);
    }
  }
  return { ...cueSetOf(sources), families };
}

function familyAlternation(names: readonly string[] | undefined, wordFamilies: Record<string, string[]>): RegExp | undefined {
  if (!names) return undefined;
  return compileAlternation(
    names.flatMap((name) => wordFamilies[name] ?? []),
    false,
  );
}

function compileFrames(definition: RuleDefinition): CompiledFrame[] | undefined {
  const wordFamilies = definition.wordFamilies ?? {};
  return definition.detector.frames?.map((frame) => {
    const compiled: CompiledFrame = {
      id: frame.id,
      aboutIn: frame.aboutIn ?? 'conversation',
      claim: familySet(frame.claim, wordFamilies) ?? { ...cueSetOf([]), families: [] },
      rhetorical: frame.rhetorical === true,
      includeQuestions: frame.includeQuestions === true,
    };
    const about = familySet(frame.about, wordFamilies);
    if (about) compiled.about = about;
    const asked = familySet(frame.asked, wordFamilies);
    if (asked) compiled.asked = asked;
    const regexes: [keyof CompiledFrame, readonly string[] | undefined][] = [
      ['with', frame.with],
      ['unlessSentence', frame.unlessSentence],
      ['unless', frame.unless],
      ['customerSaid', frame.state?.customerSaid],
      ['agentSaid', frame.state?.agentSaid],
      ['agentNotSaid', frame.state?.agentNotSaid],
    ];
    for (const [key, names] of regexes) {
      const regex = familyAlternation(names, wordFamilies);
      if (regex) (compiled as unknown as Record<string, RegExp>)[key] = regex;
    }
    if (frame.state?.vulnerable !== undefined) compiled.vulnerable = frame.state.vulnerable;
    return compiled;
  });
}

export function compileRule(definition: RuleDefinition): CompiledRule {
  const { detector } = definition;
  const compiled: CompiledRule = { definition, findingStarts: [] };
  const set = <K extends keyof CompiledRule>(key: K, value: CompiledRule[K] | undefined): void => {
    if (value !== undefined) compiled[key] = value;
  };
  set('frames', compileFrames(definition));
  set('topics', alternation(detector.topics));
  set('situationCustomer', alternation(detector.situation?.customer));
  set('situationText', alternation(detector.situation?.text));
  set('cues', cueSet(detector.cues));
  set('strongCues', cueSet(detector.strongCues));
  set(
    'replies',
    detector.replyCues?.map((reply) => {
      const compiledReply: { to: RegExp; cues: CueSet; unless?: RegExp } = { to: compileAlternation(reply.to, false), cues: cueSetOf(reply.cues) };
      if (reply.unless) compiledReply.unless = compileAlternation(reply.unless, false);
      return compiledReply;
    }),
  );
  set('situationCues', cueSet(detector.situationCues));
  set('exceptCustomer', alternation(detector.exceptCustomer));
  set('with', alternation(detector.with));
  set('safe', alternation(detector.safe));
  set('prerequisite', alternation(detector.prerequisite?.agent));
  set('prerequisiteUnless', alternation(detector.prerequisite?.unless));
  set('triggerText', cueSet(detector.trigger?.text));
  set('triggerTextWith', alternation(detector.trigger?.textWith));
  set('triggerCustomer', alternation(detector.trigger?.customer));
  set('satisfiedBy', alternation(detector.satisfiedBy));
  set('pitch', cueSet(detector.suitability?.pitch));
  set('suitabilitySafe', alternation(detector.suitability?.safe));
  set('customerLevels', detector.suitability?.customerLevels?.map((entry) => ({ pattern: new RegExp(entry.pattern, 'i'), level: entry.level })));
  set('productTypes', detector.suitability?.productTypes?.map((entry) => ({ pattern: new RegExp(entry.pattern, 'gi'), level: entry.level })));
  const starts = [compiled.cues, compiled.strongCues, ...(compiled.replies ?? []).map((reply) => reply.cues), compiled.situationCues, ...(compiled.frames ?? []).map((frame) => frame.claim)];
  if (detector.suitability) starts.push(compiled.pitch);
  if (compiled.satisfiedBy) starts.push(compiled.triggerText);
  compiled.findingStarts = [...new Set(starts.flatMap((set) => (set ? [set.any] : [])))];
  return compiled;
}

/** Every regular expression a compiled rule runs (for the prefilter that skips those that cannot match). */
export function patternsOf(rule: CompiledRule): RegExp[] {
  const patterns: RegExp[] = [];
  const visit = (value: unknown): void => {
    if (value instanceof RegExp) patterns.push(value);
    else if (Array.isArray(value)) for (const item of value) visit(item);
    else if (value && typeof value === 'object') for (const item of Object.values(value)) visit(item);
  };
  for (const [key, value] of Object.entries(rule)) if (key !== 'definition' && key !== 'findingStarts') visit(value);
  return patterns;
}
