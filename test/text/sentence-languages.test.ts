import { describe, expect, it } from 'vitest';
import { keepSentencesIn, languagesIn, mostlyInAnotherLanguage, sentenceLanguages } from '../../src/text/sentence-languages.js';

describe('sentenceLanguages', () => {
  it('tells Chinese and English sentences apart by script', () => {
    const text = '您好，感谢来电。Please hold on. 稍等！';
    const sentences = sentenceLanguages(text);
    expect(sentences.map((sentence) => [text.slice(sentence.start, sentence.end).trim(), sentence.languages])).toEqual([
      ['您好，感谢来电。', ['zh']],
      ['Please hold on.', ['en']],
      ['稍等！', ['zh']],
    ]);
  });

  it('does not read borrowed terms in a Chinese sentence as English speech', () => {
    expect(languagesIn('请在App里输入PIN码，OK吗？')).toEqual(['zh']);
    expect(languagesIn('请打开手机银行APP。')).toEqual(['zh']);
  });

  it('reads an English phrase inside a Chinese sentence as English too', () => {
    expect(languagesIn("您放心，guaranteed 8%, can't lose。")).toEqual(['zh', 'en']);
    expect(languagesIn('您的SMS code是多少？')).toEqual(['zh', 'en']);
  });

  it('keeps decimals inside a sentence', () => {
    expect(sentenceLanguages('The rate is 2.5% a year on deposits.')).toHaveLength(1);
  });

  it('ignores sentences with no letters of either script', () => {
    expect(sentenceLanguages('123. 456!')).toEqual([]);
    expect(languagesIn('')).toEqual([]);
  });
});

describe('keepSentencesIn', () => {
  it('blanks the other sentences without moving offsets', () => {
    const text = '您好。Call us 😀 back.\n好的。';
    const english = keepSentencesIn(text, 'en');
    expect(english).toHaveLength(text.length);
    expect(english.trim()).toBe('Call us 😀 back.');
    expect(english.indexOf('Call')).toBe(text.indexOf('Call'));
    expect(english).toContain('\n');
    expect(keepSentencesIn(text, 'zh').indexOf('好的')).toBe(text.indexOf('好的'));
  });
});

describe('mostlyInAnotherLanguage', () => {
  it('weighs Chinese words (Han characters over 1.5) against English words', () => {
    expect(mostlyInAnotherLanguage('This fund pays a guaranteed return every year.', 'zh')).toBe(true);
    expect(mostlyInAnotherLanguage('您可以在手机银行App里查看账单。', 'zh')).toBe(false);
    expect(mostlyInAnotherLanguage('您可以在手机银行App里查看账单。', 'en')).toBe(true);
    expect(mostlyInAnotherLanguage('Your annual fee is CNY 200. 谢谢。', 'en')).toBe(false);
    expect(mostlyInAnotherLanguage('12345', 'en')).toBe(false);
    // A long Chinese product name inside an English sentence does not make it Chinese.
    expect(mostlyInAnotherLanguage('You can buy 蓝海稳盈90天理财产品 in the App.', 'en')).toBe(false);
    expect(mostlyInAnotherLanguage('请在手机银行App里设置PIN码，OK吗？', 'zh')).toBe(false);
  });
});
