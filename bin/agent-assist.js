#!/usr/bin/env node
// The published entry: runs the compiled CLI. `npm install` builds dist/ through the `prepare` script.
import('../dist/cli.js').catch((error) => {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli.js')) {
    console.error('agent-assist is not built yet: run `npm install` (or `npm run build`) in the repository first.');
    process.exit(2);
  }
  throw error;
});
