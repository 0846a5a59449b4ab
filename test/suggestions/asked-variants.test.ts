import { describe, expect, it } from 'vitest';
import type { SearchResult } from '../../src/retrieval/hybrid-search.js';
import { askedVariants, uncoveredVariantNotice, uncoveredVariants } from '../../src/suggestions/asked-variants.js';

function passage(title: string, text: string): SearchResult {
  return { chunkId: title, documentId: title, externalId: title, version: 1, title, kind: 'product', text, score: 1, confidence: 0.9, headingPath: [title], language: 'zh' };
}

const cnyRates = passage('个人存款挂牌利率', '整存整取一年期年利率1.10%，三年期1.45%。');
const cardFees = passage('信用卡其他费用', '境外交易货币转换费为交易金额的1.5%。');

describe('askedVariants', () => {
  it('reads the currency and the kind of customer a question names, in either language', () => {
    expect(askedVariants('我手上有些日元，存定期一年多少利息？', 'zh').map((variant) => variant.name)).toEqual(['日元']);
    expect(askedVariants('What would a two-year deposit in Hong Kong dollars earn?', 'en').map((variant) => variant.name)).toEqual(['Hong Kong dollars']);
    expect(askedVariants('Can our business account open a time deposit?', 'en').map((variant) => variant.dimension)).toEqual(['customer']);
  });

  it('reads nothing when no variant is named, and no currency inside a longer word', () => {
    expect(askedVariants('三年期定期存款利率是多少？', 'zh')).toEqual([]);
    expect(askedVariants('I am moving to Europe next year, what is the one-year deposit rate?', 'en')).toEqual([]);
  });
});

describe('uncoveredVariants', () => {
  it('finds a passage that never names the asked currency, and accepts one that names foreign currencies as a class', () => {
    const asked = askedVariants('我有一笔日元，刷卡和存款各是什么规定？', 'zh');
    expect(uncoveredVariants(cnyRates, asked).map((variant) => variant.name)).toEqual(['日元']);
    expect(uncoveredVariants(cardFees, asked)).toEqual([]);
  });

  it('says what is known and what is handed over, naming both', () => {
    const asked = askedVariants('日元定期一年多少利息？', 'zh');
    const notice = uncoveredVariantNotice('zh', uncoveredVariants(cnyRates, asked));
    expect(notice).toContain('日元');
    expect(notice).toContain('人民币');
    expect(notice).toContain('专员');
  });
});
