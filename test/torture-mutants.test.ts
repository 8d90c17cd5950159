// The crash torture can fail: each deliberately broken variant of the store and the engine in
// reliability/mutants.json (the in-flight mark written late, history settled outside the queue's
// transaction, the lease ignored, the import ledger written first, reconciliations that trust a
// lost answer) must fail the torture, the fault matrix or a targeted test. `npm run
// torture:mutants -- --all` runs every check of every mutant (the README's table).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { AnchorError, applyPatches, loadMutants, runMutants } from '../reliability/mutants.js';
import { REPO_ROOT } from './helpers/cli.js';

test('every mutant anchor is found exactly once in the source', () => {
  for (const mutant of loadMutants()) {
    for (const file of new Set(mutant.patches.map((p) => p.file))) {
      const text = readFileSync(join(REPO_ROOT, file), 'utf8');
      const patched = applyPatches(text, mutant.patches.filter((p) => p.file === file), file, mutant.id);
      assert.notEqual(patched, text, `${mutant.id} changes ${file}`);
    }
  }
  assert.throws(() => applyPatches('a b', [{ file: 'x', find: 'c', replace: 'd' }], 'x', 'm'), AnchorError);
});

test('every mutant fails the torture, the fault matrix or a targeted test', { timeout: 15 * 60_000 }, async (t) => {
  const ids = loadMutants().map((m) => m.id);
  assert.ok(ids.length >= 5);
  const results = await runMutants({ quick: true, onCheck: (id, r) => t.diagnostic(`${id}: ${r.check}: ${r.caught ? `fails (${r.failing} of ${r.of})` : 'passes'} in ${r.seconds} s`) });
  assert.deepEqual(results.filter((r) => !r.caught).map((r) => r.id), [], 'no mutant survives');
  assert.deepEqual(results.map((r) => r.id), ids);
});
