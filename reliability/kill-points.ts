// Where the crash torture kills a process, and how often each point is chosen. Each point is
// reached by watching real state, not by timing: the bundled server says when it holds an upload
// (in-flight: before it processed it; after-commit: stored, answer not sent yet), and the probes
// (reliability/probe-points.ts) freeze the process when the store writes the lease row, settles
// history, or writes the import ledger. Only `startup` is a time (a random moment right after spawn).
import type { Prng } from './prng.js';
import type { RuntimeName } from './torture-runtime.js';

export const KILL_POINTS = ['startup', 'lease', 'in-flight', 'after-commit', 'settle', 'import'] as const;
export type KillPoint = (typeof KILL_POINTS)[number];

/** At least half of the kills at in-flight or settle: where a crash can lose or duplicate a session. */
const WEIGHTS: Record<RuntimeName, Partial<Record<KillPoint, number>>> = {
  node: { startup: 0.1, lease: 0.1, 'in-flight': 0.3, 'after-commit': 0.15, settle: 0.25, import: 0.1 },
  // the plugin has no import (KOReader's own statistics are the plugin's source only on the device)
  lua: { startup: 0.13, lease: 0.12, 'in-flight': 0.35, 'after-commit': 0.15, settle: 0.25 },
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

export function parsePoints(text: string): KillPoint[] {
  const points = text.split(',').map((p) => p.trim()).filter((p) => p !== '');
  for (const p of points) {
    if (!(KILL_POINTS as readonly string[]).includes(p)) throw new Error(`unknown kill point "${p}"; points are ${KILL_POINTS.join(', ')}`);
  }
  return points as KillPoint[];
}
