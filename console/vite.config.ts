import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const consoleRoot = fileURLToPath(new URL('.', import.meta.url));

// Built into the package next to the compiled service, which serves it at /console/ (same origin as the API).
export default defineConfig({
  root: consoleRoot,
  base: '/console/',
  plugins: [react()],
  // `npx vite --config console/vite.config.ts`: the console with hot reload, its API calls passed to `npm run dev`.
  server: { proxy: { '/v1': 'http://127.0.0.1:3000' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // The report of gzip sizes is ours to measure (bench/console-bench.ts); keep the build log short.
    reportCompressedSize: false,
  },
});
