import type { FastifyInstance } from 'fastify';
import type { AppServices } from '../app-services.js';

export async function healthRoutes(app: FastifyInstance, services: AppServices): Promise<void> {
  app.get('/healthz', { schema: { tags: ['operations'], security: [] } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { tags: ['operations'], security: [] } }, async (_request, reply) => {
    const readiness = await services.readiness();
    return reply.status(readiness.ready ? 200 : 503).send({ status: readiness.ready ? 'ready' : 'not_ready', ...readiness });
  });

  app.get('/metrics', { schema: { tags: ['operations'], security: [] } }, async (_request, reply) => {
    const body = await services.metrics.registry.metrics();
    return reply.type(services.metrics.registry.contentType).send(body);
  });
}
