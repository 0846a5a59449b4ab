import { describe, expect, it } from 'vitest';
import { SuggestionGuard } from '../../src/suggestions/suggestion-guard.js';
import { ruleEngine } from './suggestion-fixtures.js';

const guardFor = (language: 'zh' | 'en') =>
  new SuggestionGuard(ruleEngine(), { turns: [{ speaker: 'customer', text: language === 'zh' ? '年费多少？' : 'What is the annual fee?' }], customer: { riskLevel: 'C3' }, language });

describe('SuggestionGuard across languages', () => {
  it('blocks a streamed sentence harmful in the other language', () => {
    expect(guardFor('zh').screenSentence('您好。Please tell me the SMS code we just sent.').action).toBe('block');
    expect(guardFor('en').screenSentence('Hello. 请把短信验证码告诉我。').action).toBe('block');
  });

  it('holds text mostly in another language, and releases it once the reply is mostly in its own', () => {
    const guard = guardFor('zh');
    expect(guard.screenSentence('Thank you for calling.').action).toBe('hold');
    expect(guard.screenSentence('Thank you for calling. 白金信用卡年费为每年600元，刷卡满十二次可免次年年费。').action).toBe('release');
    expect(guard.screenSentence('白金信用卡年费为每年600元。').action).toBe('release');
  });

  it('refuses a finished reply mostly in another language, whatever it says', () => {
    const refused = guardFor('zh').finalize({ text: 'The annual fee is CNY 600 a year.', citations: [], origin: 'model' });
    expect(refused).toEqual({ ok: false, reason: 'language', findings: [] });
    const blocked = guardFor('zh').finalize({ text: '白金卡年费每年600元，可以申请减免次年年费。You basically can\'t lose.', citations: [], origin: 'model' });
    expect(blocked.ok).toBe(false);
    if (!blocked.ok) expect(blocked.reason).toBe('rules');
    expect(guardFor('en').finalize({ text: 'The annual fee is CNY 200; see it in the App under 信用卡.', citations: [], origin: 'model' }).ok).toBe(true);
  });
});
