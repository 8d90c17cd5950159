// The sync log table (migration 6): newest first, pruned to the newest 1,000, and the last sync of a
// trigger family (the daemon's) for "next automatic sync".
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LocalStore } from '../src/node/sqlite/local-store.js';
import { SyncLog } from '../src/store/sync-log.js';
import { tempDir } from './helpers/cli.js';

test('the sync log keeps the newest 1,000 syncs, newest first', () => {
  const dir = tempDir();
  const store = LocalStore.open(dir.path);
  try {
    const log = new SyncLog(store.db);
    for (let i = 1; i <= 1005; i++) {
      log.record({ startedAt: 1_770_000_000 + i, durationMs: i, trigger: i % 2 ? 'watch: interval' : 'ui', outcome: 'ok', uploaded: i, failed: 0, parked: 0, pending: 0, message: null });
    }
    assert.equal(store.db.prepare('SELECT COUNT(*) FROM bls_sync_log').pluck().get(), 1000);
    const recent = log.recent(100);
    assert.equal(recent.length, 100);
    assert.equal(recent[0]!.uploaded, 1005);
    assert.equal(recent[99]!.uploaded, 906);
    assert.equal(log.lastWithTrigger('watch:')!.uploaded, 1005);
    assert.equal(log.lastWithTrigger('ui')!.uploaded, 1004);
    assert.equal(log.lastWithTrigger('cron'), null);
  } finally {
    store.close();
    dir.cleanup();
  }
});
