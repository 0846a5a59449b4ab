import { detectLanguage, foldText } from '../text/segment-text.js';
import { decideCallOutcome } from './decide-call-outcome.js';
import { detectComplaint, implicitComplaintLevels, type DetectedComplaint } from './detect-complaint.js';
import { detectContactReason } from './detect-contact-reason.js';
import { detectIntent } from './detect-intent.js';
import { pickDisposition } from './disposition-taxonomy.js';
import { extractCallActions } from './extract-call-actions.js';
import { matchProducts } from './match-products.js';
import { readCallSentences } from './read-call-sentences.js';
import { sentimentOf } from './score-sentiment.js';
import { splitSentences, trimText } from './split-sentences.js';
import type { SummaryContext, SummaryTurn } from './summary-context.js';
import type { ComplianceSummary, Summary, SummaryLanguage } from './summary-schema.js';
import { writeNarrative } from './write-narrative.js';

interface FoldedTurn extends SummaryTurn {
  folded: string;
}

const leadingFiller = /^(?:好的?|是的|对的?|嗯嗯|行|喂+|你好+|您好+|哈喽|嗨|早上好|下午好|晚上好|嗯+|啊+|哦+|额+|呃+|那个|是这样的?|就是说?|hi|hello|hey|good (?:morning|afternoon|evening)|um+|uh+|yes|yeah|ok(?:ay)?|so|well|oh)(?:[\s，,。.!！?？~～、]+|$)/u;
const identityChat = /^(?:我(?:是|叫|姓)|本人|我的?(?:身份证|卡号|手机号|电话|名字)|身份证号?|卡号|手机号|尾号|my name is|this is|it's|i'm|i am|my (?:date of birth|dob|account number|card number|phone number|zip|postcode|address|social|email))/u;
const agentGreeting = /有什么可以帮|很高兴为您服务|感谢(您的)?来电|欢迎(致电|来电)|how (can|may) i (help|assist)|what can i do for you|thank(s| you) for calling/u;
// The customer's answer to an identity check ("March 3rd 1980", "尾号3321") is not why they called.
const identityRequest = /核实|验证|身份证|姓名|手机号|后四位|出生|date of birth|\bdob\b|verify|confirm your|security question|full name|postcode|zip code|last four/u;
const acknowledgement = /^(?:谢谢|感谢|好的?|是的?|对的?|嗯|没有了?|没了|可以|行|在的?|在吗|稍等|thanks?|thank you|yes|no|ok(?:ay)?|sure|right|correct|hold on|one moment)[\s\p{P}]*$/u;

function stripFillers(text: string): string {
  let current = text.trim();
  for (let round = 0; round < 4; round += 1) {
    const next = current.replace(leadingFiller, '').trim();
    if (next === current) break;
    current = next;
  }
  return current;
}

function contentSize(text: string, language: SummaryLanguage): number {
  if (language === 'zh') return (text.match(/[\p{L}\p{N}]/gu) ?? []).length;
  return (text.match(/[\p{L}\p{N}']+/gu) ?? []).length;
}

/** Greetings, identity checks and acknowledgements say nothing about why the customer called. */
function substantiveText(text: string, language: SummaryLanguage): string | undefined {
  const stripped = stripFillers(text);
  const folded = foldText(stripped);
  if (/^[\d\s\-*#x]+$/u.test(folded) || acknowledgement.test(folded) || agentGreeting.test(folded)) return undefined;
  const size = contentSize(stripped, language);
  if (size < (language === 'zh' ? 4 : 3)) return undefined;
  if (identityChat.test(folded) && size < (language === 'zh' ? 20 : 10)) return undefined;
  return stripped;
}

const enough = { zh: 12, en: 8 } as const;
const reasonLimit = { zh: 80, en: 160 } as const;

/** The customer's first substantive words, condensed to one sentence; a vague opener takes the next turn too. */
function buildReason(turns: readonly FoldedTurn[], answersToIdentityChecks: ReadonlySet<string>, language: SummaryLanguage): { text: string; turnIds: string[] } {
  const parts: string[] = [];
  const turnIds: string[] = [];
  let size = 0;
  for (const turn of turns) {
    const isAnswer = answersToIdentityChecks.has(turn.id);
    const sentences = splitSentences(turn.text)
      .map((sentence) => substantiveText(sentence, language))
      .filter((sentence): sentence is string => sentence !== undefined)
      // An answer to "your date of birth?" may still go on to the issue: keep only long, digit-free sentences.
      .filter((sentence) => !isAnswer || (!/\d/u.test(sentence) && contentSize(sentence, language) >= enough[language]));
    if (sentences.length === 0) continue;
    turnIds.push(turn.id);
    for (const clean of sentences) {
      parts.push(clean);
      size += contentSize(clean, language);
      if (size >= enough[language]) break;
    }
    if (size >= enough[language] || turnIds.length >= 2) break;
  }
  const joined = parts.join(language === 'zh' ? '，' : '; ');
  return { text: trimText(joined, reasonLimit[language]), turnIds };
}

function answersToIdentityChecks(turns: readonly FoldedTurn[]): Set<string> {
  const answers = new Set<string>();
  for (let index = 1; index < turns.length; index += 1) {
    const previous = turns[index - 1];
    const turn = turns[index];
    if (turn?.speaker === 'customer' && previous?.speaker === 'agent' && identityRequest.test(previous.folded)) answers.add(turn.id);
  }
  return answers;
}

export function resolveLanguage(turns: readonly SummaryTurn[], language: SummaryLanguage | undefined): SummaryLanguage {
  if (language) return language;
  // The opening turns decide; reading a 5,000-turn call to pick a language buys nothing.
  return detectLanguage(turns.slice(0, 60).map((turn) => turn.text).join('\n'));
}

export function complianceOf(turns: readonly SummaryTurn[], context: SummaryContext): ComplianceSummary {
  const result = context.compliance?.(turns);
  return { findings: [...(result?.findings ?? [])], missingDisclosures: [...(result?.missingDisclosures ?? [])] };
}

export interface OfflineOptions {
  /** Already computed by the caller (the model path computes it once for both outcomes). */
  compliance?: ComplianceSummary;
}

/**
 * The extractive summary: deterministic, no network, zh and en. It reports only what cues in the
 * transcript support (an empty list or `raised: false` rather than a guess), each item with its turn ids.
 */
export function summarizeOffline(
  turns: readonly SummaryTurn[],
  context: SummaryContext,
  options: OfflineOptions = {},
): Summary {
  const language = resolveLanguage(turns, context.language);
  const folded: FoldedTurn[] = turns.map((turn) => ({ ...turn, folded: foldText(turn.text) }));
  const customerTurns = folded.filter((turn) => turn.speaker === 'customer');
  // A one-sided recording with only the agent still says what the call was about.
  const voiceTurns = customerTurns.length > 0 ? customerTurns : folded.filter((turn) => turn.speaker === 'agent');
  const voiceTexts = voiceTurns.map((turn) => turn.folded);
  const idsOf = (indexes: readonly number[]) => indexes.map((index) => voiceTurns[index]?.id).filter((id): id is string => !!id);

  const identityAnswers = answersToIdentityChecks(folded);
  const reason = buildReason(voiceTurns, identityAnswers, language);
  const intent = detectIntent(voiceTexts, language);
  // What each of the customer's sentences does (asks, requests, complains, tells): the reason and complaints read it.
  const sentences = readCallSentences(voiceTurns, language, identityAnswers);
  // Only the customer can complain: an agent-only recording reports none rather than reading the agent's words.
  const complaint: DetectedComplaint =
    customerTurns.length > 0 ? detectComplaint(voiceTexts, implicitComplaintLevels(sentences)) : { raised: false, turnIndexes: [] };
  const explicitlySaid = customerTurns.length > 0 && complaint.raised && detectComplaint(voiceTexts).raised;
  let detectedReason = detectContactReason(sentences, language, complaint.raised);
  if (detectedReason.category === 'other' && customerTurns.length > 0) {
    // The customer never named the topic in words a category knows ("上次那个事情怎么样了"): the agent's answers
    // usually do. Only then are the agent's words read, and they set the category, never the customer's asks.
    const agentTurns = folded.filter((turn) => turn.speaker === 'agent');
    const fromAgent = detectContactReason(readCallSentences(agentTurns, language), language, false);
    if (fromAgent.category !== 'other') detectedReason = { ...fromAgent, asks: detectedReason.asks.map((ask) => ({ ...ask, category: fromAgent.category, label: fromAgent.label })) };
  }
  // "您好，我想了解…" is reported as "我想了解…": greetings are not part of what was asked.
  const contactReason = { ...detectedReason, asks: detectedReason.asks.map((ask) => ({ ...ask, text: stripFillers(ask.text) || ask.text })) };
  const reference = context.callEndedAt ?? new Date();
  const actions = extractCallActions({
    turns: folded,
    language,
    reference,
    ...(context.timeZone ? { timeZone: context.timeZone } : {}),
  });

  const third = Math.max(1, Math.ceil(customerTurns.length / 3));
  const start = sentimentOf(customerTurns.slice(0, third).map((turn) => turn.folded));
  const end = sentimentOf(customerTurns.slice(-third).map((turn) => turn.folded));
  const resolution = decideCallOutcome({
    turns: folded,
    commitments: actions.commitments,
    followUps: actions.followUps,
    actionsTaken: actions.actionsTaken.length,
    endNegative: end === 'negative',
    customerSpoke: sentences.length > 0,
  });
  const productsDiscussed = matchProducts(turns, context.products, language);
  const complaintField: Summary['complaint'] = complaint.raised
    ? {
        raised: true,
        ...(complaint.category ? { category: complaint.category } : {}),
        ...(complaint.severity ? { severity: complaint.severity } : {}),
        ...(explicitlySaid ? {} : { implicit: true }),
      }
    : { raised: false };

  const dispositionCode = pickDisposition(context.taxonomy, {
    intent: intent.key,
    complaint: { raised: complaint.raised, ...(complaint.category ? { category: complaint.category } : {}) },
    foldedText: voiceTexts.join('\n'),
  });

  return {
    reason: reason.text,
    // Nothing substantive was said (greetings only): no label rather than a guessed one.
    customerIntent: reason.text === '' && contactReason.asks.length === 0 && intent.turnIndexes.length === 0 ? '' : contactReason.label,
    productsDiscussed,
    actionsTaken: actions.actionsTaken,
    resolution: resolution.resolution,
    followUps: actions.followUps,
    commitments: actions.commitments,
    complaint: complaintField,
    sentiment: { start, end },
    compliance: options.compliance ?? complianceOf(turns, context),
    evidence: {
      reason: reason.turnIds,
      customerIntent: contactReason.turnIds.length > 0 ? contactReason.turnIds : idsOf(intent.turnIndexes),
      resolution: resolution.turnIds,
      complaint: idsOf(complaint.turnIndexes),
    },
    dispositionCode,
    reasonCategory: contactReason.category,
    customerAsks: contactReason.asks,
    outcome: resolution.outcome,
    narrative:
      reason.text === '' && contactReason.asks.length === 0
        ? ''
        : writeNarrative({
            language,
            reasonLabel: contactReason.label,
            asks: contactReason.asks,
            products: productsDiscussed,
            actionsTaken: actions.actionsTaken,
            outcome: resolution.outcome,
            followUps: actions.followUps,
            complaint: complaintField,
          }),
    language,
    provider: 'offline',
    model: 'extractive-v1',
    promptVersion: 'offline',
  };
}
