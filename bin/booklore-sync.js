#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm ci` / `npm run build`).
import('../dist/src/cli/main.js').then((m) => m.main(process.argv)).catch((err) => {
  process.stderr.write(`booklore-sync: cannot start (${err && err.message ? err.message : err}); run \`npm run build\` first\n`);
  process.exit(1);
});
