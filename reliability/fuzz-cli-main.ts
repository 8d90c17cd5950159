// `npm run fuzz -- [--seed S] [--scale K]`: every fuzzer, K times the CI case counts, each in its
// own process; prints the cases tried per entry point and exits non-zero on any failure.
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const WORKER = join(dirname(fileURLToPath(import.meta.url)), 'fuzz-worker.js');
const BASE: [string, number][] = [['sessions', 20_000], ['cli', 1500], ['settings', 500], ['responses', 120], ['databases', 120], ['statistics', 150]];

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(name);
  return index < 0 ? fallback : Number(process.argv[index + 1]);
}

const seed = option('--seed', 20261125);
const scale = option('--scale', 1);
let total = 0;
let failed = false;
for (const [name, cases] of BASE) {
  const { stdout } = await promisify(execFile)(process.execPath, [WORKER, name, String(seed), String(Math.round(cases * scale))], { maxBuffer: 64 << 20 });
  const result = JSON.parse(stdout.trim().split('\n').pop()!) as { name: string; cases: number; failures: string[] };
  total += result.cases;
  process.stdout.write(`${result.name.padEnd(28)} ${String(result.cases).padStart(8)} cases  ${result.failures.length === 0 ? 'ok' : `${result.failures.length} FAILURES`}\n`);
  for (const failure of result.failures) process.stdout.write(`  ${failure}\n`);
  failed ||= result.failures.length > 0;
}
process.stdout.write(`${'total'.padEnd(28)} ${String(total).padStart(8)} cases (seed ${seed})\n`);
process.exit(failed ? 1 : 0);
