import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import type { ComplianceEngine } from '../compliance/compliance-engine.js';
import { ruleInProfile } from '../compliance/compliance-profiles.js';
import type { RuleDefinition } from '../compliance/rule-pack-schema.js';
import type { KnownProduct } from '../understanding/discussed-product.js';

const perLanguage = <T extends z.ZodTypeAny>(schema: T) => z.object({ zh: schema, en: schema });
const words = z.array(z.string().min(1));

const topicSchema = z.object({
  id: z.string().min(1),
  product: z.object({ riskLevel: z.boolean().optional(), names: perLanguage(words).optional() }).optional(),
  asked: z.array(perLanguage(words)).optional(),
  /** Phrases that hold an asked word but mean something else ("can't afford to lose"): not read as asking. */
  notWhen: perLanguage(words).optional(),
  /** The topic is due only while one of these situations (understanding/situations.yaml) holds. */
  situations: z.array(z.string().min(1)).min(1).optional(),
  /** The topic is due only on a call governed from one of these (a UK complaint is owed the Ombudsman, a US one is not). */
  jurisdictions: z.array(z.string().min(1)).min(1).optional(),
  /**
   * Words one of which the reply must say for the topic's disclosure to count as given, instead of the rule's own test:
   * the rule is satisfied by logging a complaint, the topic (a customer asking where to go next) is not.
   */
  satisfiedBy: perLanguage(words).optional(),
  rules: perLanguage(z.array(z.string().min(1))),
});
const fileSchema = z.object({ topics: z.array(topicSchema).min(1) });

export type DisclosureTopic = z.infer<typeof topicSchema>;

/** A disclosure a reply must carry, with the rule's own test of whether a text already gives it. */
export interface TopicDisclosure {
  ruleId: string;
  text: string;
  satisfiedBy?: RegExp;
}

let cached: DisclosureTopic[] | undefined;

/** The topics of topic-disclosures.yaml (next to this file), read once. */
export function disclosureTopics(): DisclosureTopic[] {
  if (!cached) {
    const checked = fileSchema.safeParse(parse(readFileSync(new URL('./topic-disclosures.yaml', import.meta.url), 'utf8')));
    if (!checked.success) throw new Error(`topic-disclosures.yaml: ${checked.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
    cached = checked.data.topics;
  }
  return cached;
}

const cjk = /[\u3400-\u9fff]/u;
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');

function mentions(text: string, family: readonly string[]): boolean {
  return family.some((word) => {
    const folded = word.toLowerCase();
    // An English word or phrase also in its plural ("minimum payments", "cash advances").
    return cjk.test(folded) ? text.includes(folded) : new RegExp(`(?<![a-z])${escape(folded)}(?:s|es)?(?![a-z])`, 'u').test(text);
  });
}

function withoutPhrases(text: string, phrases: readonly string[]): string {
  return phrases.reduce((rest, phrase) => {
    const folded = phrase.toLowerCase();
    return rest.replace(cjk.test(folded) ? new RegExp(escape(folded), 'gu') : new RegExp(`(?<![a-z])${escape(folded)}(?![a-z])`, 'gu'), ' ');
  }, text);
}

export interface TopicDisclosureInput {
  language: 'zh' | 'en';
  /** The latest exchange: the customer's latest turn(s) and what was said just before (understanding/latestExchange). */
  text: string;
  /** The product under discussion, if known. */
  discussed?: KnownProduct;
  topics?: readonly DisclosureTopic[];
  /** The conversation's compliance profile ("US", "UK,US"); absent: the deployment's. */
  profile?: string;
  /**
   * The jurisdictions the call is governed from: the conversation's profile's, or the one the call's words tell
   * (understanding/call-jurisdiction). Absent: none known, and a topic for certain jurisdictions only is not on.
   */
  jurisdictions?: readonly string[];
  /** The situations the turn is in (their ids), for topics a situation makes due. */
  situations?: readonly string[];
  /**
   * The reply gives no facts about what was asked (a scam in progress: the situation withholds answers), only the
   * warning: a loan's cost or a product's risk is not what it tells, and a credit line appended to it is noise.
   */
  answersWithheld?: boolean;
}

/** The topics the conversation is on now, by the customer's words and the products' metadata. */
export function topicsOn(input: TopicDisclosureInput): DisclosureTopic[] {
  const language = input.language;
  if (input.answersWithheld) return [];
  const spoken = `${input.text}\n${input.discussed?.name ?? ''}`.normalize('NFKC').toLowerCase();
  return (input.topics ?? disclosureTopics()).filter((topic) => {
    if (topic.jurisdictions && !topic.jurisdictions.some((jurisdiction) => input.jurisdictions?.includes(jurisdiction))) return false;
    if (topic.situations && !topic.situations.some((situation) => input.situations?.includes(situation))) return false;
    if (topic.product?.riskLevel && !input.discussed?.riskLevel) return false;
    const names = topic.product?.names?.[language];
    if (names && !(input.discussed && mentions(input.discussed.name.toLowerCase(), [...names, ...(topic.product?.names?.[language === 'zh' ? 'en' : 'zh'] ?? [])]))) return false;
    const read = withoutPhrases(spoken, [...(topic.notWhen?.zh ?? []), ...(topic.notWhen?.en ?? [])]);
    return (topic.asked ?? []).every((family) => mentions(read, [...family.zh, ...family.en]));
  });
}

/**
 * The rule remedies due for the topics the conversation is on, for every reply: the agent may pick any of them, so
 * each must carry what the topic requires. Rules not in force (unknown ids, no remedy, or outside the conversation's
 * compliance profile: UK debt-advice signposting is not due on a US-only call) are skipped.
 */
export function topicDisclosures(compliance: Pick<ComplianceEngine, 'rule' | 'profileOf'>, input: TopicDisclosureInput): TopicDisclosure[] {
  const due: TopicDisclosure[] = [];
  // Without profiles configured the engine runs every pack, and so does this.
  const profile = compliance.profileOf(input.profile);
  for (const topic of topicsOn(input)) {
    for (const ruleId of topic.rules[input.language]) {
      const rule = compliance.rule(ruleId);
      if (!rule || due.some((item) => item.ruleId === ruleId)) continue;
      if (profile && !ruleInProfile(rule, profile)) continue;
      if (!holdsOnCall(rule, input)) continue;
      const wording = wordingIn(rule, input.language);
      if (!wording) continue;
      const own = topic.satisfiedBy?.[input.language] ?? [];
      const patterns = own.length > 0 ? own.map((word) => `(?<![a-z])${escape(word.toLowerCase())}(?![a-z])`) : wording.satisfiedBy;
      due.push({ ruleId, text: wording.text, ...(patterns.length > 0 ? { satisfiedBy: new RegExp(patterns.join('|'), 'iu') } : {}) });
    }
  }
  return due;
}

/**
 * Whether the rule's law governs the call: one of its jurisdictions is the call's. A call whose jurisdiction is not
 * known keeps the rules of its own language's packs, as the engine does.
 */
function holdsOnCall(rule: RuleDefinition, input: TopicDisclosureInput): boolean {
  const told = input.jurisdictions ?? [];
  return told.length > 0 ? rule.appliesIn.some((jurisdiction) => told.includes(jurisdiction)) : rule.language === input.language;
}

/** The rule's approved wording in the call's language: its own remedy, or the translation compliance staff gave it. */
function wordingIn(rule: RuleDefinition, language: 'zh' | 'en'): { text: string; satisfiedBy: string[] } | undefined {
  if (rule.language === language) return rule.remedy ? { text: rule.remedy, satisfiedBy: rule.detector.satisfiedBy ?? [] } : undefined;
  return rule.remedyIn?.[language];
}
