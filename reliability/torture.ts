// Crash torture: each trial records sessions and syncs them with real `booklore-sync` processes
// against the bundled server under random faults, kills one process with SIGKILL at a random
// moment, runs it again, then syncs until the queue is empty and checks the promise: every
// recorded session is on the server exactly once, and nothing else is.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runSync } from '../src/app/run-sync.js';
import { nodeApp, timingFromEnv } from '../src/node/node-runtime.js';
import { saveSettings, SettingsSchema } from '../src/node/settings-file.js';
import { formatIsoUtc } from '../src/core/iso-time.js';
import { LocalStore } from '../src/node/sqlite/local-store.js';
import { start, type FaultRule, type TestServer } from '../src/testserver/index.js';
import { Prng } from './prng.js';

const CLI = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'booklore-sync.js');

/** The default seed's books that `reader` can see, with their fingerprints. */
const BOOKS = [
  { id: 1, hash: 'f0a672838b6f07f2e74b8bd01aec4434' },
  { id: 2, hash: '39b5a905011a04419a42c64243d08855' },
  { id: 3, hash: 'b648aedbc61be58ba43f7cc37f98bbe1' },
  { id: 4, hash: '5619aaa268aa5d062eff129917eef00a' },
];

const SESSION_PATHS = ['/api/v1/reading-sessions', '/api/v1/reading-sessions/batch', '/api/v1/reading-sessions*'];

export interface TrialResult {
  seed: number;
  profile: 'fork' | 'upstream';
  sessions: number;
  kills: number;
  faults: string[];
  lost: string[];
  duplicated: string[];
  unexpected: string[];
  leftInQueue: number;
}

interface Attempt {
  key: string;
  args: string[];
  confirmed: boolean;
}

function randomFaults(rng: Prng): FaultRule[] {
  const rules: FaultRule[] = [];
  const path = () => rng.pick(SESSION_PATHS);
  if (rng.chance(0.4)) rules.push({ action: 'status', status: rng.pick([503, 502, 500, 429]), path: path(), method: 'POST', count: rng.int(1, 3) });
  if (rng.chance(0.5)) rules.push({ action: 'drop-after-commit', path: path(), method: 'POST', count: rng.int(1, 2) });
  if (rng.chance(0.4)) rules.push({ action: 'drop-before-commit', path: path(), method: 'POST', count: rng.int(1, 2) });
  if (rng.chance(0.25)) rules.push({ action: 'truncate', path: path(), method: 'POST', count: 1 });
  if (rng.chance(0.15)) rules.push({ action: 'html', path: path(), count: 1 });
  if (rng.chance(0.2)) rules.push({ action: 'delay', delayMs: 1500, path: path(), method: 'POST', count: 1 });
  if (rng.chance(0.2)) rules.push({ action: 'status', status: 503, path: '/api/v1/reading-sessions/book/*', count: rng.int(1, 2) });
  if (rng.chance(0.15)) rules.push({ action: 'drop-after-commit', path: '/api/v1/auth/refresh', count: 1 });
  return rules;
}

function run(args: string[], home: string): { child: ChildProcess; done: Promise<{ code: number | null; stdout: string }> } {
  const child = spawn(process.execPath, [CLI, '--home', home, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, BOOKLORE_SYNC_LOCK_TIMEOUT_MS: '5000', BOOKLORE_SYNC_BACKOFF_BASE_SECONDS: '1' },
  });
  let stdout = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.resume();
  const done = new Promise<{ code: number | null; stdout: string }>((resolvePromise) => child.on('close', (code) => resolvePromise({ code, stdout })));
  return { child, done };
}

function keyOf(bookId: number, start: number, end: number): string {
  return `${bookId}|${formatIsoUtc(start)}|${formatIsoUtc(end)}`;
}

export async function runTrial(servers: Record<'fork' | 'upstream', TestServer>, seed: number): Promise<TrialResult> {
  const rng = new Prng(seed);
  const profile = rng.chance(0.7) ? 'fork' : 'upstream';
  const server = servers[profile];
  server.admin.reset();
  const home = mkdtempSync(join(tmpdir(), 'bls-torture-'));
  try {
    // A short timeout so delay faults become unknown outcomes; the password is kept so a lost
    // refresh answer (rotated token) can be recovered by logging in again.
    saveSettings(home, SettingsSchema.parse({ server: server.url, username: 'reader', password: 'reader', timeoutSeconds: 1 }));
    const rules = randomFaults(rng);
    const latency = rng.chance(0.5) ? rng.int(1, 20) : 0;
    server.admin.addFaults({ latencyMs: latency, rules });
    const faults = rules.map((r) => `${r.action}${r.status ? `=${r.status}` : ''}@${r.path}`);
    if (latency) faults.push(`latency=${latency}`);

    const sessions = rng.int(3, 12);
    const base = 1_760_000_000 + rng.int(0, 1000) * 86400;
    const attempts: Attempt[] = [];
    for (let i = 0; i < sessions; i++) {
      const book = rng.pick(BOOKS);
      const start = base + i * 3600;
      const end = start + rng.int(60, 3000);
      const byHash = profile === 'fork' && rng.chance(0.5);
      attempts.push({
        key: keyOf(book.id, start, end),
        confirmed: false,
        args: [
          '--json', 'record', ...(rng.chance(0.5) ? ['--no-sync'] : []),
          ...(byHash ? ['--hash', book.hash] : ['--book-id', String(book.id)]),
          '--start', formatIsoUtc(start), '--end', formatIsoUtc(end), '--start-location', '1', '--end-location', '30',
        ],
      });
    }

    // Phase 1: record and sync processes, a few at a time; one of them is killed.
    const jobs: { args: string[]; attempt: Attempt | null }[] = attempts.map((a) => ({ args: a.args, attempt: a }));
    for (let s = rng.int(1, 2); s > 0; s--) jobs.splice(rng.int(0, jobs.length), 0, { args: ['sync', ...(rng.chance(0.5) ? ['--automatic'] : [])], attempt: null });
    const victim = rng.int(0, jobs.length - 1);
    let kills = 0;
    if (rng.chance(0.3)) setTimeout(() => server.admin.expireTokens(), rng.int(0, 600));
    const lane = async (indices: number[]) => {
      for (const index of indices) {
        const job = jobs[index]!;
        const process = run(job.args, home);
        if (index === victim) {
          setTimeout(() => {
            if (process.child.exitCode === null && process.child.signalCode === null) {
              process.child.kill('SIGKILL');
              kills++;
            }
          }, rng.int(0, 500));
        }
        const result = await process.done;
        if (job.attempt && result.code === 0 && /"queued": true/.test(result.stdout)) job.attempt.confirmed = true;
        if (index === victim && result.code === null) {
          // restart the killed command, as a user (or the device) would
          const again = await run(job.args, home).done;
          if (job.attempt && again.code === 0 && /"queued": true/.test(again.stdout)) job.attempt.confirmed = true;
        }
      }
    };
    const lanes: number[][] = [[], [], []];
    jobs.forEach((_, i) => lanes[i % lanes.length]!.push(i));
    await Promise.all(lanes.map(lane));

    // Phase 2: the storm is over; sync until the queue is empty (waiting out reconciliation grace).
    server.admin.clearFaults();
    let left = Infinity;
    for (let i = 0; i < 20 && left > 0; i++) {
      const result = await runSync(nodeApp(home, timingFromEnv()), { automatic: false, waitForLeaseMs: 10_000 });
      left = result.ran ? result.report.pending : left;
      if (left > 0) await new Promise((r) => setTimeout(r, 500));
    }

    // The promise.
    const onServer = new Map<string, number>();
    for (const s of server.admin.sessions()) {
      const key = `${s.bookId}|${s.startTime}|${s.endTime}`;
      onServer.set(key, (onServer.get(key) ?? 0) + 1);
    }
    const store = LocalStore.open(home);
    let history: { key: string }[];
    try {
      history = store.queue.history(100_000).map((h) => ({ key: `${h.book_id}|${h.start_time}|${h.end_time}` }));
    } finally {
      store.close();
    }
    const attempted = new Set(attempts.map((a) => a.key));
    const lost = [
      ...attempts.filter((a) => a.confirmed && !onServer.has(a.key)).map((a) => a.key),
      ...history.filter((h) => !onServer.has(h.key)).map((h) => `${h.key} (in history only)`),
    ];
    const duplicated = [...onServer].filter(([, n]) => n > 1).map(([k, n]) => `${k} ×${n}`);
    const unexpected = [...onServer.keys()].filter((k) => !attempted.has(k));
    return { seed, profile, sessions, kills, faults, lost, duplicated, unexpected, leftInQueue: left };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

export interface TortureSummary {
  trials: number;
  kills: number;
  faultsInjected: number;
  sessions: number;
  lost: number;
  duplicated: number;
  unexpected: number;
  stuck: number;
  failures: TrialResult[];
}

export async function torture(trials: number, firstSeed: number, onTrial: (r: TrialResult) => void = () => {}): Promise<TortureSummary> {
  const servers = { fork: await start({ port: 0, profile: 'fork' }), upstream: await start({ port: 0, profile: 'upstream' }) };
  const summary: TortureSummary = { trials: 0, kills: 0, faultsInjected: 0, sessions: 0, lost: 0, duplicated: 0, unexpected: 0, stuck: 0, failures: [] };
  try {
    for (let i = 0; i < trials; i++) {
      const result = await runTrial(servers, firstSeed + i);
      summary.trials++;
      summary.kills += result.kills;
      summary.faultsInjected += result.faults.length;
      summary.sessions += result.sessions;
      summary.lost += result.lost.length;
      summary.duplicated += result.duplicated.length;
      summary.unexpected += result.unexpected.length;
      if (result.leftInQueue > 0) summary.stuck++;
      if (result.lost.length || result.duplicated.length || result.unexpected.length || result.leftInQueue > 0) summary.failures.push(result);
      onTrial(result);
    }
  } finally {
    await servers.fork.close();
    await servers.upstream.close();
  }
  return summary;
}
