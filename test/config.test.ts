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

  it('retries failed jobs after 1 s doubling to 60 s by default, and names a maximum below the base', () => {
    expect(loadConfig({})).toMatchObject({ JOB_RETRY_BASE_MS: 1_000, JOB_RETRY_MAX_MS: 60_000 });
    expect(() => loadConfig({ JOB_RETRY_BASE_MS: '5000', JOB_RETRY_MAX_MS: '2000' })).toThrow(/JOB_RETRY_MAX_MS/);
    expect(() => loadConfig({ JOB_RETRY_BASE_MS: 'soon' })).toThrow(/JOB_RETRY_BASE_MS/);
  });
});

describe('config: call import', () => {
  it('takes the import batch size from IMPORT_BATCH_SIZE, and names a size the statements cannot hold', () => {
    expect(loadConfig({}).IMPORT_BATCH_SIZE).toBeGreaterThan(0);
    expect(loadConfig({ IMPORT_BATCH_SIZE: '300' }).IMPORT_BATCH_SIZE).toBe(300);
    expect(() => loadConfig({ IMPORT_BATCH_SIZE: '0' })).toThrow(/IMPORT_BATCH_SIZE/);
    expect(() => loadConfig({ IMPORT_BATCH_SIZE: '5000' })).toThrow(/IMPORT_BATCH_SIZE/);
  });
});

describe('config: limits and edges', () => {
  it('has contact-centre defaults: per-role limits, lockout, shedding on, no CORS origin, no trusted proxy', () => {
    const config = loadConfig({});
    expect(config.RATE_LIMIT_AGENT_PER_MINUTE).toBeGreaterThan(0);
    expect(config.RATE_LIMIT_ADMIN_PER_MINUTE).toBeGreaterThan(config.RATE_LIMIT_AGENT_PER_MINUTE);
    expect(config.AUTH_FAILURE_LIMIT).toBeGreaterThan(0);
    expect(config.SHED_MAX_IN_FLIGHT).toBeGreaterThan(0);
    expect(config.CORS_ORIGINS).toEqual([]);
    expect(config.TRUST_PROXY).toBe(false);
  });

  it('reads TRUST_PROXY as a flag, a hop count or a list of proxy addresses', () => {
    expect(loadConfig({ TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.5,::1' }).TRUST_PROXY).toEqual(['10.0.0.0/8', '192.168.1.5', '::1']);
  });

  it('reads CORS_ORIGINS as a list of exact origins', () => {
    expect(loadConfig({ CORS_ORIGINS: 'https://desk.bank.example, http://10.1.2.3:8080' }).CORS_ORIGINS).toEqual(['https://desk.bank.example', 'http://10.1.2.3:8080']);
  });

  it('names each bad limit variable and says what is expected', () => {
    try {
      loadConfig({ CORS_ORIGINS: 'https://desk.bank.example/app,*', TRUST_PROXY: 'proxy.local', RATE_LIMIT_AGENT_PER_MINUTE: '-1', SHED_MAX_EVENT_LOOP_UTILIZATION: '1.5' });
      expect.unreachable();
    } catch (error) {
      const message = (error as Error).message;
      for (const name of ['CORS_ORIGINS', 'TRUST_PROXY', 'RATE_LIMIT_AGENT_PER_MINUTE', 'SHED_MAX_EVENT_LOOP_UTILIZATION']) expect(message).toContain(name);
      expect(message).toContain('https://desk.bank.example/app is not an origin');
      expect(message).toContain('proxy.local');
    }
  });
});

describe('config: compliance profile', () => {
  it('defaults to every jurisdiction, and names a malformed profile or currency', () => {
    expect(loadConfig({}).COMPLIANCE_PROFILE).toBe('CN,US,UK');
    expect(loadConfig({ COMPLIANCE_PROFILE: 'US, UK', COMPLIANCE_CURRENCY: 'GBP' })).toMatchObject({ COMPLIANCE_PROFILE: 'US, UK', COMPLIANCE_CURRENCY: 'GBP' });
    try {
      loadConfig({ COMPLIANCE_PROFILE: 'CN;;', COMPLIANCE_CURRENCY: 'yuan' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(/COMPLIANCE_PROFILE: must be a profile id/);
      expect((error as Error).message).toMatch(/COMPLIANCE_CURRENCY: must be an ISO 4217 code/);
    }
  });
});

describe('config: review before publish', () => {
  it('requires no review by default, reads a comma list of kinds, and names an unknown kind', () => {
    expect(loadConfig({}).REVIEW_REQUIRED_KINDS).toEqual([]);
    expect(loadConfig({ REVIEW_REQUIRED_KINDS: 'product, compliance,product' }).REVIEW_REQUIRED_KINDS).toEqual(['product', 'compliance']);
    expect(() => loadConfig({ REVIEW_REQUIRED_KINDS: 'product,rates' })).toThrow(/REVIEW_REQUIRED_KINDS: must be a comma list of product, compliance, script, faq; not rates/);
  });
});
