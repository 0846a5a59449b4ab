import { lexicalTokens } from './segment-text.js';

const maxPosition = 16383;
const maxPositionsPerLexeme = 32;
/** Postgres refuses a lexeme over 2047 bytes in a tsvector or tsquery literal (to_tsvector drops such words). */
const maxLexemeBytes = 2047;

function indexable(token: string): boolean {
  return Buffer.byteLength(token, 'utf8') <= maxLexemeBytes;
}

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
  return tokensToTsvectorLiteral(lexicalTokens(text));
}

/** The same literal for tokens already analysed (the ingest path has them from the BM25 fields). */
export function tokensToTsvectorLiteral(tokens: readonly string[]): string {
  const positions = new Map<string, number[]>();
  tokens.forEach((token, index) => {
    if (!indexable(token)) return;
    const list = positions.get(token);
    const position = Math.min(index + 1, maxPosition);
    if (!list) positions.set(token, [position]);
    else if (list.length < maxPositionsPerLexeme) list.push(position);
  });
  return [...positions].map(([token, list]) => `${quoteLexeme(token)}:${list.join(',')}`).join(' ');
}

/** An OR query over these tokens; null when there are none. */
export function tokensToTsquery(tokens: readonly string[]): string | null {
  const usable = tokens.filter(indexable);
  return usable.length === 0 ? null : usable.map(quoteLexeme).join(' | ');
}
