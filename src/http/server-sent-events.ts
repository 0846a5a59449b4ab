import type { FastifyReply, FastifyRequest } from 'fastify';

export interface EventStream {
  send(event: string, data: unknown, id?: number): void;
  /**
   * Like `send`, but resolves only once the socket can take more (its buffer drained) or the connection
   * closed: a replay of many events then streams at the client's pace instead of piling up in memory.
   */
  write(event: string, data: unknown, id?: number): Promise<void>;
  comment(text: string): void;
  /** Ends the response; one whose client stopped reading is cut instead. */
  close(): void;
  readonly closed: boolean;
  onClose(listener: () => void): void;
}

function formatEvent(event: string, data: unknown, id?: number): string {
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * Takes the response over from Fastify and speaks text/event-stream on it. Headers disable proxy buffering;
 * the caller sends heartbeats so idle proxies do not cut the stream.
 */
export function openEventStream(request: FastifyRequest, reply: FastifyReply): EventStream {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    'x-request-id': request.id,
  });
  raw.flushHeaders?.();
  let closed = false;
  const listeners = new Set<() => void>();
  const markClosed = () => {
    if (closed) return;
    closed = true;
    for (const listener of [...listeners]) listener();
    listeners.clear();
  };
  request.raw.on('close', markClosed);
  raw.on('close', markClosed);
  const onClose = (listener: () => void) => {
    if (closed) listener();
    else listeners.add(listener);
  };
  return {
    get closed() {
      return closed;
    },
    send(event, data, id) {
      if (!closed) raw.write(formatEvent(event, data, id));
    },
    write(event, data, id) {
      if (closed || raw.write(formatEvent(event, data, id))) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const done = () => {
          raw.off('drain', done);
          listeners.delete(done);
          resolve();
        };
        raw.once('drain', done);
        // A client that goes away never drains: the close ends the wait.
        listeners.add(done);
      });
    },
    comment(text) {
      if (!closed) raw.write(`: ${text}\n\n`);
    },
    close() {
      // A client that stopped reading would hold a graceful end (and a server shutdown) forever: cut it.
      if (!closed) {
        if (raw.writableNeedDrain) raw.destroy();
        else raw.end();
      }
      markClosed();
    },
    onClose,
  };
}

export function wantsEventStream(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return accept.split(',').some((part) => part.trim().toLowerCase().startsWith('text/event-stream'));
}
