import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { roles } from '../../access/api-key-service.js';
import type { AppServices } from '../app-services.js';
import { requireRole } from '../auth.js';
import { openapiSchema } from '../openapi-schema.js';
import { validate } from '../validate.js';

const createKeyBody = z
  .object({
    role: z.enum(roles),
    name: z.string().trim().min(1).max(200),
    /** Binds an agent key to a desk (team): it then sees only the conversations its desk created. */
    desk: z.string().trim().min(1).max(100).optional(),
  })
  .strict()
  .refine((body) => body.desk === undefined || body.role === 'agent', { message: 'only agent keys are bound to a desk', path: ['desk'] });
const keyParams = z.object({ id: z.uuid() });

export async function keyRoutes(app: FastifyInstance, services: AppServices): Promise<void> {
  const admin = requireRole(services.apiKeys, 'admin');
  app.post('/v1/keys', { preHandler: admin, schema: { tags: ['keys'], body: openapiSchema(createKeyBody) } }, async (request, reply) => {
    const body = validate(createKeyBody, request.body, 'body');
    return reply.status(201).send(await services.apiKeys.create(body.role, body.name, body.desk !== undefined ? { desk: body.desk } : {}));
  });
  app.get('/v1/keys', { preHandler: admin, schema: { tags: ['keys'] } }, async () => ({ items: await services.apiKeys.list() }));
  app.delete('/v1/keys/:id', { preHandler: admin, schema: { tags: ['keys'] } }, async (request, reply) => {
    const { id } = validate(keyParams, request.params, 'params');
    await services.apiKeys.revoke(id);
    return reply.status(204).send();
  });
}
