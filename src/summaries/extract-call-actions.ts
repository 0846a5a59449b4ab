import { foldText } from '../text/segment-text.js';
import { findDueDate } from './resolve-due-date.js';
import { splitClauses, splitSentences, trimText } from './split-sentences.js';
import type { ActionTaken, Commitment, FollowUp, FollowUpOwner, SummaryLanguage } from './summary-schema.js';

type ClauseKind = 'action' | 'commitment' | 'customerTask';

const bankVerb = /办理|提交|登记|挂失|冻结|解冻|开通|关闭|取消|退还|退回|退款|退费|重置|受理|记录|反馈|转交|转接|升级|修改|更新|补办|补发|申请|处理|核实|核查|调查|发送|寄|邮寄|激活|止付|调整|减免|撤销|回电|回复|联系|致电|通知|到账|跟进|上报|报备|预约|安排|备注|生效|返还|恢复|解除|锁定|开立|注销|\b(reset|submit\w*|block\w*|freez\w*|froze\w*|cancel\w*|refund\w*|revers\w*|rais\w*|fil(e|ed|ing)|updat\w*|send|sent|order\w*|issu\w*|escalat\w*|process\w*|open\w*|logg?\w*|add\w*|credit\w*|waiv\w*|plac\w*|unlock\w*|activat\w*|clos\w*|noted|report\w*|disput\w*|investigat\w*|look into|call you back|get back to you|follow(ed)? up|email\w*|mail\w*|replac\w*|arrang\w*|schedul\w*|review\w*|contact\w*|reach out|let you know|remov\w*|restor\w*|expedit\w*|ship\w*|deliver\w*|arriv\w*|reimburs\w*|lift\w*|request\w*|set up|flag\w*|lock\w*|transferr?\w*|rais\w*)\b/u;
const futureMarker = /会|将(?:会|在|于|尽快|为您|给您|由)|稍后|随后|尽快|之后|后续|回头|预计|争取|\b(i'll|i will|we'll|we will|i'm going to|we're going to|will be|will receive|you'll receive|you'll get|you will get|should (arrive|receive|see|get|be)|expect\w*|going to|it'll|they'll|they will)\b/u;
const pastMarker = /已经?|刚刚?|刚才|成功|好了|^(我)?(现在|这边|马上)?(为|帮|给)(您|你)|\b(i've|i have|we've|we have|i just|i already|i went ahead|has been|have been|is now|are now|i did|successfully|i've just|was (sent|processed|raised|filed|submitted|blocked|cancell?ed|refunded|reversed|credited))\b/u;
const customerTaskCue = /请您|麻烦您|您需要|需要您|您这边需要|您得|请携带|请带上?|建议您|请记得|记得|\b(please|you'll need to|you will need to|you need to|you'll have to|you have to|make sure (you|to)|remember to|you should)\b/u;
// Concrete things to do; "please watch for the card" is advice, not an open item.
const customerVerb = /带|携带|到|前往|去|提供|上传|拨打|致电|回拨|签|填写|登录|下载|修改|重置|激活|还款|补交|提交|\b(bring|visit|go to|come (in|to)|send|upload|call|sign|provide|fill|log in|login|reply|submit|email|activate|pay|change|update|download|destroy|cut up)\b/u;
const inCallRequest = /稍等|稍候|别挂|不要挂|请讲|说一下|告诉我|报一下|提供一下|核实|验证|确认一下|后四位|查收|留意|关注|\b(keep an eye|monitor|watch|look out)\b|\b(hold|wait|bear with|one moment|confirm|verify|spell|repeat|tell me|give me|read me)\b/u;
const question = /[吗呢么][\s。]*$|请问|是否|\b(can|could|would|do|does|did|is|are|may|shall) (you|i)\b/u;
const filler = /^(好的?|嗯+|是的|对的?|没问题|明白|了解|收到|ok(ay)?|sure|alright|all right|no problem|right|great|got it|yes)[\s!！。.]*$/u;
const followUpWorthy = /回电|回复您|回复你|联系您|联系你|致电|通知您|反馈|跟进|核实|核查|调查|审核|处理结果|答复|上报|复核|call you back|call back|get back to you|contact you|reach out|follow up|investigat|look into|review|update you|let you know|email you|be in touch|hear (back )?from/u;
const agentSubject = /^[^，。]{0,6}?我(?!们)|\b(i'll|i will|i'm going to|i am going to|i'd|i)\b/u;
const customerOwnPlan = /我(明天|后天|下周\S?|今天|稍后|回头|过两天|之后|马上)?(会|再|就)?(去|到|过去)(网点|柜台|营业厅|支行|银行)|我(明天|后天|下周|回头|稍后|今天)[^，。]{0,6}(办理|提供|上传|还款|还上|转账|补)|\bi('ll| will)( go| visit| bring| send| call| pay| upload| come| stop by| drop by)\b/u;

function classifyAgentClause(folded: string): ClauseKind | undefined {
  const task = customerTaskCue.test(folded) && customerVerb.test(folded) && !inCallRequest.test(folded);
  if (task) return 'customerTask';
  if (!bankVerb.test(folded)) return undefined;
  if (question.test(folded)) return undefined;
  if (futureMarker.test(folded)) return 'commitment';
  if (pastMarker.test(folded)) return 'action';
  return undefined;
}

interface ClauseGroup {
  kind: ClauseKind;
  clauses: string[];
}

/** Clauses without a cue continue the item before them; a substantial lead-in attaches to the next one. */
function groupClauses(sentence: string, classify: (folded: string) => ClauseKind | undefined): ClauseGroup[] {
  const groups: ClauseGroup[] = [];
  let leadIn: string[] = [];
  for (const clause of splitClauses(sentence)) {
    const folded = foldText(clause);
    if (filler.test(folded)) continue;
    const kind = classify(folded);
    const current = groups[groups.length - 1];
    if (kind && (!current || current.kind !== kind)) {
      groups.push({ kind, clauses: [...leadIn, clause] });
      leadIn = [];
    } else if (current) {
      current.clauses.push(clause);
    } else if (clause.replace(/\s+/gu, '').length > 4 && clause.split(/\s+/u).length !== 2) {
      leadIn.push(clause);
    }
  }
  return groups;
}

export interface CallActionsInput {
  turns: readonly { id: string; speaker: 'customer' | 'agent' | 'system'; text: string; folded: string }[];
  language: SummaryLanguage;
  reference: Date;
  timeZone?: string;
}

export interface CallActions {
  actionsTaken: ActionTaken[];
  commitments: Commitment[];
  followUps: FollowUp[];
}

const maxItems = 20;

/**
 * What was done and promised, from agent turns (plus plans the customer states), one item per clause
 * group: completed actions, the bank's commitments (with a resolved due date when the phrase names a day)
 * and follow-ups with an owner. A commitment is also a follow-up only when it needs someone to come back
 * (a call-back, an investigation's answer), not for a card that will simply arrive in the post.
 */
export function extractCallActions(input: CallActionsInput): CallActions {
  const limit = input.language === 'zh' ? 100 : 200;
  const joiner = input.language === 'zh' ? '，' : ', ';
  const result: CallActions = { actionsTaken: [], commitments: [], followUps: [] };
  const seen = new Set<string>();
  const dueOf = (text: string) => findDueDate(text, { reference: input.reference, ...(input.timeZone ? { timeZone: input.timeZone } : {}) })?.date;

  for (const turn of input.turns) {
    if (turn.speaker === 'system') continue;
    const classify =
      turn.speaker === 'agent'
        ? classifyAgentClause
        : (folded: string): ClauseKind | undefined => (customerOwnPlan.test(folded) ? 'customerTask' : undefined);
    for (const sentence of splitSentences(turn.text)) {
      for (const group of groupClauses(sentence, classify)) {
        const text = trimText(group.clauses.join(joiner), limit);
        const folded = foldText(text);
        const key = `${group.kind}:${folded.replace(/[\s\p{P}]+/gu, '')}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const turnIds = [turn.id];
        const due = group.kind === 'action' ? undefined : dueOf(text);
        if (group.kind === 'action') {
          if (result.actionsTaken.length < maxItems) result.actionsTaken.push({ text, turnIds });
        } else if (group.kind === 'customerTask') {
          if (result.followUps.length < maxItems) {
            result.followUps.push({ action: text, owner: 'customer', ...(due ? { due } : {}), turnIds });
          }
        } else {
          if (result.commitments.length < maxItems) result.commitments.push({ text, ...(due ? { due } : {}), turnIds });
          if (followUpWorthy.test(folded) && result.followUps.length < maxItems) {
            const owner: FollowUpOwner = agentSubject.test(folded) ? 'agent' : 'bank';
            result.followUps.push({ action: text, owner, ...(due ? { due } : {}), turnIds });
          }
        }
      }
    }
  }
  return result;
}
