import type { Severity } from '../../api/api-types';

export interface Mark {
  start: number;
  end: number;
  severity: Severity;
  label: string;
}

export interface Segment {
  text: string;
  marks: Mark[];
}

/**
 * Cuts a text into runs covered by the same findings' evidence (offsets into the text as sent). Overlapping evidence
 * is kept apart from plain text; offsets outside the text (a finding on another version of it) are clipped.
 */
export function segmentByEvidence(text: string, marks: readonly Mark[]): Segment[] {
  const valid = marks
    .map((mark) => ({ ...mark, start: Math.max(0, Math.min(text.length, mark.start)), end: Math.max(0, Math.min(text.length, mark.end)) }))
    .filter((mark) => mark.end > mark.start);
  const cuts = [...new Set([0, text.length, ...valid.flatMap((mark) => [mark.start, mark.end])])].sort((a, b) => a - b);
  const segments: Segment[] = [];
  for (let index = 0; index < cuts.length - 1; index += 1) {
    const start = cuts[index] ?? 0;
    const end = cuts[index + 1] ?? text.length;
    const covering = valid.filter((mark) => mark.start <= start && mark.end >= end);
    const previous = segments.at(-1);
    const sameMarks = previous && previous.marks.length === covering.length && previous.marks.every((mark, position) => mark === covering[position]);
    if (previous && sameMarks) previous.text += text.slice(start, end);
    else segments.push({ text: text.slice(start, end), marks: covering });
  }
  return segments;
}

const severityRank: Record<Severity, number> = { critical: 3, major: 2, minor: 1 };

export function HighlightedText({ text, marks }: { text: string; marks: readonly Mark[] }) {
  return (
    <>
      {segmentByEvidence(text, marks).map((segment, index) => {
        if (segment.marks.length === 0) return <span key={index}>{segment.text}</span>;
        const worst = segment.marks.reduce((a, b) => (severityRank[b.severity] > severityRank[a.severity] ? b : a));
        return (
          <mark key={index} className={`evidence severity-${worst.severity}`} title={segment.marks.map((mark) => mark.label).join('\n')}>
            {segment.text}
          </mark>
        );
      })}
    </>
  );
}
