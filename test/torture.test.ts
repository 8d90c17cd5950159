// The crash torture at CI size, in both runtimes: one trial per kill point (the next seed if its
// victim never got there), each ending with every recorded session on the server exactly once,
// nothing else, and the history matching the server. `npm run torture -- --trials 1000 [--runtime
// lua]` gives the published figures; test/torture-mutants.test.ts proves the torture can fail.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { luaUnavailable, ensurePluginBuilt } from './helpers/koplugin.js';
import { pointsOf } from '../reliability/kill-points.js';
import { failed, torture, type TrialResult } from '../reliability/torture.js';
import type { RuntimeName } from '../reliability/torture-runtime.js';

async function trialPerPoint(runtime: RuntimeName, firstSeed: number): Promise<TrialResult[]> {
  const results: TrialResult[] = [];
  for (const [i, point] of pointsOf(runtime).entries()) {
    for (let attempt = 0; attempt < 3; attempt++) {
      const summary = await torture(1, firstSeed + i * 10 + attempt, (r) => results.push(r), { runtime, points: [point] });
      if (summary.kills > 0) break;
    }
  }
  return results;
}

function check(t: { diagnostic(message: string): void }, runtime: RuntimeName, results: TrialResult[]): void {
  for (const r of results) t.diagnostic(`seed ${r.seed} ${r.point}: ${r.killedAt.join(' & ') || 'not reached'}; sessions ${r.sessions}, confirmed ${r.confirmed}, faults fired ${r.faultsFired}`);
  assert.deepEqual(
    results.filter(failed).map((f) => ({ seed: f.seed, point: f.point, lost: f.lost, duplicated: f.duplicated, unexpected: f.unexpected, history: f.historyMismatch, left: f.leftInQueue })),
    [],
  );
  const killed = new Set(results.filter((r) => r.killedAt.length > 0).map((r) => r.point));
  assert.deepEqual([...killed].sort(), [...pointsOf(runtime)].sort(), 'every kill point was reached and killed');
}

describe('crash torture (CI size)', { concurrency: 1 }, () => {
  test('Node: every kill point, including in flight and frozen in flight', async (t) => {
    check(t, 'node', await trialPerPoint('node', 20261204));
  });

  const lua = luaUnavailable();
  test('Lua (the KOReader plugin under LuaJIT): every kill point that applies', { skip: lua?.skip ? lua.reason : false }, async (t) => {
    if (lua) throw new Error(lua.reason);
    await ensurePluginBuilt();
    check(t, 'lua', await trialPerPoint('lua', 20261304));
  });
});
