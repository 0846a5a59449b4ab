// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { ApiClient } from '../../../console/src/api/api-client';
import { openEventStream, type StreamState } from '../../../console/src/api/event-stream';
import type { ServerSentEvent } from '../../../console/src/api/server-sent-events';

/** A response streaming `text`, then closing (a dropped connection, unless the text ends with `end`). */
function streamed(text: string): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(text));
      controller.close();
    },
  });
  return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
}

function problem(status: number, title: string): Response {
  return new Response(JSON.stringify({ type: `https://agent-assist.dev/problems/${title}`, title, status, detail: title }), { status, headers: { 'content-type': 'application/problem+json' } });
}

const noWait = () => Promise.resolve();

describe('openEventStream', () => {
  it('reconnects with Last-Event-ID after a drop and delivers each event once', async () => {
    const sent: { url: string; headers: Record<string, string> }[] = [];
    const answers = [
      streamed('id: 1\nevent: knowledge\ndata: {"n":1}\n\nid: 2\nevent: knowledge\ndata: {"n":2}\n\n'),
      problem(503, 'overloaded'),
      // The replay overlaps what was seen (2): it must not be shown twice.
      streamed('id: 2\nevent: knowledge\ndata: {"n":2}\n\nid: 3\nevent: compliance\ndata: {"n":3}\n\nevent: end\ndata: {}\n\n'),
    ];
    const fetcher = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
      sent.push({ url: String(url), headers: init?.headers as Record<string, string> });
      const answer = answers.shift();
      if (!answer) throw new Error('no more answers');
      return answer;
    });
    const client = new ApiClient({ getKey: () => 'key-1', fetch: fetcher as typeof fetch });
    const events: ServerSentEvent[] = [];
    const states: StreamState[] = [];
    const stream = openEventStream({ client, path: '/v1/conversations/c1/events', lastEventId: '0', onEvent: (event) => events.push(event), onState: (state) => states.push(state), sleep: noWait });
    await stream.finished;
    expect(events.map((event) => `${event.event}:${event.id ?? ''}`)).toEqual(['knowledge:1', 'knowledge:2', 'compliance:3', 'end:']);
    expect(sent.map((request) => request.headers['last-event-id'])).toEqual(['0', '2', '2']);
    expect(sent.every((request) => request.headers.authorization === 'Bearer key-1' && !request.url.includes('key-1'))).toBe(true);
    expect(states).toContain('reconnecting');
    expect(states.at(-1)).toBe('closed');
    expect(stream.lastEventId).toBe('3');
  });

  it('stops and ends the session when the key is refused, on connect or by an error event', async () => {
    for (const answer of [problem(401, 'unauthenticated'), streamed('id: 1\nevent: knowledge\ndata: {}\n\nevent: error\ndata: {"type":"x/unauthenticated","title":"Unauthenticated","status":401,"detail":"revoked"}\n\n')]) {
      const onUnauthenticated = vi.fn();
      const fetcher = vi.fn(async () => answer);
      const client = new ApiClient({ getKey: () => 'revoked', fetch: fetcher as typeof fetch, onUnauthenticated });
      const stream = openEventStream({ client, path: '/v1/conversations/c1/events', onEvent: () => undefined, sleep: noWait });
      await stream.finished;
      expect(onUnauthenticated).toHaveBeenCalledTimes(1);
      expect(fetcher).toHaveBeenCalledTimes(1);
    }
  });

  it('retries after an error event saying the stream could not start (503), resuming where it was', async () => {
    const answers = [
      streamed('id: 4\nevent: knowledge\ndata: {}\n\nevent: error\ndata: {"type":"x/unavailable","title":"Service unavailable","status":503,"detail":"reconnect shortly"}\n\n'),
      streamed('id: 5\nevent: knowledge\ndata: {}\n\nevent: end\ndata: {}\n\n'),
    ];
    const sent: string[] = [];
    const fetcher = vi.fn(async (_url: string | URL | Request, init?: RequestInit) => {
      sent.push((init?.headers as Record<string, string>)['last-event-id'] ?? '');
      return answers.shift() as Response;
    });
    const client = new ApiClient({ getKey: () => 'k', fetch: fetcher as typeof fetch });
    const events: string[] = [];
    const stream = openEventStream({ client, path: '/v1/conversations/c1/events', lastEventId: '3', onEvent: (event) => events.push(`${event.event}:${event.id ?? ''}`), sleep: noWait });
    await stream.finished;
    expect(events).toEqual(['knowledge:4', 'error:', 'knowledge:5', 'end:']);
    expect(sent).toEqual(['3', '4']);
  });

  it('gives up on a 404 (no such conversation) instead of retrying forever', async () => {
    const fetcher = vi.fn(async () => problem(404, 'not_found'));
    const client = new ApiClient({ getKey: () => 'k', fetch: fetcher as typeof fetch });
    const states: [StreamState, number | undefined][] = [];
    const stream = openEventStream({ client, path: '/v1/conversations/c1/events', onEvent: () => undefined, onState: (state, failure) => states.push([state, failure?.status]), sleep: noWait });
    await stream.finished;
    expect(fetcher).toHaveBeenCalledTimes(1);
    expect(states.at(-1)).toEqual(['closed', 404]);
  });

  it('close() stops a stream that is waiting to reconnect', async () => {
    const fetcher = vi.fn(async () => {
      throw new TypeError('network down');
    });
    const client = new ApiClient({ getKey: () => 'k', fetch: fetcher as typeof fetch });
    let wake: () => void = () => undefined;
    const stream = openEventStream({
      client,
      path: '/v1/conversations/c1/events',
      onEvent: () => undefined,
      sleep: (_milliseconds, signal) =>
        new Promise<void>((resolve) => {
          wake = resolve;
          signal.addEventListener('abort', () => resolve(), { once: true });
        }),
    });
    await vi.waitFor(() => expect(fetcher).toHaveBeenCalledTimes(1));
    stream.close();
    wake();
    await stream.finished;
    expect(fetcher).toHaveBeenCalledTimes(1);
  });
});
