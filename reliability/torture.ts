// Crash torture: each trial records sessions and syncs them with real processes of one runtime
// (the Node tool, or the KOReader plugin's Lua build under LuaJIT) against the bundled server under
// random faults, kills one process with SIGKILL at a chosen kill point (reliability/kill-points.ts),
// runs it again, then syncs until the queue is empty and checks the promise: every recorded session
// is on the server exactly once, nothing else is, and the local history holds exactly what the
// server has (the history is what stops a re-recorded session from being sent twice).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatIsoUtc } from '../src/core/iso-time.js';
import { start, type FaultRule, type ReleaseMode, type TestServer } from '../src/testserver/index.js';
import { choosePoint, type KillPoint } from './kill-points.js';
import { Prng } from './prng.js';
import { historyKeys, importTrialFile, isCommitted, pendingCount } from './torture-queue.js';
import { launch, type Finished } from './torture-process.js';
import { runtimeNamed, type Job, type PlannedSession, type Runtime, type RuntimeName } from './torture-runtime.js';

/** The default seed's books that `reader` can see, with their fingerprints. */
export const BOOKS = [
  { id: 1, hash: 'f0a672838b6f07f2e74b8bd01aec4434' },
  { id: 2, hash: '39b5a905011a04419a42c64243d08855' },
  { id: 3, hash: 'b648aedbc61be58ba43f7cc37f98bbe1' },
  { id: 4, hash: '5619aaa268aa5d062eff129917eef00a' },
];

const SESSION_PATHS = ['/api/v1/reading-sessions', '/api/v1/reading-sessions/batch', '/api/v1/reading-sessions*'];
const UPLOADS = '/api/v1/reading-sessions*';

export interface TrialResult {
  seed: number;
  runtime: RuntimeName;
  profile: 'fork' | 'upstream';
  sessions: number;
  point: KillPoint;
  /** Where each kill landed (the probe's or server's word); empty when no candidate got there. */
  killedAt: string[];
  /** In-flight only: the victim was frozen (SIGSTOP) while a rival sync ran, then killed. */
  rival: boolean;
  /** What the server did with the held request after the kill. */
  release: ReleaseMode | null;
  faults: string[];
  faultsFired: number;
  /** Sessions known committed: the process said so, or (killed) the queue holds them afterwards. */
  confirmed: number;
  confirmedAfterKill: number;
  lost: string[];
  duplicated: string[];
  unexpected: string[];
  /** Sessions on the server that the local history does not hold exactly once. */
  historyMismatch: string[];
  leftInQueue: number;
}

interface Attempt {
  key: string;
  session: PlannedSession;
  confirmed: boolean;
}

export function keyOf(bookId: number, start: number, end: number): string {
  return `${bookId}|${formatIsoUtc(start)}|${formatIsoUtc(end)}`;
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

const debug = (message: string) => {
  if (process.env.BLS_TORTURE_DEBUG) process.stderr.write(`[torture ${new Date().toISOString().slice(14, 23)}] ${message}\n`);
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function isHoldPoint(point: KillPoint): boolean {
  return point === 'in-flight' || point === 'frozen' || point === 'after-commit';
}

/** Every choice the victim's kill needs, drawn before the lanes start so a seed replays the trial. */
interface VictimPlan {
  point: KillPoint;
  startupDelayMs: number;
  probe: { point: string; skip: number } | null;
  rival: boolean;
  release: ReleaseMode;
}

function planVictim(rng: Prng, runtime: Runtime, point: KillPoint, importSessions: number): VictimPlan {
  const startupDelayMs = rng.int(0, runtime.startupMs);
  let probe: VictimPlan['probe'] = null;
  if (point === 'lease') probe = { point: 'lease', skip: 0 };
  if (point === 'settle') probe = { point: 'settle', skip: rng.int(0, 1) };
  if (point === 'import') probe = { point: 'import-mid', skip: rng.int(0, Math.max(0, importSessions - 1)) };
  if (point === 'import-commit') probe = { point: 'import-commit', skip: 0 };
  return { point, startupDelayMs, probe, rival: point === 'frozen', release: point === 'in-flight' && rng.chance(0.3) ? 'drop' : 'process' };
}

interface Trial {
  runtime: Runtime;
  server: TestServer;
  home: string;
}

/** Runs the victim to its kill point and kills it there; says where, or null if it never got there. */
async function killVictim(t: Trial, job: Job, plan: VictimPlan): Promise<{ killedAt: string | null; finished: Finished }> {
  const { runtime, server, home } = t;
  if (isHoldPoint(plan.point)) {
    let unsubscribe = () => {};
    const held = new Promise<string>((resolve) => (unsubscribe = server.admin.onHold((h) => resolve(`${plan.point} (${h.path}, ${h.sessions ?? '?'} session(s))`))));
    server.admin.addFaults({ rules: [{ action: plan.point === 'after-commit' ? 'hold-after-commit' : 'hold', path: UPLOADS, method: 'POST', count: 1 }] });
    const victim = launch(runtime.command(job, home));
    try {
      const first = await Promise.race([held, victim.done.then(() => null)]);
      if (first === null) return { killedAt: null, finished: await victim.done };
      if (plan.rival) {
        // Frozen with its request in flight (a device suspended mid-upload): a rival sync must not
        // take over while the victim lives, even once the reconcile grace has passed.
        victim.child.kill('SIGSTOP');
        await sleep(2300);
        const rival = await launch(runtime.command({ kind: 'sync', automatic: false }, home, { leaseWaitMs: 700 })).done;
        debug(`rival: ${rival.code} ${rival.signal} ${rival.stdout} ${rival.stderr}`);
      }
      victim.kill();
      const finished = await victim.done;
      debug(`victim: ${finished.code} ${finished.signal}`);
      await server.admin.releaseHeld(plan.release);
      debug('released');
      return { killedAt: `${first}${plan.rival ? ', frozen while a rival sync ran' : ''}, then ${plan.release}`, finished };
    } finally {
      unsubscribe();
      server.admin.disarmHolds();
      await server.admin.releaseHeld('process');
    }
  }
  const victim = launch(runtime.command(job, home, plan.probe ? { probe: plan.probe } : {}));
  if (plan.point === 'startup') {
    setTimeout(() => victim.kill(), plan.startupDelayMs);
    const finished = await victim.done;
    return { killedAt: finished.signal === 'SIGKILL' ? `startup (+${plan.startupDelayMs} ms)` : null, finished };
  }
  const label = await Promise.race([victim.probed, victim.done.then(() => null)]);
  if (label !== null) victim.kill();
  return { killedAt: label, finished: await victim.done };
}

/** Lanes of processes run side by side; the victim of a hold point runs alone, so the hold catches its request. */
class Gate {
  private active = 0;
  private closed: Promise<void> | null = null;

  async shared<T>(body: () => Promise<T>): Promise<T> {
    while (this.closed) await this.closed;
    this.active++;
    try {
      return await body();
    } finally {
      this.active--;
    }
  }

  async exclusive<T>(body: () => Promise<T>): Promise<T> {
    while (this.closed) await this.closed;
    let open = () => {};
    this.closed = new Promise((r) => (open = r));
    try {
      while (this.active > 0) await sleep(10);
      return await body();
    } finally {
      this.closed = null;
      open();
    }
  }
}

function planJobs(rng: Prng, profile: 'fork' | 'upstream'): { attempts: Attempt[]; jobs: Job[] } {
  const sessions = rng.int(3, 12);
  const base = 1_760_000_000 + rng.int(0, 1000) * 86400;
  const attempts: Attempt[] = [];
  const jobs: Job[] = [];
  for (let i = 0; i < sessions; i++) {
    const book = rng.pick(BOOKS);
    const start = base + i * 3600;
    const end = start + rng.int(60, 3000);
    const session: PlannedSession = { bookId: book.id, hash: profile === 'fork' && rng.chance(0.5) ? book.hash : null, start, end };
    attempts.push({ key: keyOf(book.id, start, end), session, confirmed: false });
    jobs.push({ kind: 'record', session, sync: rng.chance(0.5) });
  }
  for (let s = rng.int(1, 2); s > 0; s--) jobs.splice(rng.int(0, jobs.length), 0, { kind: 'sync', automatic: rng.chance(0.5) });
  return { attempts, jobs };
}

/** Up to three processes that may die at the point, in job order: the first to get there is killed. */
function chooseVictims(rng: Prng, jobs: Job[], point: KillPoint): number[] {
  if (point === 'import' || point === 'import-commit') return [jobs.findIndex((j) => j.kind === 'import')];
  if (point === 'startup') return [rng.int(0, jobs.length - 1)];
  // processes that sync, with something to send by then
  const eligible = jobs.flatMap((j, i) => ((j.kind === 'record' && j.sync) || (j.kind === 'sync' && i >= 3) ? [i] : []));
  if (eligible.length === 0) {
    const records = jobs.flatMap((j, i) => (j.kind === 'record' ? [i] : []));
    const index = rng.pick(records);
    (jobs[index] as Job & { kind: 'record' }).sync = true;
    return [index];
  }
  return pickSome(rng, eligible, 3);
}

function pickSome(rng: Prng, items: number[], count: number): number[] {
  const pool = [...items];
  const chosen: number[] = [];
  while (chosen.length < count && pool.length > 0) chosen.push(pool.splice(rng.int(0, pool.length - 1), 1)[0]!);
  return chosen.sort((a, b) => a - b);
}

export async function runTrial(servers: Record<'fork' | 'upstream', TestServer>, seed: number, options: TortureOptions = {}): Promise<TrialResult> {
  const runtime = runtimeNamed(options.runtime ?? 'node');
  const rng = new Prng(seed);
  const point = choosePoint(rng, runtime.name, options.points);
  const imports = point === 'import' || point === 'import-commit';
  const profile = imports || rng.chance(0.7) ? 'fork' : 'upstream';
  const server = servers[profile];
  server.admin.reset();
  const home = mkdtempSync(join(tmpdir(), 'bls-torture-'));
  try {
    runtime.configure(home, server.url);
    const rules = randomFaults(rng);
    const latency = rng.chance(0.5) ? rng.int(1, 20) : 0;
    server.admin.addFaults({ latencyMs: latency, rules });
    const faults = rules.map((r) => `${r.action}${r.status ? `=${r.status}` : ''}@${r.path}`);
    if (latency) faults.push(`latency=${latency}`);

    const { attempts, jobs } = planJobs(rng, profile);
    const imported = imports ? importTrialFile(rng, home, BOOKS) : null;
    if (imported) jobs.splice(rng.int(0, jobs.length), 0, { kind: 'import', file: imported.file });
    const victims = chooseVictims(rng, jobs, point);
    const plan = planVictim(rng, runtime, point, imported?.keys.length ?? 0);
    const expireAt = rng.chance(0.3) ? rng.int(0, 600) : null;
    const attemptOf = (job: Job) => (job.kind === 'record' ? attempts.find((a) => a.session === job.session)! : null);

    const killedAt: string[] = [];
    let confirmedAfterKill = 0;
    const gate = new Gate();
    const trial: Trial = { runtime, server, home };
    const holds = isHoldPoint(plan.point);
    let armedRunning = false;
    const runJob = async (index: number) => {
      const job = jobs[index]!;
      const attempt = attemptOf(job);
      // The first candidate to reach the point dies there; one armed at a time, and once one has
      // died the others run plainly.
      const body = async () => {
        if (!victims.includes(index) || killedAt.length > 0 || armedRunning) return { killedAt: null, finished: await launch(runtime.command(job, home)).done };
        armedRunning = true;
        try {
          const result = await killVictim(trial, job, plan);
          if (result.killedAt !== null) killedAt.push(result.killedAt);
          return result;
        } finally {
          armedRunning = false;
        }
      };
      const outcome = holds && victims.includes(index) && killedAt.length === 0 ? await gate.exclusive(body) : await gate.shared(body);
      if (attempt && runtime.confirmed(outcome.finished.stdout, outcome.finished.code)) attempt.confirmed = true;
      if (outcome.finished.signal !== 'SIGKILL') return;
      // A killed record whose commit is in the queue is confirmed: losing it later would be a loss.
      if (attempt && !attempt.confirmed && isCommitted(home, attempt.session)) {
        attempt.confirmed = true;
        confirmedAfterKill++;
      }
      // run the killed command again, as a user (or the device) would
      const again = await gate.shared(() => launch(runtime.command(job, home)).done);
      if (attempt && runtime.confirmed(again.stdout, again.code)) attempt.confirmed = true;
    };
    if (expireAt !== null) setTimeout(() => server.admin.expireTokens(), expireAt);
    const lanes: number[][] = [[], [], []];
    jobs.forEach((_, i) => lanes[i % lanes.length]!.push(i));
    await Promise.all(lanes.map(async (indices) => {
      for (const index of indices) await runJob(index);
    }));

    // The storm is over; sync until the queue is empty (waiting out reconciliation grace).
    const faultsFired = server.admin.firedFaults() - (holds ? killedAt.length : 0);
    server.admin.clearFaults();
    const left = await drain(runtime, home);
    return {
      seed, runtime: runtime.name, profile, sessions: attempts.length, point, killedAt, rival: plan.rival && killedAt.length > 0,
      release: killedAt.length > 0 && holds ? plan.release : null,
      faults, faultsFired,
      confirmed: attempts.filter((a) => a.confirmed).length, confirmedAfterKill,
      ...judge(server, home, attempts, imported?.keys ?? []), leftInQueue: left,
    };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** Syncs until the queue is empty (waiting out reconciliation grace); returns what is left. */
async function drain(runtime: Runtime, home: string): Promise<number> {
  let left = pendingCount(home);
  for (let i = 0; i < 20 && left > 0; i++) {
    if (i > 0) await sleep(500);
    await launch(runtime.drain(home)).done;
    left = pendingCount(home);
  }
  return left;
}

/** The promise, checked against the server's sessions and the local history. */
function judge(server: TestServer, home: string, attempts: Attempt[], importKeys: string[]) {
  const onServer = new Map<string, number>();
  for (const s of server.admin.sessions()) {
    const key = `${s.bookId}|${s.startTime}|${s.endTime}`;
    onServer.set(key, (onServer.get(key) ?? 0) + 1);
  }
  const inHistory = new Map<string, number>();
  for (const key of historyKeys(home)) inHistory.set(key, (inHistory.get(key) ?? 0) + 1);
  const expected = new Set([...attempts.map((a) => a.key), ...importKeys]);
  const lost = [
    ...attempts.filter((a) => a.confirmed && !onServer.has(a.key)).map((a) => a.key),
    ...importKeys.filter((k) => !onServer.has(k)).map((k) => `${k} (imported)`),
    ...[...inHistory.keys()].filter((k) => !onServer.has(k)).map((k) => `${k} (in history only)`),
  ];
  const duplicated = [...onServer].filter(([, n]) => n > 1).map(([k, n]) => `${k} ×${n}`);
  const unexpected = [...onServer.keys()].filter((k) => !expected.has(k));
  const historyMismatch = [...onServer.keys()].filter((k) => inHistory.get(k) !== 1).map((k) => `${k} in history ×${inHistory.get(k) ?? 0}`);
  return { lost, duplicated, unexpected, historyMismatch };
}

export interface TortureOptions {
  runtime?: RuntimeName;
  /** Kill points to choose from (default: all of the runtime's, by weight). */
  points?: KillPoint[];
}

export interface TortureSummary {
  runtime: RuntimeName;
  trials: number;
  kills: number;
  killsByPoint: Record<string, number>;
  /** Trials whose victim never reached its point (e.g. a fault stopped it before any upload). */
  missedByPoint: Record<string, number>;
  rivals: number;
  faultsAdded: number;
  faultsFired: number;
  sessions: number;
  confirmed: number;
  confirmedAfterKill: number;
  lost: number;
  duplicated: number;
  unexpected: number;
  historyMismatch: number;
  stuck: number;
  failures: TrialResult[];
}

export function failed(r: TrialResult): boolean {
  return r.lost.length + r.duplicated.length + r.unexpected.length + r.historyMismatch.length > 0 || r.leftInQueue > 0;
}

export async function torture(trials: number, firstSeed: number, onTrial: (r: TrialResult) => void = () => {}, options: TortureOptions = {}): Promise<TortureSummary> {
  const servers = { fork: await start({ port: 0, profile: 'fork' }), upstream: await start({ port: 0, profile: 'upstream' }) };
  const summary: TortureSummary = {
    runtime: options.runtime ?? 'node', trials: 0, kills: 0, killsByPoint: {}, missedByPoint: {}, rivals: 0, faultsAdded: 0, faultsFired: 0,
    sessions: 0, confirmed: 0, confirmedAfterKill: 0, lost: 0, duplicated: 0, unexpected: 0, historyMismatch: 0, stuck: 0, failures: [],
  };
  try {
    for (let i = 0; i < trials; i++) {
      const r = await runTrial(servers, firstSeed + i, options);
      summary.trials++;
      if (r.killedAt.length > 0) {
        summary.kills += r.killedAt.length;
        summary.killsByPoint[r.point] = (summary.killsByPoint[r.point] ?? 0) + r.killedAt.length;
      } else {
        summary.missedByPoint[r.point] = (summary.missedByPoint[r.point] ?? 0) + 1;
      }
      if (r.rival) summary.rivals++;
      summary.faultsAdded += r.faults.length;
      summary.faultsFired += r.faultsFired;
      summary.sessions += r.sessions;
      summary.confirmed += r.confirmed;
      summary.confirmedAfterKill += r.confirmedAfterKill;
      summary.lost += r.lost.length;
      summary.duplicated += r.duplicated.length;
      summary.unexpected += r.unexpected.length;
      summary.historyMismatch += r.historyMismatch.length;
      if (r.leftInQueue > 0) summary.stuck++;
      if (failed(r)) summary.failures.push(r);
      onTrial(r);
    }
  } finally {
    await servers.fork.close();
    await servers.upstream.close();
  }
  return summary;
}
