// The sync lease (X5): one sync at a time per queue database, across processes and runtimes (the
// Node tool and the KOReader plugin take the same row; the original plugin does not take part).
// A holder on this host whose process is gone, or any holder whose lease has expired, is taken
// over; a holder on this host whose pid is alive, once its lease is long expired (the pid may be
// another process now: after a power loss a device boots to the same pids). Written against the SqlDatabase port and a LeaseEnvironment, so both runtimes run this code.
import type { SqlDatabase } from './sql-database.js';
import { SYNC_LEASE_SQL as SQL } from './sql/sync-lease-sql.js';

export interface LeaseRow {
  owner: string;
  pid: number;
  host: string;
  expires_at: number;
}

/**
 * What the lease needs from the runtime it runs in: who this process is, whether another one is
 * alive, a clock and a pause (Node: store/node-lease-environment.ts; KOReader:
 * koplugin/src/process-info.ts).
 */
export interface LeaseEnvironment {
  /** This machine's name: a holder on the same host is judged by its process, others by expiry. */
  readonly host: string;
  readonly pid: number;
  /** Whether process `pid` on this host still runs; null when that cannot be told (then the lease's expiry decides). */
  isAlive(pid: number): boolean | null;
  /** A few random hex digits, so this holder is not mistaken for an earlier process with the same pid. */
  randomTag(): string;
  /** Wall clock, milliseconds since the epoch. */
  nowMs(): number;
  /** Waits between two tries to take the lease (in KOReader it blocks: the plugin is single-threaded). */
  pause(ms: number): Promise<void>;
}

/**
 * How long past its expiry a same-host holder with a live pid is still believed. Live holders renew
 * every third of the lifetime between requests, so only a pid reused by another process (or a
 * holder stuck far beyond any request timeout) stays silent this long.
 */
export const SAME_HOST_EXPIRY_GRACE_SECONDS = 300;

export class SyncLease {
  readonly owner: string;
  private lastRenewMs = 0;
  private held = false;
  private readonly statements;

  constructor(
    private readonly db: SqlDatabase,
    private readonly env: LeaseEnvironment,
    private readonly ttlSeconds = 60,
  ) {
    this.owner = `${env.host}:${env.pid}:${env.randomTag()}`;
    this.statements = {
      holder: db.prepare(SQL.holder),
      take: db.prepare(SQL.take),
      renew: db.prepare(SQL.renew),
      release: db.prepare(SQL.release),
    };
  }

  private nowSeconds(): number {
    return Math.floor(this.env.nowMs() / 1000);
  }

  /** Who holds the lease now, if anyone alive does. */
  holder(): LeaseRow | null {
    const row = this.statements.holder.get() as LeaseRow | undefined;
    if (row === undefined || this.isStale(row)) return null;
    return row;
  }

  private isStale(row: LeaseRow): boolean {
    const now = this.nowSeconds();
    if (row.host === this.env.host) {
      const alive = this.env.isAlive(row.pid);
      if (alive === false) return true;
      if (alive === true) return row.expires_at + SAME_HOST_EXPIRY_GRACE_SECONDS < now;
    }
    return row.expires_at < now;
  }

  /** Takes the lease if it is free; false when another live process holds it. */
  tryAcquire(): boolean {
    const taken = this.db
      .transaction(() => {
        const row = this.statements.holder.get() as LeaseRow | undefined;
        if (row !== undefined && row.owner !== this.owner && !this.isStale(row)) return false;
        const now = this.nowSeconds();
        this.statements.take.run(this.owner, this.env.pid, this.env.host, now, now + this.ttlSeconds);
        return true;
      })
      .immediate();
    if (taken) {
      this.held = true;
      this.lastRenewMs = this.env.nowMs();
    }
    return taken;
  }

  /** Tries every `pollMs` until the lease is ours or `timeoutMs` passes. */
  async acquire(timeoutMs: number, pollMs = 100): Promise<boolean> {
    const deadline = this.env.nowMs() + timeoutMs;
    for (;;) {
      if (this.tryAcquire()) return true;
      if (this.env.nowMs() >= deadline) return false;
      await this.env.pause(pollMs);
    }
  }

  /** Extends the lease; false if another process has taken it (then the caller must stop sending). */
  renew(): boolean {
    if (!this.held) return false;
    // Renewing at a third of the lifetime is enough: nobody may take a lease that has not expired.
    if (this.env.nowMs() - this.lastRenewMs < (this.ttlSeconds * 1000) / 3) return true;
    const now = this.nowSeconds();
    const changes = this.statements.renew.run(now + this.ttlSeconds, this.owner).changes;
    this.held = changes === 1;
    if (this.held) this.lastRenewMs = this.env.nowMs();
    return this.held;
  }

  release(): void {
    if (!this.held || !this.db.open) return;
    this.statements.release.run(this.owner);
    this.held = false;
  }
}
