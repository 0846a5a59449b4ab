import type { FastifyInstance } from 'fastify';
import { composeApp, composeRuntime, type Runtime } from '../../src/compose.js';
import { loadConfig } from '../../src/config.js';
import type { ChatModel } from '../../src/llm/chat-model.js';
import { createTestDatabase, type AdapterKind, type TestDatabase } from './test-database.js';
import { protectionOff } from './protection-off.js';

export const adminKey = 'test-admin-key-0123456789abcdef';

export interface TestApp {
  app: FastifyInstance;
  runtime: Runtime;
  testDatabase: TestDatabase;
  /** Headers with a bearer key of the given role (created once per role). */
  as(role: 'agent' | 'knowledge_owner' | 'compliance' | 'admin'): Promise<Record<string, string>>;
  close(): Promise<void>;
}

/** Tests of other behaviour run without rate limits, lockout or shedding (see protection-off.ts). */
export const withoutLimits = protectionOff;

/** The real app on a fresh database (one per test file), driven with app.inject. */
export async function createTestApp(options: { adapter?: AdapterKind; environment?: Record<string, string>; chatModel?: ChatModel } = {}): Promise<TestApp> {
  const testDatabase = await createTestDatabase(options.adapter ?? 'pglite');
  const config = loadConfig({ ADMIN_API_KEY: adminKey, LOG_LEVEL: 'silent', SEED_SAMPLE_KNOWLEDGE: 'false', ...withoutLimits, ...options.environment });
  const runtime = await composeRuntime(config, { database: testDatabase.database, ...(options.chatModel ? { chatModel: options.chatModel } : {}) });
  const app = await composeApp(runtime);
  await app.ready();
  const keys = new Map<string, string>();
  return {
    app,
    runtime,
    testDatabase,
    async as(role) {
      if (role === 'admin') return { authorization: `Bearer ${adminKey}` };
      let key = keys.get(role);
      if (!key) {
        key = (await runtime.services.apiKeys.create(role, `test ${role}`)).key;
        keys.set(role, key);
      }
      return { authorization: `Bearer ${key}` };
    },
    async close() {
      await app.close();
      await runtime.close();
      await testDatabase.close().catch(() => undefined);
    },
  };
}
