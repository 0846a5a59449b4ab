import type { SummaryTurn } from './summary-context.js';

const delimiter = /<\/?\s*transcript\s*>/giu;

/**
 * One line per turn, "[id] speaker: text", inside <transcript> tags. Line breaks and the tags themselves
 * are neutralised in the text, so a turn can neither close the data block nor pose as another turn.
 */
export function renderTurn(turn: SummaryTurn, maxChars = Number.POSITIVE_INFINITY): string {
  const text = turn.text.replace(delimiter, ' ').replace(/[\r\n\u2028\u2029]+/gu, ' ').trim();
  const line = `[${turn.id.replace(/[\]\s]/gu, '_')}] ${turn.speaker}: ${text}`;
  return line.length > maxChars ? `${line.slice(0, Math.max(0, maxChars - 12))} [truncated]` : line;
}

export function renderTranscript(turns: readonly SummaryTurn[], maxChars?: number): string {
  return `<transcript>\n${turns.map((turn) => renderTurn(turn, maxChars)).join('\n')}\n</transcript>`;
}

/** Consecutive runs of turns whose rendered lines fit in `maxChars`; a single over-long turn is a section alone. */
export function splitIntoSections(turns: readonly SummaryTurn[], maxChars: number): SummaryTurn[][] {
  const sections: SummaryTurn[][] = [];
  let current: SummaryTurn[] = [];
  let size = 0;
  for (const turn of turns) {
    const length = renderTurn(turn).length + 1;
    if (current.length > 0 && size + length > maxChars) {
      sections.push(current);
      current = [];
      size = 0;
    }
    current.push(turn);
    size += length;
  }
  if (current.length > 0) sections.push(current);
  return sections;
}
