// The crash torture at CI size (`npm run torture -- --trials 1000` gives the published figures).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { torture } from '../reliability/torture.js';

test('crash torture (CI size): every recorded session on the server exactly once, nothing else', async (t) => {
  const summary = await torture(10, 20261125);
  t.diagnostic(`trials ${summary.trials}, kills ${summary.kills}, faults fired ${summary.faultsFired}, sessions ${summary.sessions}, lost ${summary.lost}, duplicated ${summary.duplicated}`);
  assert.deepEqual(summary.failures.map((f) => ({ seed: f.seed, lost: f.lost, duplicated: f.duplicated, unexpected: f.unexpected, left: f.leftInQueue })), []);
  assert.equal(summary.trials, 10);
  assert.ok(summary.kills >= 5, 'processes were killed');
});
