import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Where the web console is served; its own API calls go to /v1 on the same origin. */
export const consolePrefix = '/console';

/** Hashed build output: a name never changes content, so browsers may keep it for a year. */
const assetsPath = `${consolePrefix}/assets/`;

function sendConsoleProblem(request: FastifyRequest, reply: FastifyReply, status: number, code: string, title: string, detail: string): FastifyReply {
  return reply
    .status(status)
    .type('application/problem+json')
    .send({ type: `https://agent-assist.dev/problems/${code}`, title, status, detail, instance: request.url, requestId: request.id });
}

/**
 * The web console (a single-page app built by `npm run build` into `directory`) at /console/. Every path under it
 * that is not a file is one of the app's own pages (deep links, reloads) and gets index.html; a missing asset is a
 * plain 404. Without a build the console answers 503 saying how to build it, and the API runs as before.
 */
export function consoleRoutes(directory: string): (app: FastifyInstance) => Promise<void> {
  return async (app) => {
    if (!existsSync(join(directory, 'index.html'))) {
      const notBuilt = async (request: FastifyRequest, reply: FastifyReply) =>
        sendConsoleProblem(request, reply, 503, 'console_not_built', 'Web console not built', `The web console is not built in ${directory}: run \`npm run build\` (or set CONSOLE_DIR), then restart.`);
      app.get(consolePrefix, { schema: { hide: true } }, notBuilt);
      app.get(`${consolePrefix}/*`, { schema: { hide: true } }, notBuilt);
      return;
    }
    app.get(consolePrefix, { schema: { hide: true } }, async (_request, reply) => reply.redirect(`${consolePrefix}/`, 301));
    await app.register(
      async (scope) => {
        await scope.register(fastifyStatic, {
          root: directory,
          prefix: '/',
          index: ['index.html'],
          // Cache headers are set below, per kind of file.
          cacheControl: false,
          // Old index.html pointing at assets a new build removed would leave a blank page: always revalidate it.
          setHeaders: (response, path) => {
            response.setHeader('cache-control', path.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable');
          },
        });
        scope.setNotFoundHandler(async (request, reply) => {
          const path = request.url.split('?')[0] ?? '';
          if (path.startsWith(assetsPath) || /\.[a-z0-9]+$/i.test(path)) {
            return sendConsoleProblem(request, reply, 404, 'not_found', 'Not found', `No file ${path} in the web console.`);
          }
          return reply.header('cache-control', 'no-cache').sendFile('index.html');
        });
      },
      { prefix: consolePrefix },
    );
  };
}
