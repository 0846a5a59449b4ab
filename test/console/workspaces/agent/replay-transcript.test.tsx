// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import pacing from '../../../../console/src/workspaces/agent/replay-pacing.json';
import { delayBefore, parseTranscriptFile, TranscriptFileError } from '../../../../console/src/workspaces/agent/replay-transcript';

describe('parseTranscriptFile', () => {
  it("reads 'speaker: text' lines with Chinese or English labels and full-width colons, skipping system lines", () => {
    const turns = parseTranscriptFile('\uFEFF客户：你好\n\n系统: 转接中\nAgent: 您好，请讲\n');
    expect(turns).toEqual([
      { id: 'line-1', speaker: 'customer', text: '你好' },
      { id: 'line-4', speaker: 'agent', text: '您好，请讲' },
    ]);
  });

  it('reads JSONL turns with their ids and timestamps', () => {
    const turns = parseTranscriptFile('{"speaker":"customer","text":"hi","id":"a1","at":"2025-03-01T09:30:00+08:00"}\n{"speaker":"坐席","text":"hello"}');
    expect(turns).toEqual([
      { id: 'a1', speaker: 'customer', text: 'hi', at: '2025-03-01T09:30:00+08:00' },
      { id: 'line-2', speaker: 'agent', text: 'hello' },
    ]);
  });

  it('names every bad line at once', () => {
    const error = (() => {
      try {
        parseTranscriptFile('{"speaker":"customer","text":"ok"}\nnot json\n{"speaker":"bob","text":"x"}\n{"speaker":"agent"}');
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(TranscriptFileError);
    expect((error as TranscriptFileError).problems).toEqual(['line 2: not valid JSON', 'line 3: unknown or missing speaker', 'line 4: missing text']);
    expect(() => parseTranscriptFile('  \n')).toThrow(TranscriptFileError);
  });
});

describe('delayBefore', () => {
  it('keeps the gap between timestamps, capped, and otherwise takes the time to say the previous turn', () => {
    const first = { id: '1', speaker: 'customer' as const, text: '一二三四五六七八九', at: '2025-03-01T09:30:00Z' };
    expect(delayBefore(undefined, first, 'zh')).toBe(0);
    expect(delayBefore(first, { id: '2', speaker: 'agent', text: 'x', at: '2025-03-01T09:30:04Z' }, 'zh')).toBe(4000);
    expect(delayBefore(first, { id: '2', speaker: 'agent', text: 'x', at: '2025-03-01T10:30:00Z' }, 'zh')).toBe(pacing.longestGapMilliseconds);
    const spoken = delayBefore({ ...first, at: undefined } as never, { id: '2', speaker: 'agent', text: 'x' }, 'zh');
    expect(spoken).toBe(Math.round((9 / pacing.charactersPerSecond.zh) * 1000 + pacing.pauseBetweenTurnsMilliseconds));
  });
});
