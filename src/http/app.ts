import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import { ZodError } from 'zod';
import { ApiKeyNotFoundError } from '../access/api-key-service.js';
import { DatabaseUnavailableError } from '../db/database.js';
import { DocumentNotFoundError } from '../knowledge/knowledge-service.js';
import { IngestError } from '../knowledge/ingest-error.js';
import { redactUrl, redactValue } from '../observability/redact-pii.js';
import type { AppServices } from './app-services.js';
import { findUnsafeText } from '../text/find-unsafe-text.js';
import { registerJsonBodyParser } from './json-body-parser.js';
import { openapiSchema } from './openapi-schema.js';
import { HttpProblem } from './problem.js';
import { protectService, type ProtectionOptions } from './protect-service.js';
import { problemSchema } from './response-schemas.js';
import { apiTags, documentRoute } from './route-documentation.js';
import { healthRoutes } from './routes/health-routes.js';
import { keyRoutes } from './routes/key-routes.js';
import { knowledgeRoutes } from './routes/knowledge-routes.js';
import { knowledgeDiffRoutes } from './routes/knowledge-diff-routes.js';
import { knowledgeUsageRoutes } from './routes/knowledge-usage-routes.js';
import { zodProblems } from './validate.js';

export interface AppOptions {
  bodyLimitBytes: number;
  logLevel?: string;
  /** Where log lines go (default stdout); tests and the PII sink bench read them from here. */
  logStream?: { write(line: string): void };
  /** Extra route plugins (conversations, compliance, evals...) registered by compose. */
  routes?: ((app: FastifyInstance, services: AppServices) => Promise<void> | void)[];
  /** Rate limits, bad-key lockout, load shedding, security headers, CORS; absent = none (one-shot tools). */
  protection?: ProtectionOptions;
  /** Fastify's trustProxy: which forwarded-for hops to believe for the client address. */
  trustProxy?: boolean | number | string[];
}

const requestIdPattern = /^[\w.:-]{1,128}$/;

function problemFor(error: unknown): HttpProblem {
  if (error instanceof HttpProblem) return error;
  if (error instanceof ZodError) {
    const errors = zodProblems(error);
    return HttpProblem.badRequest(errors.map((item) => `${item.field}: ${item.message}`).join('; '), errors);
  }
  if (error instanceof IngestError) {
    return new HttpProblem(400, error.code, 'Document rejected', error.message, [
      { field: error.field ?? 'body', message: error.message },
    ]);
  }
  if (error instanceof DocumentNotFoundError || error instanceof ApiKeyNotFoundError) return HttpProblem.notFound(error.message);
  // The adapter reconnects by itself: tell the client to retry rather than report a fault.
  if (error instanceof DatabaseUnavailableError) {
    return new HttpProblem(503, 'database_unavailable', 'Database unavailable', 'The database cannot be reached right now; retry shortly (see retry-after).');
  }
  const fastifyError = error as Partial<FastifyError>;
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    const status = fastifyError.statusCode;
    const titles: Record<number, string> = { 400: 'Invalid request', 404: 'Not found', 406: 'Not acceptable', 413: 'Payload too large', 415: 'Unsupported media type' };
    const field = fastifyError.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fastifyError.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? 'body' : undefined;
    return new HttpProblem(
      status,
      (fastifyError.code ?? 'bad_request').toLowerCase(),
      titles[status] ?? 'Bad request',
      fastifyError.message ?? 'bad request',
      field ? [{ field, message: fastifyError.message ?? 'invalid' }] : undefined,
    );
  }
  return new HttpProblem(500, 'internal_error', 'Internal server error', 'Something went wrong on our side; the request id identifies it in the logs.');
}

function trustHops(hops: number): (address: string, hop: number) => boolean {
  return (_address, hop) => hop < hops;
}

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (headers or URL over 16 KiB, malformed HTTP): the
 * same problem+json as every other error, written on the socket since there is no request object.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, detail] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'The request line and headers exceed 16 KiB; send long values in the body.']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'The request was not received in time.']
        : [400, 'The request is not valid HTTP.'];
  const title = STATUS_CODES[status] ?? 'Bad request';
  const body = JSON.stringify({ type: `https://agent-assist.dev/problems/${title.toLowerCase().replace(/\W+/g, '_')}`, title, status, detail });
  socket.end(`HTTP/1.1 ${status} ${title}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/** Renders a problem as RFC 9457 application/problem+json. */
function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: HttpProblem): void {
  void reply
    .status(problem.status)
    .type('application/problem+json')
    .send({
      type: `https://agent-assist.dev/problems/${problem.code}`,
      title: problem.title,
      status: problem.status,
      detail: problem.message,
      instance: request.url,
      requestId: request.id,
      ...(problem.errors ? { errors: problem.errors } : {}),
    });
}

/** The whole HTTP service as one Fastify instance; `server.ts` only starts it, tests drive it with `inject`. */
export async function buildApp(services: AppServices, options: AppOptions): Promise<FastifyInstance> {
  const loggerOptions: FastifyServerOptions['logger'] =
    options.logLevel === 'silent'
      ? false
      : {
          level: options.logLevel ?? 'info',
          redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
          ...(options.logStream ? { stream: options.logStream } : {}),
          serializers: {
            // Request objects bypass the hook below: their URL (path ids, query strings) is masked here.
            req: (request: { method?: string; url?: string; host?: string; ip?: string; socket?: { remotePort?: number } }) => ({
              method: request.method,
              url: redactUrl(request.url ?? ''),
              host: request.host,
              remoteAddress: request.ip,
              remotePort: request.socket?.remotePort,
            }),
          },
          hooks: {
            // Mask card/ID/phone-looking values and secret-named fields in everything we log.
            logMethod(args, method) {
              method.apply(this, args.map((argument) => redactValue(argument)) as Parameters<typeof method>);
            },
          },
        };
  const app = Fastify({
    logger: loggerOptions,
    bodyLimit: options.bodyLimitBytes,
    genReqId: (request) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && requestIdPattern.test(incoming) ? incoming : randomUUID();
    },
    ajv: { customOptions: { coerceTypes: false } },
    // A hop count trusts that many proxies nearest to us (Fastify's types take it only as a function).
    trustProxy: typeof options.trustProxy === 'number' ? trustHops(options.trustProxy) : (options.trustProxy ?? false),
    clientErrorHandler: answerClientError,
    // Errors the router raises before any route runs (a path that is not valid percent-encoding) get the same shape.
    frameworkErrors: (error, request, reply) => {
      const problem = problemFor(error);
      if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
      sendProblem(request, reply, problem);
    },
  });

  // Route schemas are documentation (OpenAPI); zod in each handler is the one validator, so messages name fields.
  app.setValidatorCompiler(() => (data) => ({ value: data }));

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  registerJsonBodyParser(app);
  // Path and query strings are decoded by Fastify, so `%00` arrives as NUL: refused here once for every route.
  app.addHook('preValidation', async (request) => {
    const problem = findUnsafeText(request.params, 'params') ?? findUnsafeText(request.query, 'query');
    if (problem) throw HttpProblem.badRequest(`${problem.field}: ${problem.message}`, [problem]);
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unknown';
    services.metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    services.metrics.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });

  app.setErrorHandler((error, request, reply) => {
    const problem = problemFor(error);
    // Shed and rate-limited requests are deliberate and come by the thousand: counted in metrics, logged at debug.
    if (problem.code === 'database_unavailable') {
      request.log.warn({ err: error }, 'database unavailable');
      void reply.header('retry-after', '5');
    } else if (problem.status === 503 || problem.status === 429) request.log.debug({ code: problem.code, status: problem.status }, 'request refused');
    else if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: problem.code, status: problem.status }, 'request rejected');
    sendProblem(request, reply, problem);
  });
  app.setNotFoundHandler((request, reply) => {
    void reply
      .status(404)
      .type('application/problem+json')
      .send({ type: 'https://agent-assist.dev/problems/not_found', title: 'Not found', status: 404, detail: `No route ${request.method} ${request.url}`, requestId: request.id });
  });

  if (options.protection) await protectService(app, options.protection);
  await app.register(multipart, { limits: { fileSize: options.bodyLimitBytes, files: 1, fields: 30 } });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'agent-assist', version: '1.0.0', description: 'Copilot for bank contact centres: knowledge, compliant suggestions, compliance checks, summaries, evals.' },
      tags: apiTags,
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API key: `Authorization: Bearer <key>`.' } },
        schemas: { Problem: openapiSchema(problemSchema) },
      },
      security: [{ bearer: [] }],
    },
    transform: documentRoute,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  await app.register(async (scope) => {
    await healthRoutes(scope, services);
    await keyRoutes(scope, services);
    await knowledgeRoutes(scope, services);
    await knowledgeDiffRoutes(scope, services);
    await knowledgeUsageRoutes(scope, services);
    for (const routes of options.routes ?? []) await routes(scope, services);
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}
