import { isIP } from 'node:net';
import { z } from 'zod';

const optionalString = z
  .string()
  .transform((value) => value.trim())
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const positiveInteger = (fallback: number) => z.coerce.number().int().positive().default(fallback);
/** 0 switches the limit off. */
const limitOrOff = (fallback: number) => z.coerce.number().int().min(0).default(fallback);

/** `false` (default: the socket address is the client), `true`, a hop count, or the proxies' addresses/CIDRs. */
const trustProxy = z
  .string()
  .trim()
  .default('false')
  .transform((value, context): boolean | number | string[] => {
    if (value === '' || value === 'false') return false;
    if (value === 'true') return true;
    if (/^\d+$/.test(value)) return Number(value);
    const entries = value.split(',').map((entry) => entry.trim()).filter(Boolean);
    const bad = entries.filter((entry) => {
      const [address, bits, extra] = entry.split('/');
      return extra !== undefined || !address || isIP(address) === 0 || (bits !== undefined && !/^\d{1,3}$/.test(bits));
    });
    if (bad.length > 0) context.addIssue({ code: 'custom', message: `must be true, false, a hop count or a comma list of proxy addresses/CIDRs; not ${bad.join(', ')}` });
    return entries;
  });

/** Exact origins (scheme, host, port) of the desktop pages allowed to call us from a browser; none by default. */
const corsOrigins = z
  .string()
  .trim()
  .default('')
  .transform((value, context) => {
    const origins = value.split(',').map((entry) => entry.trim()).filter(Boolean);
    for (const origin of origins) {
      let parsed: URL | undefined;
      try {
        parsed = new URL(origin);
      } catch {
        parsed = undefined;
      }
      if (!parsed || parsed.origin !== origin) {
        context.addIssue({ code: 'custom', message: `${origin} is not an origin: write scheme://host[:port] with no path or trailing slash, and list each origin (no *)` });
      }
    }
    return origins;
  });

const knowledgeKinds = ['product', 'compliance', 'script', 'faq'] as const;

/** Kinds whose every new version waits for review (draft -> submitted -> approved by another key); none by default. */
const reviewRequiredKinds = z
  .string()
  .trim()
  .default('')
  .transform((value, context) => {
    const kinds = [...new Set(value.split(',').map((entry) => entry.trim()).filter(Boolean))];
    const unknown = kinds.filter((kind) => !(knowledgeKinds as readonly string[]).includes(kind));
    if (unknown.length > 0) context.addIssue({ code: 'custom', message: `must be a comma list of ${knowledgeKinds.join(', ')}; not ${unknown.join(', ')}` });
    return kinds as (typeof knowledgeKinds)[number][];
  });

const environmentSchema = z.object({
  DATABASE_URL: optionalString.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
  ),
  DATA_DIR: z.string().min(1).default('./.data'),
  // The embedded database runs in a worker thread so its statements never hold the HTTP event loop; false runs it in process.
  PGLITE_IN_WORKER: z
    .enum(['true', 'false', '1', '0'])
    .default('true')
    .transform((value) => value === 'true' || value === '1'),
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: optionalString.pipe(z.url('must be a URL such as https://api.openai.com/v1').optional()),
  CHAT_MODEL: z.string().min(1).default('gpt-4o-mini'),
  MODEL_PROVIDER_LABEL: optionalString,
  EMBEDDING_MODEL: optionalString,
  EMBEDDING_DIMENSIONS: z.coerce.number().int().min(8).max(16000).optional(),
  // Texts per embeddings request (OpenAI takes up to 2048, DashScope 10) and requests in flight at once.
  // How often a replica checks for knowledge written by another one when a NOTIFY was missed (ms).
  KNOWLEDGE_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(250),
  EMBEDDING_BATCH_SIZE: z.coerce.number().int().min(1).max(2048).default(64),
  EMBEDDING_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(4),
  // Past calls written per transaction by an import (CLI and POST /v1/calls/import). The roll-up increments and
  // statements are per batch, so larger costs the database less per call but holds its connection longer; fitted
  // by `tsx bench/inspection-bench.ts batch-fit`. At most 2,000: an inspection row takes 28 statement parameters.
  IMPORT_BATCH_SIZE: z.coerce.number().int().min(1).max(2_000).default(100),
  LLM_TIMEOUT_MS: positiveInteger(10_000),
  SUGGESTION_BUDGET_MS: positiveInteger(1_500),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ADMIN_API_KEY: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  // The CLI's knowledge, search and ingest commands go through a running service's API when this is set (so the
  // embedded database need not be stopped); without it they open the local data folder.
  AGENT_ASSIST_URL: optionalString.pipe(z.url('must be the service URL such as http://127.0.0.1:3000').optional()),
  AGENT_ASSIST_API_KEY: optionalString,
  BODY_LIMIT_BYTES: positiveInteger(10 * 1024 * 1024),
  SEED_SAMPLE_KNOWLEDGE: z
    .enum(['true', 'false', '1', '0'])
    .default('true')
    .transform((value) => value === 'true' || value === '1'),
  BUSINESS_UTC_OFFSET: z
    .string()
    .regex(/^[+-](0\d|1[0-4]):[0-5]\d$/, 'must be a UTC offset such as +08:00 or -05:00')
    .default('+08:00'),
  KNOWLEDGE_DIR: z.string().min(1).default('./knowledge'),
  // Production: product,compliance (docker-compose.yml). Versions of these kinds are drafts until reviewed.
  REVIEW_REQUIRED_KINDS: reviewRequiredKinds,
  RULES_DIR: z.string().min(1).default('./evals/rules'),
  // Which rule packs apply: a profile of COMPLIANCE_PROFILES_FILE, or several joined by commas (CN; US; UK; US,UK).
  // An unknown name stops the start-up. The default keeps every jurisdiction; a deployment names its own.
  COMPLIANCE_PROFILE: z
    .string()
    .trim()
    .regex(/^[A-Za-z][A-Za-z0-9_]*(\s*[,+]\s*[A-Za-z][A-Za-z0-9_]*)*$/, 'must be a profile id such as CN, or several joined by commas such as US,UK')
    .default('CN,US,UK'),
  COMPLIANCE_PROFILES_FILE: z.string().min(1).default('./evals/compliance-profiles.yaml'),
  // The currency the deployment quotes, when it is not the (first) profile's own.
  COMPLIANCE_CURRENCY: optionalString.pipe(z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as CNY').optional()),
  PROMPTS_DIR: z.string().min(1).default('./prompts'),
  EVALS_DIR: z.string().min(1).default('./evals/suites'),
  // The web console's build (`npm run build` writes it); served at /console/.
  CONSOLE_DIR: z.string().min(1).default('./dist/console'),
  SCORECARDS_DIR: z.string().min(1).default('./evals/scorecards'),
  SSE_HEARTBEAT_MS: positiveInteger(15_000),
  // A failed summary or inspection job is retried after this delay, doubled per attempt up to the maximum.
  JOB_RETRY_BASE_MS: positiveInteger(1_000),
  JOB_RETRY_MAX_MS: positiveInteger(60_000),
  // Requests per minute per API key, by the key's role (0 = unlimited). Counted per replica.
  RATE_LIMIT_AGENT_PER_MINUTE: limitOrOff(600),
  RATE_LIMIT_KNOWLEDGE_OWNER_PER_MINUTE: limitOrOff(1_200),
  RATE_LIMIT_COMPLIANCE_PER_MINUTE: limitOrOff(1_200),
  RATE_LIMIT_ADMIN_PER_MINUTE: limitOrOff(3_000),
  // Requests per minute per client address on routes without a key (docs, OpenAPI document); health is never limited.
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: limitOrOff(300),
  // Bad keys from one address: after AUTH_FAILURE_LIMIT within the window, 429 without checking keys, doubling up to the maximum.
  AUTH_FAILURE_LIMIT: limitOrOff(20),
  AUTH_FAILURE_WINDOW_SECONDS: positiveInteger(60),
  AUTH_LOCKOUT_SECONDS: positiveInteger(30),
  AUTH_LOCKOUT_MAX_SECONDS: positiveInteger(900),
  TRUST_PROXY: trustProxy,
  // Load shedding (503 + retry-after); 0 switches a check off.
  SHED_MAX_LAG_MS: limitOrOff(50),
  // Fitted by bench/fit-shedding.ts (200 clients, quiet 2-core machine): 32 kept /healthz p99 < 50 ms for polite and
  // retry-at-once clients alike with admitted p99 ~300 ms; 64 let /healthz p99 reach 64 ms, 256 (the old value) 217 ms.
  SHED_MAX_IN_FLIGHT: limitOrOff(32),
  SHED_LAG_MIN_IN_FLIGHT: z.coerce.number().int().min(0).default(16),
  // Age of the oldest waiting call to the embedded database (worker thread) past which requests are shed.
  SHED_MAX_DATABASE_WAIT_MS: limitOrOff(0),
  SHED_MAX_EVENT_LOOP_DELAY_MS: limitOrOff(0),
  SHED_MAX_EVENT_LOOP_UTILIZATION: z.coerce.number().min(0).max(1).default(0),
  SHED_RETRY_AFTER_SECONDS: positiveInteger(2),
  // How long a shed request's 503 is held before it is sent, so clients retrying at once cannot keep the process busy refusing.
  // Fitted likewise over 0/250/1000 ms: 1000 served the most requests to both kinds of client (0 let retry-at-once
  // clients hold 99.8 % of the traffic as refusals and /healthz p99 reach 71 ms).
  SHED_REFUSAL_HOLD_MS: z.coerce.number().int().min(0).max(10_000).default(1000),
  CORS_ORIGINS: corsOrigins,
});

export type Config = z.infer<typeof environmentSchema> & {
  /** 'openai' when a key is set, else the offline extractive mode. */
  modelMode: 'openai' | 'offline';
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** The only reader of process.env. Every bad variable is named, with how to fix it. */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Config {
  const parsed = environmentSchema.safeParse(environment);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`),
    );
  }
  const config = parsed.data;
  if (config.JOB_RETRY_MAX_MS < config.JOB_RETRY_BASE_MS) {
    throw new ConfigError([`JOB_RETRY_MAX_MS: must be at least JOB_RETRY_BASE_MS (${config.JOB_RETRY_BASE_MS})`]);
  }
  return { ...config, modelMode: config.OPENAI_API_KEY ? 'openai' : 'offline' };
}
