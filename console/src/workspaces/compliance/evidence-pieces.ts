export interface EvidencePiece {
  text: string;
  /** The rules whose evidence covers this piece (empty: plain text). */
  ruleIds: string[];
}

/**
 * The checked sentence cut at every evidence boundary, each piece naming the findings that cover it, so overlapping
 * evidence of two rules shows as one marked span listing both. Offsets are the API's (UTF-16, into the text as sent);
 * out-of-range offsets are clamped rather than trusted.
 */
export function evidencePieces(text: string, findings: readonly { ruleId: string; evidence: { start: number; end: number } }[]): EvidencePiece[] {
  const spans = findings
    .map((finding) => ({ ruleId: finding.ruleId, start: Math.max(0, Math.min(text.length, finding.evidence.start)), end: Math.max(0, Math.min(text.length, finding.evidence.end)) }))
    .filter((span) => span.end > span.start);
  const cuts = [...new Set([0, text.length, ...spans.flatMap((span) => [span.start, span.end])])].sort((left, right) => left - right);
  const pieces: EvidencePiece[] = [];
  for (let index = 0; index + 1 < cuts.length; index += 1) {
    const start = cuts[index]!;
    const end = cuts[index + 1]!;
    const ruleIds = [...new Set(spans.filter((span) => span.start <= start && span.end >= end).map((span) => span.ruleId))];
    const previous = pieces[pieces.length - 1];
    if (previous && previous.ruleIds.join() === ruleIds.join()) previous.text += text.slice(start, end);
    else pieces.push({ text: text.slice(start, end), ruleIds });
  }
  return pieces;
}
