import type { ApiClient } from '../../api/api-client';
import type { Suggestion, SuggestionResponse } from '../../api/api-types';
import { ProblemError, type Problem } from '../../api/problem-error';
import { readServerSentEvents } from '../../api/server-sent-events';

export type FeedbackAction = 'accepted' | 'edited' | 'dismissed';

/** One suggested reply as it streams in: sentences released by the guard, then the final suggestion with its id. */
export interface SuggestionSlot {
  index: number;
  sentences: string[];
  final: Suggestion | undefined;
  feedback: FeedbackAction | undefined;
}

export interface SuggestionRun {
  /** The customer turn the replies answer. */
  turnId: string;
  status: 'streaming' | 'done' | 'failed';
  slots: SuggestionSlot[];
  response: SuggestionResponse | undefined;
  problem: Problem | undefined;
}

export function startRun(turnId: string): SuggestionRun {
  return { turnId, status: 'streaming', slots: [], response: undefined, problem: undefined };
}

function slotAt(slots: readonly SuggestionSlot[], index: number): [SuggestionSlot[], SuggestionSlot] {
  const existing = slots.find((slot) => slot.index === index);
  if (existing) return [[...slots], existing];
  const slot: SuggestionSlot = { index, sentences: [], final: undefined, feedback: undefined };
  return [[...slots, slot].sort((a, b) => a.index - b.index), slot];
}

function replaceSlot(slots: SuggestionSlot[], slot: SuggestionSlot): SuggestionSlot[] {
  return slots.map((candidate) => (candidate.index === slot.index ? slot : candidate));
}

/** Applies one streamed event (`token`, `suggestion`, `done`, `error`) to the run. */
export function applySuggestionEvent(run: SuggestionRun, event: string, data: unknown): SuggestionRun {
  if (event === 'token') {
    const { index, text } = data as { index: number; text: string };
    if (typeof index !== 'number' || typeof text !== 'string') return run;
    const [slots, slot] = slotAt(run.slots, index);
    if (slot.final) return run;
    return { ...run, slots: replaceSlot(slots, { ...slot, sentences: [...slot.sentences, text] }) };
  }
  if (event === 'suggestion') {
    const { index, suggestion } = data as { index: number; suggestion: Suggestion };
    if (typeof index !== 'number' || !suggestion) return run;
    const [slots, slot] = slotAt(run.slots, index);
    return { ...run, slots: replaceSlot(slots, { ...slot, final: suggestion }) };
  }
  if (event === 'done') {
    const response = data as SuggestionResponse;
    // The whole response is the reference: every reply with its id, citations and the guard's verdict. Streamed
    // replies the guard dropped at the end are not in it, so its order (not the stream's indexes) is what is shown.
    const slots = (response.suggestions ?? []).map((suggestion, index) => ({ index, sentences: [suggestion.text], final: suggestion, feedback: undefined }));
    return { ...run, status: 'done', slots, response };
  }
  if (event === 'error') {
    return { ...run, status: 'failed', problem: data as Problem };
  }
  return run;
}

export function withFeedback(run: SuggestionRun, suggestionId: string, action: FeedbackAction): SuggestionRun {
  return { ...run, slots: run.slots.map((slot) => (slot.final?.id === suggestionId ? { ...slot, feedback: action } : slot)) };
}

/**
 * Asks for suggested replies streamed sentence by sentence (`Accept: text/event-stream`), each sentence released by
 * the service only after the compliance guard passed it. Returns when the stream ends; a failure is thrown.
 */
export async function streamSuggestions(client: ApiClient, conversationId: string, onEvent: (event: string, data: unknown) => void, signal: AbortSignal, n = 3): Promise<void> {
  const response = await client.send('POST', `/v1/conversations/${conversationId}/suggestions`, { body: { n }, headers: { accept: 'text/event-stream' }, signal });
  if (!response.body) throw new ProblemError({ type: 'stream', title: 'No stream', status: 0, detail: 'the suggestion stream has no body' });
  for await (const event of readServerSentEvents(response.body, signal)) {
    let data: unknown;
    try {
      data = JSON.parse(event.data);
    } catch {
      continue;
    }
    onEvent(event.event, data);
  }
}
