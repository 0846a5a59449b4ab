import { lexicalTokens } from './segment-text.js';

const maxPosition = 16383;
const maxPositionsPerLexeme = 32;

function quoteLexeme(token: string): string {
  return `'${token.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}

/**
 * The tsvector literal for a text, with positions so ts_rank sees term frequency. Tokens come from our own
 * segmenter (jieba + CJK bigrams), and the literal is cast with ::tsvector rather than run through
 * to_tsvector: Postgres has no Chinese parser, and this way the result does not depend on the server's locale.
 * It is what to_tsvector('simple', ...) would store for these tokens.
 */
export function toTsvectorLiteral(text: string): string {
  const positions = new Map<string, number[]>();
  lexicalTokens(text).forEach((token, index) => {
    const list = positions.get(token);
    const position = Math.min(index + 1, maxPosition);
    if (!list) positions.set(token, [position]);
    else if (list.length < maxPositionsPerLexeme) list.push(position);
  });
  return [...positions].map(([token, list]) => `${quoteLexeme(token)}:${list.join(',')}`).join(' ');
}

/** An OR query over these tokens; null when there are none. */
export function tokensToTsquery(tokens: readonly string[]): string | null {
  return tokens.length === 0 ? null : tokens.map(quoteLexeme).join(' | ');
}
