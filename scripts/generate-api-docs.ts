/**
 * `npm run docs:api`: writes docs/api.md from the OpenAPI document of the real app (in-memory database, offline
 * model, fixed configuration, so the output depends only on the code) after docs/api-introduction.md.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { composeApp, composeRuntime, openDatabase } from '../src/compose.js';
import { loadConfig } from '../src/config.js';
import { renderApiReference, type OpenapiDocument } from '../src/http/render-api-reference.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const config = loadConfig({ LOG_LEVEL: 'silent', SEED_SAMPLE_KNOWLEDGE: 'false' });
const runtime = await composeRuntime(config, { database: await openDatabase(config, { inMemory: true }) });
const app = await composeApp(runtime);
try {
  await app.ready();
  const introduction = readFileSync(`${root}docs/api-introduction.md`, 'utf8');
  writeFileSync(`${root}docs/api.md`, renderApiReference(app.swagger() as unknown as OpenapiDocument, introduction));
  console.log('wrote docs/api.md');
} finally {
  await app.close();
  await runtime.close();
}
