import type { CallSentence } from './read-call-sentences.js';
import { summaryData } from './summary-data.js';
import type { ComplaintCategory, ComplaintSeverity } from './summary-schema.js';

// Regulators, media, courts: a customer naming them is a high-severity complaint whatever the wording.
const escalationThreat = /12378|12363|12315|银保监|银监|金融监管|监管(局|部门|机构)|人民银行|消协|媒体|记者|曝光|电视台|网上发|微博|起诉|法院|律师|打官司|\bregulators?\b|\bcfpb\b|\bfca\b|ombudsman|attorney general|\blawyers?\b|\bsue\b|\bsuing\b|\bcourt\b|\bmedia\b|the press|social media|better business bureau|\bbbb\b/u;
const explicitComplaint = /投诉|我要告|申诉|\bcomplain\w*|formal complaint|file a complaint|raise a complaint/u;
const dissatisfaction = /不满|不合理|凭什么|太差|差劲|什么破|坑人|坑我|太过分|离谱|无法接受|不能接受|受不了|服务太|unacceptable|ridiculous|outrageous|terrible service|worst (service|bank)|fed up|disgusted/u;
const complaintNegation = /(不是|不想|不用|不会|没有|没|并不|不打算)(要)?(投诉|申诉|不满)|(not|don't|do not|no need to|won't) (want to )?(complain|file a complaint)|not a complaint|no complaints?/u;

const categoryCues: [ComplaintCategory, RegExp][] = [
  ['fraud_dispute', /盗刷|诈骗|被骗|不是我(本人)?(操作|刷|消费)|争议交易|拒付|\bfraud\w*|unauthori[sz]ed|\bdispute\w*|chargeback|(didn't|did not|never) (make|authori[sz]e)/u],
  ['product_mis_selling', /误导|忽悠|保本|亏(损|了)|说好的收益|承诺收益|搭售|强制(购买|办理)|没告诉我风险|mis-?sold|misled|misleading|guaranteed return|lost money|nobody told me|pushed me into/u],
  ['fees', /手续费|年费|管理费|服务费|扣费|收费|滞纳金|利息|违约金|扣了[^，。]{0,6}费|\bfees?\b|\bcharges?\b|\bcharged\b|interest|penalty/u],
  ['service_attitude', /态度|服务|挂(我|了)电话|没人接|等了|排队|推诿|踢皮球|不耐烦|\brude\b|attitude|on hold|hung up|waited|no one (called|answered)|customer service|unhelpful/u],
  ['card_account', /卡|账户|冻结|锁|额度|密码|\bcards?\b|account|frozen|blocked|locked|limit/u],
];

export interface DetectedComplaint {
  raised: boolean;
  category?: ComplaintCategory;
  severity?: ComplaintSeverity;
  turnIndexes: number[];
}

/**
 * Complaint cues in the customer's turns (negation-aware: "我不是要投诉" is not one). Severity: a threat to
 * go to a regulator, court or the media is high; an explicit complaint medium; dissatisfaction alone low.
 * The category comes from the complaining turns first, then from the whole call.
 */
export function detectComplaint(foldedCustomerTexts: readonly string[], implicitLevels: ReadonlyMap<number, number> = new Map()): DetectedComplaint {
  const turnIndexes: number[] = [];
  let level = 0;
  for (const [index, text] of foldedCustomerTexts.entries()) {
    const negated = complaintNegation.test(text);
    let turnLevel = implicitLevels.get(index) ?? 0;
    if (escalationThreat.test(text)) turnLevel = 3;
    else if (!negated && explicitComplaint.test(text)) turnLevel = Math.max(turnLevel, 2);
    else if (!negated && dissatisfaction.test(text)) turnLevel = Math.max(turnLevel, 1);
    if (turnLevel === 0) continue;
    level = Math.max(level, turnLevel);
    turnIndexes.push(index);
  }
  if (level === 0) return { raised: false, turnIndexes: [] };
  const severity: ComplaintSeverity = level === 3 ? 'high' : level === 2 ? 'medium' : 'low';
  // What the complaint is about: the complaining turns and the opening (which usually names the topic).
  const topicTexts = [...new Set([0, 1, ...turnIndexes])].map((index) => foldedCustomerTexts[index] ?? '');
  let category: ComplaintCategory = 'other';
  let bestCount = 0;
  for (const [candidate, cue] of categoryCues) {
    const count = topicTexts.filter((text) => cue.test(text)).length;
    if (count > bestCount) {
      category = candidate;
      bestCount = count;
    }
  }
  return { raised: true, category, severity, turnIndexes };
}

/**
 * Complaints that never say 投诉 or "complaint", per customer turn index: a sentence the turn understanding reads
 * as a complaint, a demand for a refund or compensation, anger (low), a demand for someone above the agent
 * (medium). Words staff listed as not complaints ("客户经理", "not a complaint") cancel the sentence.
 */
export function implicitComplaintLevels(sentences: readonly CallSentence[]): Map<number, number> {
  const { complaint } = summaryData();
  const levels = new Map<number, number>();
  for (const sentence of sentences) {
    if (complaint.notComplaint.test(sentence.folded)) continue;
    let level = 0;
    if (complaint.escalationDemand.test(sentence.folded)) level = 2;
    else if (sentence.act === 'complaint' || complaint.refundDemand.test(sentence.folded) || complaint.anger.test(sentence.folded)) level = 1;
    if (level > (levels.get(sentence.turnIndex) ?? 0)) levels.set(sentence.turnIndex, level);
  }
  return levels;
}
