// X5: one sync at a time per database, across processes. A lease row in the database itself:
// taken in a write transaction, renewed while syncing, released at the end. A holder that died
// (same host, pid gone) or stopped renewing long ago is taken over; a live one is waited for.
import type Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { SYNC_LEASE_SQL as SQL } from './sql/sync-lease-sql.js';

interface LeaseRow {
  owner: string;
  pid: number;
  host: string;
  expires_at: number;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class SyncLease {
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private lastRenewMs = 0;
  private held = false;

  constructor(
    private readonly db: Database.Database,
    private readonly ttlSeconds = 60,
  ) {}

  private nowSeconds(): number {
    return Math.floor(Date.now() / 1000);
  }

  /** Who holds the lease now, if anyone alive does. */
  holder(): LeaseRow | null {
    const row = this.db.prepare(SQL.holder).get() as LeaseRow | undefined;
    if (!row || this.isStale(row)) return null;
    return row;
  }

  private isStale(row: LeaseRow): boolean {
    if (row.host === hostname()) return !processAlive(row.pid);
    return row.expires_at < this.nowSeconds();
  }

  /** Takes the lease if it is free; false when another live process holds it. */
  tryAcquire(): boolean {
    const taken = this.db
      .transaction(() => {
        const row = this.db.prepare(SQL.holder).get() as LeaseRow | undefined;
        if (row && row.owner !== this.owner && !this.isStale(row)) return false;
        const now = this.nowSeconds();
        this.db
          .prepare(SQL.take)
          .run(this.owner, process.pid, hostname(), now, now + this.ttlSeconds);
        return true;
      })
      .immediate();
    if (taken) {
      this.held = true;
      this.lastRenewMs = Date.now();
    }
    return taken;
  }

  /** Waits (polling) until the lease is ours or `timeoutMs` passes. */
  async acquire(timeoutMs: number, pollMs = 100): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.tryAcquire()) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  /** Extends the lease; false if another process has taken it (then the caller must stop sending). */
  renew(): boolean {
    if (!this.held) return false;
    // Renewing at a third of the lifetime is enough: nobody may take a lease that has not expired.
    if (Date.now() - this.lastRenewMs < (this.ttlSeconds * 1000) / 3) return true;
    const now = this.nowSeconds();
    const changes = this.db
      .prepare(SQL.renew)
      .run(now + this.ttlSeconds, this.owner).changes;
    this.held = changes === 1;
    if (this.held) this.lastRenewMs = Date.now();
    return this.held;
  }

  release(): void {
    if (!this.held || !this.db.open) return;
    this.db.prepare(SQL.release).run(this.owner);
    this.held = false;
  }
}
