import tseslint from 'typescript-eslint';

const adapterPackages = ['fastify', 'fastify-*', '@fastify/*', 'pg', 'pg-*', '@electric-sql/*', 'openai', 'openai/*', '@langchain/*'];
const capabilityFolders = ['knowledge', 'retrieval', 'conversations', 'suggestions', 'compliance', 'summaries', 'evals', 'access', 'text', 'privacy', 'operations', 'understanding'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.data/**', 'eval-reports/**', 'scratch/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // Only config.ts reads the environment: everything else gets a validated Config.
    files: ['src/**/*.ts'],
    ignores: ['src/config.ts'],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration in src/config.ts only.' }],
    },
  },
  {
    // Capabilities get ports; they never import a web framework, a database driver or a model SDK.
    files: capabilityFolders.map((folder) => `src/${folder}/**/*.ts`),
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: adapterPackages, message: 'Capabilities use ports (src/db/database.ts, src/llm/chat-model.ts, src/llm/embedder.ts); adapters are chosen in src/compose.ts.' },
            { group: ['**/http/*', '**/compose.js', '**/db/pglite-database.js', '**/db/postgres-database.js', '**/llm/openai-*.js'], message: 'Capabilities do not import HTTP code or adapters.' },
          ],
        },
      ],
    },
  },
  {
    // Routes are thin: validate, call one service, shape. No SQL, no SDK calls, no adapters.
    files: ['src/http/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['pg', '@electric-sql/*', 'openai', '@langchain/*'], message: 'Routes call services; they hold no SQL and no SDK call.' },
            { group: ['**/db/pglite-database.js', '**/db/postgres-database.js', '**/llm/openai-*.js', '**/llm/offline-*.js', '**/compose.js'], message: 'Only src/compose.ts imports adapters.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/compose.ts', 'src/db/**', 'src/llm/**', 'src/cli.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "ImportDeclaration[source.value=/(pglite|postgres)-database\\.js$/]", message: 'Only src/compose.ts imports database adapters.' },
        { selector: "ImportDeclaration[source.value=/llm\\/(openai|offline)-.+\\.js$/]", message: 'Only src/compose.ts imports model adapters.' },
      ],
    },
  },
);
