import { trimText } from './split-sentences.js';
import type { ActionTaken, CallOutcome, Complaint, CustomerAsk, FollowUp, ProductDiscussed, SummaryLanguage } from './summary-schema.js';

export interface NarrativeFacts {
  language: SummaryLanguage;
  reasonLabel: string;
  asks: readonly CustomerAsk[];
  products: readonly ProductDiscussed[];
  actionsTaken: readonly ActionTaken[];
  outcome: CallOutcome;
  followUps: readonly FollowUp[];
  complaint: Complaint;
}

const limits = { zh: { ask: 40, action: 40 }, en: { ask: 110, action: 110 } } as const;

/** The agent's words turned to the third person, so a quoted action reads as a report ("已为您挂失" -> "已为客户挂失"). */
function thirdPerson(text: string, language: SummaryLanguage): string {
  if (language === 'zh') {
    return text
      .replace(/^(?:(?:好的?|嗯|那么?|这边|现在|另外|还有|然后|同时|最后)[，,\s]*)+/u, '')
      .replace(/我们这边|我这边|我们|我/gu, '坐席')
      .replace(/您的|你的/gu, '客户的')
      .replace(/您|你/gu, '客户')
      .replace(/[。.!！]+$/u, '');
  }
  return text
    .replace(/^(?:(?:ok(?:ay)?|so|alright|right|well|also|and|then|finally)[,\s]+)+/iu, '')
    .replace(/\bI've\b|\bI have\b/giu, 'the agent has')
    .replace(/\bI'll\b|\bI will\b/giu, 'the agent will')
    .replace(/\bI'm\b|\bI am\b/giu, 'the agent is')
    .replace(/\bwe've\b/giu, 'the bank has')
    .replace(/\bwe'll\b/giu, 'the bank will')
    .replace(/\bI\b/gu, 'the agent')
    .replace(/\byour\b/giu, "the customer's")
    .replace(/\byou've\b/giu, 'the customer has')
    .replace(/\byou'll\b/giu, 'the customer will')
    .replace(/\byou\b/giu, 'the customer')
    .replace(/[.!]+$/u, '');
}

function sentenceCase(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * The 2-4 sentence account of the call written from the extracted facts alone (so it says nothing the fields do
 * not): who called about what, what was done, how it ended and what is still open. The caller masks it.
 */
export function writeNarrative(facts: NarrativeFacts): string {
  const { language } = facts;
  const limit = limits[language];
  const ask = facts.asks[0];
  const askText = ask?.text ? trimText(ask.text.replace(/[。.!！?？]+$/u, ''), limit.ask) : '';
  const productNames = facts.products.slice(0, 3).map((product) => product.name);
  const actions = facts.actionsTaken.slice(0, 2).map((action) => trimText(thirdPerson(action.text, language), limit.action));
  const bankFollowUp = facts.followUps.find((followUp) => followUp.owner !== 'customer');
  const customerTask = facts.followUps.find((followUp) => followUp.owner === 'customer');
  const sentences: string[] = [];
  if (language === 'zh') {
    const about = productNames.length > 0 ? `（涉及${productNames.join('、')}）` : '';
    const verb = facts.complaint.raised ? '反映' : '咨询';
    const feeling = facts.complaint.raised ? '，并表达不满' : '';
    sentences.push(askText ? `客户来电${verb}${facts.reasonLabel}${about}：${askText}${feeling}。` : `客户来电${verb}${facts.reasonLabel}${about}${feeling}。`);
    if (actions.length > 0) sentences.push(`坐席${actions.map((action) => action.replace(/^坐席/u, '')).join('；')}。`);
    const due = bankFollowUp?.due ? `，于${bankFollowUp.due}前` : '';
    const outcome: Record<CallOutcome, string> = {
      resolved: '问题在通话中已解决。',
      unresolved: '问题在通话中未能解决。',
      callback_promised: bankFollowUp ? `问题待后续处理${due}：${trimText(thirdPerson(bankFollowUp.action, language), limit.action)}。` : `问题待后续处理，银行将回复客户${due}。`,
      transferred: '通话已转接专人处理。',
    };
    sentences.push(outcome[facts.outcome]);
    if (customerTask && sentences.length < 4) sentences.push(`客户需${trimText(thirdPerson(customerTask.action, language).replace(/^(?:请客户|麻烦客户|客户需要|需要客户|建议客户|请)/u, ''), limit.action)}。`);
    return sentences.join('');
  }
  const about = productNames.length > 0 ? ` (${productNames.join(', ')})` : '';
  const verb = facts.complaint.raised ? 'complain about' : 'ask about';
  sentences.push(askText ? `The customer called to ${verb} ${facts.reasonLabel}${about}: "${askText}".` : `The customer called to ${verb} ${facts.reasonLabel}${about}.`);
  if (actions.length > 0) sentences.push(`${sentenceCase(actions.map((action) => (/^the (agent|bank)\b/iu.test(action) ? action : `the agent: ${action}`)).join('; '))}.`);
  const due = bankFollowUp?.due ? ` by ${bankFollowUp.due}` : '';
  const outcome: Record<CallOutcome, string> = {
    resolved: 'The issue was resolved on the call.',
    unresolved: 'The issue was not resolved on the call.',
    callback_promised: bankFollowUp ? `Open${due}: ${trimText(thirdPerson(bankFollowUp.action, language), limit.action)}.` : `The bank promised to come back to the customer${due}.`,
    transferred: 'The call was transferred to a specialist.',
  };
  sentences.push(outcome[facts.outcome]);
  if (customerTask && sentences.length < 4) sentences.push(`The customer still has to act: ${trimText(thirdPerson(customerTask.action, language), limit.action)}.`);
  return sentences.join(' ');
}
