// `npm run torture -- --trials N [--seed S]`: runs the crash torture and prints its figures; exits
// non-zero on any violation, naming the seed that reproduces it.
import { torture } from './torture.js';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(name);
  if (index < 0) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isInteger(value) || value < 0) {
    process.stderr.write(`torture: ${name} takes a whole number\n`);
    process.exit(2);
  }
  return value;
}

const trials = option('--trials', 50);
const seed = option('--seed', Math.floor(Date.now() / 1000) % 1_000_000);
const started = Date.now();
const summary = await torture(trials, seed, (r) => {
  const bad = r.lost.length + r.duplicated.length + r.unexpected.length > 0 || r.leftInQueue > 0;
  process.stderr.write(`${bad ? 'FAIL' : 'ok  '} seed ${r.seed} ${r.profile} sessions=${r.sessions} kills=${r.kills} faults=[${r.faults.join(' ')}]${bad ? ` lost=${r.lost.join(',')} duplicated=${r.duplicated.join(',')} unexpected=${r.unexpected.join(',')} left=${r.leftInQueue}` : ''}\n`);
});
const seconds = Math.round((Date.now() - started) / 1000);
process.stdout.write(
  [
    `trials:          ${summary.trials} (seeds ${seed}–${seed + trials - 1}, ${seconds} s)`,
    `sessions:        ${summary.sessions}`,
    `kills (SIGKILL): ${summary.kills}`,
    `faults injected: ${summary.faultsInjected}`,
    `lost:            ${summary.lost}`,
    `duplicated:      ${summary.duplicated}`,
    `unexpected:      ${summary.unexpected}`,
    `left queued:     ${summary.stuck}`,
  ].join('\n') + '\n',
);
if (summary.failures.length > 0) {
  process.stdout.write(`VIOLATION: reproduce with \`npm run torture -- --trials 1 --seed ${summary.failures[0]!.seed}\`\n`);
  process.exit(1);
}
