import { describe, expect, it } from 'vitest';
import { evidencePieces } from '../../../../console/src/workspaces/compliance/evidence-pieces';

describe('evidencePieces', () => {
  it('cuts the sentence at every evidence bound, naming the rules over each piece, and keeps it whole', () => {
    const text = 'abcdefghij';
    const pieces = evidencePieces(text, [
      { ruleId: 'R1', evidence: { start: 2, end: 6 } },
      { ruleId: 'R2', evidence: { start: 4, end: 8 } },
    ]);
    expect(pieces).toEqual([
      { text: 'ab', ruleIds: [] },
      { text: 'cd', ruleIds: ['R1'] },
      { text: 'ef', ruleIds: ['R1', 'R2'] },
      { text: 'gh', ruleIds: ['R2'] },
      { text: 'ij', ruleIds: [] },
    ]);
    expect(pieces.map((piece) => piece.text).join('')).toBe(text);
  });

  it('clamps offsets outside the text and ignores empty spans', () => {
    expect(evidencePieces('abc', [{ ruleId: 'R', evidence: { start: 1, end: 99 } }, { ruleId: 'E', evidence: { start: 2, end: 2 } }])).toEqual([
      { text: 'a', ruleIds: [] },
      { text: 'bc', ruleIds: ['R'] },
    ]);
    expect(evidencePieces('abc', [])).toEqual([{ text: 'abc', ruleIds: [] }]);
  });
});
