// Where the crash torture kills a process, and how often each point is chosen. Each point is
// reached by watching real state, not by timing: the bundled server says when it holds an upload
// (in-flight: before it processed it; after-commit: stored, answer not sent yet), and the probes
// (reliability/probe-points.ts) freeze the process when the store writes the lease row, settles
// history, or writes the import ledger. Only `startup` is a time (a random moment right after spawn).
import type { Prng } from './prng.js';
import type { RuntimeName } from './torture-runtime.js';

export const KILL_POINTS = ['startup', 'lease', 'in-flight', 'frozen', 'after-commit', 'settle', 'import', 'import-commit'] as const;
export type KillPoint = (typeof KILL_POINTS)[number];

/**
 * in-flight: killed while the server holds its upload (then the server processes or drops it);
 * frozen: the same, but first frozen (SIGSTOP, a device suspended mid-upload) while a rival sync runs
 *   past the reconcile grace; the held upload is then processed;
 * after-commit: killed while the server holds the answer to an upload it stored;
 * settle: killed inside the transaction that moves sessions from the queue to the history;
 * import: inside an import's transaction; import-commit: right after one committed.
 * At least half of the kills are in flight or at settle: where a crash can lose or duplicate a session.
 */
const WEIGHTS: Record<RuntimeName, Partial<Record<KillPoint, number>>> = {
  // settle is chosen more often than half would need: about a third of its trials never settle (faults)
  node: { startup: 0.07, lease: 0.08, 'in-flight': 0.25, frozen: 0.12, 'after-commit': 0.1, settle: 0.25, import: 0.07, 'import-commit': 0.06 },
  // the plugin has no import (KOReader's own statistics are the plugin's source only on the device)
  lua: { startup: 0.1, lease: 0.12, 'in-flight': 0.28, frozen: 0.1, 'after-commit': 0.15, settle: 0.25 },
};

export function pointsOf(runtime: RuntimeName): KillPoint[] {
  return KILL_POINTS.filter((p) => WEIGHTS[runtime][p] !== undefined);
}

/** A point for this trial, by weight, among `allowed` (default: every point of the runtime). */
export function choosePoint(rng: Prng, runtime: RuntimeName, allowed: readonly KillPoint[] = pointsOf(runtime)): KillPoint {
  const usable = allowed.filter((p) => WEIGHTS[runtime][p] !== undefined);
  if (usable.length === 0) throw new Error(`no kill point of ${allowed.join(', ')} applies to the ${runtime} runtime`);
  const total = usable.reduce((sum, p) => sum + WEIGHTS[runtime][p]!, 0);
  let pick = rng.next() * total;
  for (const point of usable) {
    pick -= WEIGHTS[runtime][point]!;
    if (pick < 0) return point;
  }
  return usable[usable.length - 1]!;
}

/** Kills where the session is on the wire or being settled. */
export const AT_RISK_POINTS: readonly KillPoint[] = ['in-flight', 'frozen', 'settle'];

export function parsePoints(text: string): KillPoint[] {
  const points = text.split(',').map((p) => p.trim()).filter((p) => p !== '');
  for (const p of points) {
    if (!(KILL_POINTS as readonly string[]).includes(p)) throw new Error(`unknown kill point "${p}"; points are ${KILL_POINTS.join(', ')}`);
  }
  return points as KillPoint[];
}
