import type { Speaker } from '../../api/api-types';
import pacing from './replay-pacing.json';

/** One turn of a transcript file, ready to post. */
export interface ReplayTurn {
  id: string;
  speaker: Speaker;
  text: string;
  at?: string;
}

export class TranscriptFileError extends Error {
  readonly problems: string[];

  constructor(problems: string[]) {
    super(problems.join('; '));
    this.name = 'TranscriptFileError';
    this.problems = problems;
  }
}

/** The speaker labels `agent-assist summarize` reads, so one file works in both. System lines are not replayed. */
const speakerLabels: Record<string, Speaker | 'system'> = {
  customer: 'customer',
  user: 'customer',
  client: 'customer',
  caller: 'customer',
  客户: 'customer',
  用户: 'customer',
  顾客: 'customer',
  来电人: 'customer',
  agent: 'agent',
  坐席: 'agent',
  座席: 'agent',
  客服: 'agent',
  客户经理: 'agent',
  system: 'system',
  系统: 'system',
};

function speakerOf(label: string): Speaker | 'system' | undefined {
  return speakerLabels[label.normalize('NFKC').trim().toLowerCase()];
}

/**
 * A transcript file as the CLI's `summarize` reads it: JSONL turns (`{speaker, text, id?, at?}`) or `speaker: text`
 * lines, told apart by the first non-blank line. Every bad line is reported at once, by number.
 */
export function parseTranscriptFile(content: string): ReplayTurn[] {
  const lines = content.replace(/^\uFEFF/, '').split(/\r?\n/);
  const first = lines.find((line) => line.trim().length > 0);
  if (first === undefined) throw new TranscriptFileError(['the file is empty']);
  const jsonLines = first.trim().startsWith('{');
  const problems: string[] = [];
  const turns: ReplayTurn[] = [];
  lines.forEach((line, index) => {
    const number = index + 1;
    if (!line.trim()) return;
    let speaker: Speaker | 'system' | undefined;
    let text: string;
    let id: string | undefined;
    let at: string | undefined;
    if (jsonLines) {
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(line) as Record<string, unknown>;
      } catch {
        problems.push(`line ${number}: not valid JSON`);
        return;
      }
      if (!record || typeof record !== 'object' || Array.isArray(record)) {
        problems.push(`line ${number}: expected an object {speaker, text}`);
        return;
      }
      speaker = typeof record.speaker === 'string' ? speakerOf(record.speaker) : undefined;
      if (!speaker) {
        problems.push(`line ${number}: unknown or missing speaker`);
        return;
      }
      if (typeof record.text !== 'string') {
        problems.push(`line ${number}: missing text`);
        return;
      }
      text = record.text;
      id = typeof record.id === 'string' ? record.id : undefined;
      at = typeof record.at === 'string' ? record.at : undefined;
    } else {
      const normalised = line.replace(/：/g, ':');
      const colon = normalised.indexOf(':');
      speaker = colon > 0 ? speakerOf(normalised.slice(0, colon)) : undefined;
      if (!speaker) {
        problems.push(`line ${number}: expected 'speaker: text' with a known speaker`);
        return;
      }
      text = line.slice(colon + 1).trim();
    }
    if (speaker === 'system' || !text.trim()) return;
    turns.push({ id: id ?? `line-${number}`, speaker, text, ...(at ? { at } : {}) });
  });
  if (problems.length > 0) throw new TranscriptFileError(problems);
  if (turns.length === 0) throw new TranscriptFileError(['the file has no customer or agent turn']);
  return turns;
}

/**
 * How long to wait before posting `turn` at real speed: the gap between the two timestamps when both turns have
 * one, else the time the previous turn took to say. Long silences (hold music) are capped.
 */
export function delayBefore(previous: ReplayTurn | undefined, turn: ReplayTurn, language: 'zh' | 'en'): number {
  if (!previous) return 0;
  const from = previous.at ? Date.parse(previous.at) : Number.NaN;
  const to = turn.at ? Date.parse(turn.at) : Number.NaN;
  const gap = Number.isFinite(from) && Number.isFinite(to) && to >= from ? to - from : (previous.text.length / pacing.charactersPerSecond[language]) * 1000 + pacing.pauseBetweenTurnsMilliseconds;
  return Math.min(Math.round(gap), pacing.longestGapMilliseconds);
}
