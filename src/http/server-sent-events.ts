import type { FastifyReply, FastifyRequest } from 'fastify';

export interface EventStream {
  send(event: string, data: unknown, id?: number): void;
  comment(text: string): void;
  close(): void;
  readonly closed: boolean;
  onClose(listener: () => void): void;
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
  const listeners: (() => void)[] = [];
  const markClosed = () => {
    if (closed) return;
    closed = true;
    for (const listener of listeners) listener();
  };
  request.raw.on('close', markClosed);
  raw.on('close', markClosed);
  return {
    get closed() {
      return closed;
    },
    send(event, data, id) {
      if (closed) return;
      const lines = [id === undefined ? '' : `id: ${id}\n`, `event: ${event}\n`, `data: ${JSON.stringify(data)}\n\n`];
      raw.write(lines.join(''));
    },
    comment(text) {
      if (!closed) raw.write(`: ${text}\n\n`);
    },
    close() {
      if (!closed) raw.end();
      markClosed();
    },
    onClose(listener) {
      if (closed) listener();
      else listeners.push(listener);
    },
  };
}

export function wantsEventStream(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return accept.split(',').some((part) => part.trim().toLowerCase().startsWith('text/event-stream'));
}
