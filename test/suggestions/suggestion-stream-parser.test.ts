import { describe, expect, it } from 'vitest';
import { sentenceEnd, splitReplySentences } from '../../src/suggestions/reply-sentences.js';
import { SuggestionStreamParser, type SuggestionStreamEvent } from '../../src/suggestions/suggestion-stream-parser.js';

function parse(deltas: string[]): SuggestionStreamEvent[] {
  const parser = new SuggestionStreamParser();
  return [...deltas.flatMap((delta) => parser.push(delta)), ...parser.end()];
}

describe('SuggestionStreamParser', () => {
  it('cuts replies at headers and sentences at Chinese end punctuation, whatever the chunking', () => {
    const text = '### S1\n您好，年费为每年600元[P2]。刷卡满十二次可免[P2][P3]！\n### S2\n我帮您核实一下；稍后回复您。';
    const expected: SuggestionStreamEvent[] = [
      { type: 'start', index: 0 },
      { type: 'sentence', index: 0, text: '您好，年费为每年600元。', passageIds: ['P2'] },
      { type: 'sentence', index: 0, text: '刷卡满十二次可免！', passageIds: ['P2', 'P3'] },
      { type: 'end', index: 0 },
      { type: 'start', index: 1 },
      { type: 'sentence', index: 1, text: '我帮您核实一下；', passageIds: [] },
      { type: 'sentence', index: 1, text: '稍后回复您。', passageIds: [] },
      { type: 'end', index: 1 },
    ];
    expect(parse([text])).toEqual(expected);
    expect(parse([...text])).toEqual(expected);
    expect(parse(text.match(/.{1,5}/gsu) ?? [])).toEqual(expected);
  });

  it('releases a Chinese sentence as soon as its punctuation arrives', () => {
    const parser = new SuggestionStreamParser();
    expect(parser.push('### S1\n年费600元')).toEqual([{ type: 'start', index: 0 }]);
    expect(parser.push('。免')).toEqual([{ type: 'sentence', index: 0, text: '年费600元。', passageIds: [] }]);
  });

  it('keeps English decimals whole and waits for the space after a full stop', () => {
    const parser = new SuggestionStreamParser();
    parser.push('### S1\nThe APR is 3');
    expect(parser.push('.')).toEqual([]);
    expect(parser.push('6% [P1, P4].')).toEqual([]);
    expect(parser.push(' Next')).toEqual([{ type: 'sentence', index: 0, text: 'The APR is 3.6%.', passageIds: ['P1', 'P4'] }]);
    expect(parser.end()).toEqual([
      { type: 'sentence', index: 0, text: 'Next', passageIds: [] },
      { type: 'end', index: 0 },
    ]);
  });

  it('shows text from a model that forgot the headers as one reply, and drops list markers', () => {
    expect(parse(['- Let me check that for you.'])).toEqual([
      { type: 'start', index: 0 },
      { type: 'sentence', index: 0, text: 'Let me check that for you.', passageIds: [] },
      { type: 'end', index: 0 },
    ]);
  });

  it('accepts header variants', () => {
    const events = parse(['## S1:\nA.\n**S2**\nB.\n### 3\nC.']);
    expect(events.filter((event) => event.type === 'start')).toHaveLength(3);
  });
});

describe('sentence boundaries', () => {
  it('splits on Chinese and English end punctuation and line breaks, not inside numbers', () => {
    expect(splitReplySentences('年化2.60%是基准。不是承诺！Fee is 1.5%. Interest applies.\nNext line')).toEqual([
      '年化2.60%是基准。',
      '不是承诺！',
      'Fee is 1.5%.',
      'Interest applies.',
      'Next line',
    ]);
    expect(sentenceEnd('You pay 2.', 0, false)).toBe(-1);
    expect(sentenceEnd('You pay 2.', 0, true)).toBe(10);
    expect(sentenceEnd('“好的。”然后', 0, false)).toBe(5);
  });
});
