import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('config', () => {
  it('defaults to the embedded database and the offline mode', () => {
    const config = loadConfig({});
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.DATA_DIR).toBe('./.data');
    expect(config.modelMode).toBe('offline');
    expect(config.SUGGESTION_BUDGET_MS).toBe(1500);
  });

  it('switches to the OpenAI-compatible mode when a key is set', () => {
    expect(loadConfig({ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: 'http://localhost:11434/v1' }).modelMode).toBe('openai');
  });

  it('names every bad variable', () => {
    try {
      loadConfig({ PORT: 'x', DATABASE_URL: 'mysql://nope', LOG_LEVEL: 'loud', OPENAI_BASE_URL: 'not a url' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as Error).message;
      for (const name of ['PORT', 'DATABASE_URL', 'LOG_LEVEL', 'OPENAI_BASE_URL']) expect(message).toContain(name);
    }
  });
});
