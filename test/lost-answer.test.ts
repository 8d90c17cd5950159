// Issue 17: a lost answer is settled at the next Sync Now, and the summary counts each session
// once. The real CLI, a real queue file and the bundled server; where the grace matters, time is
// the engine's clock port (or stored check times are moved), never a sleep.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { connect } from '../src/app/booklore-connection.js';
import { SyncEngine } from '../src/core/sync/sync-engine.js';
import { nodeRuntime } from '../src/node/node-runtime.js';
import { LocalStore } from '../src/node/sqlite/local-store.js';
import { SqliteSyncStore } from '../src/store/sqlite-sync-store.js';
import { assertExactlyOnce, BOOKS, expectedOf, sessionsFor, syncFixture, withClosing } from './helpers/sync-fixture.js';

const SESSION_PATHS = /^\/api\/v1\/reading-sessions/;

test("the issue's case: the first batch is stored and its answer dropped; Sync Now counts 30 sessions, not 40, and the second Sync Now settles the 10 with one list request and nothing sent", async () => {
  await withClosing(syncFixture({ profile: 'fork' }), async (f) => {
    const pride = sessionsFor(BOOKS.pride, 10);
    const war = sessionsFor(BOOKS.artOfWar, 10, 100);
    const nemo = sessionsFor(BOOKS.nemo, 10, 200);
    f.enqueue([...pride, ...war, ...nemo]);
    f.server.admin.addFaults({ rules: ['drop-after-commit,path=/api/v1/reading-sessions/batch,count=1'] });
    const env = { BOOKLORE_SYNC_RECONCILE_GRACE_SECONDS: '60' };
    const first = await f.cli(['sync'], { env });
    assert.equal(first.code, 3, first.stderr);
    assert.match(first.stdout, /^20 uploaded, 10 sessions sent without an answer: sync again to check the server for them, 0 still queued$/m);
    const mark = f.server.admin.requests().length;
    const second = await f.sync([], { env });
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.report.reconciled, 10);
    assert.equal(second.report.uploaded, 0);
    assert.equal(second.report.nextCheckAt, null);
    const traffic = f.server.admin.requests().slice(mark).filter((r) => SESSION_PATHS.test(r.path));
    assert.equal(traffic.length, 1, `one list request: ${traffic.map((r) => `${r.method} ${r.path}`).join(', ')}`);
    assert.match(`${traffic[0]!.method} ${traffic[0]!.path}`, /^GET \/api\/v1\/reading-sessions\/book\/[123]$/);
    assertExactlyOnce(f.server, [...expectedOf(pride, 1), ...expectedOf(war, 2), ...expectedOf(nemo, 3)]);
    assert.equal((await f.history()).length, 30);
  });
});

/** Marks the queued sessions as sent by a sync whose answer was lost, re-sendable from `resendAfter`. */
function markLost(home: string, resendAfter: number): number {
  const db = new Database(join(home, 'booklore-sync.sqlite'));
  try {
    return db
      .prepare("UPDATE pending_sessions SET upload_state = 'sending', attempt_started_at = @at, reconcile_after = @after, last_error = 'outcome unknown (test)'")
      .run({ at: resendAfter - 60, after: resendAfter }).changes;
  } finally {
    db.close();
  }
}

test('a check asked for before the grace ended, answered after it, re-sends nothing (the clock is the engine\'s port)', async () => {
  await withClosing(syncFixture({ profile: 'fork' }), async (f) => {
    const sessions = sessionsFor(BOOKS.pride, 5);
    f.enqueue(sessions);
    const graceEnds = 1_790_000_000;
    assert.equal(markLost(f.home, graceEnds), 5);
    let clock = graceEnds - 1;
    const runtime = nodeRuntime(f.home);
    const syncAt = async () => {
      const store = LocalStore.open(f.home);
      try {
        const engine = new SyncEngine(
          { store: new SqliteSyncStore(store.db, f.server.url, null, () => clock), api: connect(runtime, runtime.settings.load()), now: () => clock, random: () => 0.5 },
          { reconcileGraceSeconds: 60 },
        );
        return await engine.run();
      } finally {
        store.close();
      }
    };
    // The list answers slowly; while it is on the way the grace ends.
    f.server.admin.addFaults({ rules: ['delay=600,path=/api/v1/reading-sessions/book/1,count=1'] });
    const moved = setTimeout(() => (clock = graceEnds + 5), 200);
    const early = await syncAt();
    clearTimeout(moved);
    assert.equal(clock, graceEnds + 5, 'the grace ended during the check');
    assert.equal(early.uploaded, 0, 'a list asked for before the grace may miss a request still being stored: nothing re-sent');
    assert.equal(early.unknown, 5);
    assert.equal(early.nextCheckAt, graceEnds, 'checked again once the grace has passed');
    assert.equal(f.server.admin.requests().filter((r) => r.method === 'POST' && SESSION_PATHS.test(r.path)).length, 0);
    const late = await syncAt();
    assert.equal(late.uploaded, 5, 'checked after the grace, not found: sent once');
    assert.equal(late.unknown, 0);
    assertExactlyOnce(f.server, expectedOf(sessions, 1));
  });
});

test('sessions not found yet are looked for by every sync, and re-sent by none before the grace', async () => {
  await withClosing(syncFixture({ profile: 'fork' }), async (f) => {
    const sessions = sessionsFor(BOOKS.pride, 3);
    f.enqueue(sessions);
    const graceEnds = Math.floor(Date.now() / 1000) + 3600;
    markLost(f.home, graceEnds);
    for (let i = 0; i < 2; i++) {
      const mark = f.server.admin.requests().length;
      const result = await f.sync();
      assert.equal(result.code, 3);
      assert.equal(result.report.unknown, 3);
      assert.equal(Date.parse(result.report.nextCheckAt) / 1000, graceEnds);
      const traffic = f.server.admin.requests().slice(mark).filter((r) => SESSION_PATHS.test(r.path));
      assert.deepEqual(traffic.map((r) => `${r.method} ${r.path}`), ['GET /api/v1/reading-sessions/book/1']);
    }
    assert.equal(f.server.admin.sessionCount(), 0, 'nothing re-sent');
  });
});
