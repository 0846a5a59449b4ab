import { describe, expect, it } from 'vitest';
import { renderTables, rowSentence } from '../../src/suggestions/table-sentences.js';

describe('renderTables', () => {
  it('says each row with its column names and drops the header and separator lines (zh)', () => {
    const lines = ['收费项目 | 普通卡 | 钻石卡', '--- | --- | ---', '挂失费 | 10元 | 免收', '换卡费 | - | 免收', '以上标准自公告之日起执行。'];
    expect(renderTables(lines, 'zh')).toEqual(['挂失费：普通卡10元，钻石卡：免收。', '换卡费：钻石卡：免收。', '以上标准自公告之日起执行。']);
  });

  it('says each row with its column names (en), markdown pipes included', () => {
    const lines = ['| Account | Term | Rate |', '| --- | --- | --- |', '| Saver Plus | 2 years | 2.10% |'];
    expect(renderTables(lines, 'en')).toEqual(['Saver Plus: term 2 years, rate 2.10%.']);
  });

  it('starts a new table after prose, and leaves prose with a pipe-free line alone', () => {
    const lines = ['Fees', 'Item | Amount', 'Replacement card | CNY 15', 'Call us any time.', 'Service | Hours', 'Phone | 24/7'];
    expect(renderTables(lines, 'en')).toEqual(['Fees', 'Replacement card: amount CNY 15.', 'Call us any time.', 'Phone: hours 24/7.']);
  });

  it('says nothing for a row without a label or without any value', () => {
    expect(rowSentence(['项目', '金额'], ['', '5元'], 'zh')).toBeUndefined();
    expect(rowSentence(['项目', '金额'], ['工本费', '-'], 'zh')).toBeUndefined();
  });
});
