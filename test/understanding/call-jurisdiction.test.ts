import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { callJurisdiction, governingJurisdiction, jurisdictionWords, toldJurisdiction } from '../../src/understanding/call-jurisdiction.js';

describe('callJurisdiction', () => {
  it('tells the jurisdiction from the money, places and institutions said in the call', () => {
    expect(callJurisdiction(['My account is at your Edinburgh branch.', 'It took forty quid for nothing.'])).toBe('UK');
    expect(callJurisdiction(['I moved to Texas last year', 'the fee was thirty dollars'])).toBe('US');
    expect(callJurisdiction(['我在杭州', '扣了我两百块钱'])).toBe('CN');
  });

  it('names none when nothing tells it, or two jurisdictions are told equally', () => {
    expect(callJurisdiction(['How do I change my password?'])).toBeUndefined();
    expect(callJurisdiction(['I live in London and get paid in dollars'])).toBeUndefined();
  });

  it('matches Latin words whole and signs anywhere', () => {
    expect(jurisdictionWords(['my visa card']).get('UK')).not.toContain('isa');
    expect(jurisdictionWords(['it cost £40']).get('UK')).toContain('£');
  });
});

describe('governingJurisdiction', () => {
  const fit = JSON.parse(readFileSync(new URL('../../src/understanding/call-jurisdiction-fit.json', import.meta.url), 'utf8')) as { byLanguage: Record<string, string>; fallback: string | null };

  it('takes a call in a language the fit decides by language from there, whatever places it names', () => {
    for (const [language, code] of Object.entries(fit.byLanguage)) expect(governingJurisdiction(['我想给在伦敦的女儿汇点英镑'], language)).toBe(code);
  });

  it('reads an English call by its words, and falls back to the fitted jurisdiction when they tell nothing', () => {
    expect(governingJurisdiction(['My account is at your Edinburgh branch.', 'It took forty quid.'], 'en')).toBe('UK');
    expect(governingJurisdiction(['How do I change my password?'], 'en')).toBe(fit.fallback ?? undefined);
    // What the call tells stops short of the fallback: the guard reads it, as live alerts read every pack of the language.
    expect(toldJurisdiction(['How do I change my password?'], 'en')).toBeUndefined();
    expect(toldJurisdiction(['My account is at your Edinburgh branch.'], 'en')).toBe('UK');
  });
});
