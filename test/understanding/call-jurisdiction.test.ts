import { describe, expect, it } from 'vitest';
import { callJurisdiction, jurisdictionWords } from '../../src/understanding/call-jurisdiction.js';

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
