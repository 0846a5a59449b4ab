import type { ComplianceEngine } from '../compliance/compliance-engine.js';
import type { CheckInput, ConversationTurn, CustomerProfile, Finding } from '../compliance/compliance-types.js';
import { mostlyInAnotherLanguage } from '../text/sentence-languages.js';
import { antiFraudReminder } from './approved-wording.js';
import { appendSentence } from './reply-sentences.js';
import type { TopicDisclosure } from './topic-disclosures.js';
import type { GeneratedSuggestion, SuggestionCitation, SuggestionOrigin } from './suggestion-types.js';

export interface GuardContext {
  turns: readonly ConversationTurn[];
  customer: CustomerProfile | undefined;
  language: 'zh' | 'en';
  /** The conversation's compliance profile: the disclosures appended and the rules checked are that profile's. */
  profile?: string;
  /** Where the call is governed from, as its words told (no profile given): disclosures of other laws are not due. */
  callJurisdictions?: readonly string[];
  /** Due in every reply because of what the customer asks about (topic-disclosures.yaml), whatever the reply says. */
  topicDisclosures?: readonly TopicDisclosure[];
}

export interface SuggestionDraft {
  text: string;
  citations: SuggestionCitation[];
  origin: SuggestionOrigin;
}

export type GuardedDraft =
  | { ok: true; suggestion: GeneratedSuggestion; /** Approved wording appended, in order (for streaming it out). */ additions: string[] }
  /** `rules`: the findings block it (a repair may fix them); `language`: mostly not in the conversation's language. */
  | { ok: false; reason: 'rules' | 'language'; findings: Finding[] };

export type SentenceVerdict = { action: 'release' } | { action: 'hold' } | { action: 'block'; findings: Finding[] };

/** Vulnerable by flag, or elderly: the age at which banks' 适老 service rules apply. */
export function needsPlainWording(customer: CustomerProfile | undefined): boolean {
  return customer?.vulnerable === true || (customer?.age ?? 0) >= 65;
}

// A second round catches wording whose own text raises another disclosure; more would mean a rule-pack loop.
const disclosureRounds = 2;

/** Blocks the things a sentence must never say; a missing disclosure only waits, since it can still come. */
function blocking(findings: readonly Finding[]): Finding[] {
  return findings.filter((finding) => finding.severity !== 'minor' && finding.kind !== 'required_disclosure');
}

/**
 * The compliance gate every suggestion passes before an agent sees it: the same engine that checks the
 * agent's own turns, run as if the agent had said the reply, with the conversation as context and the
 * customer's profile for suitability.
 */
export class SuggestionGuard {
  readonly #compliance: ComplianceEngine;
  readonly #context: GuardContext;
  readonly #customerText: string;
  readonly plain: boolean;

  constructor(compliance: ComplianceEngine, context: GuardContext) {
    this.#compliance = compliance;
    this.#context = context;
    this.plain = needsPlainWording(context.customer);
    this.#customerText = context.turns
      .slice(-8)
      .filter((turn) => turn.speaker === 'customer')
      .map((turn) => turn.text)
      .join('\n');
  }

  #input(text: string): CheckInput {
    const input: CheckInput = { text, speaker: 'agent', context: [...this.#context.turns], language: this.#context.language };
    if (this.#context.customer) input.customer = this.#context.customer;
    if (this.#context.profile) input.profile = this.#context.profile;
    if (this.#context.callJurisdictions) input.callJurisdictions = this.#context.callJurisdictions;
    return input;
  }

  /**
   * Checks the text so far of a reply being streamed, ending with the sentence about to be released. The check runs
   * every language the text holds; text mostly in another language than the conversation's waits, since the whole
   * reply is replaced if it stays so.
   */
  screenSentence(textSoFar: string): SentenceVerdict {
    const result = this.#compliance.check(this.#input(textSoFar));
    const blocked = blocking(result.findings);
    if (blocked.length > 0) return { action: 'block', findings: blocked };
    if (result.findings.some((finding) => finding.severity !== 'minor')) return { action: 'hold' };
    if (mostlyInAnotherLanguage(textSoFar, this.#context.language)) return { action: 'hold' };
    return { action: 'release' };
  }

  /**
   * Appends due disclosures (and, for vulnerable customers, an anti-fraud reminder where relevant), then checks
   * the whole reply. Anything that still fails comes back as findings, for a repair or a replacement.
   */
  finalize(draft: SuggestionDraft): GuardedDraft {
    const language = this.#context.language;
    let text = draft.text.trim();
    // The agent speaks the conversation's language: a reply mostly in another one is not shown, whatever it says.
    if (mostlyInAnotherLanguage(text, language)) return { ok: false, reason: 'language', findings: [] };
    const additions: string[] = [];
    const disclosures: string[] = [];
    for (const item of this.#context.topicDisclosures ?? []) {
      if (item.satisfiedBy?.test(text) || text.includes(item.text)) continue;
      text = appendSentence(text, item.text, language);
      additions.push(item.text);
      disclosures.push(item.ruleId);
    }
    for (let round = 0; round < disclosureRounds; round += 1) {
      const due = this.#compliance.requiredDisclosures(this.#input(text)).filter((item) => !disclosures.includes(item.ruleId));
      if (due.length === 0) break;
      for (const item of due) {
        text = appendSentence(text, item.text, language);
        additions.push(item.text);
        disclosures.push(item.ruleId);
      }
    }
    const result = this.#compliance.check(this.#input(text));
    if (result.verdict === 'fail') return { ok: false, reason: 'rules', findings: result.findings };
    let compliance: GeneratedSuggestion['compliance'] = { verdict: result.verdict, findings: result.findings };
    if (this.plain) {
      const reminder = antiFraudReminder(language, this.#customerText, text);
      if (reminder && !text.includes(reminder)) {
        const withReminder = appendSentence(text, reminder, language);
        const checked = this.#compliance.check(this.#input(withReminder));
        // The reminder is a courtesy: if a rule objects to it in this context, the reply goes out without it.
        if (checked.verdict !== 'fail') {
          text = withReminder;
          compliance = { verdict: checked.verdict, findings: checked.findings };
          additions.push(reminder);
        }
      }
    }
    return {
      ok: true,
      additions,
      suggestion: {
        text,
        citations: draft.citations,
        disclosures,
        compliance,
        origin: draft.origin,
      },
    };
  }
}
