import { describe, expect, it } from 'vitest';
import { nounPhraseFrom } from '../../src/text/english-word-classes.js';

describe('nounPhraseFrom', () => {
  it('finds the thing a request is about after its verb, with its determiner', () => {
    const text = 'can you order me a pizza with extra cheese';
    expect(nounPhraseFrom(text, text.indexOf('order'))).toBe('a pizza');
  });

  it('keeps a noun that starts where it is asked from, and the nouns right after it', () => {
    const text = 'any concert tickets left for saturday';
    expect(nounPhraseFrom(text, text.indexOf('concert'))).toBe('concert tickets');
  });

  it('finds nothing across a clause break or when no noun follows closely', () => {
    const text = 'could you sort out, um, the thing';
    expect(nounPhraseFrom(text, text.indexOf('sort'))).toBeUndefined();
    expect(nounPhraseFrom('please just tell me quickly and slowly now', 0)).toBeUndefined();
  });
});
