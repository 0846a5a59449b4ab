import { describe, expect, it } from 'vitest';
import { findIdentifiers, isLuhnValid, isValidChinaId } from '../../src/compliance/identifier-matchers.js';

describe('identifier matchers', () => {
  it('accepts resident ID numbers only with a valid check digit', () => {
    expect(isValidChinaId('110105198803127718')).toBe(true);
    expect(isValidChinaId('110105198803127716')).toBe(false);
    expect(findIdentifiers('证件号110105198803127718', 'china_id')).toEqual([{ start: 3, end: 21 }]);
    expect(findIdentifiers('证件号110105198803127716', 'china_id')).toEqual([]);
  });

  it('finds Luhn-valid card numbers, grouped or not, and ignores other long numbers', () => {
    expect(isLuhnValid('4111111111111111')).toBe(true);
    expect(findIdentifiers('card 4111 1111 1111 1111 ok', 'card_number')).toHaveLength(1);
    expect(findIdentifiers('卡号6222021234567890128', 'card_number')).toHaveLength(1);
    expect(findIdentifiers('编号20240312000158', 'card_number')).toEqual([]);
    expect(findIdentifiers('身份证110105198803127718', 'card_number')).toEqual([]);
    expect(findIdentifiers('尾号1111', 'card_number')).toEqual([]);
  });

  it('reads numbers said digit by digit in words: a card in groups of four, an ID by its check digit', () => {
    // Grouped like a printed card, a misheard (Luhn-invalid) number still counts; said in words, Chinese or English.
    expect(findIdentifiers('跟您核对：六二二二，零二一二，三四五六，七八九零，一二。', 'card_number')).toHaveLength(1);
    expect(findIdentifiers('it is four one one one, one one one one, one one one one, one one one one', 'card_number')).toHaveLength(1);
    expect(findIdentifiers('证件号一一零一零五一九八八零三一二七七一八', 'china_id')).toEqual([{ start: 3, end: 21 }]);
    expect(findIdentifiers('证件号一一零一零五一九八八零三一二七七一六', 'china_id')).toEqual([]);
    // Short runs, counting words and ungrouped Luhn-invalid runs are not identifiers.
    expect(findIdentifiers('尾号是一三八，一二三四五六七八九十都行', 'card_number')).toEqual([]);
    expect(findIdentifiers('三四五六七八九零一二三四五六七八', 'card_number')).toEqual([]);
    expect(findIdentifiers('one or two of the three options', 'card_number')).toEqual([]);
  });

  it('finds phone numbers and social security numbers', () => {
    expect(findIdentifiers('手机13812345678', 'phone_number')).toHaveLength(1);
    expect(findIdentifiers('call 555-201-7788', 'phone_number')).toHaveLength(1);
    expect(findIdentifiers('ssn 123-45-6789', 'us_ssn')).toHaveLength(1);
    expect(findIdentifiers('ssn 000-45-6789', 'us_ssn')).toEqual([]);
  });
});
