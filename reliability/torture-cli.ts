// `npm run torture -- --trials N [--seed S] [--runtime node|lua] [--points in-flight,settle,…]`:
// runs the crash torture and prints its figures, with kills per point; exits non-zero on any
// violation, naming the seed that reproduces it.
import { AT_RISK_POINTS, parsePoints, type KillPoint } from './kill-points.js';
import { failed, torture } from './torture.js';
import type { RuntimeName } from './torture-runtime.js';

function text(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index < 0 ? undefined : process.argv[index + 1];
}

function option(name: string, fallback: number): number {
  const raw = text(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    process.stderr.write(`torture: ${name} takes a whole number\n`);
    process.exit(2);
  }
  return value;
}

const trials = option('--trials', 50);
const seed = option('--seed', Math.floor(Date.now() / 1000) % 1_000_000);
const runtime = (text('--runtime') ?? 'node') as RuntimeName;
if (runtime !== 'node' && runtime !== 'lua') {
  process.stderr.write('torture: --runtime takes node or lua\n');
  process.exit(2);
}
let points: KillPoint[] | undefined;
try {
  points = text('--points') === undefined ? undefined : parsePoints(text('--points')!);
} catch (err) {
  process.stderr.write(`torture: ${(err as Error).message}\n`);
  process.exit(2);
}
const started = Date.now();
const summary = await torture(
  trials,
  seed,
  (r) => {
    const bad = failed(r);
    process.stderr.write(
      `${bad ? 'FAIL' : 'ok  '} seed ${r.seed} ${r.runtime} ${r.profile} sessions=${r.sessions} confirmed=${r.confirmed}(${r.confirmedAfterKill} after a kill) killed=${r.killedAt.length > 0 ? r.killedAt.join(' & ') : `(${r.point} not reached)`} fired=${r.faultsFired} faults=[${r.faults.join(' ')}]` +
        `${bad ? ` lost=${r.lost.join(',')} duplicated=${r.duplicated.join(',')} unexpected=${r.unexpected.join(',')} history=${r.historyMismatch.join(',')} left=${r.leftInQueue}` : ''}\n`,
    );
  },
  { runtime, ...(points ? { points } : {}) },
);
const seconds = Math.round((Date.now() - started) / 1000);
const perPoint = (counts: Record<string, number>) => Object.entries(counts).map(([p, n]) => `${p} ${n}`).join(', ') || 'none';
const atRiskPoints = AT_RISK_POINTS.reduce((sum, p) => sum + (summary.killsByPoint[p] ?? 0), 0);
process.stdout.write(
  [
    `runtime:         ${summary.runtime}`,
    `trials:          ${summary.trials} (seeds ${seed}–${seed + trials - 1}, ${seconds} s)`,
    `sessions:        ${summary.sessions} (${summary.confirmed} confirmed, ${summary.confirmedAfterKill} of them found committed after a kill)`,
    `kills (SIGKILL): ${summary.kills}: ${perPoint(summary.killsByPoint)}; in flight (held or frozen) or settling ${atRiskPoints} (${summary.kills ? Math.round((100 * atRiskPoints) / summary.kills) : 0} %)`,
    `point not reached: ${perPoint(summary.missedByPoint)}`,
    `faults:          ${summary.faultsFired} fired (of ${summary.faultsAdded} rules added)`,
    `lost:            ${summary.lost}`,
    `duplicated:      ${summary.duplicated}`,
    `unexpected:      ${summary.unexpected}`,
    `history ≠ server: ${summary.historyMismatch}`,
    `left queued:     ${summary.stuck}`,
  ].join('\n') + '\n',
);
if (summary.failures.length > 0) {
  process.stdout.write(`VIOLATION: reproduce with \`npm run torture -- --runtime ${runtime} --trials 1 --seed ${summary.failures[0]!.seed}${points ? ` --points ${points.join(',')}` : ''}\`\n`);
  process.exit(1);
}
