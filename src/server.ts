import { prepareFirstStart } from './bootstrap.js';
import { composeApp, composeRuntime } from './compose.js';
import type { Config } from './config.js';
import { createBackgroundLogger, logBackgroundError } from './observability/background-logger.js';

/** Starts the HTTP service and stops it cleanly on SIGINT/SIGTERM (in-flight requests finish, the database closes). */
export async function startServer(config: Config): Promise<void> {
  const started = performance.now();
  // Background work (summary jobs, event fan-out, pushed suggestions) logs its failures here.
  const backgroundLog = createBackgroundLogger(config.LOG_LEVEL);
  const runtime = await composeRuntime(config, {
    collectProcessMetrics: true,
    onNotice: (message, details) => backgroundLog.warn(details, message),
    onError: (error) => logBackgroundError(backgroundLog, error),
  });
  await prepareFirstStart(runtime, (line) => process.stdout.write(`${line}\n`));
  const app = await composeApp(runtime);
  runtime.startBackground();
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    await app.close().catch(() => undefined);
    await runtime.close().catch(() => undefined);
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  const address = await app.listen({ port: config.PORT, host: config.HOST });
  app.log.info(
    { address, database: runtime.services.database.kind, provider: runtime.services.modelInfo.provider, embedder: runtime.embedder.id, startMs: Math.round(performance.now() - started) },
    'agent-assist ready',
  );
}
