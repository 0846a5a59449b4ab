import { trimText } from './split-sentences.js';
import type { CallSentence } from './read-call-sentences.js';
import { summaryData, type CompiledContactReason } from './summary-data.js';
import type { CustomerAsk, SummaryLanguage } from './summary-schema.js';

export interface ContactReason {
  /** A category id of contact-reasons.yaml. */
  category: string;
  label: string;
  /** The customer's main asks, one per category, strongest first (at most three). */
  asks: CustomerAsk[];
  /** Turns whose sentences decided the category. */
  turnIds: string[];
}

const maximumAsks = 3;
const askLimit = { zh: 60, en: 140 } as const;
const asking = new Set(['question', 'request', 'complaint']);

function matches(reason: CompiledContactReason, folded: string): boolean {
  return reason.alternatives.some((families) => families.every((family) => family.test(folded)));
}

interface Tally {
  reason: CompiledContactReason;
  score: number;
  order: number;
  sentences: CallSentence[];
}

/**
 * Why the customer called, from what the customer's sentences do, not from the first thing they said: every
 * sentence that names a category counts for it, asking and requesting more than telling the story, the opening
 * turns a little more than the rest. The category with most weight wins (ties: the one raised first, then the
 * data file's order);
 * fallback categories (complaint, other) only when no topic is named. The agent's words never count, except in
 * a recording with the agent alone.
 */
export function detectContactReason(sentences: readonly CallSentence[], language: SummaryLanguage, complaintRaised: boolean): ContactReason {
  const { reasons, weights } = summaryData();
  const tallies: Tally[] = reasons.map((reason, order) => ({ reason, score: 0, order, sentences: [] }));
  const openingTurnIds = [...new Set(sentences.map((sentence) => sentence.turnId))].slice(0, weights.openingTurns);
  for (const sentence of sentences) {
    const weight = weights[sentence.act as keyof typeof weights] ?? 0;
    if (weight === 0) continue;
    const bonus = openingTurnIds.includes(sentence.turnId) ? weights.openingBonus : 0;
    for (const tally of tallies) {
      if (tally.reason.definition.fallback || !matches(tally.reason, sentence.folded)) continue;
      tally.score += weight + bonus;
      tally.sentences.push(sentence);
    }
  }
  const firstMention = (tally: Tally): number => tally.sentences[0]?.turnIndex ?? Number.MAX_SAFE_INTEGER;
  const ranked = tallies
    .filter((tally) => tally.score > 0)
    .sort((left, right) => right.score - left.score || firstMention(left) - firstMention(right) || left.order - right.order);
  const askOf = (tally: Tally): CustomerAsk => {
    // The ask itself when there is one; the story sentence only when the customer never asked in words.
    const chosen = tally.sentences.find((sentence) => asking.has(sentence.act)) ?? tally.sentences[0];
    return {
      category: tally.reason.definition.id,
      label: tally.reason.definition.label[language],
      text: trimText(chosen?.text ?? '', askLimit[language]),
      turnIds: [...new Set(tally.sentences.map((sentence) => sentence.turnId))].slice(0, 5),
    };
  };
  const top = ranked[0];
  if (top) {
    // A second or third topic is a main ask only when the customer asked about it, not when it came up in passing.
    const asks = ranked.filter((tally, index) => index === 0 || tally.sentences.some((sentence) => asking.has(sentence.act))).slice(0, maximumAsks).map(askOf);
    return { category: top.reason.definition.id, label: top.reason.definition.label[language], asks, turnIds: asks[0]?.turnIds ?? [] };
  }
  const fallbacks = tallies.filter((tally) => tally.reason.definition.fallback);
  const complaint = fallbacks.find((tally) => tally.reason.definition.id === 'complaint');
  if (complaint && complaintRaised) {
    const complaining = sentences.filter((sentence) => sentence.act === 'complaint' || matches(complaint.reason, sentence.folded));
    const asks = complaining.length > 0 ? [askOf({ ...complaint, sentences: complaining })] : [];
    return { category: complaint.reason.definition.id, label: complaint.reason.definition.label[language], asks, turnIds: asks[0]?.turnIds ?? [] };
  }
  const other = fallbacks.find((tally) => tally.reason.definition.id !== 'complaint') ?? fallbacks[0] ?? tallies[tallies.length - 1];
  if (!other) throw new Error('contact-reasons.yaml lists no category');
  const firstAsk = sentences.find((sentence) => asking.has(sentence.act));
  const asks = firstAsk ? [askOf({ ...other, sentences: [firstAsk] })] : [];
  return { category: other.reason.definition.id, label: other.reason.definition.label[language], asks, turnIds: asks[0]?.turnIds ?? [] };
}
