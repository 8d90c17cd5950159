// The two runtimes the crash torture drives: the Node tool (bin/booklore-sync.js, one process per
// command) and the KOReader plugin's Lua build under LuaJIT (koplugin/test/runner.lua, one process
// per command: `record` queues a session and runs the session-end sync, as the device does when a
// reading session closes). Both keep the same queue database, so the torture reads either directly.
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { saveSettings, SettingsSchema } from '../src/node/settings-file.js';
import { formatIsoUtc } from '../src/core/iso-time.js';

const DIST = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const REPO = resolve(DIST, '..');
const CLI = join(REPO, 'bin', 'booklore-sync.js');
const PROBE = join(DIST, 'reliability', 'kill-probe.js');
export const LUA_RUNNER = join(REPO, 'koplugin', 'test', 'runner.lua');
export const LUA_PLUGIN_DIR = join(DIST, 'koplugin', 'booklore-sync.koplugin');

export type RuntimeName = 'node' | 'lua';

export interface PlannedSession {
  bookId: number;
  /** Sent by fingerprint (the server resolves it) instead of by id. */
  hash: string | null;
  start: number;
  end: number;
}

export type Job =
  | { kind: 'record'; session: PlannedSession; sync: boolean }
  | { kind: 'sync'; automatic: boolean }
  | { kind: 'import'; file: string };

export interface Command {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

export interface Runtime {
  name: RuntimeName;
  /** How long a process takes to start, roughly: the `startup` kill point lands within it. */
  startupMs: number;
  configure(home: string, serverUrl: string): void;
  /** The command for a job; `probe` freezes it at a kill point (reliability/probe-points.ts). */
  /** leaseWaitMs: how long a sync waits for another one holding the lease (default: the runtime's own). */
  command(job: Job, home: string, options?: { probe?: { point: string; skip: number }; leaseWaitMs?: number }): Command;
  /** Whether the job's output says its session was queued (committed). */
  confirmed(stdout: string, code: number | null): boolean;
  /** `sync` in the way this runtime's user runs it by hand, for the drain at the end. */
  drain(home: string): Command;
}

const BASE_ENV = { BOOKLORE_SYNC_BACKOFF_BASE_SECONDS: '1' };

function probeEnv(probe: { point: string; skip: number } | undefined): NodeJS.ProcessEnv {
  return probe ? { BLS_TORTURE_PROBE: probe.point, BLS_TORTURE_PROBE_SKIP: String(probe.skip) } : {};
}

export const nodeRuntime: Runtime = {
  name: 'node',
  startupMs: 250,
  configure(home, serverUrl) {
    // A short timeout so delay faults become unknown outcomes; the password is kept so a lost
    // refresh answer (rotated token) can be recovered by logging in again.
    saveSettings(home, SettingsSchema.parse({ server: serverUrl, username: 'reader', password: 'reader', timeoutSeconds: 1 }));
  },
  command(job, home, options = {}) {
    const args = options.probe ? ['--import', PROBE, CLI, '--home', home] : [CLI, '--home', home];
    if (job.kind === 'record') {
      const s = job.session;
      args.push('--json', 'record', ...(job.sync ? [] : ['--no-sync']), ...(s.hash ? ['--hash', s.hash] : ['--book-id', String(s.bookId)]));
      args.push('--start', formatIsoUtc(s.start), '--end', formatIsoUtc(s.end), '--start-location', '1', '--end-location', '30');
    } else if (job.kind === 'sync') {
      args.push('sync', ...(job.automatic ? ['--automatic'] : []), ...(options.leaseWaitMs !== undefined ? ['--wait', String(options.leaseWaitMs / 1000)] : []));
    } else {
      args.push('import-koreader-stats', '--include-open', job.file);
    }
    const env = { ...process.env, ...BASE_ENV, BOOKLORE_SYNC_LOCK_TIMEOUT_MS: '5000', ...probeEnv(options.probe) };
    return { command: process.execPath, args, env };
  },
  confirmed: (stdout, code) => code === 0 && /"queued": true/.test(stdout),
  drain: (home) => ({ command: process.execPath, args: [CLI, '--home', home, 'sync'], env: { ...process.env, ...BASE_ENV } }),
};

function luaSession(s: PlannedSession): Record<string, unknown> {
  return { ...(s.hash ? { bookHash: s.hash } : { bookId: s.bookId }), startTime: s.start, endTime: s.end, startLocation: '1', endLocation: '30' };
}

export const luaRuntime: Runtime = {
  name: 'lua',
  startupMs: 10,
  configure(home, serverUrl) {
    writeFileSync(
      join(home, 'plugin-settings.json'),
      // "Keep password" on, as the Node tool keeps it: BookLore rotates refresh tokens, so after a lost
      // refresh answer only a new login recovers. Without it the plugin stops and asks the user to
      // enter the account again, queue kept (found by this torture: left queued, not lost).
      JSON.stringify({ server_url: serverUrl, booklore_username: 'reader', booklore_password: 'reader', keep_booklore_password: true, timeout_seconds: 1 }),
    );
  },
  command(job, home, options = {}) {
    const syncOptions = { grace: 2, backoffBase: 1, leaseWait: (options.leaseWaitMs ?? 5000) / 1000 };
    const args = [LUA_RUNNER, LUA_PLUGIN_DIR, home];
    if (job.kind === 'record') {
      if (job.sync) args.push('record', JSON.stringify({ sessions: [luaSession(job.session)], ...syncOptions }));
      else args.push('enqueue', JSON.stringify([luaSession(job.session)]));
    } else if (job.kind === 'sync') {
      args.push('sync', JSON.stringify({ trigger: job.automatic ? 'network' : 'sync-now', ...syncOptions }));
    } else {
      throw new Error('the KOReader plugin has no import');
    }
    return { command: 'luajit', args, env: { ...process.env, ...probeEnv(options.probe) } };
  },
  // `record` prints {"queued":[id]} once committed; `enqueue` prints [id]
  confirmed: (stdout) => /^(\{"queued":)?\[\d+\]/m.test(stdout),
  drain: (home) => ({ command: 'luajit', args: [LUA_RUNNER, LUA_PLUGIN_DIR, home, 'sync', JSON.stringify({ trigger: 'sync-now', grace: 2 })], env: process.env }),
};

export function runtimeNamed(name: RuntimeName): Runtime {
  return name === 'lua' ? luaRuntime : nodeRuntime;
}
