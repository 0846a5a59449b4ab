import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { BaselineError, EvalRunNotFoundError, RunNotFinishedError, SuiteError } from '../../evals/eval-service.js';
import { renderReport, reportFiles, reportFormats } from '../../evals/reports/render-report.js';
import type { AppServices } from '../app-services.js';
import { requireRole } from '../auth.js';
import { HttpProblem } from '../problem.js';
import { timeAndIdCursor } from '../request-fields.js';
import { validate } from '../validate.js';

export const startRunBody = z
  .object({
    suite: z.union([z.string().trim().min(1).max(200), z.record(z.string(), z.unknown())], { error: 'must be a suite name or an inline suite object' }),
    baseline: z.string().trim().min(1).max(200).optional(),
    concurrency: z.number().int().min(1).max(32).optional(),
    repeat: z.number().int().min(1).max(20).optional(),
    cache: z.boolean().optional(),
  })
  .strict();

const runParams = z.object({ id: z.uuid({ error: 'must be a run id (UUID)' }) });
export const runReportQuery = z.object({ format: z.enum(reportFormats).default('json') });
export const runListQuery = z.object({
  suite: z.string().trim().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: timeAndIdCursor('base64url').optional(),
});

/** Errors of the eval service a caller can fix, as problems: a bad suite names its file, line and case. */
function asProblem(error: unknown): unknown {
  if (error instanceof SuiteError) {
    const where = [error.file, error.line === undefined ? undefined : `line ${error.line}`, error.caseId === undefined ? undefined : `case ${error.caseId}`].filter(Boolean).join(', ');
    return new HttpProblem(400, error.code, 'Invalid suite', error.message, [
      { field: error.caseId ? `suite.cases.${error.caseId}` : 'suite', message: `${where}: ${error.detail}` },
    ]);
  }
  if (error instanceof BaselineError) return new HttpProblem(400, error.code, 'Invalid baseline', error.message, [{ field: 'baseline', message: error.message }]);
  if (error instanceof EvalRunNotFoundError) return HttpProblem.notFound(error.message);
  if (error instanceof RunNotFinishedError) return HttpProblem.conflict(error.message);
  return error;
}

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw asProblem(error);
  }
}

export async function evalRoutes(app: FastifyInstance, services: AppServices): Promise<void> {
  const compliance = { preHandler: requireRole(services.apiKeys, 'compliance') };

  app.post('/v1/evals/runs', { ...compliance, schema: { tags: ['evals'], summary: 'Start an eval run (async)' } }, async (request, reply) => {
    const body = validate(startRunBody, request.body, 'body');
    const { runId } = await guarded(() =>
      services.evals.startRun(body.suite, {
        ...(body.baseline ? { baseline: body.baseline } : {}),
        ...(body.concurrency ? { concurrency: body.concurrency } : {}),
        ...(body.repeat ? { repeat: body.repeat } : {}),
        ...(body.cache === undefined ? {} : { cache: body.cache }),
      }),
    );
    return reply.status(202).header('location', `/v1/evals/runs/${runId}`).send({ runId, status: 'queued' });
  });

  app.get('/v1/evals/runs', { ...compliance, schema: { tags: ['evals'], summary: 'Run history with pass rates' } }, async (request) => {
    const query = validate(runListQuery, request.query, 'query');
    return services.evals.listRuns({ limit: query.limit, ...(query.suite ? { suite: query.suite } : {}), ...(query.cursor ? { cursor: query.cursor } : {}) });
  });

  app.get('/v1/evals/runs/:id', { ...compliance, schema: { tags: ['evals'], summary: 'A run: status and results (json, junit, html, markdown)' } }, async (request, reply) => {
    const { id } = validate(runParams, request.params, 'params');
    const { format } = validate(runReportQuery, request.query, 'query');
    const report = await guarded(() => services.evals.getRun(id));
    if (format === 'json') return report;
    if (report.status === 'queued' || report.status === 'running') {
      throw HttpProblem.conflict(`run ${id} is ${report.status}; the ${format} report is available when it has finished (poll without ?format)`);
    }
    return reply.type(reportFiles[format].contentType).send(renderReport(report, format));
  });

  app.post('/v1/evals/runs/:id/approve', { ...compliance, schema: { tags: ['evals'], summary: 'Mark a finished run as the approved baseline of its suite' } }, async (request) => {
    const { id } = validate(runParams, request.params, 'params');
    return guarded(() => services.evals.approve(id, request.principal ? `${request.principal.name} (${request.principal.keyId})` : undefined));
  });
}
