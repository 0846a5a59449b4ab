import { describe, expect, it } from 'vitest';
import { diffUnits, diffVersions, ratesIn, splitDiffUnits, type VersionSnapshot } from '../../src/knowledge/diff-versions.js';

function snapshot(version: number, body: string, overrides: Partial<VersionSnapshot> = {}): VersionSnapshot {
  return {
    version, title: '示例存款', kind: 'product', format: 'markdown', language: 'zh', product: '示例存款', productAliases: [], riskLevel: 'R1', tags: [],
    status: 'approved', effectiveFrom: '2026-01-01', effectiveUntil: null, effectiveFromAt: '2026-01-01T00:00:00+08:00', effectiveUntilAt: null, owner: 'team-a',
    sourceUri: null, contentHash: `hash-${version}`, chunkCount: 1, createdAt: '2026-01-01T00:00:00.000Z', createdBy: 'key', questions: [],
    submittedBy: null, submittedAt: null, reviewedBy: null, reviewedAt: null, reviewComment: null,
    body,
    chunks: body.split('\n\n').map((text, ordinal) => ({ chunkId: `chunk-${version}-${ordinal}`, ordinal, text, headingPath: [`section ${ordinal}`] })),
    ...overrides,
  };
}

describe('version diffs', () => {
  it('splits Chinese on 。！？； and line breaks, English on sentence ends, keeping decimals whole', () => {
    expect(splitDiffUnits('年利率为2.5%。起存金额50元！可以提前支取吗？\nRates change monthly. Ask a branch! Rate 3.5% applies.')).toEqual([
      '年利率为2.5%。', '起存金额50元！', '可以提前支取吗？', 'Rates change monthly.', 'Ask a branch!', 'Rate 3.5% applies.',
    ]);
  });

  it('shows one changed sentence as removed and added, everything else unchanged', () => {
    const changes = diffUnits(['a。', 'b。', 'c。', 'd。'], ['a。', 'B。', 'c。', 'd。', 'e。']);
    expect(changes).toEqual([
      { op: 'unchanged', text: 'a。' }, { op: 'removed', text: 'b。' }, { op: 'added', text: 'B。' }, { op: 'unchanged', text: 'c。' },
      { op: 'unchanged', text: 'd。' }, { op: 'added', text: 'e。' },
    ]);
  });

  it('reports changed metadata, rates and chunks between two versions', () => {
    const before = snapshot(1, '三年期年利率为2.75%。\n\n起存金额50元。');
    const after = snapshot(2, '三年期年利率为2.35%。\n\n起存金额50元。\n\n到期自动转存。', { riskLevel: 'R2', effectiveFrom: '2027-01-01', owner: 'team-b' });
    const diff = diffVersions(before, after);
    expect(diff.metadata.map((change) => change.field)).toEqual(['riskLevel', 'effectiveFrom', 'owner']);
    expect(diff.metadata.find((change) => change.field === 'effectiveFrom')).toEqual({ field: 'effectiveFrom', from: '2026-01-01', to: '2027-01-01' });
    expect(diff.rates).toEqual({ removed: ['2.75%'], added: ['2.35%'] });
    expect(diff.text).toMatchObject({ added: 2, removed: 1, unchanged: 1 });
    expect(diff.chunks.unchanged).toBe(1);
    expect(diff.chunks.changes.map((change) => change.change).sort()).toEqual(['added', 'changed']);
    expect(diff.chunks.changes.find((change) => change.change === 'changed')).toMatchObject({ from: { text: '三年期年利率为2.75%。' }, to: { text: '三年期年利率为2.35%。' } });
  });

  it('finds rates written as percentages, per mille and in Chinese words', () => {
    expect(ratesIn('年化利率3.6%，违约金按日万分之五，手续费0.5‰，约百分之四点五')).toEqual(['3.6%', '万分之五', '0.5‰', '百分之四点五']);
  });

  it('is empty between a version and itself', () => {
    const version = snapshot(1, '内容一。\n\n内容二。');
    const diff = diffVersions(version, version);
    expect(diff.metadata).toEqual([]);
    expect(diff.text.added + diff.text.removed).toBe(0);
    expect(diff.chunks.changes).toEqual([]);
  });
});
