import { describe, expect, it } from 'vitest';
import { normalizeForMatching, normalizeText, parseChineseNumber } from '../../src/text/normalize-text.js';

describe('normalizeText', () => {
  it('folds full-width digits, letters and punctuation (NFKC) and lower-cases', () => {
    expect(normalizeForMatching('ＡＰＲ为１８％，好吗？')).toBe('apr为18%,好吗?');
  });

  it('turns Chinese percentages and amounts into digits', () => {
    expect(normalizeForMatching('年化百分之五')).toBe('年化5%');
    expect(normalizeForMatching('年化百分之三点五')).toBe('年化3.5%');
    expect(normalizeForMatching('日息万分之三')).toBe('日息0.03%');
    expect(normalizeForMatching('月费率千分之六')).toBe('月费率0.6%');
    expect(normalizeForMatching('三万元')).toBe('30000元');
    expect(normalizeForMatching('两万三千块')).toBe('23000元');
    expect(normalizeForMatching('欠款一万二千八百元')).toBe('欠款12800元');
    expect(normalizeForMatching('十万')).toBe('100000');
    expect(normalizeForMatching('还剩八千多')).toBe('还剩8000多');
    expect(normalizeForMatching('两百来块')).toBe('200来块');
  });

  it('leaves numerals that are not amounts alone', () => {
    expect(normalizeForMatching('一分不少，千万别信，说一遍，只收一点点')).toBe('一分不少,千万别信,说一遍,只收一点点');
    expect(normalizeForMatching('十分安全')).toBe('十分安全');
    expect(normalizeForMatching('十多年，三十来岁')).toBe('十多年,三十来岁');
  });

  it('folds currency markers and thousands separators to plain amounts', () => {
    expect(normalizeForMatching('¥3,000')).toBe('3000元');
    expect(normalizeForMatching('￥500')).toBe('500元');
    expect(normalizeForMatching('RMB 2000')).toBe('2000元');
    expect(normalizeForMatching('人民币800')).toBe('800元');
    expect(normalizeForMatching('12,800块钱')).toBe('12800元');
    expect(normalizeForMatching('3万')).toBe('30000');
    expect(normalizeForMatching('$4,210.33')).toBe('$4210.33');
  });

  it('maps normalised offsets back to the original text', () => {
    const original = '您的收益是百分之五，本金三万元';
    const normalized = normalizeText(original);
    const at = normalized.text.indexOf('5%');
    const span = normalized.toOriginalSpan(at, at + 2);
    expect(original.slice(span.start, span.end)).toBe('百分之五');
    const amount = normalized.text.indexOf('30000元');
    const amountSpan = normalized.toOriginalSpan(amount, amount + '30000元'.length);
    expect(original.slice(amountSpan.start, amountSpan.end)).toBe('三万元');
    const tail = normalized.text.indexOf('本金');
    expect(original.slice(normalized.toOriginal(tail))).toBe('本金三万元');
  });

  it('keeps offsets right after full-width and astral characters', () => {
    const original = '😀ＡＰＲ １８％';
    const normalized = normalizeText(original);
    const at = normalized.text.indexOf('18%');
    const span = normalized.toOriginalSpan(at, at + 3);
    expect(original.slice(span.start, span.end)).toBe('１８％');
  });

  it('turns control characters into spaces and keeps newlines', () => {
    expect(normalizeForMatching('a\u0000b\u0007c\nd\u200be')).toBe('a b c\nd e');
  });

  it('keeps apostrophes inside English words', () => {
    expect(normalizeForMatching('We can’t guarantee ‘returns’')).toBe("we can't guarantee ‘returns’");
  });

  it('handles empty and very long input', () => {
    expect(normalizeText('').text).toBe('');
    const long = '这款理财百分之五，'.repeat(12_000);
    const normalized = normalizeText(long);
    expect(normalized.text.length).toBeLessThan(long.length);
    expect(normalized.toOriginal(normalized.text.length)).toBe(long.length);
  });
});

describe('parseChineseNumber', () => {
  it('reads standard and colloquial forms', () => {
    expect(parseChineseNumber('十二')).toBe(12);
    expect(parseChineseNumber('二十五')).toBe(25);
    expect(parseChineseNumber('一百零五')).toBe(105);
    expect(parseChineseNumber('三万五')).toBe(35000);
    expect(parseChineseNumber('三点五')).toBe(3.5);
    expect(parseChineseNumber('万一')).toBeUndefined();
  });
});
