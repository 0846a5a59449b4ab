/** Sentences: Chinese and English end punctuation, semicolons and line breaks. Keeps the punctuation off. */
export function splitSentences(text: string): string[] {
  return text
    .split(/[。！？!?；;\n]+|\.(?=\s|$)/u)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence.length > 0);
}

/** Clauses inside a sentence: commas, and English "and"/"but"/"so" before a new subject. */
export function splitClauses(sentence: string): string[] {
  return sentence
    .split(/[，,、]\s*|\s+(?:and|but|so|then)\s+(?=(?:i|i'll|i've|we|we'll|we've|you|you'll|it|it'll|the|your|a|an)\b)/iu)
    .map((clause) => clause.trim())
    .filter((clause) => clause.length > 0);
}

/** Trims to `limit` characters at a word boundary where the text has spaces; marks the cut with an ellipsis. */
export function trimText(text: string, limit: number): string {
  const clean = text.replace(/\s+/gu, ' ').trim();
  if (clean.length <= limit) return clean;
  const cut = clean.slice(0, limit);
  const space = cut.lastIndexOf(' ');
  const base = space > limit * 0.6 ? cut.slice(0, space) : cut;
  return `${base.replace(/[\s，,、；;：:]+$/u, '')}…`;
}
