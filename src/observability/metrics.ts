import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The service's Prometheus metrics, one registry per app so tests and replicas in one process do not collide. */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly searchDuration = new Histogram({
    name: 'knowledge_search_duration_seconds',
    help: 'Hybrid search time (embedding + one SQL statement)',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
    registers: [this.registry],
  });
  readonly ingestedChunks = new Counter({
    name: 'knowledge_chunks_ingested_total',
    help: 'Chunks written by ingestion',
    registers: [this.registry],
  });
  readonly degradedSuggestions = new Counter({
    name: 'suggestions_degraded_total',
    help: 'Suggestion requests answered by the offline fallback, by cause',
    labelNames: ['cause'] as const,
    registers: [this.registry],
  });
  readonly suggestionDuration = new Histogram({
    name: 'suggestion_duration_seconds',
    help: 'Suggestion request time',
    labelNames: ['provider', 'degraded'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 5],
    registers: [this.registry],
  });
  readonly guardVerdicts = new Counter({
    name: 'suggestion_guard_verdicts_total',
    help: 'Outcome of the compliance guard on generated suggestions',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly complianceFindings = new Counter({
    name: 'compliance_findings_total',
    help: 'Findings raised by the rule engine, by severity',
    labelNames: ['severity'] as const,
    registers: [this.registry],
  });
  readonly modelErrors = new Counter({
    name: 'model_errors_total',
    help: 'Model call failures by cause',
    labelNames: ['operation', 'cause'] as const,
    registers: [this.registry],
  });

  constructor(options: { collectProcessMetrics?: boolean } = {}) {
    if (options.collectProcessMetrics) collectDefaultMetrics({ register: this.registry });
  }
}
