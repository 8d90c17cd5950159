// The KOReader plugin's Lua build against the Node build: the same 10,000 queued sessions (four
// books) drained by one Sync Now of each, against a fresh bundled server each (in a worker thread of
// this process), in the same run. The Node client runs in a child process (bench/drain-child.ts),
// the Lua build under LuaJIT (koplugin/test/runner.lua); both time their sync from the inside, so
// neither's start-up counts. The Lua build sends one request at a time (KOReader is
// single-threaded), the Node build four books at a time.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Figures } from './figure.js';
import { drainWithNode, prepareQueuedHome } from './queued-home.js';
import { startServerWorker, type ServerWorker } from './server-worker.js';
import { round } from './stats.js';

const here = dirname(fileURLToPath(import.meta.url));
const REPO = join(here, '..', '..');
const BUILD = join(REPO, 'scripts', 'build-koplugin.mjs');
const RUNNER = join(REPO, 'koplugin', 'test', 'runner.lua');
const PLUGIN_DIR = join(REPO, 'dist', 'koplugin', 'booklore-sync.koplugin');

const BOOKS = [1, 2, 3, 4]; // the default seed's books `reader` can see
const PER_BOOK = 2500;

/** A data directory configured for both builds (the plugin reads its own settings file). */
function prepareHome(server: ServerWorker): string {
  const home = prepareQueuedHome(server.url, BOOKS, PER_BOOK);
  writeFileSync(
    join(home, 'plugin-settings.json'),
    JSON.stringify({ server_url: server.url, booklore_username: 'reader', booklore_password: 'reader', timeout_seconds: 60 }),
  );
  return home;
}

function drainNode(home: string): number {
  const result = drainWithNode(home);
  if (result.pending !== 0) throw new Error(`node drain left ${result.pending} sessions`);
  return result.ms;
}

function drainWithLua(home: string): number {
  const out = execFileSync('luajit', [RUNNER, PLUGIN_DIR, home, 'sync', JSON.stringify({ trigger: 'sync-now' })], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const result = JSON.parse(out.trim().split('\n').pop()!) as { seconds: number; report?: { pending: number }; message: string };
  if (!result.report || result.report.pending !== 0) throw new Error(`lua drain incomplete: ${result.message}`);
  return result.seconds * 1000;
}

async function timed(drain: (home: string) => number): Promise<number> {
  const server = await startServerWorker({ profile: 'fork', latencyMs: 0 });
  const home = prepareHome(server);
  try {
    const ms = drain(home);
    const stored = await server.sessionCount();
    if (stored !== BOOKS.length * PER_BOOK) throw new Error(`drain incomplete: ${stored} sessions on the server`);
    return ms;
  } finally {
    await server.stop();
    rmSync(home, { recursive: true, force: true });
  }
}

export async function measureLuaDrain(): Promise<Figures> {
  execFileSync(process.execPath, [BUILD, '--if-stale'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const nodeMs = await timed(drainNode);
  const luaMs = await timed(drainWithLua);
  return {
    lua_vs_node_drain_ratio: {
      value: round(luaMs / nodeMs, 2),
      unit: 'x',
      note: `10,000 queued sessions over 4 books drained by one Sync Now against the bundled server on 127.0.0.1: the KOReader plugin's Lua build under LuaJIT (one request at a time, LuaSocket, lua-ljsqlite3 stand-in over libsqlite3) ${round(luaMs / 1000, 2)} s vs the Node build (4 books at a time) ${round(nodeMs / 1000, 2)} s, same run`,
    },
  };
}

// `node dist/bench/lua-drain.js` prints the figure on its own.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  measureLuaDrain().then(
    (figures) => process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`),
    (err) => {
      process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
}
