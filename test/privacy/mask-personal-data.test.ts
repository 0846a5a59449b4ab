import { describe, expect, it } from 'vitest';
import { maskPersonalData, maskStrings, maskText } from '../../src/privacy/mask-personal-data.js';

const fullWidth = (text: string): string => text.replace(/[0-9]/g, (digit) => String.fromCharCode(digit.charCodeAt(0) + 0xfee0));
const kinds = (text: string) => maskPersonalData(text).spans.map((span) => span.kind);

describe('maskPersonalData: what is masked', () => {
  it.each([
    ['卡号6222021234567894，请核对', 'card_number', '6222********7894'],
    ['card 4111 1111 1111 1111 please', 'card_number', '4111 **** **** 1111'],
    ['卡号6222-0212-3456-7894', 'card_number', '6222-****-****-7894'],
    ['身份证110101199003074514。', 'china_id', '1101**********4514'],
    ['证件号 11010519491231002X', 'china_id', '1101**********002X'],
    ['手机13812345678', 'phone_number', '138****5678'],
    ['手机 138 1234 5678', 'phone_number', '138 **** 5678'],
    ['电话+86 138-1234-5678', 'phone_number', '+86 138-****-5678'],
    ['电话0086 13812345678', 'phone_number', '0086 138****5678'],
    ['座机010-12345678', 'phone_number', '***-****5678'],
    ['Call me at (415) 555-2671.', 'phone_number', '(***) ***-2671'],
    ['or +1 415 555 2671', 'phone_number', '+1 *** *** 2671'],
    ['mobile +44 7700 900123', 'phone_number', '+44 **** **0123'],
    ['my phone is 4155552671', 'phone_number', '******2671'],
    ['mail zhang.san@example.com now', 'email', 'z***@example.com'],
    ['SSN 123-45-6789', 'us_ssn', '***-**-6789'],
    ['my social security number is 123 45 6789', 'us_ssn', '*** ** 6789'],
    ['ssn 123456789', 'us_ssn', '*****6789'],
    ['账号 1234567890123', 'account_number', '1234*****0123'],
    ['account number 0012345678', 'account_number', '******5678'],
    ['转到 6228480012345678123 这个', 'account_number', '6228***********8123'],
    ['refund to 98765432101234 now', 'account_number', '9876******1234'],
    ['卡号 6 2 2 2 0 2 1 2 3 4 5 6 7 8 9 4', 'card_number', '6 2 2 2 * * * * * * * * 7 8 9 4'],
    ['手机18665182089', 'phone_number', '186****2089'],
  ])('%s -> %s', (text, kind, masked) => {
    const result = maskPersonalData(text);
    expect(result.spans.map((span) => span.kind)).toEqual([kind]);
    expect(result.text).toContain(masked);
  });

  it('finds full-width digits, full-width separators and full-width e-mails, keeping the characters it shows', () => {
    const text = `手机${fullWidth('138')}－${fullWidth('1234')}－${fullWidth('5678')}，卡号${fullWidth('6222021234567894')}，邮箱ｚｈａｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ，身份证${fullWidth('110101199003074514')}`;
    const result = maskPersonalData(text);
    expect(result.spans.map((span) => span.kind)).toEqual(['phone_number', 'card_number', 'email', 'china_id']);
    expect(result.text).toContain(`${fullWidth('138')}－****－${fullWidth('5678')}`);
    expect(result.text).not.toContain(fullWidth('6222021234567894'));
    expect(result.text).toContain('ｚ***＠ｅｘａｍｐｌｅ．ｃｏｍ');
    expect(result.text).not.toContain(fullWidth('199003074'));
  });

  it('masks an e-mail whose mailbox is a phone number once, as an e-mail', () => {
    expect(maskPersonalData('邮箱13812345678@qq.com').text).toBe('邮箱1***@qq.com');
  });

  it('finds a phone number inside a longer run of digit groups', () => {
    expect(maskText('金额 100 13812345678 元')).not.toContain('13812345678');
    expect(maskText('号码 12 13812345678 元')).not.toContain('13812345678');
  });

  it('handles a long table of spaced numbers in one pass and still finds the phone number at its end', () => {
    const table = `${Array.from({ length: 20_000 }, (_, index) => String(10 + (index % 90))).join(' ')} 13812345678`;
    const masked = maskText(table);
    expect(masked.slice(0, -20)).toBe(table.slice(0, -20));
    expect(masked).not.toContain('13812345678');
  });

  it('reports spans in the original offsets', () => {
    const text = '请拨13812345678找我';
    const [span] = maskPersonalData(text).spans;
    expect(text.slice(span!.start, span!.end)).toBe('13812345678');
  });

  it('is idempotent: masked text is left as it is', () => {
    const once = maskText('卡号6222021234567894，手机13812345678，SSN 123-45-6789，a.b@example.com，身份证110101199003074514');
    expect(maskText(once)).toBe(once);
  });
});

describe('maskPersonalData: what is left alone', () => {
  it.each([
    ['年费200元，2026-07-01生效', 'amounts and dates'],
    ['年化利率3.85%，期限365天，起购金额10,000元', 'rates and amounts'],
    ['余额 1 000 000 元', 'spaced amounts'],
    ['产品R2，代码FX2026-001，编号PRD-6222021234567894', 'product codes glued to letters'],
    ['订单号2026010112345678', 'order numbers after a reference word'],
    ['order 4111111111111111', 'a Luhn-valid order number named as an order'],
    ['交易流水 202601011234567890', 'transaction references'],
    ['请拨打客服热线400-820-8888或95588', 'bank hotlines'],
    ['为了账户安全，请您及时拨打400-820-8888', 'a hotline after an account word'],
    ['短信服务号码是10690123456789', 'SMS gateway numbers'],
    ['toll free 1-800-555-0199', 'US toll-free numbers'],
    ['call 20123456789 later', 'an 11-digit number that is no mobile, fails Luhn and has no context'],
    ['请求 3f2a1b4c-1234-5678-9abc-def012345678', 'request ids'],
    ['2026-07-01 12:30:45', 'timestamps'],
    ['尾号5678的卡', 'the last four digits'],
    ['序号 88 89 90 91 92 93 94', 'a list of small numbers'],
    ['金额123456789元', 'a 9-digit amount without SSN context'],
  ])('%s (%s)', (text) => {
    const result = maskPersonalData(text);
    expect(result.spans).toEqual([]);
    expect(result.text).toBe(text);
  });

  it('does not call a number that fails Luhn a card, nor an 18-digit number with a wrong check character an ID', () => {
    expect(kinds('号码 6222021234567895')).not.toContain('card_number');
    expect(kinds('号码 110101199003074515')).not.toContain('china_id');
  });
});

describe('maskStrings', () => {
  it('masks every string of plain data except under the keys it is told to keep', () => {
    const value = { text: '手机13812345678', turnIds: ['13812345678'], nested: [{ note: 'a.b@example.com' }], count: 13812345678 };
    const masked = maskStrings(value, new Set(['turnIds']));
    expect(masked).toEqual({ text: '手机138****5678', turnIds: ['13812345678'], nested: [{ note: 'a***@example.com' }], count: 13812345678 });
  });
});
