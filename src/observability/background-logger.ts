import pino, { type DestinationStream, type Logger } from 'pino';
import { redactValue } from './redact-pii.js';

/**
 * The logger for work outside requests (summary jobs, event fan-out, pushed suggestions). Their failures quote
 * customer text, so every argument is masked exactly as the request logger masks it.
 */
export function createBackgroundLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    name: 'background',
    hooks: {
      logMethod(this: Logger, args: Parameters<Logger['info']>, method: Logger['info']) {
        method.apply(this, args.map((argument) => redactValue(argument)) as Parameters<Logger['info']>);
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** How background failures are logged: type and message (masked), not the whole error object. */
export function logBackgroundError(logger: Logger, error: unknown): void {
  logger.error({ err: error instanceof Error ? { type: error.name, message: error.message } : String(error) }, 'background task failed');
}
