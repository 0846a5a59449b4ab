import type { ApiClient } from './api-client';
import { ProblemError, UnauthenticatedError, type Problem } from './problem-error';
import { readServerSentEvents, type ServerSentEvent } from './server-sent-events';

export type StreamState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface EventStreamOptions {
  client: ApiClient;
  path: string;
  /** Resume after this event id ("0": from the first event). Absent: events from now on. */
  lastEventId?: string;
  onEvent: (event: ServerSentEvent) => void;
  onState?: (state: StreamState, problem?: Problem) => void;
  /** Delays between reconnection attempts: the first, doubled up to the maximum (reset once a stream opens). */
  retryMilliseconds?: { first: number; maximum: number };
  /** Waits between attempts; tests pass one that does not wait. */
  sleep?: (milliseconds: number, signal: AbortSignal) => Promise<void>;
}

export interface EventStream {
  close(): void;
  /** The id of the last event delivered: what a reconnection sends as Last-Event-ID. */
  readonly lastEventId: string | undefined;
  /** Resolves when the stream has stopped for good (`end`, a refused key, a 4xx, or close()). */
  readonly finished: Promise<void>;
}

function defaultSleep(milliseconds: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, milliseconds);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

function parseProblem(data: string): Problem | undefined {
  try {
    const value = JSON.parse(data) as Problem;
    return typeof value.status === 'number' ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A conversation's event stream over fetch (EventSource cannot send an Authorization header). When the connection
 * drops it reconnects with Last-Event-ID, so the server replays what was missed; an event whose id is not after the
 * last one delivered (a replay overlapping what was already seen) is dropped, so no card is shown twice.
 * It stops on `end`, on a refused key, and on any 4xx other than 429 (as a response or an `error` event).
 */
export function openEventStream(options: EventStreamOptions): EventStream {
  const controller = new AbortController();
  const retry = options.retryMilliseconds ?? { first: 500, maximum: 10_000 };
  const sleep = options.sleep ?? defaultSleep;
  let lastEventId = options.lastEventId;
  let stopped = false;
  const setState = (state: StreamState, problem?: Problem) => options.onState?.(state, problem);

  const isNew = (id: string | undefined): boolean => {
    if (id === undefined || lastEventId === undefined) return true;
    const next = Number(id);
    const last = Number(lastEventId);
    return !(Number.isFinite(next) && Number.isFinite(last)) || next > last;
  };

  const run = async () => {
    let delay = retry.first;
    let attempt = 0;
    while (!stopped) {
      setState(attempt === 0 ? 'connecting' : 'reconnecting');
      attempt += 1;
      try {
        const response = await options.client.send('GET', options.path, {
          headers: { accept: 'text/event-stream', ...(lastEventId !== undefined ? { 'last-event-id': lastEventId } : {}) },
          signal: controller.signal,
        });
        if (!response.body) throw new Error('the event stream has no body');
        setState('open');
        delay = retry.first;
        for await (const event of readServerSentEvents(response.body, controller.signal)) {
          if (event.event === 'end') {
            options.onEvent(event);
            stopped = true;
            break;
          }
          if (event.event === 'error') {
            options.onEvent(event);
            const problem = parseProblem(event.data);
            // The server closes the stream after an error event. A refused key ends the session; a stream that could
            // not start (5xx, 429) is retried like a drop; anything else ends this stream.
            if (problem && (problem.status >= 500 || problem.status === 429)) break;
            if (problem?.status === 401) options.client.reportUnauthenticated(problem);
            stopped = true;
            setState('closed', problem);
            return;
          }
          if (!isNew(event.id)) continue;
          if (event.id !== undefined) lastEventId = event.id;
          options.onEvent(event);
        }
      } catch (error) {
        if (controller.signal.aborted) break;
        if (error instanceof UnauthenticatedError) {
          stopped = true;
          setState('closed', error.problem);
          return;
        }
        if (error instanceof ProblemError && error.status >= 400 && error.status < 500 && error.status !== 429) {
          stopped = true;
          setState('closed', error.problem);
          return;
        }
      }
      if (stopped || controller.signal.aborted) break;
      setState('reconnecting');
      await sleep(delay, controller.signal);
      delay = Math.min(delay * 2, retry.maximum);
    }
    setState('closed');
  };

  const finished = run();
  return {
    close() {
      stopped = true;
      controller.abort();
    },
    get lastEventId() {
      return lastEventId;
    },
    finished,
  };
}
