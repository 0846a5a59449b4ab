import { describe, expect, it } from 'vitest';
import { toTsvectorLiteral, tokensToTsquery } from '../../src/text/lexical-vector.js';

describe('lexical vectors', () => {
  it('drops lexemes Postgres cannot store (over 2047 bytes), as to_tsvector would, and keeps the rest', () => {
    const literal = toTsvectorLiteral(`annual fee ${'q'.repeat(3_000)}`);
    expect(literal).toContain("'annual'");
    expect(literal).toContain("'fee'");
    expect(literal).not.toContain('q'.repeat(2_048));
  });

  it('leaves long tokens out of a query, and gives null when none is left', () => {
    expect(tokensToTsquery(['fee', '€'.repeat(700)])).toBe("'fee'");
    expect(tokensToTsquery(['€'.repeat(700)])).toBeNull();
  });
});
