export interface TextPiece {
  text: string;
  matched: boolean;
}

/**
 * Splits a passage into pieces, marking every occurrence of the matched query words (case-insensitive, longest
 * first so a word is not split by a shorter one inside it). Overlapping matches merge into one marked piece.
 */
export function highlightTerms(text: string, terms: readonly string[]): TextPiece[] {
  const lower = text.toLowerCase();
  const marked = new Uint8Array(text.length);
  const words = [...new Set(terms.map((term) => term.trim().toLowerCase()).filter(Boolean))].sort((left, right) => right.length - left.length);
  for (const word of words) {
    let from = lower.indexOf(word);
    while (from !== -1) {
      marked.fill(1, from, from + word.length);
      from = lower.indexOf(word, from + 1);
    }
  }
  const pieces: TextPiece[] = [];
  for (let index = 0; index < text.length; ) {
    const matched = marked[index] === 1;
    let end = index + 1;
    while (end < text.length && (marked[end] === 1) === matched) end += 1;
    pieces.push({ text: text.slice(index, end), matched });
    index = end;
  }
  return pieces;
}
