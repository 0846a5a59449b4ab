import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // .tsx: the web console's component tests (each file opts into happy-dom).
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    environment: 'node',
    // PGlite instances are heavy (one WASM Postgres each): two cores, so two workers.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
