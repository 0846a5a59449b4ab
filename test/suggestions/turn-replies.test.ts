import { describe, expect, it } from 'vitest';
import type { SearchResponse, SearchResult } from '../../src/retrieval/hybrid-search.js';
import { composeTurnReplies, judgedTerms, mergeKnowledge, planSearches } from '../../src/suggestions/turn-replies.js';
import { termRarity } from '../../src/suggestions/query-terms.js';
import { searchTokens } from '../../src/text/segment-text.js';
import { understandTurn } from '../../src/understanding/understand-turn.js';
import { baseWordings } from '../../src/suggestions/query-terms.js';

let counter = 0;
function passage(title: string, text: string, kind: SearchResult['kind'] = 'product', headingPath: string[] = [title], confidence = 0.9): SearchResult {
  counter += 1;
  return { chunkId: `chunk-${counter}`, documentId: `document-${counter}`, externalId: `external-${counter}`, version: 1, title, kind, text, score: 1, confidence, headingPath, language: 'zh' };
}

const transferFees = passage('境内转账说明', '手机银行跨行转账免手续费。柜台跨行转账按金额的0.02%收取，最低2元。', 'product', ['境内转账说明', '手续费']);
const transferTime = passage('境内转账说明', '普通转账实时到账；次日到账的转账在下一个工作日入账。', 'product', ['境内转账说明', '到账时间']);
const rateTable = passage('存款利率表', '| 期限 | 年利率 |\n| 1年 | 1.20% |', 'product', ['存款利率表']);
const fraudScript = passage('话术：反诈提醒', '“银行不会让您把钱转到安全账户，请立即停止转账。”', 'script', ['话术：反诈提醒']);

const response = (results: SearchResult[]): SearchResponse => ({ results, tookMs: 1 });

function replies(text: string, results: SearchResult[][]) {
  const understanding = understandTurn([{ speaker: 'customer', text }], 'zh');
  const searches = planSearches(understanding);
  return { understanding, searches, replies: composeTurnReplies({ understanding, searches, responses: searches.map((_search, index) => response(results[index] ?? [])), language: 'zh', plain: false, count: 3 }) };
}

describe('planSearches', () => {
  it('searches once per question, and once more for a situation script', () => {
    const understanding = understandTurn([{ speaker: 'customer', text: '有人自称公安，让我把存款转到安全账户核查。转过去安全吗？要不要先转一部分？' }], 'zh');
    const searches = planSearches(understanding);
    expect(searches.filter((search) => search.purpose === 'question')).toHaveLength(2);
    expect(searches.filter((search) => search.purpose === 'situation')).toHaveLength(1);
  });

  it("searches a question in the base's words for what its story said in other words", () => {
    // The story names where the money goes; the question only asks about the cost. A made-up base that writes "overseas".
    const statistics = { documents: 40, documentFrequency: (token: string) => (token === 'oversea' ? 5 : 0) };
    const text = 'My nephew just moved to Toronto for college and his rent is due. What are the fees, and how many days does a payment take?';
    const searches = planSearches(understandTurn([{ speaker: 'customer', text }], 'en'), undefined, (said) => baseWordings(said, statistics, 0));
    const question = searches.find((search) => search.purpose === 'question');
    expect(question?.query).toContain('fees');
    expect(question?.query).toContain('overseas');
  });
});

const hardshipProcedure = passage('信用卡逾期与协商还款', '因失业、疾病暂时无力还款的，可申请协商还款，按审核结果办理分期或延期。', 'product', ['信用卡逾期与协商还款', '协商还款']);
const unrelatedFaq = passage('手机银行登录', '手机银行登录密码连续输错5次会锁定，可在登录页重置。', 'faq', ['手机银行登录']);

describe('a situation with a required procedure but no declining wording', () => {
  it('searches for its procedure and offers it among the first replies, even when the question found nothing', () => {
    const text = '最近失业了，这个月的信用卡实在还不上。你们那边有没有什么办法，缓一缓行不行？';
    const understanding = understandTurn([{ speaker: 'customer', text }], 'zh');
    expect(understanding.situations.map((situation) => situation.id)).toContain('collections_hardship');
    const searches = planSearches(understanding);
    const situationSearch = searches.find((search) => search.purpose === 'situation');
    expect(situationSearch?.situation?.id).toBe('collections_hardship');
    const list = composeTurnReplies({
      understanding,
      searches,
      responses: searches.map((search) => response(search.purpose === 'situation' ? [hardshipProcedure] : [unrelatedFaq])),
      language: 'zh',
      plain: false,
      count: 3,
    });
    const shown = list.filter((reply) => !reply.fallback);
    expect(shown.slice(0, 3).some((reply) => reply.passage?.chunkId === hardshipProcedure.chunkId)).toBe(true);
  });
});

describe('a situation that asks only how the agent speaks', () => {
  it("answers an older customer's question with the answers, not the policy on serving older customers beside them", () => {
    const text = '我年纪大了耳朵不太好，你说慢点。我想问问定期存一年，利息是多少？';
    const understanding = understandTurn([{ speaker: 'customer', text }], 'zh');
    expect(understanding.situations.map((situation) => situation.id)).toContain('vulnerable_elderly');
    const searches = planSearches(understanding);
    const elderlyPolicy = passage('老年客户服务', '老年客户来电可直接转人工，大额转账前先听一段反诈提醒。', 'product', ['老年客户服务']);
    const depositTerms = passage('存款产品说明', '定期存款1年期年利率1.20%，提前支取按活期利率计息。', 'product', ['存款产品说明']);
    const list = composeTurnReplies({
      understanding,
      searches,
      responses: searches.map((search) => response(search.purpose === 'situation' ? [elderlyPolicy] : [rateTable, depositTerms])),
      language: 'zh',
      plain: true,
      count: 3,
    });
    const shown = list.filter((reply) => !reply.fallback).slice(0, 2);
    expect(shown.map((reply) => reply.passage?.chunkId)).toEqual(expect.arrayContaining([rateTable.chunkId]));
    expect(shown.map((reply) => reply.passage?.chunkId)).not.toContain(elderlyPolicy.chunkId);
  });
});

describe('a procedure that cannot wait', () => {
  it('puts the lost-card procedure before the answers to three other questions', () => {
    const text = '我钱包在公交上让人摸走了，里面有信用卡。年费怎么收？转账多久到账？手机银行怎么登录？';
    const understanding = understandTurn([{ speaker: 'customer', text }], 'zh');
    expect(understanding.situations.map((situation) => situation.id)).toContain('lost_stolen_card');
    const searches = planSearches(understanding);
    const blocking = passage('银行卡挂失与补卡', '信用卡挂失即时生效，原卡永久停用。补卡7至10个工作日寄到。失卡保障覆盖挂失前72小时的盗刷。', 'product', ['银行卡挂失与补卡', '挂失']);
    const list = composeTurnReplies({
      understanding,
      searches,
      responses: searches.map((search) => response(search.purpose === 'situation' ? [blocking] : [transferFees, transferTime, unrelatedFaq])),
      language: 'zh',
      plain: false,
      count: 3,
    });
    expect(list[0]?.passage?.chunkId).toBe(blocking.chunkId);
  });
});

describe('a warning and a required procedure in one turn', () => {
  it('searches for both, and offers the procedure after the warning rather than a script about another topic', () => {
    const text = '信用卡逾期了，罚息太多，你现在就给我免了吧，行不行？';
    const understanding = understandTurn([{ speaker: 'customer', text }], 'zh');
    expect(understanding.situations.map((situation) => situation.id)).toEqual(expect.arrayContaining(['promise_request', 'collections_hardship']));
    const searches = planSearches(understanding);
    const situationSearches = searches.filter((search) => search.purpose === 'situation');
    expect(situationSearches.map((search) => search.situation?.id)).toEqual(['promise_request', 'collections_hardship']);
    const benchmarkScript = { ...passage('稳盈90天产品说明', '业绩比较基准不代表实际收益，不是对收益的承诺。', 'product', ['稳盈90天产品说明', '业绩比较基准']), product: '稳盈90天' };
    const loanRules = { ...passage('信用卡逾期说明', '逾期的罚息按合同计收，罚息减免需提交申请审核。', 'product', ['信用卡逾期说明', '罚息']), product: '白金信用卡' };
    const list = composeTurnReplies({
      understanding,
      searches,
      responses: searches.map((search) => response(search.situation?.id === 'collections_hardship' ? [hardshipProcedure] : search.situation ? [benchmarkScript, loanRules] : [loanRules])),
      language: 'zh',
      plain: false,
      count: 3,
      discussed: { name: '白金信用卡' },
    });
    const shown = list.filter((reply) => !reply.fallback).slice(0, 3);
    expect(shown.every((reply) => reply.text.startsWith('这个我不能向您承诺或保证'))).toBe(true);
    expect(shown.some((reply) => reply.passage?.chunkId === hardshipProcedure.chunkId)).toBe(true);
    expect(list.some((reply) => reply.passage?.chunkId === benchmarkScript.chunkId)).toBe(false);
  });
});

describe('composeTurnReplies', () => {
  it('answers each question of the turn in turn, citing its passage', () => {
    const { replies: list } = replies('我老家在外地。跨行转账手续费怎么收？转账多久能到账？', [[transferFees], [transferTime]]);
    expect(list[0]?.passage?.chunkId).toBe(transferFees.chunkId);
    expect(list[1]?.passage?.chunkId).toBe(transferTime.chunkId);
    expect(list.filter((reply) => !reply.fallback).every((reply) => reply.passage !== undefined)).toBe(true);
  });

  it('opens every reply with the approved wording when the situation needs a warning', () => {
    const { replies: list } = replies('有人自称公安，让我把存款转到安全账户核查。转过去安全吗？', [[transferFees], [fraudScript]]);
    const shown = list.filter((reply) => !reply.fallback);
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.every((reply) => reply.text.includes('诈骗'))).toBe(true);
  });

  it('gives a suspected scam its warning and script only, never the fee or arrival time of the transfer asked about', () => {
    // One search for the questions, one for the situation's script.
    const { replies: list } = replies('有人自称公安，让我把存款转到安全账户核查。跨行转账手续费怎么收？多久能到账？', [[transferFees, transferTime], [fraudScript]]);
    const shown = list.filter((reply) => !reply.fallback);
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.every((reply) => reply.text.includes('诈骗'))).toBe(true);
    expect(list.some((reply) => reply.passage?.chunkId === transferFees.chunkId || reply.passage?.chunkId === transferTime.chunkId)).toBe(false);
    expect(list.some((reply) => reply.text.includes('0.02%') || reply.text.includes('实时到账'))).toBe(false);
    expect(shown.some((reply) => reply.passage?.chunkId === fraudScript.chunkId)).toBe(true);
  });

  it('never offers a flattened table row', () => {
    const { replies: list } = replies('一年定期利率多少？', [[rateTable]]);
    expect(list.some((reply) => reply.text.includes('|'))).toBe(false);
  });

  it('hands over only as a fallback, naming what the closest card is about', () => {
    const { replies: list } = replies('转账手续费是不是涨价了？', [[passage('境内转账说明', '转账服务介绍。', 'product', ['境内转账说明', '手续费'])]]);
    const handover = list.find((reply) => reply.fallback);
    expect(handover?.text).toContain('核实');
  });
});

describe('mergeKnowledge', () => {
  it('takes each search best first and each chunk once', () => {
    const merged = mergeKnowledge([response([transferFees, transferTime]), response([transferTime, fraudScript])], 8);
    expect(merged.map((result) => result.chunkId)).toEqual([transferFees.chunkId, transferTime.chunkId, fraudScript.chunkId]);
  });
});

describe('planSearches with the product under discussion', () => {
  const catalogue = [{ name: '青松稳健180天', aliases: ['稳健180'], riskLevel: 'R2' }, { name: '青松安居贷', aliases: ['安居贷'] }];
  const discussed = { product: catalogue[0]!, products: catalogue };

  it('adds the product to a follow-up that names none, and judges it on its own words (zh)', () => {
    const understanding = understandTurn(
      [
        { speaker: 'customer', text: '我前几个月买了一笔理财，最近家里要用钱。' },
        { speaker: 'agent', text: '您说的是青松稳健180天吗？' },
        { speaker: 'customer', text: '对，现在赎回要扣多少手续费？' },
      ],
      'zh',
    );
    const [search] = planSearches(understanding, discussed);
    expect(search?.query).toContain('青松稳健180天');
    expect(search?.composeQuery.split('\n')[0]).toContain('青松稳健180天');
  });

  it('leaves a question that names another product alone', () => {
    const understanding = understandTurn([{ speaker: 'customer', text: '那安居贷的利息怎么算？' }], 'zh');
    const [search] = planSearches(understanding, discussed);
    expect(search?.query).not.toContain('青松稳健180天');
  });

  it('keeps words borrowed from the story out of what a question with words of its own is judged on (en)', () => {
    const understanding = understandTurn(
      [
        { speaker: 'customer', text: 'I was chatting with my neighbour yesterday about putting money aside for my grandson.' },
        { speaker: 'agent', text: 'Of course, what would you like to know?' },
        { speaker: 'customer', text: "So what's the two-year savings rate at the moment?" },
      ],
      'en',
    );
    const question = understanding.questions[0]!;
    expect(question.ownTerms.length).toBeGreaterThanOrEqual(2);
    expect(judgedTerms(question)).toEqual(question.ownTerms);
    expect(judgedTerms(question)).not.toContain('neighbour');
  });
});

describe('composeTurnReplies: requests the bank does not serve', () => {
  const cardCharge = passage('信用卡交易争议办理说明', '同一笔消费被重复扣款的，可以申请交易争议处理，争议金额处理期间可暂不还款。', 'product', ['信用卡交易争议办理说明', '适用情形'], 0.8);

  it('keeps the off-topic wording when nothing in the base answers', () => {
    const { replies: composed } = replies('你能帮我订一张明天的高铁票吗？', [[]]);
    expect(composed[0]?.text).toContain('不在我们银行电话服务的范围内');
  });

  it('answers from the base when a word of the story only sounds off-topic (a hotel charged the card twice)', () => {
    const { replies: composed } = replies('我住酒店被信用卡重复扣款了，重复扣款可以申请交易争议吗？', [[cardCharge]]);
    expect(composed[0]?.passage?.chunkId).toBe(cardCharge.chunkId);
    expect(composed[0]?.text).not.toContain('服务的范围');
  });

  it('declines an off-topic question of its own and still answers the banking question beside it', () => {
    const earlyWithdrawal = passage('定期存款提前支取', '定期存款提前支取的部分按支取日活期利率计息，未支取部分仍按原利率计息。', 'product', ['定期存款提前支取', '提前支取'], 0.8);
    const { replies: composed } = replies('你说比特币下个月还能涨吗？我想把定期存款提前支取出来，利息怎么算？', [[], [earlyWithdrawal]]);
    expect(composed[0]?.text).toContain('不在我们银行电话服务的范围内');
    expect(composed.some((reply) => reply.passage?.chunkId === earlyWithdrawal.chunkId && reply.text.includes('活期利率'))).toBe(true);
  });

  it('declines the off-topic request and hands over the banking question beside it when nothing retrieved answers it', () => {
    const { replies: composed } = replies('我的信用卡能不能提高额度？顺便帮我订一张去杭州的机票吧。', [[], []]);
    expect(composed[0]?.text).toContain('不在我们银行电话服务的范围内');
    expect(composed[0]?.text).toContain('核实');
    expect(composed[0]?.text).toContain('额度');
  });

  it("never answers a product the bank does not offer with another product's facts", () => {
    const loanFaq = { ...passage('青松安居贷常见问题', '首期还款后可随时提前还款，不收违约金。', 'faq', []), product: '青松安居贷' };
    const understanding = understandTurn([{ speaker: 'customer', text: '车贷提前还款收不收违约金？' }], 'zh');
    const searches = planSearches(understanding);
    const notOffered = { id: 'product_not_offered', declines: true, withholdsAnswers: false, handling: '', wording: '抱歉，我们的知识库里没有车贷相关的产品规则，稍后为您转接专员核实。', knowledgeQuery: '', cue: '车贷' };
    const composed = composeTurnReplies({ understanding, searches, responses: [response([loanFaq])], language: 'zh', plain: false, count: 3, notOffered });
    expect(composed.every((reply) => !reply.text.includes('不收违约金'))).toBe(true);
    expect(composed[0]?.text).toContain('转接专员');
  });

  it('answers what was asked before the customer turned to a kind the bank does not offer, and nothing asked about it', () => {
    const feeSheet = passage('信用卡费用', '信用卡分期可提前结清，未出账的分期手续费不再收取。', 'product', ['信用卡费用', '提前结清']);
    const limits = passage('手机银行限额', '手机银行转账单日限额为20万元。', 'product', ['手机银行限额', '限额']);
    const understanding = understandTurn([{ speaker: 'customer', text: '手机银行转账一天最多能转多少？另外我的车贷也是你们这儿办的，想提前还清，还收手续费吗？' }], 'zh');
    const searches = planSearches(understanding);
    const notOffered = { id: 'product_not_offered', declines: true, withholdsAnswers: false, handling: '', wording: '抱歉，我们的知识库里没有车贷相关的产品规则，稍后为您转接专员核实。', knowledgeQuery: '', cue: '车贷' };
    const composed = composeTurnReplies({ understanding, searches, responses: searches.map((_search, index) => response(index === 0 ? [limits] : [feeSheet])), language: 'zh', plain: false, count: 3, notOffered });
    expect(composed.every((reply) => !reply.text.includes('不再收取'))).toBe(true);
    expect(composed.some((reply) => reply.text.includes('转接专员') && reply.text.includes('20万元'))).toBe(true);
  });
});

describe('composeTurnReplies: a word the base has never seen', () => {
  // Word counts as the search index keeps them, over a small base: what the service hands the composer.
  function rarityOver(texts: readonly string[]) {
    const frequency = new Map<string, number>();
    for (const text of texts) for (const token of new Set(searchTokens(text))) frequency.set(token, (frequency.get(token) ?? 0) + 1);
    return termRarity({ documents: texts.length, documentFrequency: (token) => frequency.get(token) ?? 0 });
  }
  const riskFaq = { ...passage('Which products can I buy with my risk assessment result?', 'Your assessment (C1 to C5) must be at or above the product risk level: C2 may buy up to R2.', 'faq', []), language: 'en' as const };
  const base = [
    riskFaq.text,
    'You can buy foreign currency in the app up to the annual quota.',
    'Time deposits can be opened in the app from CNY 50.',
    'Wealth products are not deposits and are not principal-protected.',
    'Lost cards can be frozen in the app at once.',
    'International transfers cost CNY 50 per transfer.',
    '信用卡交易争议：同一笔消费被重复扣款的，可以申请交易争议处理。',
    '信用卡年费：普卡首年免年费。',
    '手机银行跨行转账免手续费。',
  ];

  it('hands over when the passage shares only a common word with the question, not its subject (bitcoin)', () => {
    const understanding = understandTurn([{ speaker: 'customer', text: 'Can I buy bitcoin through the bank?' }], 'en');
    const searches = planSearches(understanding);
    const composed = composeTurnReplies({ understanding, searches, responses: searches.map(() => response([riskFaq])), language: 'en', plain: false, count: 3, rarity: rarityOver(base) });
    expect(composed.some((reply) => reply.passage?.chunkId === riskFaq.chunkId)).toBe(false);
  });

  it('still answers when the unknown word is only the story around a question the base answers (a hotel)', () => {
    const cardCharge = passage('信用卡交易争议办理说明', '同一笔消费被重复扣款的，可以申请交易争议处理，争议金额处理期间可暂不还款。', 'product', ['信用卡交易争议办理说明', '适用情形'], 0.8);
    const understanding = understandTurn([{ speaker: 'customer', text: '我住酒店被信用卡重复扣款了，重复扣款可以申请交易争议吗？' }], 'zh');
    const searches = planSearches(understanding);
    const composed = composeTurnReplies({ understanding, searches, responses: searches.map(() => response([cardCharge])), language: 'zh', plain: false, count: 3, rarity: rarityOver(base) });
    expect(composed[0]?.passage?.chunkId).toBe(cardCharge.chunkId);
    expect(composed[0]?.text).not.toContain('服务的范围');
  });
});

describe('a product only a table row describes', () => {
  const overview = {
    ...passage('Savings products at a glance', '| Name | Risk level | Holding |\n| --- | --- | --- |\n| Maple Reserve Account | R1 | daily |\n| Birchwood Growth Plan | R3 | 1 year |', 'product', ['Savings products at a glance']),
    language: 'en' as const,
    confidence: 0.02,
  };
  const otherSheet = { ...passage('Maple Reserve Account', 'Maple Reserve Account pays interest monthly and can be closed at any time.', 'product', ['Maple Reserve Account']), language: 'en' as const };

  it('answers with the row whose label names what the question names, first', () => {
    const understanding = understandTurn([{ speaker: 'customer', text: 'My brother keeps on about the Birchwood plan. How risky is Birchwood?' }], 'en');
    const searches = planSearches(understanding);
    const list = composeTurnReplies({ understanding, searches, responses: searches.map(() => response([otherSheet, overview])), language: 'en', plain: false, count: 3 });
    expect(list[0]?.text).toContain('Birchwood Growth Plan');
    expect(list[0]?.text).toContain('R3');
    expect(list[0]?.text).not.toContain('Maple');
  });

  it('does not take a row for a word other passages hold too', () => {
    const understanding = understandTurn([{ speaker: 'customer', text: 'Can I close the Maple Reserve Account at any time?' }], 'en');
    const searches = planSearches(understanding);
    const list = composeTurnReplies({ understanding, searches, responses: searches.map(() => response([otherSheet, overview])), language: 'en', plain: false, count: 3 });
    expect(list[0]?.text).not.toMatch(/^Maple Reserve Account: /u);
  });
});

describe('a question said in words the base never uses', () => {
  it('is searched and judged in the base words for them', () => {
    const understanding = understandTurn([{ speaker: 'customer', text: 'Can I wipe out the whole car payment plan this spring?' }], 'en');
    const [search] = planSearches(understanding, undefined, () => [{ said: ['wipe out'], base: ['repay', 'settle'] }]);
    expect(search?.query).toContain('repay');
    expect(search?.question?.ownTerms).toContain('repay');
    expect(search?.question?.ownTerms).not.toContain('wipe');
    const [plain] = planSearches(understanding);
    expect(plain?.question?.ownTerms).toContain('wipe');
  });

  it('judges a question whose own words the base never uses on the words it borrowed from the story', () => {
    const base = { ownTerms: ['名字', '对不上', '转过'], terms: ['名字', '对不上', '转过', '卡号', '输错'] };
    const question = { ...understandTurn([{ speaker: 'customer', text: '户名明明不一样啊，咋就给转过去了呢？' }], 'zh').questions[0]!, ...base };
    expect(judgedTerms(question)).toEqual(base.ownTerms);
    expect(judgedTerms({ ...question, namingTerms: [] })).toEqual(base.terms);
    expect(judgedTerms({ ...question, namingTerms: ['名字', '转过'] })).toEqual(base.ownTerms);
  });
});

describe('composeTurnReplies: a currency or kind of customer the passage does not cover', () => {
  const cnyRates = passage('个人人民币存款利率表', '整存整取一年期年利率1.10%，三年期1.45%。', 'product', ['个人人民币存款利率表', '利率'], 0.8);

  it('says what the passage covers, for reference, and hands the asked currency over, keeping the citation', () => {
    const { replies: composed } = replies('我有一笔英镑，想存一年的定期，利率多少？', [[cnyRates]]);
    const answer = composed.find((reply) => reply.passage?.chunkId === cnyRates.chunkId);
    expect(answer?.text).toContain('只写了人民币');
    expect(answer?.text).toContain('英镑');
    expect(answer?.text).toContain('1.10%');
  });

  it('answers a question in the currency the passage covers as it is', () => {
    const { replies: composed } = replies('人民币定期一年的利率多少？', [[cnyRates]]);
    const answer = composed.find((reply) => reply.passage?.chunkId === cnyRates.chunkId);
    expect(answer?.text).toContain('1.10%');
    expect(answer?.text).not.toContain('仅供参考');
  });

  it('adds nothing when another retrieved section of the same document names the currency asked', () => {
    const interest = { ...passage('信用卡费用说明', '到期还款日前全额还款的消费享受免息期。', 'product', ['信用卡费用说明', '免息期'], 0.8), documentId: 'card-fees' };
    const conversion = { ...passage('信用卡费用说明', '境外交易货币转换费为交易金额的1.5%。', 'product', ['信用卡费用说明', '其他费用'], 0.8), documentId: 'card-fees' };
    const { replies: composed } = replies('我用信用卡刷了一笔英镑的消费，有免息期吗？', [[interest, conversion]]);
    expect(composed.some((reply) => reply.text.includes('免息期'))).toBe(true);
    expect(composed.every((reply) => !reply.text.includes('仅供参考'))).toBe(true);
  });
});
