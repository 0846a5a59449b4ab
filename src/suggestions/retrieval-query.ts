import type { SearchResult } from '../retrieval/hybrid-search.js';
import { overlapWith, topicTokens } from './extractive-replies.js';

export interface QueryTurn {
  speaker: 'customer' | 'agent';
  text: string;
}

/** How far back the query looks: a question is often spread over the customer's last few turns. */
export const retrievalWindowTurns = 8;
export const retrievalCustomerTurns = 3;
/** Longer queries dilute both legs (the embedding and the lexical OR query) without adding recall. */
export const retrievalQueryMaxCharacters = 300;

/**
 * The search query for the next reply: the latest customer turn first (it carries the question), then
 * earlier customer turns in the window, newest first, up to the cap. Agent turns are left out: they
 * repeat the bank's wording and would pull back what was already said. With no customer turn in the
 * window, the last turn is used.
 */
export function buildRetrievalQuery(turns: readonly QueryTurn[]): string {
  const window = turns.slice(-retrievalWindowTurns);
  const customer = window.filter((turn) => turn.speaker === 'customer' && turn.text.trim());
  const sources = customer.length > 0 ? customer.slice(-retrievalCustomerTurns).reverse() : window.slice(-1);
  const parts: string[] = [];
  let length = 0;
  for (const turn of sources) {
    const text = turn.text.replace(/\s+/gu, ' ').trim();
    if (!text) continue;
    const room = retrievalQueryMaxCharacters - length;
    if (room <= 0) break;
    const piece = text.slice(0, room);
    parts.push(piece);
    length += piece.length + 1;
  }
  return parts.join('\n');
}

/**
 * Puts approved wording (script chunks) first when it fits the question about as well as the best result:
 * a script is what the agent may say word for word. A reorder of the one search, never a second search.
 */
export function preferApprovedWording(results: readonly SearchResult[], query: string): SearchResult[] {
  const queryTokens = topicTokens(query);
  const ratios = results.map((result) => overlapWith(queryTokens, result.text));
  const best = Math.max(0, ...ratios.map((overlap) => overlap.ratio));
  const fits = (index: number): boolean => {
    const overlap = ratios[index];
    return results[index]?.kind === 'script' && overlap !== undefined && overlap.count >= 2 && overlap.ratio >= best * 0.6;
  };
  const scripts = results.filter((_result, index) => fits(index));
  const others = results.filter((_result, index) => !fits(index));
  return [...scripts, ...others];
}
