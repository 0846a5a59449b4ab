import { describe, expect, it } from 'vitest';
import type { SearchResult } from '../../src/retrieval/hybrid-search.js';
import { handoverReply } from '../../src/suggestions/approved-wording.js';
import { composeExtractiveReplies, passageSentences } from '../../src/suggestions/extractive-replies.js';

function result(overrides: Partial<SearchResult> & Pick<SearchResult, 'chunkId' | 'text'>): SearchResult {
  return { documentId: `d-${overrides.chunkId}`, externalId: `e-${overrides.chunkId}`, version: 1, title: 'T', kind: 'product', score: 0.1, confidence: 0.5, headingPath: [], language: 'zh', ...overrides };
}

describe('extractive replies', () => {
  it('strips the breadcrumb, headings, FAQ questions and quotes', () => {
    expect(passageSentences(result({ chunkId: 'a', headingPath: ['年费', '减免'], text: '年费 > 减免\nQ: 年费能免吗？\nA: 刷卡满十二次可免次年年费。' }))).toEqual(['刷卡满十二次可免次年年费。']);
    expect(passageSentences(result({ chunkId: 'b', kind: 'script', text: '- 白金卡：“年费为每年600元。”' }))).toEqual(['年费为每年600元。']);
  });

  it('answers from distinct passages, keeps replies to three sentences, two for plain wording, and ends with the hand-over', () => {
    const passages = [
      result({ chunkId: 'a', text: '年费为每年600元。刷卡满十二次免年费。年费可以申请减免。减免每年一次。年费在账单日收取。' }),
      result({ chunkId: 'b', text: '年费减免须在账单日前申请。' }),
    ];
    const replies = composeExtractiveReplies({ query: '年费多少，能减免吗', passages, language: 'zh', plain: false });
    expect(replies.map((reply) => reply.passage?.chunkId)).toEqual(['a', 'b', undefined]);
    expect(replies[0]?.sentences.length).toBeLessThanOrEqual(3);
    const plain = composeExtractiveReplies({ query: '年费多少，能减免吗', passages, language: 'zh', plain: true });
    expect(plain[0]?.sentences.length).toBeLessThanOrEqual(2);
    expect(replies.at(-1)?.passage).toBeUndefined();
  });

  it('hands over when the passages share almost nothing with the question', () => {
    const passages = [result({ chunkId: 'a', text: '年费为每年600元。' })];
    const replies = composeExtractiveReplies({ query: '外汇牌价是多少', passages, language: 'zh', plain: false });
    expect(replies).toEqual([{ text: handoverReply('zh'), sentences: [handoverReply('zh')] }]);
  });

  describe('relevance gate', () => {
    const annuity = result({
      chunkId: 'annuity',
      title: '安澜年金保险产品说明',
      headingPath: ['安澜年金保险', '犹豫期'],
      text: '安澜年金保险 > 犹豫期\n本产品为保险产品，不是存款。签收保单次日起有15天犹豫期，犹豫期内退保退还全部已交保费。',
    });
    const annuityEn = result({
      chunkId: 'annuity-en',
      language: 'en',
      title: 'Anlan Annuity insurance',
      headingPath: ['Anlan Annuity', 'Cooling-off'],
      text: 'Anlan Annuity > Cooling-off\nThe annuity is an insurance policy, not a deposit. It has a 15-day cooling-off period; cancelling within it returns all premiums.',
    });
    const remittance = result({
      chunkId: 'remittance',
      language: 'en',
      title: 'Cross-border remittances',
      headingPath: ['Cross-border remittances', 'Allowance'],
      text: 'Cross-border remittances > Allowance\nIndividuals may buy up to USD 50,000 a year for study, travel or medical care. It cannot be used for property abroad or investment-type insurance.',
    });

    it('hands over, citing nothing, when a content word of the question is in no passage (zh and en)', () => {
      for (const query of ['你们卖车险吗？', '你们银行的股票什么时候分红？', '我想买特斯拉的股票']) {
        const replies = composeExtractiveReplies({ query, passages: [annuity], language: 'zh', plain: false });
        expect(replies, query).toEqual([{ text: handoverReply('zh'), sentences: [handoverReply('zh')] }]);
      }
      for (const query of ['Does the bank sell car insurance?', 'Can I buy bitcoin through the app?', 'Can I buy Tesla shares?']) {
        const replies = composeExtractiveReplies({ query, passages: [annuityEn, remittance], language: 'en', plain: false });
        expect(replies, query).toEqual([{ text: handoverReply('en'), sentences: [handoverReply('en')] }]);
      }
    });

    it('hands over when the question words only meet in passing, in different sentences of an unrelated passage', () => {
      const replies = composeExtractiveReplies({ query: 'Do you sell travel insurance?', passages: [remittance], language: 'en', plain: false });
      expect(replies.map((reply) => reply.passage)).toEqual([undefined]);
    });

    it('answers and cites the passage when it holds the question content words (zh and en)', () => {
      const zh = composeExtractiveReplies({ query: '年金保险的犹豫期有多长？', passages: [annuity], language: 'zh', plain: false });
      expect(zh[0]?.passage?.chunkId).toBe('annuity');
      expect(zh[0]?.text).toContain('15天犹豫期');
      const en = composeExtractiveReplies({ query: 'How long is the cooling-off period on the annuity?', passages: [remittance, annuityEn], language: 'en', plain: false });
      expect(en[0]?.passage?.chunkId).toBe('annuity-en');
      expect(en[0]?.text).toContain('15-day cooling-off period');
      expect(en.at(-1)?.passage).toBeUndefined();
    });

    it('ignores what most of the base contains (commonTokens) when judging relevance', () => {
      const replies = composeExtractiveReplies({ query: '保险犹豫期', passages: [annuity], language: 'zh', plain: false, commonTokens: ['保险', '犹豫', '期'] });
      expect(replies.map((reply) => reply.passage)).toEqual([undefined]);
    });
  });

  it('leads with the FAQ that asks the same question, answering from its first sentence', () => {
    const faq = result({ chunkId: 'faq', kind: 'faq', language: 'en', title: 'I lost my card', text: 'Q: I lost my card, what should I do?\nA: Block it at once in the app or by calling 956789. A new card arrives in 7 days.' });
    const table = result({
      chunkId: 'table',
      language: 'en',
      title: 'Lost cards',
      headingPath: ['Lost cards', 'Protection'],
      text: 'Lost cards > Protection\nCard | Covers lost-card transactions | Maximum\nGold card | 48 hours | CNY 10,000',
    });
    const replies = composeExtractiveReplies({ query: 'I lost my card', passages: [table, faq], language: 'en', plain: false });
    expect(replies[0]?.passage?.chunkId).toBe('faq');
    expect(replies[0]?.sentences[0]).toBe('Block it at once in the app or by calling 956789.');
  });

  it('never offers wording quoted as what not to say', () => {
    const avoid = result({ chunkId: 'avoid', kind: 'script', headingPath: ['投诉话术', '禁止用语（反例，勿用）'], text: '投诉话术 > 禁止用语（反例，勿用）\n不得说“这个投诉没用”“您投诉我也没办法”。' });
    const inline = result({ chunkId: 'inline', kind: 'script', language: 'en', text: 'Never say "complaining won\'t change anything".' });
    expect(passageSentences(avoid)).toEqual([]);
    expect(passageSentences(inline)).toEqual([]);
  });
});
