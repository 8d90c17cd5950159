// Sessions a process left marked as sent when it died (no answer, no check time): the next sync
// looks for them on the server at once, but re-sends one it does not find only once the whole
// grace has passed since it was sent. Send times are whole seconds, so at "sent + grace" by the
// engine's clock as little as grace − 1 s may have passed (the crash torture found the duplicate
// this made: a batch the server stored 1.5 s after its sender died, re-sent after 1.0 s).
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { test } from 'node:test';
import { connect } from '../src/app/booklore-connection.js';
import { SyncEngine } from '../src/core/sync/sync-engine.js';
import { nodeRuntime } from '../src/node/node-runtime.js';
import { LocalStore } from '../src/node/sqlite/local-store.js';
import { SqliteSyncStore } from '../src/store/sqlite-sync-store.js';
import { assertExactlyOnce, BOOKS, expectedOf, sessionsFor, syncFixture, withClosing } from './helpers/sync-fixture.js';

const GRACE = 60;

test('sessions a dead process left in flight are re-sent only after the whole grace, not at sent + grace in whole seconds', async () => {
  await withClosing(syncFixture({ profile: 'fork' }), async (f) => {
    const sessions = sessionsFor(BOOKS.pride, 3);
    f.enqueue(sessions);
    const sentAt = 1_790_000_000;
    const db = new Database(join(f.home, 'booklore-sync.sqlite'));
    try {
      // what a process killed mid-request leaves: marked as sent, no check time
      db.prepare("UPDATE pending_sessions SET upload_state = 'sending', attempt_started_at = ?, reconcile_after = NULL").run(sentAt);
    } finally {
      db.close();
    }
    const runtime = nodeRuntime(f.home);
    const syncAt = async (clock: number) => {
      const store = LocalStore.open(f.home);
      try {
        const engine = new SyncEngine(
          { store: new SqliteSyncStore(store.db, f.server.url, null, () => clock), api: connect(runtime, runtime.settings.load()), now: () => clock, random: () => 0.5 },
          { reconcileGraceSeconds: GRACE },
        );
        return await engine.run();
      } finally {
        store.close();
      }
    };
    const atGrace = await syncAt(sentAt + GRACE);
    assert.equal(atGrace.uploaded, 0, 'at sent + grace by a whole-second clock, only grace − 1 s may have passed: not re-sent');
    assert.equal(atGrace.unknown, 3);
    const after = await syncAt(sentAt + GRACE + 1);
    assert.equal(after.uploaded, 3, 'a second later the whole grace has passed: not found, so sent once');
    assertExactlyOnce(f.server, expectedOf(sessions, 1));
  });
});
