#!/usr/bin/env node
// The package's command: runs the compiled CLI. `npm install` / `npm ci` build dist/ through the `prepare` script.
let cli;
try {
  cli = await import('../dist/cli.js');
} catch (error) {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli.js')) {
    console.error('agent-assist is not built yet: run `npm install` (or `npm run build`) in the repository first.');
    process.exit(2);
  }
  throw error;
}
const code = await cli.runCli(process.argv.slice(2));
if (code !== 0) process.exitCode = code;
