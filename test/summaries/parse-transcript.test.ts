import { describe, expect, it } from 'vitest';
import { parseTranscript, TranscriptError } from '../../src/summaries/parse-transcript.js';

function problemsOf(content: string): string[] {
  try {
    parseTranscript(content);
  } catch (error) {
    expect(error).toBeInstanceOf(TranscriptError);
    expect((error as TranscriptError).code).toBe('invalid_transcript');
    return (error as TranscriptError).problems;
  }
  throw new Error('expected the transcript to be rejected');
}

describe('parseTranscript', () => {
  it('reads `speaker: text` lines in Chinese and English labels, with full-width colons, generating ids', () => {
    const { turns } = parseTranscript(
      ['客户：我的卡丢了', '坐席: 我帮您挂失', '', 'Customer: thanks', 'AGENT：ok', '客服:好的', '用户: 嗯', 'user: hi', '系统：通话转接', 'System: end'].join('\n'),
    );
    expect(turns.map((turn) => [turn.id, turn.speaker, turn.text])).toEqual([
      ['t1', 'customer', '我的卡丢了'],
      ['t2', 'agent', '我帮您挂失'],
      ['t3', 'customer', 'thanks'],
      ['t4', 'agent', 'ok'],
      ['t5', 'agent', '好的'],
      ['t6', 'customer', '嗯'],
      ['t7', 'customer', 'hi'],
      ['t8', 'system', '通话转接'],
      ['t9', 'system', 'end'],
    ]);
  });

  it('keeps colons inside the text', () => {
    expect(parseTranscript('agent: 时间是 10:30：请记下').turns[0]?.text).toBe('时间是 10:30：请记下');
  });

  it('reads JSONL with optional ids and times, mapping speaker labels and skipping blank lines', () => {
    const { turns } = parseTranscript(
      [
        '{"speaker":"customer","text":"hello","id":"c-1","at":"2024-05-17T06:00:00Z"}',
        '',
        '{"speaker":"坐席","text":"您好"}',
        '{"speaker":"Agent","text":"bye","id":"t1"}',
      ].join('\r\n'),
    );
    expect(turns).toEqual([
      { speaker: 'customer', text: 'hello', id: 'c-1', at: '2024-05-17T06:00:00Z' },
      // t1 is taken by a later line, so the generated id skips it.
      { speaker: 'agent', text: '您好', id: 't2' },
      { speaker: 'agent', text: 'bye', id: 't1' },
    ]);
  });

  it('lists every bad line of a labelled transcript with its line number', () => {
    const content = ['customer: hi', 'bob: hello', 'agent: fine', 'no colon here', '', 'Robot：x'].join('\n');
    expect(problemsOf(content)).toEqual([
      "line 2: unknown speaker 'bob'",
      "line 4: expected 'speaker: text'",
      "line 6: unknown speaker 'Robot'",
    ]);
  });

  it('lists every bad JSONL line with its line number', () => {
    const content = [
      '{"speaker":"customer","text":"hi"}',
      '{"speaker":"bob","text":"x"}',
      '{"speaker":"agent","text":',
      '["agent","x"]',
      '{"speaker":"agent"}',
      '{"speaker":"agent","text":"x","id":7}',
      '{"speaker":"agent","text":"a","id":"dup"}',
      '{"speaker":"agent","text":"b","id":"dup"}',
    ].join('\n');
    const error = (() => {
      try {
        parseTranscript(content);
      } catch (caught) {
        return caught as Error;
      }
      return undefined;
    })();
    expect(error?.message).toContain("line 2: unknown speaker 'bob'");
    expect(problemsOf(content)).toEqual([
      "line 2: unknown speaker 'bob'",
      'line 3: not valid JSON',
      'line 4: expected an object {speaker, text}',
      'line 5: missing text',
      'line 6: id must be a string',
      "duplicate turn id 'dup'",
    ]);
  });

  it('rejects an empty transcript', () => {
    expect(problemsOf('')).toEqual(['the transcript is empty']);
    expect(problemsOf('\n  \n\uFEFF')).toEqual(['the transcript is empty']);
    expect(problemsOf('customer:\nagent:  ')).toEqual(['the transcript has no text']);
  });
});
