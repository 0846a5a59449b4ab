import type { Database } from '../db/database.js';
import { eventChannel, readEventLogState, readEventsAfter, type ConversationEvent, type EventLogState } from './event-log.js';

/** Sent once, after the last stored event of an ended conversation; the stream closes after it. */
export interface ConversationEnd {
  conversationId: string;
  lastEventId: number;
  endedAt: string | null;
  /** `pending` only when the summary was still not written after the grace period. */
  summary: EventLogState['summary'];
}

export interface SubscribeOptions {
  /** Called once the conversation has ended and every event was delivered; the subscription is over then. */
  onEnd?: (end: ConversationEnd) => void | Promise<void>;
}

/** May return a promise that resolves when the subscriber can take the next event (back-pressure). */
type Deliver = (event: ConversationEvent) => unknown;

interface Subscriber {
  lastId: number;
  deliver: Deliver;
  onEnd: SubscribeOptions['onEnd'];
  /** Set by a signal; the loop clears it before it reads, so a signal during a read causes one more pass. */
  signalled: boolean;
  wake: (() => void) | undefined;
  closed: boolean;
}

interface Group {
  subscribers: Set<Subscriber>;
  /** In-flight reads shared by subscribers at the same position (most of them, most of the time). */
  state: Promise<EventLogState | undefined> | undefined;
  pages: Map<number, Promise<ConversationEvent[]>>;
}

/**
 * Rows per read: bounds the memory one subscriber holds and how long one read holds the event loop (embedded
 * PGlite runs queries on it: about 15 ms for 250 rows of pushed suggestions, 5 ms of it fixed per query).
 */
const pageSize = 250;
/** After this long an ended conversation's stream ends even if its summary never came (a stuck job). */
const defaultEndGraceMilliseconds = 120_000;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Fans conversation events out to the desktops connected to this replica. Any signal (a local append, a
 * Postgres NOTIFY from another replica, or the periodic poll) makes each subscriber catch up from the event
 * table after the last id it has seen: ordering and exactly-once delivery come from the table, the signals
 * only make it prompt. The poll covers notifications lost while a connection dropped.
 *
 * Each subscriber runs its own catch-up loop, paged by event id and paced by its own socket (`deliver` may
 * return a promise that resolves when the client can take more). A slow desktop therefore only delays
 * itself: it falls behind and reads its own pages, while the others stay live. Subscribers at the same
 * position share one read, so N desktops on one conversation still cost one query per signal.
 */
export class EventHub {
  readonly #database: Database;
  readonly #groups = new Map<string, Group>();
  readonly #pollMilliseconds: number;
  readonly #endGraceMilliseconds: number;
  #unlisten: (() => Promise<void>) | undefined;
  #poller: NodeJS.Timeout | undefined;
  #started: Promise<void> | undefined;
  #onError: (error: unknown) => void;

  constructor(database: Database, options: { pollMilliseconds?: number; endGraceMilliseconds?: number; onError?: (error: unknown) => void } = {}) {
    this.#database = database;
    this.#pollMilliseconds = options.pollMilliseconds ?? 1_000;
    this.#endGraceMilliseconds = options.endGraceMilliseconds ?? defaultEndGraceMilliseconds;
    this.#onError = options.onError ?? (() => undefined);
  }

  start(): Promise<void> {
    this.#started ??= (async () => {
      // The poll first: it is the fallback when notifications are late or lost, so it must not wait for LISTEN.
      this.#poller = setInterval(() => {
        for (const conversationId of this.#groups.keys()) this.signal(conversationId);
      }, this.#pollMilliseconds);
      this.#poller.unref();
      this.#unlisten = await this.#database.listen(eventChannel, (payload) => {
        const conversationId = payload.split(':', 1)[0];
        if (conversationId) this.signal(conversationId);
      });
    })();
    return this.#started;
  }

  async stop(): Promise<void> {
    if (this.#poller) clearInterval(this.#poller);
    this.#poller = undefined;
    await this.#unlisten?.().catch(() => undefined);
    this.#unlisten = undefined;
    this.#started = undefined;
    for (const group of this.#groups.values()) for (const subscriber of group.subscribers) this.#close(subscriber);
    this.#groups.clear();
  }

  /** How many desktops this replica streams to (for metrics and tests). */
  get subscriberCount(): number {
    let count = 0;
    for (const group of this.#groups.values()) count += group.subscribers.size;
    return count;
  }

  /**
   * Delivers every event after `afterId` (stored ones first), then live ones, until the returned function is
   * called or, once the conversation has ended and its last event was delivered, `onEnd` ran.
   */
  async subscribe(conversationId: string, afterId: number, deliver: Deliver, options: SubscribeOptions = {}): Promise<() => void> {
    await this.start();
    const subscriber: Subscriber = { lastId: afterId, deliver, onEnd: options.onEnd, signalled: true, wake: undefined, closed: false };
    let group = this.#groups.get(conversationId);
    if (!group) {
      group = { subscribers: new Set(), state: undefined, pages: new Map() };
      this.#groups.set(conversationId, group);
    }
    group.subscribers.add(subscriber);
    void this.#run(conversationId, group, subscriber);
    return () => this.#remove(conversationId, subscriber);
  }

  signal(conversationId: string): void {
    const group = this.#groups.get(conversationId);
    if (!group) return;
    // A read already under way may predate the change that caused this signal: the next pass reads afresh.
    group.state = undefined;
    group.pages.clear();
    for (const subscriber of group.subscribers) {
      subscriber.signalled = true;
      subscriber.wake?.();
    }
  }

  #close(subscriber: Subscriber): void {
    subscriber.closed = true;
    subscriber.wake?.();
  }

  #remove(conversationId: string, subscriber: Subscriber): void {
    this.#close(subscriber);
    const group = this.#groups.get(conversationId);
    if (!group) return;
    group.subscribers.delete(subscriber);
    if (group.subscribers.size === 0) this.#groups.delete(conversationId);
  }

  async #run(conversationId: string, group: Group, subscriber: Subscriber): Promise<void> {
    while (!subscriber.closed) {
      if (!subscriber.signalled) {
        await new Promise<void>((resolve) => {
          subscriber.wake = resolve;
        });
        subscriber.wake = undefined;
        continue;
      }
      subscriber.signalled = false;
      try {
        const ended = await this.#catchUp(conversationId, group, subscriber);
        if (ended && !subscriber.closed) {
          this.#remove(conversationId, subscriber);
          await subscriber.onEnd?.(ended);
          return;
        }
      } catch (error) {
        // A failed read (database restarting) is retried on the next signal or poll; the position is kept.
        this.#onError(error);
      }
    }
  }

  /** Delivers what is stored after the subscriber's position; returns the end marker once nothing more can come. */
  async #catchUp(conversationId: string, group: Group, subscriber: Subscriber): Promise<ConversationEnd | undefined> {
    const state = await this.#readState(conversationId, group);
    if (!state) return undefined;
    while (!subscriber.closed && subscriber.lastId < state.lastEventId) {
      let advanced = await this.#deliverPage(subscriber, await this.#readPage(conversationId, group, subscriber.lastId, false));
      // A shared read that started before the newest commit may hold nothing new for this subscriber.
      if (!advanced && !subscriber.closed) advanced = await this.#deliverPage(subscriber, await this.#readPage(conversationId, group, subscriber.lastId, true));
      if (!advanced) break;
      // Database reads can resolve without ever giving timers and sockets a turn: yield between pages.
      await yieldToEventLoop();
    }
    if (subscriber.closed || !state.ended || subscriber.lastId < state.lastEventId) return undefined;
    const settled = state.summary !== 'pending' || state.endedForMilliseconds >= this.#endGraceMilliseconds;
    if (!settled) return undefined;
    return { conversationId, lastEventId: state.lastEventId, endedAt: state.endedAt, summary: state.summary };
  }

  async #deliverPage(subscriber: Subscriber, events: readonly ConversationEvent[]): Promise<boolean> {
    let advanced = false;
    for (const event of events) {
      if (subscriber.closed) break;
      if (event.id <= subscriber.lastId) continue;
      subscriber.lastId = event.id;
      advanced = true;
      const pending = subscriber.deliver(event);
      if (pending instanceof Promise) await pending;
    }
    return advanced;
  }

  #readState(conversationId: string, group: Group): Promise<EventLogState | undefined> {
    if (!group.state) {
      const read = readEventLogState(this.#database, conversationId);
      group.state = read;
      const forget = () => {
        if (group.state === read) group.state = undefined;
      };
      read.then(forget, forget);
    }
    return group.state;
  }

  #readPage(conversationId: string, group: Group, afterId: number, fresh: boolean): Promise<ConversationEvent[]> {
    const shared = fresh ? undefined : group.pages.get(afterId);
    if (shared) return shared;
    // The fresh retry is unbounded, so even a gap in the ids (which appendEvent never leaves) cannot stall a stream.
    const read = readEventsAfter(this.#database, conversationId, afterId, pageSize, { bounded: !fresh });
    group.pages.set(afterId, read);
    const forget = () => {
      if (group.pages.get(afterId) === read) group.pages.delete(afterId);
    };
    read.then(forget, forget);
    return read;
  }
}
