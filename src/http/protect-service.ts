import { createHash } from 'node:crypto';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import underPressure from '@fastify/under-pressure';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '../access/api-key-service.js';
import { BadKeyLockout } from '../access/bad-key-lockout.js';
import { HttpProblem } from './problem.js';

export interface ProtectionOptions {
  /** Requests per minute per API key by role; 0 = unlimited. */
  perMinuteByRole: Record<Role, number>;
  /** Requests per minute per client address on routes that take no key; 0 = unlimited. */
  anonymousPerMinute: number;
  lockout: { failureLimit: number; windowSeconds: number; lockoutSeconds: number; maximumLockoutSeconds: number };
  shedding: { maximumLagMs: number; minimumInFlightForLag: number; maximumInFlight: number; maximumDatabaseWaitMs: number; maximumEventLoopDelayMs: number; maximumEventLoopUtilization: number; retryAfterSeconds: number };
  corsOrigins: string[];
  /** How long the oldest database call has waited (Database.queueWaitMilliseconds), when the adapter knows it. */
  databaseWaitMilliseconds?: () => number;
}

/** Probes and scrapes: answered whatever the load or the caller, so orchestrators never kill a busy replica. */
const operationsRoutes = new Set(['/healthz', '/readyz', '/metrics']);
/** Long-lived streams: one open per desktop is normal, so they are admitted under the cap but not counted in it. */
const streamingRoutes = new Set(['/v1/conversations/:id/events']);
/** How often event-loop delay and utilisation are sampled: short enough to react within a burst. */
const pressureSampleMilliseconds = 250;
/** How often the lag clock ticks; a request seen later than this after the last tick waited behind other work. */
const lagTickMilliseconds = 5;

function isOperationsRoute(request: FastifyRequest): boolean {
  return operationsRoutes.has(request.routeOptions.url ?? '');
}

/** One client address, IPv6 reduced to its /64 so a single host cannot rotate through its own addresses. */
function clientAddress(request: FastifyRequest): string {
  return normalizeIP(request.ip, 64);
}

function bearerHash(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1] ? createHash('sha256').update(match[1]).digest('hex') : undefined;
}

function overloaded(reply: FastifyReply, retryAfterSeconds: number, detail: string): HttpProblem {
  void reply.header('retry-after', String(retryAfterSeconds));
  return new HttpProblem(503, 'overloaded', 'Service overloaded', detail);
}

/**
 * Everything that keeps the service up for honest callers, as one plugin registered before the routes, in this
 * order: CORS (so even a refusal is readable by an allowed desktop), load shedding and the bad-key lockout (cheap
 * refusals before any body is parsed or key checked), security headers, then per-key rate limits after
 * authentication (the limit follows the key's id and role, never the raw key).
 */
export async function protectService(app: FastifyInstance, options: ProtectionOptions): Promise<void> {
  if (options.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: options.corsOrigins,
      methods: ['GET', 'POST', 'PUT', 'DELETE'],
      // Desktops send keys as a header, never cookies: no credentials mode.
      allowedHeaders: ['authorization', 'content-type', 'accept', 'last-event-id', 'x-request-id'],
      exposedHeaders: ['x-request-id', 'retry-after', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'],
      maxAge: 600,
    });
  }

  // The event stream takes the raw response over (hijack), which drops headers set through Fastify's reply, such as
  // CORS: copy them onto the raw response so a browser desktop may read the stream.
  app.addHook('preHandler', async (request, reply) => {
    if (!streamingRoutes.has(request.routeOptions.url ?? '')) return;
    for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) reply.raw.setHeader(name, value);
  });

  const { shedding } = options;
  // Requests in progress (event streams not counted: they are long-lived by design). Counted for every request so
  // that lag shedding can tell a queue from one request's own work.
  let inFlight = 0;
  app.addHook('onRequest', async (request, reply) => {
    if (isOperationsRoute(request) || streamingRoutes.has(request.routeOptions.url ?? '')) return;
    inFlight += 1;
    // 'close' fires once the response is finished or the client went away, whichever comes first, and only once.
    reply.raw.once('close', () => {
      inFlight -= 1;
    });
  });

  // A cap on requests in progress, for requests that wait on I/O (a model, a Postgres server): past it, queueing
  // only adds latency and memory for everyone, so the surplus is refused at once and retried.
  if (shedding.maximumInFlight > 0) {
    app.addHook('onRequest', async (request, reply) => {
      if (isOperationsRoute(request)) return;
      // This request was already counted by the hook above.
      if (inFlight > shedding.maximumInFlight) {
        throw overloaded(reply, shedding.retryAfterSeconds, `The service is at capacity (${shedding.maximumInFlight} requests in progress); retry after ${shedding.retryAfterSeconds} s.`);
      }
    });
  }

  // Event-loop lag now, not sampled: requests are mostly CPU work on one thread (PGlite runs in it too), so under
  // load they do not pile up in flight; they wait unread while one loop turn works through every ready socket.
  // A request met long after the last tick of this clock has already waited that long: it and the rest of this
  // turn's arrivals are refused at once, so the turn ends quickly and admitted requests keep their latency.
  // The clock starts when the server listens: requests injected in process (tests, benches) arrive back to back
  // without the loop turning and are no network client to protect.
  if (shedding.maximumLagMs > 0) {
    let lastTick = performance.now();
    let ticker: NodeJS.Timeout | undefined;
    app.addHook('onListen', async () => {
      lastTick = performance.now();
      ticker ??= setInterval(() => {
        lastTick = performance.now();
      }, lagTickMilliseconds);
      ticker.unref();
    });
    app.addHook('onClose', async () => clearInterval(ticker));
    app.addHook('onRequest', async (request, reply) => {
      if (!ticker || isOperationsRoute(request)) return;
      // A few desktops in progress are no queue: the lag is then one request's own work (a large ingest, a busy
      // machine), and refusing the next agent would fail a turn without protecting anyone's latency.
      if (inFlight < shedding.minimumInFlightForLag) return;
      const lag = performance.now() - lastTick - lagTickMilliseconds;
      if (lag > shedding.maximumLagMs) {
        throw overloaded(reply, shedding.retryAfterSeconds, `The service is overloaded (event loop ${Math.round(lag)} ms behind); retry after ${shedding.retryAfterSeconds} s.`);
      }
    });
  }

  // The embedded database answers from a worker thread through one connection: under load the event loop stays
  // free while statements queue there, so the queue's age (not lag) says when admitted requests start to wait.
  // Refusing arrivals while it is past the limit keeps the database busy but its queue short.
  const databaseWait = options.databaseWaitMilliseconds;
  if (shedding.maximumDatabaseWaitMs > 0 && databaseWait) {
    app.addHook('onRequest', async (request, reply) => {
      if (isOperationsRoute(request)) return;
      const wait = databaseWait();
      if (wait > shedding.maximumDatabaseWaitMs) {
        throw overloaded(reply, shedding.retryAfterSeconds, `The service is overloaded (database queue ${Math.round(wait)} ms behind); retry after ${shedding.retryAfterSeconds} s.`);
      }
    });
  }

  await app.register(underPressure, {
    sampleInterval: pressureSampleMilliseconds,
    maxEventLoopDelay: shedding.maximumEventLoopDelayMs,
    maxEventLoopUtilization: shedding.maximumEventLoopUtilization,
    eventLoopUtilizationMode: 'interval',
    pressureHandler: (request, reply, type) => {
      if (isOperationsRoute(request)) return undefined;
      const problem = overloaded(reply, shedding.retryAfterSeconds, `The service is overloaded (${type}); retry after ${shedding.retryAfterSeconds} s.`);
      return Promise.reject(problem);
    },
  });

  const lockout = new BadKeyLockout({
    failureLimit: options.lockout.failureLimit,
    windowMilliseconds: options.lockout.windowSeconds * 1000,
    lockoutMilliseconds: options.lockout.lockoutSeconds * 1000,
    maximumLockoutMilliseconds: options.lockout.maximumLockoutSeconds * 1000,
  });
  if (lockout.enabled) {
    app.addHook('onRequest', async (request, reply) => {
      if (isOperationsRoute(request)) return;
      const waitMilliseconds = lockout.retryAfterMilliseconds(clientAddress(request));
      if (waitMilliseconds === 0) return;
      const keyHash = bearerHash(request);
      if (keyHash && lockout.isKnownGoodKey(keyHash)) return;
      const seconds = Math.ceil(waitMilliseconds / 1000);
      void reply.header('retry-after', String(seconds));
      throw new HttpProblem(429, 'too_many_bad_keys', 'Too many requests', `Too many unknown or revoked API keys from this address; retry after ${seconds} s with a valid key.`);
    });
    app.addHook('onResponse', async (request, reply) => {
      if (reply.statusCode === 401) {
        const address = clientAddress(request);
        const lockedMilliseconds = lockout.recordFailure(address);
        if (lockedMilliseconds > 0) request.log.warn({ address, seconds: lockedMilliseconds / 1000 }, 'too many bad API keys: address locked out');
      } else if (request.principal) {
        const keyHash = bearerHash(request);
        if (keyHash) lockout.recordGoodKey(keyHash);
      }
    });
  }

  // Last of the onRequest hooks: helmet builds its headers per request, work not spent on refused requests.
  await app.register(helmet, {
    contentSecurityPolicy: {
      // The service is often reached over plain HTTP inside the bank: upgrading /docs assets to HTTPS would break it.
      directives: { 'upgrade-insecure-requests': null },
    },
  });

  const perMinute = (request: FastifyRequest): number => (request.principal ? options.perMinuteByRole[request.principal.role] : options.anonymousPerMinute);
  await app.register(rateLimit, {
    // After the route's own preHandler, which authenticates: the limit follows the key, not the address.
    hook: 'preHandler',
    timeWindow: 60_000,
    keyGenerator: (request) => (request.principal ? `key:${request.principal.keyId}` : `address:${clientAddress(request)}`),
    max: (request) => perMinute(request),
    allowList: (request) => request.method === 'OPTIONS' || isOperationsRoute(request) || perMinute(request) === 0,
    errorResponseBuilder: (_request, context) =>
      new HttpProblem(429, 'rate_limited', 'Too many requests', `Rate limit of ${context.max} requests per minute reached; retry in ${context.after}.`),
  });
}
