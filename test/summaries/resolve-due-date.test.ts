import { describe, expect, it } from 'vitest';
import { findDueDate, parseChineseNumber, resolveDueDate } from '../../src/summaries/resolve-due-date.js';
import { fridayAfternoon } from './taxonomy-fixture.js';

const onFriday = { reference: fridayAfternoon };
// Wednesday 15 May 2024, 10:00 in Shanghai.
const onWednesday = { reference: new Date('2024-05-15T02:00:00Z') };

describe('resolveDueDate', () => {
  it.each([
    ['新卡将在三个工作日内寄出', '2024-05-22'],
    ['3个工作日内处理完毕', '2024-05-22'],
    ['一个工作日内回复', '2024-05-20'],
    ['十个工作日内', '2024-05-31'],
    ['明天给您回电', '2024-05-18'],
    ['下周一之前', '2024-05-20'],
    ['下周五到账', '2024-05-24'],
    ['24小时内联系您', '2024-05-18'],
    ['15日内完成调查', '2024-06-01'],
    ['七天内退回', '2024-05-24'],
    ['后天', '2024-05-19'],
    ['6月3日前', '2024-06-03'],
    ['本月底前', '2024-05-31'],
    ["I'll call you back tomorrow", '2024-05-18'],
    ['within 3 business days', '2024-05-22'],
    ['within three working days', '2024-05-22'],
    ['by Friday', '2024-05-24'],
    ['within 7 days', '2024-05-24'],
    ['within 48 hours', '2024-05-19'],
    ['in two weeks', '2024-05-31'],
    ['by June 3rd', '2024-06-03'],
    ['by end of day', '2024-05-17'],
  ])('%s -> %s (call on Friday 2024-05-17)', (text, expected) => {
    expect(resolveDueDate(text, onFriday)).toBe(expected);
  });

  it('counts business days across the weekend from midweek and from a weekend', () => {
    expect(resolveDueDate('三个工作日内', onWednesday)).toBe('2024-05-20');
    expect(resolveDueDate('within 5 business days', onWednesday)).toBe('2024-05-22');
    // Saturday 18 May: the count starts on Monday.
    expect(resolveDueDate('三个工作日内', { reference: new Date('2024-05-18T02:00:00Z') })).toBe('2024-05-22');
  });

  it('reads weekdays relative to the call day', () => {
    expect(resolveDueDate('下周一', onWednesday)).toBe('2024-05-20');
    expect(resolveDueDate('周五', onWednesday)).toBe('2024-05-17');
    expect(resolveDueDate('by Friday', onWednesday)).toBe('2024-05-17');
    expect(resolveDueDate('next Monday', onWednesday)).toBe('2024-05-20');
    // Sunday 19 May: 下周一 is the next day, the Monday of the following week.
    expect(resolveDueDate('下周一', { reference: new Date('2024-05-19T02:00:00Z') })).toBe('2024-05-20');
  });

  it('uses the call day in the given time zone', () => {
    // 20:00 UTC on Friday is already 04:00 on Saturday in Shanghai.
    const lateFriday = new Date('2024-05-17T20:00:00Z');
    expect(resolveDueDate('明天', { reference: lateFriday })).toBe('2024-05-19');
    expect(resolveDueDate('明天', { reference: lateFriday, timeZone: 'UTC' })).toBe('2024-05-18');
  });

  it('rolls an explicit date that has passed into next year', () => {
    expect(resolveDueDate('1月5日前', onFriday)).toBe('2025-01-05');
    expect(resolveDueDate('2月30日', onFriday)).toBeUndefined();
  });

  it('leaves vague phrases unresolved', () => {
    for (const text of ['尽快给您回电', '稍后联系您', '下周', 'as soon as possible', 'shortly', 'soon', '']) {
      expect(resolveDueDate(text, onFriday)).toBeUndefined();
    }
  });

  it('reports the earliest phrase it used', () => {
    expect(findDueDate('明天先回电，三个工作日内寄卡', onFriday)).toEqual({ date: '2024-05-18', phrase: '明天' });
    expect(findDueDate('Ｗｉｔｈｉｎ ２４ hours', onFriday)).toEqual({ date: '2024-05-18', phrase: 'within 24 hours' });
  });

  it('parses Chinese numerals', () => {
    expect([parseChineseNumber('三'), parseChineseNumber('十五'), parseChineseNumber('二十'), parseChineseNumber('两')]).toEqual([3, 15, 20, 2]);
    expect(parseChineseNumber('百')).toBeUndefined();
  });
});
