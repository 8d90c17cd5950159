// Runs one `import-koreader-stats` in its own process and reports its time and peak memory, so the
// figures are the import's alone (not the generator's, which built the file in the parent).
import { importKoreaderStats } from '../src/app/import-koreader-stats.js';
import { nodeApp } from '../src/node/node-runtime.js';
import { PLUGIN_SESSION_GAP_SECONDS } from '../src/core/page-stat-sessions.js';

const [home, file] = [process.argv[2]!, process.argv[3]!];
const started = performance.now();
const report = importKoreaderStats(nodeApp(home), file, { gapSeconds: PLUGIN_SESSION_GAP_SECONDS, dryRun: false });
const ms = performance.now() - started;
process.stdout.write(
  `${JSON.stringify({ ms, maxRssMb: process.resourceUsage().maxRSS / 1024, rows: report.rows, sessions: report.sessions, queued: report.queued, skipped: report.skipped })}\n`,
);
