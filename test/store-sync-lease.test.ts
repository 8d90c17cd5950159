// The sync lease (X5) on a real queue file: who may take it over, and when.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, test } from 'node:test';
import { LocalStore } from '../src/node/sqlite/local-store.js';
import { nodeLeaseEnvironment } from '../src/node/node-lease-environment.js';
import { SAME_HOST_EXPIRY_GRACE_SECONDS, SyncLease } from '../src/store/sync-lease.js';
import { tempDir } from './helpers/cli.js';

const dirs: (() => void)[] = [];
after(() => dirs.forEach((cleanup) => cleanup()));

function store(): LocalStore {
  const dir = tempDir('bls-lease-');
  dirs.push(dir.cleanup);
  return LocalStore.open(dir.path);
}

function holdAs(s: LocalStore, row: { owner: string; pid: number; host: string; expiresAt: number }): void {
  s.db.prepare(`INSERT OR REPLACE INTO bls_sync_lease (id, owner, pid, host, acquired_at, expires_at) VALUES (1, ?, ?, ?, ?, ?)`)
    .run(row.owner, row.pid, row.host, row.expiresAt - 60, row.expiresAt);
}

const now = () => Math.floor(Date.now() / 1000);
const host = nodeLeaseEnvironment.host;

test('a live holder on this host keeps the lease, also a little past its expiry', () => {
  const s = store();
  try {
    holdAs(s, { owner: 'other', pid: process.pid, host, expiresAt: now() + 60 });
    assert.equal(new SyncLease(s.db, nodeLeaseEnvironment).tryAcquire(), false);
    holdAs(s, { owner: 'other', pid: process.pid, host, expiresAt: now() - 30 });
    assert.equal(new SyncLease(s.db, nodeLeaseEnvironment).tryAcquire(), false, 'a slow request may delay its renewal');
  } finally {
    s.close();
  }
});

test('a holder on this host whose process is gone is taken over at once', () => {
  const s = store();
  try {
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid!;
    holdAs(s, { owner: 'gone', pid: deadPid, host, expiresAt: now() + 60 });
    assert.equal(new SyncLease(s.db, nodeLeaseEnvironment).tryAcquire(), true);
  } finally {
    s.close();
  }
});

test('a live pid long past its lease is another process now (a device rebooted to the same pids): taken over', () => {
  const s = store();
  try {
    holdAs(s, { owner: 'before-power-loss', pid: process.pid, host, expiresAt: now() - SAME_HOST_EXPIRY_GRACE_SECONDS - 5 });
    const lease = new SyncLease(s.db, nodeLeaseEnvironment);
    assert.equal(lease.tryAcquire(), true);
    assert.equal(lease.holder()?.owner, lease.owner);
    lease.release();
    assert.equal(lease.holder(), null);
  } finally {
    s.close();
  }
});

test('a holder on another host is judged by its expiry alone', () => {
  const s = store();
  try {
    holdAs(s, { owner: 'laptop', pid: 1, host: 'some-other-host', expiresAt: now() + 60 });
    assert.equal(new SyncLease(s.db, nodeLeaseEnvironment).tryAcquire(), false);
    holdAs(s, { owner: 'laptop', pid: 1, host: 'some-other-host', expiresAt: now() - 1 });
    assert.equal(new SyncLease(s.db, nodeLeaseEnvironment).tryAcquire(), true);
  } finally {
    s.close();
  }
});
