// The KOReader plugin's Lua build under test: builds it (once, when its sources changed), and runs
// the compiled core under LuaJIT with koplugin/test/runner.lua against a bundled server started by
// the test, the way helpers/sync-fixture.ts runs the Node build through its CLI.
//
// Needs luajit with LuaSocket, LuaSec, lua-cjson and lua-md5 (Debian: luajit lua-socket lua-sec
// lua-cjson lua-md5 libsqlite3-0; .ci/run installs them). BOOKLORE_SYNC_SKIP_LUA=1 skips these
// tests on a machine without them; CI never sets it.
import { spawn, spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateSession, type SessionInput } from '../../src/core/session.js';
import { start, type StartOptions, type TestServer } from '../../src/testserver/index.js';
import { REPO_ROOT, tempDir } from './cli.js';

export const PLUGIN_DIR = join(REPO_ROOT, 'dist', 'koplugin', 'booklore-sync.koplugin');
export const RUNNER = join(REPO_ROOT, 'koplugin', 'test', 'runner.lua');
export const GLUE = join(REPO_ROOT, 'koplugin', 'test', 'glue.lua');
export const GLUE_DEVICE = join(REPO_ROOT, 'koplugin', 'test', 'glue_device.lua');
const BUILD = join(REPO_ROOT, 'scripts', 'build-koplugin.mjs');

/** Why the Lua tests cannot run here, or null when they can; `skip` when the user opted out. */
export function luaUnavailable(): { skip: boolean; reason: string } | null {
  if (process.env.BOOKLORE_SYNC_SKIP_LUA === '1') return { skip: true, reason: 'BOOKLORE_SYNC_SKIP_LUA=1' };
  const probe = spawnSync('luajit', ['-e', 'require("socket.http"); require("ssl"); require("cjson"); require("md5"); require("ffi").load("libsqlite3.so.0")'], {
    encoding: 'utf8',
  });
  if (probe.error || probe.status !== 0) {
    return {
      skip: false,
      reason: `luajit with LuaSocket, LuaSec, lua-cjson, lua-md5 and libsqlite3 is needed for the KOReader plugin tests (apt-get install luajit lua-socket lua-sec lua-cjson lua-md5 libsqlite3-0, as .ci/run does; or set BOOKLORE_SYNC_SKIP_LUA=1): ${probe.error?.message ?? probe.stderr.trim()}`,
    };
  }
  return null;
}

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program without blocking this process (the test server shares its event loop). */
export function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {}): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd ?? REPO_ROOT, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

let built: Promise<void> | null = null;
let argumentFiles = 0;

/** `npm run build:koplugin`, unless the plugin folder is up to date (safe to call from parallel test files). */
export function ensurePluginBuilt(): Promise<void> {
  if (built === null) {
    built = run(process.execPath, [BUILD, '--if-stale'], { timeoutMs: 240_000 }).then((result) => {
      if (result.code !== 0) throw new Error(`build:koplugin failed:\n${result.stderr}${result.stdout}`);
    });
  }
  return built;
}

export interface LuaResult<T = any> {
  code: number | null;
  json: T;
  stderr: string;
}

/** One runner command against a data directory (HOME plays KOReader's settings folder). */
export async function lua<T = any>(home: string, command: string, argument?: unknown, timeoutMs?: number): Promise<LuaResult<T>> {
  const args = [RUNNER, PLUGIN_DIR, home, command];
  let file: string | null = null;
  if (argument !== undefined) {
    const text = JSON.stringify(argument);
    // One command-line argument holds at most 128 KiB: larger ones go through a file.
    if (text.length > 16_384) {
      file = join(home, `.runner-${process.pid}-${++argumentFiles}.json`);
      writeFileSync(file, text);
      args.push(`@${file}`);
    } else {
      args.push(text);
    }
  }
  const result = await run('luajit', args, { timeoutMs }).finally(() => {
    if (file !== null) rmSync(file, { force: true });
  });
  let json: any = null;
  try {
    json = JSON.parse(result.stdout.trim().split('\n').pop() ?? '');
  } catch {
    json = null;
  }
  return { code: result.code, json, stderr: result.stderr };
}

/** Sessions as the runner's JSON takes them: validated first, so a fixture mistake fails loudly here. */
function checked(sessions: SessionInput[]): SessionInput[] {
  for (const input of sessions) {
    const v = validateSession(input);
    if (!v.ok) throw new Error(`fixture session invalid: ${JSON.stringify(v.errors)}`);
  }
  return sessions;
}

export interface LuaSyncOptions {
  trigger?: 'sync-now' | 'session-end' | 'resume' | 'network' | 'dispatcher' | 'check';
  /** Reconcile grace in seconds (the Node fixture uses 1 s). */
  grace?: number;
  backoffBase?: number;
  concurrency?: number;
  leaseWait?: number;
}

export interface LuaFixture {
  server: TestServer;
  home: string;
  lua<T = any>(command: string, argument?: unknown): Promise<LuaResult<T>>;
  /** `sync` with the report (`ran`, `message`, `report`). */
  sync(options?: LuaSyncOptions): Promise<{ ran: boolean; message: string; problem: boolean; report: any; log: string[]; nextCheckInSeconds?: number }>;
  enqueue(sessions: SessionInput[]): Promise<number[]>;
  pending(): Promise<any[]>;
  history(): Promise<any[]>;
  close(): Promise<void>;
}

export type LuaFixtureOptions = StartOptions & { settings?: Record<string, unknown> };

/** A bundled server and a settings folder configured for the plugin's core, like syncFixture. */
export async function luaFixture(options: LuaFixtureOptions = {}): Promise<LuaFixture> {
  const { settings, ...serverOptions } = options;
  const server = await start({ port: 0, ...serverOptions });
  const dir = tempDir('bls-lua-');
  const call = <T = any>(command: string, argument?: unknown) => lua<T>(dir.path, command, argument);
  const must = async (command: string, argument?: unknown) => {
    const result = await call(command, argument);
    if (result.code !== 0) throw new Error(`lua ${command} failed (${result.code}): ${result.stderr}`);
    return result.json;
  };
  await must('configure', {
    server_url: server.url,
    booklore_username: 'reader',
    booklore_password: 'reader',
    timeout_seconds: 5,
    ...settings,
  });
  return {
    server,
    home: dir.path,
    lua: call,
    async sync(syncOptions = {}) {
      return must('sync', { grace: 1, ...syncOptions });
    },
    enqueue: (sessions) => must('enqueue', checked(sessions)),
    pending: () => must('pending'),
    history: () => must('history'),
    async close() {
      await server.close();
      dir.cleanup();
    },
  };
}
