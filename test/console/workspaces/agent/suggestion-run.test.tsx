// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { applySuggestionEvent, startRun, withFeedback, type SuggestionRun } from '../../../../console/src/workspaces/agent/suggestion-run';

const suggestion = (id: string, text: string) => ({ id, text, citations: [{ chunkId: 'k', documentId: 'd', version: 3, title: 'T' }], disclosures: ['CN-DISC-1'], compliance: { verdict: 'pass' as const, findings: [] } });

function play(events: [string, unknown][]): SuggestionRun {
  return events.reduce((run, [event, data]) => applySuggestionEvent(run, event, data), startRun('t1'));
}

describe('a streamed suggestion run', () => {
  it('shows sentences as the guard releases them, per reply', () => {
    const run = play([
      ['token', { index: 0, text: '您好，' }],
      ['token', { index: 1, text: 'Hello.' }],
      ['token', { index: 0, text: '年费200元。' }],
    ]);
    expect(run.status).toBe('streaming');
    expect(run.slots.map((slot) => slot.sentences.join(''))).toEqual(['您好，年费200元。', 'Hello.']);
  });

  it("ends with the response's replies, ids and citations, in its order, dropping a reply the guard removed", () => {
    const run = play([
      ['token', { index: 0, text: 'a' }],
      ['token', { index: 1, text: 'dropped' }],
      ['token', { index: 2, text: 'c' }],
      ['done', { suggestions: [suggestion('s-a', 'a'), suggestion('s-c', 'c')], knowledge: [], provider: 'offline', model: 'm', promptVersion: 'p', tookMs: 5, degraded: false }],
    ]);
    expect(run.status).toBe('done');
    expect(run.slots.map((slot) => [slot.final?.id, slot.final?.text])).toEqual([
      ['s-a', 'a'],
      ['s-c', 'c'],
    ]);
    expect(withFeedback(run, 's-c', 'dismissed').slots.map((slot) => slot.feedback)).toEqual([undefined, 'dismissed']);
  });

  it('keeps a final suggestion when a late token for it arrives, and records an error event', () => {
    const run = play([
      ['suggestion', { index: 0, suggestion: { ...suggestion('', 'final'), id: undefined } }],
      ['token', { index: 0, text: 'late' }],
      ['error', { title: 'Suggestion failed', status: 500, detail: 'x' }],
    ]);
    expect(run.slots[0]?.sentences).toEqual([]);
    expect(run.slots[0]?.final?.text).toBe('final');
    expect(run.status).toBe('failed');
    expect(run.problem?.status).toBe(500);
  });
});
