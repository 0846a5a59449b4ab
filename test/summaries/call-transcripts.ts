import type { SummaryTurn } from '../../src/summaries/summary-context.js';

type Line = [SummaryTurn['speaker'], string];

function turnsOf(lines: readonly Line[]): SummaryTurn[] {
  return lines.map(([speaker, text], index) => ({ id: `t${index + 1}`, speaker, text }));
}

/** Written for these tests: a customer lost a debit card; the agent freezes it and promises a new one. */
export const cardLossCall = turnsOf([
  ['agent', '您好，这里是星河银行客服中心，工号1032，很高兴为您服务。'],
  ['customer', '喂，你好。'],
  ['agent', '您好，请问有什么可以帮您？'],
  ['customer', '我的借记卡昨天在地铁上丢了，想挂失一下。'],
  ['agent', '好的，为了核实身份，请您提供一下身份证号后四位。'],
  ['customer', '我是张伟，身份证后四位是3321。'],
  ['agent', '张先生，身份已核实。我已经为您办理了借记卡的临时挂失，卡片现在无法交易。'],
  ['customer', '那我还要补一张新卡，麻烦尽快。'],
  ['agent', '已为您提交补卡申请，新卡将在三个工作日内寄到您的预留地址，请您注意查收。'],
  ['customer', '好的，谢谢你，太好了。'],
  ['agent', '不客气，还有其他可以帮您的吗？'],
  ['customer', '没有了，再见。'],
]);

/** Written for these tests: an angry customer about an account fee, threatening the regulator's hotline. */
export const feeComplaintCall = turnsOf([
  ['agent', '您好，星河银行，请问有什么可以帮您？'],
  ['customer', '你们凭什么每个季度扣我账户管理费？我从来没同意过，太不合理了！'],
  ['agent', '非常抱歉给您带来不好的体验，我先帮您查询一下扣费记录。'],
  ['customer', '我已经打了三次电话了，每次都说会处理，结果还是扣，你们服务太差了。'],
  ['agent', '理解您的心情。这笔费用是因为账户日均余额低于一千元收取的小额账户管理费。'],
  ['customer', '我要投诉！再不退给我，我就打12378找银保监会投诉你们，还要去网上曝光。'],
  ['agent', '我已将您的投诉登记并升级给投诉处理专员，专员会在24小时内给您回电。'],
  ['agent', '另外请您明天带身份证到就近网点办理账户类型变更，以后就不会再收取这笔费用了。'],
  ['customer', '行吧，我等你们电话，要是还不解决我真的去监管投诉。'],
]);

/** Written for these tests: a customer asking about a wealth-management product. */
export const wealthInquiryCall = turnsOf([
  ['agent', '您好，星河银行客服，请问有什么可以帮您？'],
  ['customer', '您好，我想了解一下你们的稳盈30天理财，收益率大概多少？'],
  ['agent', '稳盈30天是R2级理财产品，业绩比较基准为年化2.6%，业绩比较基准不代表实际收益，理财非存款，产品有风险，投资须谨慎。'],
  ['customer', '那和你们的大额存单比哪个好？'],
  ['agent', '大额存单是存款产品，受存款保险保护，三年期利率是2.15%。您之前做过风险测评吗？'],
  ['customer', '做过，是C3。'],
  ['agent', '您的风险等级可以购买稳盈30天，您可以在手机银行理财频道购买。'],
  ['customer', '好的，明白了，谢谢。'],
]);

/** Written for these tests: an English card dispute with a callback promise. */
export const disputeCall = turnsOf([
  ['agent', 'Thank you for calling Riverbank, this is Sam. How can I help you today?'],
  ['customer', 'Hi Sam. My name is Laura Chen.'],
  ['agent', 'Hi Laura, could you confirm your date of birth for me?'],
  ['customer', 'Sure, it is March 3rd 1980.'],
  ['customer', "There's a charge of $480 on my Platinum credit card from a store in Ohio that I didn't make. I've never been there."],
  ['agent', "I'm sorry to hear that. I've blocked the card and raised a dispute for the $480 transaction."],
  ['agent', "Our disputes team will review it and I'll call you back within 3 business days with the outcome."],
  ['agent', "A replacement card will be mailed to you and should arrive by Friday."],
  ['customer', 'Okay, thanks. I was really worried about this.'],
  ['agent', 'You are welcome. Please keep an eye on your statement until then.'],
]);

/** Only the agent side was recorded. */
export const agentOnlyCall = turnsOf([
  ['agent', '您好，星河银行，请问有什么可以帮您？'],
  ['agent', '好的，您是想查询信用卡账单对吧，我帮您看一下。'],
  ['agent', '您本期账单金额是3250元，还款日是下周三。'],
]);

/** Only greetings: nothing to summarise. */
export const greetingsOnlyCall = turnsOf([
  ['agent', '您好，星河银行，请问有什么可以帮您？'],
  ['customer', '喂？你好。'],
  ['agent', '您好，请问能听到吗？'],
  ['customer', '喂，喂？'],
]);
