import { describe, expect, it } from 'vitest';
import type { RulePack } from '../../../../console/src/workspaces/compliance/compliance-types';
import { filterRulePacks, jurisdictionsOf } from '../../../../console/src/workspaces/compliance/rule-filters';

const packs: RulePack[] = [
  {
    id: 'cn-sales',
    jurisdiction: 'CN',
    language: 'zh',
    rules: [
      { id: 'CN-2', title: '不得夸大', severity: 'major', kind: 'forbidden_statement', source: '广告法' },
      { id: 'CN-1', title: '不得承诺收益', severity: 'critical', kind: 'forbidden_statement', source: '广告法' },
      { id: 'CN-3', title: '提示风险', severity: 'minor', kind: 'required_disclosure', source: '管理办法' },
    ],
  },
  { id: 'en-collections', jurisdiction: 'US, UK', language: 'en', rules: [{ id: 'EN-1', title: 'No threats', severity: 'critical', kind: 'forbidden_statement', source: 'FDCPA' }] },
];

describe('rule filters', () => {
  it('reads a pack of several jurisdictions as each of them', () => {
    expect(jurisdictionsOf(packs)).toEqual(['CN', 'UK', 'US']);
    expect(filterRulePacks(packs, { jurisdiction: 'UK' }).map((pack) => pack.id)).toEqual(['en-collections']);
  });

  it('lists the most severe first and drops packs the filters empty', () => {
    expect(filterRulePacks(packs, {})[0]!.rules.map((rule) => rule.id)).toEqual(['CN-1', 'CN-2', 'CN-3']);
    expect(filterRulePacks(packs, { kind: 'required_disclosure' }).map((pack) => pack.rules.map((rule) => rule.id))).toEqual([['CN-3']]);
    expect(filterRulePacks(packs, { severity: 'critical', text: 'fdcpa' }).map((pack) => pack.id)).toEqual(['en-collections']);
    expect(filterRulePacks(packs, { text: '广告法 夸大' })[0]!.rules.map((rule) => rule.id)).toEqual(['CN-2']);
  });
});
