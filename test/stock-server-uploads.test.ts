// Fast uploads without a batch endpoint (upstream profile: stock BookLore, Grimmory): several
// single POSTs in flight, bounded (default 8, `--parallel-uploads`), each session marked as sent
// before its own request, so exactly-once (X1) and poison isolation (X2) still hold.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TestServer } from '../src/testserver/index.js';
import { BOOKS, assertExactlyOnce, expectedOf, passReconcileGrace, sessionsFor, syncFixture, withClosing } from './helpers/sync-fixture.js';

/** The most single POSTs the server was working on at one time. */
function maxInFlight(server: TestServer): number {
  const posts = server.admin.requests().filter((r) => r.method === 'POST' && r.path === '/api/v1/reading-sessions');
  const edges: [number, number][] = [];
  for (const r of posts) {
    const start = Date.parse(r.at);
    edges.push([start, 1], [start + r.durationMs, -1]);
  }
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let max = 0;
  for (const [, d] of edges) max = Math.max(max, (now += d));
  return max;
}

test('upstream: single POSTs go several at a time (≤ 8), a poisoned session is parked alone, every other lands once', async () => {
  await withClosing(syncFixture({ profile: 'upstream', latencyMs: 60 }), async (f) => {
    f.server.admin.addFaults({ rules: ['reject-session,field=endLocation,equals=POISON'] });
    const pride = sessionsFor(BOOKS.pride, 30);
    pride[7]!.endLocation = 'POISON';
    const nemo = sessionsFor(BOOKS.nemo, 10, 100);
    f.enqueue([...pride, ...nemo]);
    const result = await f.sync();
    assert.equal(result.code, 3, result.stderr);
    assert.equal(result.report.uploaded, 39);
    assert.equal(result.report.parked, 1);
    const inFlight = maxInFlight(f.server);
    assert.ok(inFlight >= 4 && inFlight <= 8, `${inFlight} in flight`);
    const parked = (await f.pending()).filter((p: { state?: string; lastError: string }) => /POISON/.test(p.lastError));
    assert.equal(parked.length, 1);
    assertExactlyOnce(f.server, [...expectedOf(pride.filter((_, i) => i !== 7), 1), ...expectedOf(nemo, 3)]);
  });
});

test('upstream: a lost answer among parallel singles is checked before anything is re-sent (X1)', async () => {
  await withClosing(syncFixture({ profile: 'upstream', latencyMs: 20 }), async (f) => {
    const sessions = sessionsFor(BOOKS.pride, 20);
    f.enqueue(sessions);
    // The batch probe first, then singles: the 5th single is stored but its answer is lost.
    f.server.admin.addFaults({ rules: [{ action: 'delay', path: '/api/v1/reading-sessions', method: 'POST', delayMs: 1, count: 4 }, 'drop-after-commit,path=/api/v1/reading-sessions,method=POST,count=1'] });
    const first = await f.sync();
    assert.equal(first.code, 3);
    assert.equal(first.report.unknown, 1);
    passReconcileGrace(f.home);
    const second = await f.sync();
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.report.reconciled, 1);
    assertExactlyOnce(f.server, expectedOf(sessions, 1));
  });
});

test('--parallel-uploads 1 sends one at a time; bad values are refused (exit 2)', async () => {
  await withClosing(syncFixture({ profile: 'upstream', latencyMs: 30 }), async (f) => {
    const sessions = sessionsFor(BOOKS.pride, 8);
    f.enqueue(sessions);
    assert.equal((await f.cli(['sync', '--parallel-uploads', '0'])).code, 2);
    assert.equal((await f.sync(['--parallel-uploads', '1'])).code, 0);
    assert.equal(maxInFlight(f.server), 1);
    assertExactlyOnce(f.server, expectedOf(sessions, 1));
  });
});
