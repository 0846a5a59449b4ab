// @vitest-environment happy-dom
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { shellCatalogues, TextProvider } from '../../../../console/src/i18n/use-text';
import { DiffView } from '../../../../console/src/workspaces/knowledge/diff-view';
import { diffLines } from '../../../../console/src/workspaces/knowledge/line-diff';

afterEach(cleanup);

function sides(oldText: string, newText: string) {
  const lines = diffLines(oldText, newText);
  return {
    lines,
    old: lines.filter((line) => line.kind !== 'added').map((line) => line.text).join('\n'),
    new: lines.filter((line) => line.kind !== 'removed').map((line) => line.text).join('\n'),
  };
}

describe('diffLines', () => {
  it('marks only the changed line of a long text, numbering both sides', () => {
    const before = Array.from({ length: 50 }, (_, index) => `line ${index}`);
    const after = [...before];
    after[20] = 'line 20 changed';
    const { lines } = sides(before.join('\n'), after.join('\n'));
    const changed = lines.filter((line) => line.kind !== 'same');
    expect(changed).toEqual([
      { kind: 'removed', text: 'line 20', oldNumber: 21 },
      { kind: 'added', text: 'line 20 changed', newNumber: 21 },
    ]);
    expect(lines.filter((line) => line.kind === 'same')).toHaveLength(49);
  });

  it('always rebuilds both texts exactly, and keeps the common lines as a longest common subsequence', () => {
    // A small deterministic generator of edits: insertions, deletions and moves over a shared vocabulary.
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let round = 0; round < 200; round += 1) {
      const vocabulary = ['年费', '利率', 'fee', 'rate', '', '犹豫期'];
      const make = () => Array.from({ length: Math.floor(next() * 12) }, () => vocabulary[Math.floor(next() * vocabulary.length)]!).join('\n');
      const before = make();
      const after = make();
      const result = sides(before, after);
      expect(result.old).toBe(before);
      expect(result.new).toBe(after);
    }
  });

  it('handles empty sides', () => {
    expect(sides('', 'a\nb').lines.map((line) => line.kind)).toEqual(['removed', 'added', 'added']);
    expect(diffLines('same', 'same').every((line) => line.kind === 'same')).toBe(true);
  });
});

describe('DiffView', () => {
  it('gives each changed line a sign as well as a colour, and counts them', () => {
    localStorage.setItem('agent-assist.language', 'en');
    const catalogues = { zh: shellCatalogues.zh, en: { ...shellCatalogues.en, 'knowledge.diff.counts': '{added} added, {removed} removed' } };
    const { container } = render(
      <TextProvider catalogues={catalogues}>
        <DiffView before={'年费 200 元\n免年费条件：刷卡 6 次'} after={'年费 300 元\n免年费条件：刷卡 6 次'} />
      </TextProvider>,
    );
    expect(container.textContent).toContain('1 added, 1 removed');
    const rows = [...container.querySelectorAll('[data-kind]')].map((row) => [row.getAttribute('data-kind'), row.children[2]?.textContent]);
    expect(rows).toEqual([
      ['removed', '−'],
      ['added', '+'],
      ['same', ' '],
    ]);
  });
});
