import { foldText } from '../text/segment-text.js';
import { understandingData, type SituationDefinition } from './understanding-data.js';

export type Language = 'zh' | 'en';

/** A situation with required handling, recognised in what the customer said. */
export interface Situation {
  id: string;
  /** The reply must decline, warn, redirect or escalate: the approved wording opens every reply. */
  declines: boolean;
  /**
   * Facts answering the customer's own question would help the harm the situation warns about (the fee and arrival
   * time of a transfer a scammer asked for): replies give the wording and the situation's script only.
   */
  withholdsAnswers: boolean;
  /** What the agent must do (for the model prompt). */
  handling: string;
  /** Approved wording to open the reply with (empty: the situation only steers the search and the prompt). */
  wording: string;
  /** What to look up for the approved script or procedure to cite. */
  knowledgeQuery: string;
  /** The cue word that matched first (for wording that names what was asked). */
  cue: string;
}

const latin = /^[\x20-\x7e]+$/u;
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');

/** English cues match at word boundaries ("pin" is not "spinning"); Chinese cues as substrings. */
function matcherOf(word: string): (text: string) => boolean {
  const folded = foldText(word);
  if (!latin.test(folded)) return (text) => text.includes(folded);
  const pattern = new RegExp(`(?<![a-z0-9])${escape(folded)}(?![a-z0-9])`, 'u');
  return (text) => pattern.test(text);
}

interface CompiledSituation {
  definition: SituationDefinition;
  alternatives: Record<Language, { word: string; matches: (text: string) => boolean }[][][]>;
  /** Removes the phrases that only look like a cue (notWhen), both languages'. */
  withoutLookalikes: (text: string) => string;
  /** The words of wanting a product (intent), compiled once: the profile check runs on every suggestion. */
  intent: Record<Language, { word: string; matches: (text: string) => boolean }[]>;
}

function lookalikeRemover(phrases: readonly string[]): (text: string) => string {
  if (phrases.length === 0) return (text) => text;
  const pattern = new RegExp(phrases.map((phrase) => foldText(phrase)).map((phrase) => (latin.test(phrase) ? `(?<![a-z0-9])${escape(phrase)}(?![a-z0-9])` : escape(phrase))).join('|'), 'gu');
  return (text) => text.replace(pattern, ' ');
}

let compiled: CompiledSituation[] | undefined;

function compiledSituations(): CompiledSituation[] {
  compiled ??= understandingData().situations.map((definition) => ({
    definition,
    alternatives: {
      zh: definition.cues.zh.map((families) => families.map((family) => family.map((word) => ({ word, matches: matcherOf(word) })))),
      en: definition.cues.en.map((families) => families.map((family) => family.map((word) => ({ word, matches: matcherOf(word) })))),
    },
    withoutLookalikes: lookalikeRemover([...(definition.notWhen?.zh ?? []), ...(definition.notWhen?.en ?? [])]),
    intent: {
      zh: (definition.intent?.zh ?? []).map((word) => ({ word, matches: matcherOf(word) })),
      en: (definition.intent?.en ?? []).map((word) => ({ word, matches: matcherOf(word) })),
    },
  }));
  return compiled;
}

function situationOf(definition: SituationDefinition, language: Language, cue: string): Situation {
  return {
    id: definition.id,
    declines: definition.declines,
    withholdsAnswers: definition.withholdsAnswers ?? false,
    handling: definition.handling[language],
    wording: definition.wording[language].replace('{topic}', cue),
    knowledgeQuery: definition.knowledge[language],
    cue,
  };
}

const levelOf = (level: string | undefined): number | undefined => (level && /^[CR][1-5]$/u.test(level) ? Number(level.slice(1)) : undefined);

/**
 * The situations the customer's profile brings to what they say: wanting (a situation's `intent` words) a product
 * whose risk level (R1-R5) is above the customer's assessment (C1-C5). The profile, not the words, says it is unsuitable.
 */
export function profileSituations(text: string, language: Language, customerLevel: string | undefined, productLevel: string | undefined): Situation[] {
  const customer = levelOf(customerLevel);
  const product = levelOf(productLevel);
  if (customer === undefined || product === undefined || product <= customer) return [];
  const folded = foldText(text).replace(/\s+/gu, ' ');
  return compiledSituations().flatMap(({ definition, intent }) => {
    const said = [...intent[language], ...intent[language === 'zh' ? 'en' : 'zh']].find((entry) => entry.matches(folded));
    return said === undefined ? [] : [situationOf(definition, language, said.word)];
  });
}

/**
 * The situations in `text` (the customer's recent words), in the order the data file lists them (most
 * pressing first). Both languages' cues are tried: customers mix them ("PIN", "App").
 */
export function detectSituations(text: string, language: Language): Situation[] {
  const folded = foldText(text).replace(/\s+/gu, ' ');
  const found: Situation[] = [];
  for (const { definition, alternatives, withoutLookalikes } of compiledSituations()) {
    let cue: string | undefined;
    const read = withoutLookalikes(folded);
    for (const families of [...alternatives[language], ...alternatives[language === 'zh' ? 'en' : 'zh']]) {
      const hits = families.map((family) => family.find((entry) => entry.matches(read)));
      if (hits.every((hit) => hit !== undefined)) {
        cue = hits[0]?.word;
        break;
      }
    }
    if (cue === undefined) continue;
    found.push(situationOf(definition, language, cue));
  }
  return found;
}
