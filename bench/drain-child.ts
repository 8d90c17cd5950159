// Runs one Sync Now of a data directory in its own process and reports its time and peak memory,
// so the figures are the client's alone (the server runs in the parent's worker thread).
import { runSync } from '../src/app/run-sync.js';
import { nodeApp } from '../src/node/node-runtime.js';

const home = process.argv[2]!;
const concurrency = process.argv[3] && process.argv[3] !== '-' ? Number(process.argv[3]) : undefined;
const parallelSingles = process.argv[4] ? Number(process.argv[4]) : undefined;
const started = performance.now();
const result = await runSync(nodeApp(home, concurrency ? { concurrency } : {}), { automatic: false, waitForLeaseMs: 0, ...(parallelSingles ? { parallelSingles } : {}) });
const ms = performance.now() - started;
if (!result.ran) throw new Error('the sync lease was busy');
process.stdout.write(
  `${JSON.stringify({ ms, maxRssMb: process.resourceUsage().maxRSS / 1024, uploaded: result.report.uploaded, pending: result.report.pending, stockResolution: result.report.stockResolution ?? null })}\n`,
);
