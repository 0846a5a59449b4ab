import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';

export interface ReceivedEvent {
  id?: number;
  event: string;
  data: unknown;
}

/**
 * A Server-Sent Events client over node:http for tests and benches: parses events as they arrive, can pause
 * reading (to exercise the server's back-pressure) and reports when the server closes the stream.
 */
export class EventStreamClient {
  readonly events: ReceivedEvent[] = [];
  status = 0;
  /** Set once the server ended the response (or the connection dropped). */
  closedByServer = false;
  #request!: ClientRequest;
  #response: IncomingMessage | undefined;
  #buffer = '';
  #waiters: (() => void)[] = [];
  readonly opened: Promise<number>;

  constructor(url: string, headers: Record<string, string>, options: { onEvent?: (event: ReceivedEvent) => void } = {}) {
    this.opened = new Promise((resolve, reject) => {
      this.#request = httpRequest(url, { headers: { accept: 'text/event-stream', ...headers } }, (incoming) => {
        this.#response = incoming;
        this.status = incoming.statusCode ?? 0;
        incoming.setEncoding('utf8');
        incoming.on('data', (chunk: string) => {
          this.#buffer += chunk;
          let boundary: number;
          while ((boundary = this.#buffer.indexOf('\n\n')) >= 0) {
            const block = this.#buffer.slice(0, boundary);
            this.#buffer = this.#buffer.slice(boundary + 2);
            const fields = Object.fromEntries(
              block
                .split('\n')
                .filter((line) => !line.startsWith(':') && line.includes(': '))
                .map((line) => [line.slice(0, line.indexOf(': ')), line.slice(line.indexOf(': ') + 2)]),
            );
            if (!fields.event) continue;
            const event: ReceivedEvent = { ...(fields.id ? { id: Number(fields.id) } : {}), event: fields.event, data: JSON.parse(fields.data ?? 'null') };
            this.events.push(event);
            options.onEvent?.(event);
          }
          this.#notify();
        });
        const ended = () => {
          this.closedByServer = true;
          this.#notify();
        };
        incoming.on('end', ended);
        incoming.on('close', ended);
        resolve(this.status);
      });
      this.#request.on('error', (error) => {
        this.closedByServer = true;
        this.#notify();
        reject(error);
      });
      this.#request.end();
    });
    this.opened.catch(() => undefined);
  }

  #notify(): void {
    for (const waiter of this.#waiters.splice(0)) waiter();
  }

  /** Resolves when `done()` holds, or after `timeoutMs` (the caller then asserts on what arrived). */
  async until(done: () => boolean, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done() && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(200, Math.max(1, deadline - Date.now())));
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  untilCount(count: number, timeoutMs?: number): Promise<void> {
    return this.until(() => this.events.length >= count || this.closedByServer, timeoutMs);
  }

  untilClosed(timeoutMs?: number): Promise<void> {
    return this.until(() => this.closedByServer, timeoutMs);
  }

  pause(): void {
    this.#response?.pause();
  }

  resume(): void {
    this.#response?.resume();
  }

  close(): void {
    this.#request.destroy();
  }
}
