import { describe, expect, it } from 'vitest';
import { matchProducts } from '../../src/summaries/match-products.js';
import type { SummaryProduct } from '../../src/summaries/summary-context.js';

// A made-up catalogue: a brand most names share, titles with a common ending, one product in both languages.
const catalogue: SummaryProduct[] = [
  { id: 'p-anxin', name: '星河安心宝180天', title: '星河安心宝180天理财产品说明', aliases: [], language: 'zh' },
  { id: 'p-jinsui', name: '星河金穗一年持有', title: '星河金穗一年持有理财产品说明', aliases: [], language: 'zh' },
  { id: 'p-ruyi', name: '星河如意贷', title: '星河如意贷个人消费贷款产品说明', aliases: ['如意贷'], language: 'zh' },
  { id: 'p-ruyi-en', name: 'Xinghe Ruyi Loan', title: 'Xinghe Ruyi Loan (personal loan)', aliases: ['星河如意贷', 'Ruyi Loan'], language: 'en' },
  { id: 'p-card', name: '星河钻石信用卡', title: '星河钻石信用卡权益说明', aliases: ['钻石卡'], language: 'zh' },
];

const turn = (id: string, speaker: 'customer' | 'agent', text: string) => ({ id, speaker, text });

describe('matchProducts', () => {
  it('reports catalogue ids, and names without the brand and the titles\' common ending as automatic aliases', () => {
    const found = matchProducts([turn('a', 'customer', '我想了解一下安心宝180天，还有金穗一年持有。')], catalogue, 'zh');
    expect(found).toEqual([
      { name: '星河安心宝180天', productId: 'p-anxin', turnIds: ['a'] },
      { name: '星河金穗一年持有', productId: 'p-jinsui', turnIds: ['a'] },
    ]);
  });

  it('matches a Chinese name heard with one character wrong, never a two-character word or a changed digit', () => {
    expect(matchProducts([turn('a', 'customer', '那个安欣宝180天收益怎么样')], catalogue, 'zh').map((product) => product.productId)).toEqual(['p-anxin']);
    expect(matchProducts([turn('a', 'customer', '安心宝360天有吗')], catalogue, 'zh')).toEqual([]);
    expect(matchProducts([turn('a', 'customer', '我想办张钻石卡')], catalogue, 'zh').map((product) => product.productId)).toEqual(['p-card']);
    expect(matchProducts([turn('a', 'customer', '我想办张砖石卡')], catalogue, 'zh')).toEqual([]);
  });

  it('reports one product known in both languages once, in the call\'s language', () => {
    const english = matchProducts([turn('a', 'customer', 'What is the rate on the Ruyi Loan?'), turn('b', 'agent', '星河如意贷 is 3.6% a year.')], catalogue, 'en');
    expect(english).toEqual([{ name: 'Xinghe Ruyi Loan', productId: 'p-ruyi-en', turnIds: ['a', 'b'] }]);
    const chinese = matchProducts([turn('a', 'customer', 'Ruyi Loan 的利率是多少？')], catalogue, 'zh');
    expect(chinese).toEqual([{ name: '星河如意贷', productId: 'p-ruyi', turnIds: ['a'] }]);
  });

  it('leaves out a product the agent only listed among options, unless the customer took it up', () => {
    const listed = matchProducts([
      turn('a', 'customer', '有什么稳健一点的理财？'),
      turn('b', 'agent', '我们有安心宝180天、金穗一年持有，还有如意贷可以了解。'),
      turn('c', 'customer', '那安心宝180天的风险等级是多少？'),
    ], catalogue, 'zh');
    expect(listed.map((product) => product.productId)).toEqual(['p-anxin']);
    // One product the agent named on its own (a recommendation) is what the call discussed.
    const recommended = matchProducts([turn('a', 'customer', '有什么稳健的？'), turn('b', 'agent', '可以看看安心宝180天。')], catalogue, 'zh');
    expect(recommended.map((product) => product.productId)).toEqual(['p-anxin']);
  });
});
