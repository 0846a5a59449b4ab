import { z } from 'zod';

const optionalString = z
  .string()
  .transform((value) => value.trim())
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const positiveInteger = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const environmentSchema = z.object({
  DATABASE_URL: optionalString.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
  ),
  DATA_DIR: z.string().min(1).default('./.data'),
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: optionalString.pipe(z.url('must be a URL such as https://api.openai.com/v1').optional()),
  CHAT_MODEL: z.string().min(1).default('gpt-4o-mini'),
  MODEL_PROVIDER_LABEL: optionalString,
  EMBEDDING_MODEL: optionalString,
  EMBEDDING_DIMENSIONS: z.coerce.number().int().min(8).max(16000).optional(),
  LLM_TIMEOUT_MS: positiveInteger(10_000),
  SUGGESTION_BUDGET_MS: positiveInteger(1_500),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ADMIN_API_KEY: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
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
  RULES_DIR: z.string().min(1).default('./evals/rules'),
  PROMPTS_DIR: z.string().min(1).default('./prompts'),
  EVALS_DIR: z.string().min(1).default('./evals/suites'),
  SSE_HEARTBEAT_MS: positiveInteger(15_000),
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
  return { ...config, modelMode: config.OPENAI_API_KEY ? 'openai' : 'offline' };
}
