// Settling an upload is one transaction: the session enters the history and leaves the queue
// together, or neither happens. A crash between the two writes is simulated with a trigger that
// fails the second one (a kill between two commits cannot be timed; a failing statement can).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { validateSession } from '../src/core/session.js';
import { LocalStore } from '../src/node/sqlite/local-store.js';
import { SqliteSyncStore } from '../src/store/sqlite-sync-store.js';

function withSendingSessions(body: (store: LocalStore, sync: SqliteSyncStore, ids: number[]) => void): void {
  const home = mkdtempSync(join(tmpdir(), 'bls-settle-'));
  const store = LocalStore.open(home);
  try {
    const ids: number[] = [];
    for (let i = 0; i < 2; i++) {
      const v = validateSession({ bookId: 1, startTime: 1_772_000_000 + i * 3600, endTime: 1_772_000_000 + i * 3600 + 1800 });
      assert.ok(v.ok);
      const queued = store.queue.enqueue(v.session, 'record');
      assert.ok(queued.queued);
      ids.push(queued.id);
    }
    const sync = new SqliteSyncStore(store.db, 'http://server.invalid', null, store.nowSeconds);
    sync.markSending(ids, store.nowSeconds());
    body(store, sync, ids);
  } finally {
    store.close();
    rmSync(home, { recursive: true, force: true });
  }
}

test('settleUploaded: when leaving the queue fails, nothing enters the history', () => {
  withSendingSessions((store, sync, ids) => {
    store.db.exec("CREATE TEMP TRIGGER crash_on_remove BEFORE DELETE ON pending_sessions BEGIN SELECT RAISE(ABORT, 'simulated crash'); END");
    assert.throws(() => sync.settleUploaded(ids.map((id) => ({ id, serverSessionId: 7 })), store.nowSeconds()), /simulated crash/);
    assert.equal(store.queue.history(10).length, 0, 'the history write was rolled back with the failed removal');
    assert.equal(sync.inFlightCount(), 2, 'still marked as sent, so the next sync checks the server');
    store.db.exec('DROP TRIGGER crash_on_remove');
    sync.settleUploaded(ids.map((id) => ({ id, serverSessionId: 7 })), store.nowSeconds());
    assert.equal(store.queue.history(10).length, 2);
    assert.equal(store.queue.pendingCount(), 0);
  });
});

test('settleUploaded: when entering the history fails, the sessions stay queued as sent', () => {
  withSendingSessions((store, sync, ids) => {
    store.db.exec("CREATE TEMP TRIGGER crash_on_archive BEFORE INSERT ON historical_sessions BEGIN SELECT RAISE(ABORT, 'simulated crash'); END");
    assert.throws(() => sync.settleUploaded(ids.map((id) => ({ id, serverSessionId: null })), store.nowSeconds()), /simulated crash/);
    assert.equal(sync.inFlightCount(), 2, 'nothing left the queue');
    assert.equal(store.queue.history(10).length, 0);
  });
});
