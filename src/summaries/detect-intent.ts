import type { SummaryLanguage } from './summary-schema.js';

export const intentKeys = [
  'fraud_report',
  'card_loss',
  'fee_dispute',
  'complaint',
  'transfer',
  'loan',
  'wealth_purchase',
  'account_service',
  'card_service',
  'inquiry',
] as const;
export type IntentKey = (typeof intentKeys)[number];

interface IntentCue {
  key: IntentKey;
  label: Record<SummaryLanguage, string>;
  /** Matched against NFKC-folded, lower-cased text. */
  cues: RegExp;
}

// Ordered by how much a match should win over a broader one: a caller who lost a card and asks about
// the fee is first of all a card-loss call.
const intentCues: IntentCue[] = [
  {
    key: 'fraud_report',
    label: { zh: '欺诈/盗刷报案', en: 'fraud report' },
    cues: /诈骗|被骗|骗子|盗刷|被盗用|不是我(本人)?(操作|刷|消费|转)|陌生(交易|扣款)|不认识的(交易|扣款)|\bfraud\w*|\bscam\w*|unauthori[sz]ed|(didn't|did not|never) (make|authori[sz]e)|don't recognize|do not recognize|identity theft/u,
  },
  {
    key: 'card_loss',
    label: { zh: '挂失补卡', en: 'card loss' },
    cues: /挂失|(卡|钱包)[^，。,.]{0,4}(丢了|丢失|遗失|不见了|被偷|找不到)|(丢了|丢失|遗失)[^，。,.]{0,4}卡|补卡|lost (my|the|a) (debit |credit |bank )?card|(card|wallet) (was|got|has been) (lost|stolen)|stolen card|can't find my card|replacement card|block my card|freeze my card|cancel my card/u,
  },
  {
    key: 'fee_dispute',
    label: { zh: '费用争议', en: 'fee dispute' },
    cues: /(手续费|年费|管理费|服务费|账户管理费|小额账户|滞纳金|违约金|扣费|收费|扣了[^，。]{0,6}费|乱收费|多扣|退费)|\b(fee|fees|charged|overdraft charge|late charge|service charge|annual charge)\b/u,
  },
  {
    key: 'complaint',
    label: { zh: '投诉', en: 'complaint' },
    cues: /投诉|不满意|太差|曝光|12378|\bcomplain\w*|unacceptable/u,
  },
  {
    key: 'transfer',
    label: { zh: '转账汇款', en: 'transfer' },
    cues: /转账|汇款|转错|没到账|未到账|跨行|收款|\btransfer\w*|\bwire\b|sent money|payment (didn't|did not|hasn't|has not) (arrive|go through)|zelle/u,
  },
  {
    key: 'loan',
    label: { zh: '贷款', en: 'loan' },
    cues: /贷款|房贷|车贷|借款|提前还款|还款|分期|授信|\bloan\w*|mortgage|repay\w*|borrow\w*|instal?lment/u,
  },
  {
    key: 'wealth_purchase',
    label: { zh: '理财咨询/购买', en: 'wealth product' },
    cues: /理财|基金|收益率|年化|净值|定投|风险测评|大额存单|结构性存款|\binvest\w*|\bfunds?\b|wealth|yield|portfolio|certificate of deposit|\bcds?\b/u,
  },
  {
    key: 'account_service',
    label: { zh: '账户服务', en: 'account service' },
    cues: /开户|销户|密码|手机号|预留|解冻|冻结|限额|账户|网银|手机银行|\bopen (an|a new) account|close my account|password|\bpin\b|locked out|update my (address|phone|email)|online banking|\bapp\b|limit/u,
  },
  {
    key: 'card_service',
    label: { zh: '银行卡服务', en: 'card service' },
    cues: /信用卡|借记卡|额度|激活|账单|\bcredit card|debit card|credit limit|activate|statement/u,
  },
  {
    key: 'inquiry',
    label: { zh: '业务咨询', en: 'inquiry' },
    cues: /查询|咨询|请问|想问|了解一下|\bquestion|\bask\b|\bwondering|\binquir\w*|\benquir\w*|how (do|can) i|what is/u,
  },
];

export interface DetectedIntent {
  key: IntentKey;
  label: string;
  turnIndexes: number[];
}

/**
 * Picks the intent with the most customer-turn hits, earlier turns weighing more (the opening usually
 * says why they called). Falls back to a general inquiry: a label is always shown, never invented detail.
 */
export function detectIntent(foldedCustomerTexts: readonly string[], language: SummaryLanguage): DetectedIntent {
  let best: { cue: IntentCue; score: number; turnIndexes: number[] } | undefined;
  for (const [order, cue] of intentCues.entries()) {
    if (cue.key === 'inquiry' || cue.key === 'complaint') continue;
    let score = 0;
    const turnIndexes: number[] = [];
    foldedCustomerTexts.forEach((text, index) => {
      if (!cue.cues.test(text)) return;
      score += index < 3 ? 2 : 1;
      if (turnIndexes.length < 3) turnIndexes.push(index);
    });
    // A tiny tie-break keeps the listed order for equal scores.
    const weighted = score - order * 0.01;
    if (score > 0 && (!best || weighted > best.score)) best = { cue, score: weighted, turnIndexes };
  }
  if (best) return { key: best.cue.key, label: best.cue.label[language], turnIndexes: best.turnIndexes };
  // A complaint is about something: only when no topic is named is "complaint" itself the intent.
  for (const key of ['complaint', 'inquiry'] as const) {
    const cue = intentCues.find((candidate) => candidate.key === key) as IntentCue;
    const turnIndexes: number[] = [];
    foldedCustomerTexts.forEach((text, index) => {
      if (turnIndexes.length < 3 && cue.cues.test(text)) turnIndexes.push(index);
    });
    if (turnIndexes.length > 0 || key === 'inquiry') return { key, label: cue.label[language], turnIndexes };
  }
  throw new Error('unreachable: inquiry is the fallback');
}
