import { describe, expect, it } from 'vitest';
import { emergingTerms, logLikelihoodRatio } from '../../src/insights/emerging-terms.js';

const settings = { minimumCalls: 5, minimumShareRatio: 2, minimumLogLikelihood: 10.83 };

describe('emerging terms', () => {
  it('gives G² of zero when the share did not change and grows with the rise', () => {
    expect(logLikelihoodRatio(10, 1000, 10, 1000)).toBeCloseTo(0, 6);
    expect(logLikelihoodRatio(40, 1000, 10, 1000)).toBeGreaterThan(logLikelihoodRatio(20, 1000, 10, 1000));
  });

  it('keeps a sharp rise and drops noise, rare terms and falls', () => {
    const result = emergingTerms(
      [
        { term: 'rising', current: 60, previous: 5 },
        { term: 'steady', current: 50, previous: 48 },
        { term: 'rare', current: 3, previous: 0 },
        { term: 'falling', current: 5, previous: 50 },
        { term: 'small-rise', current: 12, previous: 8 },
      ],
      { current: 1000, previous: 1000 },
      settings,
      10,
    );
    expect(result.map((term) => term.term)).toEqual(['rising']);
    expect(result[0]!.logLikelihood).toBeGreaterThan(10.83);
  });

  it('handles a term absent from the previous period and an empty previous period', () => {
    expect(emergingTerms([{ term: 'new', current: 30, previous: 0 }], { current: 500, previous: 500 }, settings, 5)).toHaveLength(1);
    expect(emergingTerms([{ term: 'new', current: 30, previous: 0 }], { current: 0, previous: 0 }, settings, 5)).toHaveLength(0);
  });
});
