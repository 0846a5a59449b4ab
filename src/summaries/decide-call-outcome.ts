import { splitSentences } from './split-sentences.js';
import { summaryData } from './summary-data.js';
import type { CallOutcome, Commitment, FollowUp, Resolution } from './summary-schema.js';

export interface OutcomeTurn {
  id: string;
  speaker: 'customer' | 'agent' | 'system';
  folded: string;
}

export interface DecidedOutcome {
  outcome: CallOutcome;
  /** The contract's coarser field, kept consistent with the outcome. */
  resolution: Resolution;
  turnIds: string[];
}

/** Agent turns this close to the end can still hand the caller over; a transfer earlier was followed by more talk. */
const closingAgentTurns = 3;
/** Customer turns read for how they left the call. */
const closingCustomerTurns = 2;

/**
 * How the call ended, in order: the agent handed the caller over now (`transferred`); someone owes the customer
 * an answer after the call, a call-back, a reply within N days or a case passed to another team
 * (`callback_promised`); the need was met (`resolved`: the customer says so at the end, or the agent did
 * something and nobody said it failed); else `unresolved`. An offer ("需要我帮您转接吗？") is not a commitment.
 * `resolution` keeps its documented values: a transfer or a case passed to another team is `escalated`, other
 * open items `follow_up`.
 */
export function decideCallOutcome(input: {
  turns: readonly OutcomeTurn[];
  commitments: readonly Commitment[];
  followUps: readonly FollowUp[];
  actionsTaken: number;
  endNegative: boolean;
  /** The customer said something beyond greetings and filler (a greetings-only call met no need). */
  customerSpoke: boolean;
}): DecidedOutcome {
  const { outcome } = summaryData();
  const agentSentences = input.turns
    .filter((turn) => turn.speaker === 'agent')
    .flatMap((turn) => splitSentences(turn.folded).map((sentence) => ({ id: turn.id, sentence })))
    .filter(({ sentence }) => !outcome.offer.test(sentence));
  const closingAgentIds = new Set(input.turns.filter((turn) => turn.speaker === 'agent').slice(-closingAgentTurns).map((turn) => turn.id));

  const transfers = agentSentences.filter(({ id, sentence }) => closingAgentIds.has(id) && outcome.transfer.test(sentence));
  if (transfers.length > 0) return { outcome: 'transferred', resolution: 'escalated', turnIds: [...new Set(transfers.map(({ id }) => id))] };

  const callbacks = agentSentences.filter(({ sentence }) => outcome.callback.test(sentence) || outcome.booked.test(sentence));
  // A case passed to another team counts when it is promised for later (a commitment), not "let me check".
  const committed = input.commitments.filter((commitment) => outcome.escalation.test(commitment.text.toLowerCase()) || outcome.callback.test(commitment.text.toLowerCase()));
  const bankFollowUps = input.followUps.filter((followUp) => followUp.owner !== 'customer');
  if (callbacks.length > 0 || committed.length > 0 || bankFollowUps.length > 0) {
    // "I've raised a case with the investigations team; they will contact you": the hand-off may be said apart from the promise.
    const toAnotherTeam =
      committed.some((commitment) => outcome.escalation.test(commitment.text.toLowerCase())) ||
      agentSentences.some(({ sentence }) => outcome.escalation.test(sentence));
    const turnIds = [...new Set([...callbacks.map(({ id }) => id), ...committed.flatMap((item) => item.turnIds), ...bankFollowUps.flatMap((item) => item.turnIds)])].slice(0, 5);
    return { outcome: 'callback_promised', resolution: toAnotherTeam ? 'escalated' : 'follow_up', turnIds };
  }
  const openForCustomer = input.followUps.length > 0;
  const resolution = (resolved: boolean): Resolution => (openForCustomer ? 'follow_up' : resolved ? 'resolved' : 'unresolved');

  const customerClosing = input.turns.filter((turn) => turn.speaker === 'customer').slice(-closingCustomerTurns);
  const gaveUp = customerClosing.filter((turn) => outcome.customerUnresolved.test(turn.folded));
  const agentUnable = agentSentences.slice(-4).filter(({ sentence }) => outcome.unable.test(sentence));
  if (gaveUp.length > 0 || input.endNegative) {
    return { outcome: 'unresolved', resolution: resolution(false), turnIds: gaveUp.map((turn) => turn.id) };
  }
  const satisfied = customerClosing.filter((turn) => outcome.customerSatisfied.test(turn.folded));
  // "卡片现在无法交易" after a card was blocked is a result, not a refusal: "cannot" decides only when nothing was done.
  if (satisfied.length > 0 && (agentUnable.length === 0 || input.actionsTaken > 0)) return { outcome: 'resolved', resolution: resolution(true), turnIds: satisfied.map((turn) => turn.id) };
  if (agentUnable.length > 0) return { outcome: 'unresolved', resolution: resolution(false), turnIds: [...new Set(agentUnable.map(({ id }) => id))] };
  if (input.actionsTaken > 0) return { outcome: 'resolved', resolution: resolution(true), turnIds: [] };
  // Nobody said it failed and the agent answered after the customer last spoke up: an information call that ended
  // without a "thank you" is still a need met. Unresolved needs a sign (a refusal, giving up, anger at the end).
  const lastCustomer = input.turns.findLastIndex((turn) => turn.speaker === 'customer');
  const answered = lastCustomer >= 0 && input.turns.slice(0, lastCustomer + 1).some((turn, index) => turn.speaker === 'customer' && input.turns.slice(index + 1).some((later) => later.speaker === 'agent'));
  if (answered && input.customerSpoke) return { outcome: 'resolved', resolution: resolution(true), turnIds: [] };
  return { outcome: 'unresolved', resolution: resolution(false), turnIds: [] };
}
