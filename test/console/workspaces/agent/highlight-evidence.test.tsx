// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { segmentByEvidence, type Mark } from '../../../../console/src/workspaces/agent/highlight-evidence';

describe('segmentByEvidence', () => {
  it('marks exactly the evidence, keeping overlaps apart and the text whole', () => {
    const text = '这款理财保本保收益，您放心买';
    const guarantee: Mark = { start: 4, end: 9, severity: 'critical', label: 'guarantee' };
    const reassure: Mark = { start: 7, end: 14, severity: 'minor', label: 'reassure' };
    const segments = segmentByEvidence(text, [guarantee, reassure]);
    expect(segments.map((segment) => segment.text).join('')).toBe(text);
    expect(segments.map((segment) => [segment.text, segment.marks.map((mark) => mark.label).join('+')])).toEqual([
      ['这款理财', ''],
      ['保本保', 'guarantee'],
      ['收益', 'guarantee+reassure'],
      ['，您放心买', 'reassure'],
    ]);
  });

  it('clips evidence outside the text and ignores empty ranges', () => {
    const segments = segmentByEvidence('abc', [
      { start: 2, end: 99, severity: 'major', label: 'tail' },
      { start: 1, end: 1, severity: 'major', label: 'empty' },
    ]);
    expect(segments.map((segment) => [segment.text, segment.marks.length])).toEqual([
      ['ab', 0],
      ['c', 1],
    ]);
  });
});
