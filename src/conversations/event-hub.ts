import type { Database } from '../db/database.js';
import { eventChannel, readEventsAfter, type ConversationEvent } from './event-log.js';

interface Subscriber {
  lastId: number;
  deliver: (event: ConversationEvent) => void;
}

interface Group {
  subscribers: Set<Subscriber>;
  /** Serialises catch-ups per conversation so events reach each subscriber once and in order. */
  running: Promise<void>;
  pending: boolean;
}

/**
 * Fans conversation events out to the desktops connected to this replica. Any signal (a local append, a
 * Postgres NOTIFY from another replica, or the periodic poll) makes each watched conversation catch up from
 * the event table after the last id each subscriber has seen: ordering and exactly-once delivery come from
 * the table, the signals only make it prompt. The poll covers notifications lost while a connection dropped.
 */
export class EventHub {
  readonly #database: Database;
  readonly #groups = new Map<string, Group>();
  readonly #pollMilliseconds: number;
  #unlisten: (() => Promise<void>) | undefined;
  #poller: NodeJS.Timeout | undefined;
  #started: Promise<void> | undefined;
  #onError: (error: unknown) => void;

  constructor(database: Database, options: { pollMilliseconds?: number; onError?: (error: unknown) => void } = {}) {
    this.#database = database;
    this.#pollMilliseconds = options.pollMilliseconds ?? 1_000;
    this.#onError = options.onError ?? (() => undefined);
  }

  start(): Promise<void> {
    this.#started ??= (async () => {
      this.#unlisten = await this.#database.listen(eventChannel, (payload) => {
        const conversationId = payload.split(':', 1)[0];
        if (conversationId) this.signal(conversationId);
      });
      this.#poller = setInterval(() => {
        for (const conversationId of this.#groups.keys()) this.signal(conversationId);
      }, this.#pollMilliseconds);
      this.#poller.unref();
    })();
    return this.#started;
  }

  async stop(): Promise<void> {
    if (this.#poller) clearInterval(this.#poller);
    this.#poller = undefined;
    await this.#unlisten?.().catch(() => undefined);
    this.#unlisten = undefined;
    this.#started = undefined;
    this.#groups.clear();
  }

  /** Delivers every event after `afterId` (stored ones first), then live ones, until the returned function is called. */
  async subscribe(conversationId: string, afterId: number, deliver: (event: ConversationEvent) => void): Promise<() => void> {
    await this.start();
    const subscriber: Subscriber = { lastId: afterId, deliver };
    let group = this.#groups.get(conversationId);
    if (!group) {
      group = { subscribers: new Set(), running: Promise.resolve(), pending: false };
      this.#groups.set(conversationId, group);
    }
    group.subscribers.add(subscriber);
    this.signal(conversationId);
    return () => {
      const current = this.#groups.get(conversationId);
      current?.subscribers.delete(subscriber);
      if (current && current.subscribers.size === 0) this.#groups.delete(conversationId);
    };
  }

  signal(conversationId: string): void {
    const group = this.#groups.get(conversationId);
    if (!group || group.pending) return;
    group.pending = true;
    group.running = group.running.then(async () => {
      group.pending = false;
      await this.#catchUp(conversationId, group);
    }).catch(this.#onError);
  }

  async #catchUp(conversationId: string, group: Group): Promise<void> {
    if (group.subscribers.size === 0) return;
    const from = Math.min(...[...group.subscribers].map((subscriber) => subscriber.lastId));
    for (;;) {
      const events = await readEventsAfter(this.#database, conversationId, from === Infinity ? 0 : from);
      for (const event of events) {
        for (const subscriber of group.subscribers) {
          if (event.id > subscriber.lastId) {
            subscriber.lastId = event.id;
            subscriber.deliver(event);
          }
        }
      }
      if (events.length < 500) return;
    }
  }
}
