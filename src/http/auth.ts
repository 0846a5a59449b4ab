import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiKeyService, Principal, Role } from '../access/api-key-service.js';
import { HttpProblem } from './problem.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** A preHandler that lets through a valid key holding one of `allowed` (admin may do everything). */
export function requireRole(apiKeys: ApiKeyService, ...allowed: Role[]) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match?.[1]) {
      throw new HttpProblem(401, 'unauthenticated', 'Unauthorized', 'Send an API key as `Authorization: Bearer <key>`.');
    }
    const principal = await apiKeys.verify(match[1]);
    if (!principal) throw new HttpProblem(401, 'invalid_api_key', 'Unauthorized', 'The API key is unknown or revoked.');
    if (principal.role !== 'admin' && allowed.length > 0 && !allowed.includes(principal.role)) {
      throw new HttpProblem(403, 'forbidden', 'Forbidden', `This needs the role ${allowed.join(' or ')}; the key has ${principal.role}.`);
    }
    request.principal = principal;
  };
}

export const anyRole: Role[] = ['agent', 'knowledge_owner', 'compliance', 'admin'];
