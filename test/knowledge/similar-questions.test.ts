import { describe, expect, it } from 'vitest';
import { applyQuestionEdits, questionKey } from '../../src/knowledge/similar-questions.js';

describe('questionKey', () => {
  it('ignores width, case, spaces and punctuation, and keeps the words', () => {
    expect(questionKey('信用卡 怎么还款？')).toBe(questionKey('信用卡怎么还款'));
    expect(questionKey('ＡＴＭ取款限额!')).toBe(questionKey('atm取款限额'));
    expect(questionKey('信用卡怎么还款')).not.toBe(questionKey('信用卡怎么取现'));
    expect(questionKey('？！…')).toBe('');
  });
});

describe('applyQuestionEdits', () => {
  it('keeps removals out and additions in, in the order they were made', () => {
    const edits = [
      { question: '账户冻结怎么办', action: 'add' as const },
      { question: '账户被锁了', action: 'remove' as const },
      { question: '账户怎么解冻', action: 'add' as const },
    ];
    expect(applyQuestionEdits(['账户被锁了', '如何解除冻结'], edits)).toEqual(['如何解除冻结', '账户冻结怎么办', '账户怎么解冻']);
  });

  it('does not repeat a phrasing the file gained meanwhile, and never empties a row', () => {
    expect(applyQuestionEdits(['账户冻结怎么办？'], [{ question: '账户冻结怎么办', action: 'add' }])).toEqual(['账户冻结怎么办？']);
    expect(applyQuestionEdits(['只有这一个'], [{ question: '只有这一个', action: 'remove' }])).toEqual(['只有这一个']);
  });
});
