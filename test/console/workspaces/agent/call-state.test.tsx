// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import type { Finding, Turn } from '../../../../console/src/api/api-types';
import { callReducer, initialCallState, type CallState } from '../../../../console/src/workspaces/agent/call-state';

const conversation = { id: 'c1', externalId: null, channel: 'voice' as const, language: 'zh' as const, customer: { age: 70 }, status: 'active' as const, turnCount: 0, createdAt: '', endedAt: null };

function turn(id: string, sequence: number, speaker: Turn['speaker'], text: string): Turn {
  return { id, conversationId: 'c1', sequence, turnId: null, speaker, text, at: '', findings: [] };
}

function finding(ruleId: string, start: number, end: number, detectedBy?: 'judge'): Finding {
  return { ruleId, severity: 'critical', kind: 'forbidden', title: ruleId, source: 's', evidence: { start, end, text: 'x' }, explanation: 'e', ...(detectedBy ? { detectedBy } : {}) };
}

function apply(actions: Parameters<typeof callReducer>[1][]): CallState {
  return actions.reduce(callReducer, callReducer(initialCallState, { type: 'started', conversation }));
}

describe('callReducer', () => {
  it('keeps one alert per rule and place when the turn response and its pushed event both report it, but adds the judge', () => {
    const state = apply([
      { type: 'turnPosted', response: { turn: turn('t2', 2, 'agent', '保本保收益'), findings: [finding('CN-1', 0, 2)] } },
      { type: 'event', event: 'compliance', data: { turnId: 't2', clientTurnId: null, sequence: 2, findings: [finding('CN-1', 0, 2)] }, receivedAt: 1 },
      { type: 'event', event: 'compliance', data: { turnId: 't2', clientTurnId: null, sequence: 2, detectedBy: 'judge', findings: [finding('CN-1', 0, 2)] }, receivedAt: 2 },
      { type: 'event', event: 'compliance', data: { turnId: 't2', clientTurnId: null, sequence: 2, findings: [finding('CN-2', 3, 5)] }, receivedAt: 3 },
    ]);
    expect(state.alerts.map((alert) => `${alert.finding.ruleId}/${alert.finding.detectedBy ?? 'rule'}@${alert.sequence}`)).toEqual(['CN-1/rule@2', 'CN-1/judge@2', 'CN-2/rule@2']);
  });

  it('shows the cards of a turn once, even when its event is replayed after a reconnection', () => {
    const event = { turnId: 't1', clientTurnId: 'desk-1', query: '年费', results: [{ chunkId: 'k1', documentId: 'd1', externalId: 'e', version: 2, title: '年费', kind: 'faq', text: '...', score: 1, confidence: 0.9 }] };
    const state = apply([
      { type: 'event', event: 'knowledge', data: event, receivedAt: 5 },
      { type: 'event', event: 'knowledge', data: event, receivedAt: 9 },
    ]);
    expect(state.cardSets).toHaveLength(1);
    expect(state.cardSets[0]?.receivedAt).toBe(5);
    expect(state.cardSets[0]?.results[0]?.version).toBe(2);
  });

  it('orders turns by sequence whatever order the responses arrive in, and ignores a repeated response', () => {
    const state = apply([
      { type: 'turnPosted', response: { turn: turn('t2', 2, 'agent', 'b'), findings: [] } },
      { type: 'turnPosted', response: { turn: turn('t1', 1, 'customer', 'a'), findings: [] } },
      { type: 'turnPosted', response: { turn: turn('t2', 2, 'agent', 'b'), findings: [] } },
    ]);
    expect(state.turns.map((item) => item.id)).toEqual(['t1', 't2']);
  });

  it('waits for the summary after the end, takes it from the event, and marks a failed one', () => {
    const summary = { reason: 'r' } as never;
    const ended = apply([{ type: 'ended' }]);
    expect(ended.summaryState).toBe('pending');
    expect(callReducer(ended, { type: 'event', event: 'summary', data: { summary }, receivedAt: 0 }).summaryState).toBe('ready');
    const failed = callReducer(ended, { type: 'event', event: 'end', data: { summary: 'failed' }, receivedAt: 0 });
    expect(failed.summaryState).toBe('failed');
    // A summary read later from its route still wins.
    expect(callReducer(failed, { type: 'summary', summary }).summaryState).toBe('ready');
  });
});
