import { describe, expect, it } from 'vitest';
import { baseWordings, baseWordsFor, coverageOf, queryTerms, TermIndex, termRarity } from '../../src/suggestions/query-terms.js';

const termsOf = (query: string, common: string[] = []) => queryTerms(query, common).map((term) => term.term);

describe('query terms', () => {
  it('keeps the content words and drops question filler, the bank name and common tokens', () => {
    expect(termsOf('Can I buy bitcoin through Lanhai Bank?')).toEqual(['buy', 'bitcoin']);
    expect(termsOf('你们银行的股票什么时候分红？')).toEqual(['股票', '分红']);
    expect(termsOf('信用卡年费多少？', ['信用卡'])).toEqual(['年费']);
  });

  it('weights generic verbs and single characters less than content words', () => {
    const weights = Object.fromEntries(queryTerms('Does Lanhai sell car insurance?').map((term) => [term.term, term.weight]));
    expect(weights).toEqual({ sell: 0.5, car: 1, insurance: 1 });
  });

  it('takes the question of the latest turn as what must be answered, the rest as context', () => {
    const terms = queryTerms('这个理财保本吗？我不想亏钱。\n我买了稳盈90天');
    const latest = terms.filter((term) => term.latest).map((term) => term.term);
    expect(latest).toEqual(['理财', '保本']);
    expect(terms.find((term) => term.term === '稳盈')?.latest).toBe(false);
  });

  it('finds Chinese terms by substring, Chinese numerals as digits, English by root', () => {
    const zh = new TermIndex('自2026年7月1日起，3年期定期存款年利率为1.45%。');
    expect(zh.has('三年期')).toBe(true);
    expect(zh.has('定期存款')).toBe(true);
    expect(zh.has('大额存单')).toBe(false);
    const en = new TermIndex('Returns are not guaranteed. Transfers in the app are free.');
    expect(en.has('guarantee')).toBe(true);
    expect(en.has('transfer')).toBe(true);
    expect(en.has('bitcoin')).toBe(false);
  });

  it("finds a customer's everyday word in a passage that uses the bank's word (term-equivalents.yaml)", () => {
    const passage = new TermIndex('Block the card in the app at once if it was stolen; the fee appears on your statement.');
    expect(passage.has('freeze')).toBe(true);
    expect(passage.has('nicked')).toBe(true);
    expect(passage.has('bill')).toBe(true);
    expect(passage.has('charges')).toBe(true);
    expect(passage.has('mortgage')).toBe(false);
  });

  it('finds a hyphenated English term by its parts and a spoken number word as the figure passages write', () => {
    const passage = new TermIndex('A 3-year fixed rate bond pays 2.10% for 3 years; cashing it in after 6 months earns the demand rate.');
    expect(passage.has('three-year')).toBe(true);
    expect(passage.has('six')).toBe(true);
    expect(passage.has('five-year')).toBe(false);
    expect(passage.has('fixed-rate')).toBe(true);
    expect(passage.has('floating-rate')).toBe(false);
  });

  it('reports the weighted share covered and the content words missing', () => {
    const coverage = coverageOf(queryTerms('Does Lanhai sell car insurance?'), new TermIndex('Lanhai sells an annuity insurance policy as an agent.'));
    expect(coverage.missing).toEqual(['car']);
    expect(coverage.ratio).toBeCloseTo(1.5 / 2.5);
  });
});

describe('term rarity', () => {
  const frequencies: Record<string, number> = { buy: 40, 信用: 30, 用卡: 30, 年费: 5, 年: 60, 费: 50 };
  const rarity = termRarity({ documents: 100, documentFrequency: (token) => frequencies[token] ?? 0 });

  it('weighs a rare word more than a common one, and a word the base never saw like its rarest', () => {
    expect(rarity('年费')).toBeGreaterThan(rarity('信用卡'));
    expect(rarity('信用卡')).toBeGreaterThan(0);
    expect(rarity('bitcoin')).toBeCloseTo(Math.log(1 + 99.5 / 1.5), 5);
    expect(rarity('bitcoin')).toBeGreaterThan(rarity('buy') * 2);
  });

  it('makes a passage missing the unknown word miss most of the question', () => {
    const terms = queryTerms('Can I buy bitcoin?').map((term) => ({ ...term, weight: 1 }));
    const index = new TermIndex('Which products can I buy?');
    expect(coverageOf(terms, index).ratio).toBeCloseTo(0.5, 5);
    expect(coverageOf(terms, index, rarity).ratio).toBeLessThan(0.3);
  });
});

describe('the base words for a customer word', () => {
  // A made-up base: the index holds "违约金" and "repay" (as their search tokens), not the everyday words for them.
  const held = new Set(['违约', '约金', 'repay', 'repayment']);
  const statistics = { documents: 50, documentFrequency: (token: string) => (held.has(token) ? 4 : 0) };

  it('adds the word the base uses when the customer says it in a word the base never uses', () => {
    expect(baseWordsFor('提前还了会罚我钱吗？', statistics)).toContain('违约金');
    expect(baseWordsFor('Can I wipe out the whole loan next month?', statistics)).toContain('repay');
  });

  it('adds nothing when the customer already says it in the base word', () => {
    expect(baseWordsFor('提前还款有违约金吗？', statistics)).not.toContain('违约金');
    expect(baseWordsFor('Can I repay the whole loan?', statistics)).toEqual([]);
  });
});

describe('the base form of an English word said in a form the base never uses', () => {
  // A made-up base holding "block", "cap" and "freeze" as written, and none of their past or -ing forms.
  const held = new Map([['block', 3], ['cap', 2], ['freeze', 4], ['card', 20], ['formal', 2]]);
  const statistics = { documents: 50, documentFrequency: (token: string) => held.get(token) ?? 0 };

  it('adds the root as the base writes it: as said, with its final e, or without a doubled last letter', () => {
    const wordings = baseWordings('My card got blocked and the app kept freezing, and now transfers are capped?', statistics);
    expect(wordings).toEqual(expect.arrayContaining([{ said: ['blocked'], base: ['block'] }, { said: ['freezing'], base: ['freeze'] }, { said: ['capped'], base: ['cap'] }]));
  });

  it('adds nothing for a form the base uses, a word with no form in the base, or an adverb', () => {
    const said = baseWordings('The cards were declined by the merchant, so I wrote to them formally.', statistics).flatMap((wording) => wording.said);
    expect(said).not.toContain('cards');
    expect(said).not.toContain('declined');
    expect(said).not.toContain('formally');
  });
});

describe('the base words for a customer word the base seldom uses', () => {
  // A made-up base: "transfer" in 30 passages, "send" in 3 (in passing), "wire" in none; "fee" in 20, "charge" in 15.
  const counts = new Map([
    ['transfer', 30],
    ['send', 3],
    ['fee', 20],
    ['charge', 15],
    ['oversea', 4],
    ['abroad', 2],
    ['cash', 27],
    ['surrender', 2],
  ]);
  const statistics = { documents: 80, documentFrequency: (token: string) => counts.get(token) ?? 0 };

  it('adds the base word when the customer word is used far less than it, by the fitted share', () => {
    expect(baseWordings('Could I send my rent to the landlord tonight?', statistics, 0.3)).toEqual([{ said: ['send'], base: ['transfer'] }]);
    // At share 0 only a word the base never uses is read in the base's words.
    expect(baseWordings('Could I send my rent to the landlord tonight?', statistics, 0)).toEqual([]);
  });

  it('adds nothing for a word the base uses about as much as its own', () => {
    expect(baseWordings('Is there a charge for that?', statistics, 0.3)).toEqual([]);
  });

  it('counts the form the customer said: a word the base uses is not read as another form of it the base lacks', () => {
    // "cash" shares its root with "cashing" (a word for surrendering a policy), which no passage holds.
    expect(baseWordings('How much cash can I take out at the machine?', statistics, 0)).toEqual([]);
  });

  it('reads a place abroad the base never mentions as abroad, and a place at home as nothing', () => {
    const abroad = baseWordings('My nephew studies in Toronto and needs money for his rent', statistics, 0);
    expect(abroad).toEqual([{ said: ['toronto'], base: ['overseas', 'abroad'] }]);
    expect(baseWordings('My nephew studies in Hangzhou and needs money for his rent', statistics, 0)).toEqual([]);
  });
});
