import type { SummaryTurn } from './summary-context.js';

export class TranscriptError extends Error {
  readonly code = 'invalid_transcript';
  /** One entry per bad line, e.g. "line 7: unknown speaker 'bob'". */
  readonly problems: string[];

  constructor(problems: string[]) {
    super(`invalid transcript:\n  ${problems.join('\n  ')}`);
    this.name = 'TranscriptError';
    this.problems = problems;
  }
}

const speakerLabels: Record<string, SummaryTurn['speaker']> = {
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

function speakerOf(label: string): SummaryTurn['speaker'] | undefined {
  return speakerLabels[label.normalize('NFKC').trim().toLowerCase()];
}

interface RawTurn {
  speaker: SummaryTurn['speaker'];
  text: string;
  id?: string;
  at?: string;
}

function parseJsonLine(line: string, lineNumber: number, problems: string[]): RawTurn | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    problems.push(`line ${lineNumber}: not valid JSON`);
    return undefined;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    problems.push(`line ${lineNumber}: expected an object {speaker, text}`);
    return undefined;
  }
  const record = value as Record<string, unknown>;
  const lineProblems: string[] = [];
  const speaker = typeof record.speaker === 'string' ? speakerOf(record.speaker) : undefined;
  if (typeof record.speaker !== 'string') lineProblems.push(`line ${lineNumber}: missing speaker`);
  else if (!speaker) lineProblems.push(`line ${lineNumber}: unknown speaker '${record.speaker}'`);
  if (typeof record.text !== 'string') lineProblems.push(`line ${lineNumber}: missing text`);
  if (record.id !== undefined && typeof record.id !== 'string') lineProblems.push(`line ${lineNumber}: id must be a string`);
  if (record.at !== undefined && typeof record.at !== 'string') lineProblems.push(`line ${lineNumber}: at must be a string`);
  problems.push(...lineProblems);
  if (lineProblems.length > 0 || !speaker) return undefined;
  return {
    speaker,
    text: record.text as string,
    ...(typeof record.id === 'string' ? { id: record.id } : {}),
    ...(typeof record.at === 'string' ? { at: record.at } : {}),
  };
}

// The label is everything before the first ASCII or full-width colon; NFKC turns "：" into ":".
function parseLabelledLine(line: string, lineNumber: number, problems: string[]): RawTurn | undefined {
  const normalised = line.replace(/：/gu, ':');
  const colon = normalised.indexOf(':');
  if (colon <= 0) {
    problems.push(`line ${lineNumber}: expected 'speaker: text'`);
    return undefined;
  }
  const label = normalised.slice(0, colon).trim();
  const speaker = speakerOf(label);
  if (!speaker) {
    problems.push(`line ${lineNumber}: unknown speaker '${label}'`);
    return undefined;
  }
  return { speaker, text: line.slice(colon + 1).trim() };
}

/**
 * A transcript file: JSONL turns (`{speaker, text, id?, at?}` per line) or `speaker: text` lines, told apart
 * by the first non-blank line. Every bad line is reported at once, so a file is fixed in one pass.
 */
export function parseTranscript(content: string): { turns: SummaryTurn[] } {
  const lines = content.replace(/^\uFEFF/u, '').split(/\r?\n/u);
  const firstLine = lines.find((line) => line.trim().length > 0);
  if (firstLine === undefined) throw new TranscriptError(['the transcript is empty']);
  const isJsonLines = firstLine.trim().startsWith('{');
  const problems: string[] = [];
  const raw: RawTurn[] = [];
  for (const [index, line] of lines.entries()) {
    if (line.trim().length === 0) continue;
    const parsed = isJsonLines ? parseJsonLine(line, index + 1, problems) : parseLabelledLine(line, index + 1, problems);
    if (parsed) raw.push(parsed);
  }
  const seen = new Set<string>();
  for (const turn of raw) {
    if (turn.id === undefined) continue;
    if (seen.has(turn.id)) problems.push(`duplicate turn id '${turn.id}'`);
    seen.add(turn.id);
  }
  if (problems.length > 0) throw new TranscriptError(problems);
  if (raw.every((turn) => turn.text.trim().length === 0)) throw new TranscriptError(['the transcript has no text']);
  let next = 1;
  const freshId = (): string => {
    while (seen.has(`t${next}`)) next += 1;
    const id = `t${next}`;
    seen.add(id);
    return id;
  };
  return { turns: raw.map((turn) => ({ ...turn, id: turn.id ?? freshId() })) };
}
