import { randomUUID } from 'node:crypto';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { ZodError } from 'zod';
import { ApiKeyNotFoundError } from '../access/api-key-service.js';
import { DatabaseUnavailableError } from '../db/database.js';
import { DocumentNotFoundError } from '../knowledge/knowledge-service.js';
import { IngestError } from '../knowledge/ingest-error.js';
import { redactValue } from '../observability/redact-pii.js';
import type { AppServices } from './app-services.js';
import { HttpProblem } from './problem.js';
import { healthRoutes } from './routes/health-routes.js';
import { keyRoutes } from './routes/key-routes.js';
import { knowledgeRoutes } from './routes/knowledge-routes.js';
import { zodProblems } from './validate.js';

export interface AppOptions {
  bodyLimitBytes: number;
  logLevel?: string;
  /** Extra route plugins (conversations, compliance, evals...) registered by compose. */
  routes?: ((app: FastifyInstance, services: AppServices) => Promise<void> | void)[];
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

/** The whole HTTP service as one Fastify instance; `server.ts` only starts it, tests drive it with `inject`. */
export async function buildApp(services: AppServices, options: AppOptions): Promise<FastifyInstance> {
  const loggerOptions: FastifyServerOptions['logger'] =
    options.logLevel === 'silent'
      ? false
      : {
          level: options.logLevel ?? 'info',
          redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
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
  });

  // Route schemas are documentation (OpenAPI); zod in each handler is the one validator, so messages name fields.
  app.setValidatorCompiler(() => (data) => ({ value: data }));

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unknown';
    services.metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    services.metrics.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });

  app.setErrorHandler((error, request, reply) => {
    const problem = problemFor(error);
    if (problem.code === 'database_unavailable') {
      request.log.warn({ err: error }, 'database unavailable');
      void reply.header('retry-after', '5');
    } else if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: problem.code, status: problem.status }, 'request rejected');
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
  });
  app.setNotFoundHandler((request, reply) => {
    void reply
      .status(404)
      .type('application/problem+json')
      .send({ type: 'https://agent-assist.dev/problems/not_found', title: 'Not found', status: 404, detail: `No route ${request.method} ${request.url}`, requestId: request.id });
  });

  await app.register(multipart, { limits: { fileSize: options.bodyLimitBytes, files: 1, fields: 30 } });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'agent-assist', version: '1.0.0', description: 'Copilot for bank contact centres: knowledge, compliant suggestions, compliance checks, summaries, evals.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  await app.register(async (scope) => {
    await healthRoutes(scope, services);
    await keyRoutes(scope, services);
    await knowledgeRoutes(scope, services);
    for (const routes of options.routes ?? []) await routes(scope, services);
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}
