// Bad-input fuzzing at CI size: every fuzzer with a fixed seed (`npm run fuzz` runs larger ones).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { REPO_ROOT } from './helpers/cli.js';

const WORKER = join(REPO_ROOT, 'dist', 'reliability', 'fuzz-worker.js');

/** Fixed seeds and CI-sized case counts, per fuzzer. */
const FUZZ_RUNS: [string, number, number][] = [
  ['sessions', 20261125, 20_000],
  ['cli', 20261125, 1500],
  ['settings', 20261125, 500],
  ['responses', 20261125, 120],
  ['databases', 20261125, 120],
  ['statistics', 20261125, 150],
];

for (const [name, seed, cases] of FUZZ_RUNS) {
  test(`fuzzing ${name} (seed ${seed}): every case handled, nothing lost`, async (t) => {
    const { stdout } = await promisify(execFile)(process.execPath, [WORKER, name, String(seed), String(cases)], { maxBuffer: 16 << 20, timeout: 240_000 });
    const result = JSON.parse(stdout.trim().split('\n').pop()!) as { name: string; cases: number; failures: string[] };
    t.diagnostic(`${result.name}: ${result.cases} cases tried`);
    assert.deepEqual(result.failures, []);
    assert.ok(result.cases >= cases);
  });
}
