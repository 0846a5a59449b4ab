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

  it('finds phone numbers and social security numbers', () => {
    expect(findIdentifiers('手机13812345678', 'phone_number')).toHaveLength(1);
    expect(findIdentifiers('call 555-201-7788', 'phone_number')).toHaveLength(1);
    expect(findIdentifiers('ssn 123-45-6789', 'us_ssn')).toHaveLength(1);
    expect(findIdentifiers('ssn 000-45-6789', 'us_ssn')).toEqual([]);
  });
});
